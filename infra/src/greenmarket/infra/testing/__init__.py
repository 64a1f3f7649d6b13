"""Test support: the pytest plugin in `fixtures` gives tests the real local stack."""
