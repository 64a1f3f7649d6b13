"""Suite-wide test policy (the fixtures themselves come from greenmarket.infra.testing.fixtures)."""

import pytest

# Tests that SIGKILL, start or time processes next to Kafka and PostgreSQL on two shared cores.
# A failure there gets one rerun, and pytest's summary lists every rerun, so flakiness stays
# visible; a test that fails twice fails the run. No other test is ever rerun.
PROCESS_HEAVY_MODULES = {
    "test_gm_bad_day.py",
    "test_product_faust_agents.py",
    "test_chat_failover.py",
    "test_sagas_crash_recovery.py",
    "test_gm_system.py",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.name in PROCESS_HEAVY_MODULES:
            item.add_marker(pytest.mark.flaky(reruns=1, reruns_delay=2))
