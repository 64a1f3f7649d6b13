"""HTTP routes of the sagas service (CONTRACT §Trades and sagas)."""
