"""Burrow's rules on hand-made windows: no Kafka needed."""

import pytest

from greenmarket.infra.ops.evaluation import PartitionWindow, Sample, Status, evaluate, worst

SIZE = 5


def window(*points, start=0, step=1.0):
    """points: (committed, end) pairs, one sample per second."""
    return [Sample(i * step, c, e, start) for i, (c, e) in enumerate(points)]


def judge(points, *, owned=True, size=SIZE, now=None, last_change_at=None, start=0):
    return evaluate(window(*points, start=start), size=size, owned=owned, now=now, last_change_at=last_change_at)


def test_empty_window_is_ok():
    assert evaluate([], size=SIZE, owned=None) is Status.OK


def test_caught_up_now_is_ok_even_if_it_was_stuck_before():
    assert judge([(5, 10), (5, 10), (5, 10), (5, 10), (10, 10)]) is Status.OK


def test_any_zero_lag_in_the_window_is_ok():
    assert judge([(10, 10), (10, 12), (10, 14), (10, 16), (10, 18)]) is Status.OK


def test_committed_beyond_the_end_is_err():
    assert judge([(5, 10), (12, 10)]) is Status.ERR


def test_committed_before_the_log_start_is_err():
    assert judge([(5, 10), (5, 12)], start=7) is Status.ERR


def test_err_wins_over_ok():
    assert judge([(10, 10), (12, 10)]) is Status.ERR


def test_offset_going_backwards_is_rewind():
    assert judge([(8, 10), (9, 11), (2, 11)]) is Status.REWIND


def test_rewind_is_seen_while_nobody_owns_the_partition():
    # Kafka only allows an offset reset on a group without members.
    assert judge([(8, 10), (8, 10), (2, 10), (2, 10), (2, 10)], owned=False) is Status.REWIND


def test_rewind_leaves_the_window_and_then_the_trend_rules_apply():
    assert judge([(2, 10), (2, 10), (2, 10), (2, 10), (2, 10)], owned=False) is Status.STOP


def test_unowned_and_unmoved_is_stop():
    assert judge([(5, 10), (5, 11), (5, 12)], owned=False) is Status.STOP


def test_unknown_ownership_and_unmoved_is_stop_like_burrow():
    assert judge([(5, 10), (5, 11), (5, 12), (5, 13), (5, 14)], owned=None) is Status.STOP


def test_stop_needs_the_offset_unmoved_for_as_long_as_the_window_spans():
    # Moved 1 s ago, window spans 4 s: not stopped yet.
    assert judge([(1, 10), (2, 11), (3, 12), (5, 13), (5, 14)], owned=False, last_change_at=3.0) is not Status.STOP
    assert judge([(5, 10), (5, 11), (5, 12)], owned=False, now=10.0, last_change_at=0.0) is Status.STOP


def test_stop_needs_two_samples():
    assert judge([(5, 10)], owned=False) is Status.OK


def test_owned_and_unmoved_over_a_full_window_is_stall():
    assert judge([(5, 10), (5, 11), (5, 12), (5, 12), (5, 13)], owned=True) is Status.STALL


def test_owned_and_unmoved_but_window_not_full_is_ok():
    assert judge([(5, 10), (5, 11), (5, 12)], owned=True) is Status.OK


def test_moving_but_lag_never_decreasing_is_warn():
    assert judge([(1, 10), (2, 12), (3, 14), (4, 15), (5, 17)]) is Status.WARN


def test_warn_needs_a_full_window():
    assert judge([(1, 10), (2, 12), (3, 14)]) is Status.OK


def test_lag_decreasing_once_is_ok():
    assert judge([(1, 10), (2, 12), (6, 13), (7, 14), (8, 16)]) is Status.OK


def test_moving_with_steady_nonzero_lag_is_warn_as_in_burrow():
    # "fixed or increasing" lag while the consumer moves: it is not catching up.
    assert judge([(1, 5), (2, 6), (3, 7), (4, 8), (5, 9)]) is Status.WARN


def test_unowned_but_moving_is_not_stop():
    assert judge([(1, 10), (3, 10), (5, 10), (7, 10), (8, 10)], owned=False) is Status.OK


def test_sample_lag_is_never_negative():
    assert Sample(0, 12, 10).lag == 0


class TestPartitionWindow:
    def test_keeps_only_the_last_size_samples(self):
        w = PartitionWindow(3)
        for i in range(10):
            w.add(Sample(i, i, i + 1))
        assert [s.committed for s in w.samples] == [7, 8, 9]

    def test_remembers_when_the_offset_last_moved_beyond_the_window(self):
        w = PartitionWindow(3)
        w.add(Sample(0, 5, 6))
        for t in range(1, 10):
            w.add(Sample(t, 7, 8 + t))
        assert w.last_change_at == 1
        assert w.evaluate(owned=False) is Status.STOP

    def test_goes_stop_then_ok_after_catching_up(self):
        w = PartitionWindow(3)
        for t, (c, e) in enumerate([(5, 5), (5, 7), (5, 9), (5, 11), (5, 13)]):
            w.add(Sample(t, c, e))
        assert w.evaluate(owned=False) is Status.STOP
        w.add(Sample(6, 13, 13))
        assert w.evaluate(owned=True) is Status.OK

    def test_a_window_needs_two_samples(self):
        with pytest.raises(ValueError):
            PartitionWindow(1)


def test_group_takes_its_worst_partition():
    assert worst([Status.OK, Status.WARN, Status.STALL]) is Status.STALL
    assert worst([Status.REWIND, Status.STOP]) is Status.STOP
    assert worst([Status.ERR, Status.STOP]) is Status.ERR
    assert worst([]) is Status.OK


def test_status_codes_are_ordered_by_severity():
    codes = [s.code for s in (Status.OK, Status.WARN, Status.REWIND, Status.STALL, Status.STOP, Status.ERR)]
    assert codes == sorted(codes) == list(range(6))


def test_an_unreadable_broker_turns_every_known_group_err():
    from greenmarket.infra.ops.monitor import LagMonitor
    from greenmarket.infra.ops.snapshot import GroupLag, LagSnapshot

    monitor = LagMonitor(reader=None, window_size=3)  # type: ignore[arg-type]
    monitor.publish(LagSnapshot(0.0, [GroupLag("g", "Stable", Status.OK, 1)]))
    failed = monitor.unreadable(ConnectionError("no broker"))
    assert [(g.group, g.status, g.state) for g in failed.groups] == [("g", Status.ERR, "Unknown")]
    assert "no broker" in failed.groups[0].error


def test_lag_seconds_is_zero_when_caught_up_or_unknown():
    from greenmarket.infra.ops.monitor import lag_seconds

    assert lag_seconds(0, 1_000, 10.0) == 0.0
    assert lag_seconds(5, None, 10.0) == 0.0
    assert lag_seconds(5, 4_000, 10.0) == 6.0
    assert lag_seconds(5, 12_000, 10.0) == 0.0  # a producer clock ahead of ours


class TestMonitorEvaluate:
    """LagMonitor.evaluate on hand-made broker readings: windows, owners, group status."""

    @staticmethod
    def reading(committed, ends, *, members=1, owners=None, error=None):
        from greenmarket.infra.ops.broker import BrokerReading, GroupReading

        group = GroupReading("g", "Stable" if members else "Empty", members, owners or {}, dict(committed), error)
        return BrokerReading([group], dict(ends), {tp: 0 for tp in ends})

    @staticmethod
    def monitor():
        from greenmarket.infra.ops.monitor import LagMonitor

        return LagMonitor(reader=None, window_size=3)  # type: ignore[arg-type]

    def test_group_takes_its_worst_partition_and_sums_lags(self):
        m = self.monitor()
        owners = {("t", 0): "w@h", ("t", 1): "w@h"}
        for t, end in enumerate([10, 12, 14]):
            snap = m.evaluate(
                self.reading({("t", 0): 5, ("t", 1): end}, {("t", 0): end, ("t", 1): end}, owners=owners),
                {},
                now=t,
                wall_clock=100.0,
            )
        (g,) = snap.groups
        assert [p.status for p in g.partitions] == [Status.STALL, Status.OK]
        assert g.status is Status.STALL and g.total_lag == 9 and g.max_lag == 9
        assert g.topic_lag() == {"t": 9}
        assert g.partitions[0].owner == "w@h"

    def test_a_group_without_members_goes_stop(self):
        m = self.monitor()
        for t in range(2):
            snap = m.evaluate(self.reading({("t", 0): 5}, {("t", 0): 9 + t}, members=0), {}, now=t, wall_clock=0.0)
        assert snap.groups[0].status is Status.STOP and snap.groups[0].partitions[0].owner is None

    def test_unknown_ownership_when_members_use_a_foreign_assignor(self):
        m = self.monitor()
        for t in range(3):
            snap = m.evaluate(self.reading({("t", 0): 5}, {("t", 0): 9 + t}, members=1), {}, now=t, wall_clock=0.0)
        assert snap.groups[0].status is Status.STOP  # Burrow's rule when we cannot tell who owns it

    def test_an_unreadable_group_is_err(self):
        snap = self.monitor().evaluate(self.reading({}, {}, error="GroupAuthorizationFailed"), {}, now=0, wall_clock=0)
        assert snap.groups[0].status is Status.ERR and snap.groups[0].error == "GroupAuthorizationFailed"

    def test_lag_seconds_comes_from_the_record_at_the_committed_offset(self):
        snap = self.monitor().evaluate(
            self.reading({("t", 0): 5}, {("t", 0): 9}), {("t", 0, 5): 40_000}, now=0, wall_clock=100.0
        )
        assert snap.groups[0].partitions[0].lag_seconds == 60.0 and snap.groups[0].max_lag_seconds == 60.0

    def test_windows_of_vanished_partitions_are_dropped(self):
        m = self.monitor()
        m.evaluate(self.reading({("t", 0): 1, ("t", 1): 1}, {("t", 0): 1, ("t", 1): 1}), {}, now=0, wall_clock=0)
        assert set(m.windows) == {("g", "t", 0), ("g", "t", 1)}
        m.evaluate(self.reading({("t", 0): 1}, {("t", 0): 1}), {}, now=1, wall_clock=0)
        assert set(m.windows) == {("g", "t", 0)}
