"""The `kafka_consumergroup_*` metric family (names as kafka-lag-exporter / klag-exporter).

A custom collector renders the monitor's latest snapshot at scrape time, so a group or partition
that disappears disappears from /metrics too (Gauges with labels would keep stale series).
"""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client.core import REGISTRY, GaugeMetricFamily

from greenmarket.infra.ops.snapshot import LagSnapshot

PARTITION_LABELS = ["group", "topic", "partition"]


class LagCollector:
    def __init__(self) -> None:
        self.source: Callable[[], LagSnapshot | None] = lambda: None

    def collect(self):
        lag = GaugeMetricFamily(
            "kafka_consumergroup_group_lag", "Messages the group is behind, per partition", labels=PARTITION_LABELS
        )
        lag_seconds = GaugeMetricFamily(
            "kafka_consumergroup_group_lag_seconds",
            "Age in seconds of the oldest record the group has not consumed, per partition",
            labels=PARTITION_LABELS,
        )
        max_lag = GaugeMetricFamily(
            "kafka_consumergroup_group_max_lag", "Largest partition lag of the group", labels=["group"]
        )
        max_lag_seconds = GaugeMetricFamily(
            "kafka_consumergroup_group_max_lag_seconds",
            "Largest partition lag of the group in seconds",
            labels=["group"],
        )
        sum_lag = GaugeMetricFamily(
            "kafka_consumergroup_group_sum_lag", "Sum of the group's partition lags", labels=["group"]
        )
        topic_sum_lag = GaugeMetricFamily(
            "kafka_consumergroup_group_topic_sum_lag", "Sum of the group's lags per topic", labels=["group", "topic"]
        )
        status = GaugeMetricFamily(
            "kafka_consumergroup_group_status",
            "Burrow status of the group: 0 OK, 1 WARN, 2 REWIND, 3 STALL, 4 STOP, 5 ERR",
            labels=["group"],
        )
        snapshot = self.source()
        for group in snapshot.groups if snapshot else []:
            for p in group.partitions:
                labels = [group.group, p.topic, str(p.partition)]
                lag.add_metric(labels, p.lag)
                lag_seconds.add_metric(labels, p.lag_seconds)
            max_lag.add_metric([group.group], group.max_lag)
            max_lag_seconds.add_metric([group.group], group.max_lag_seconds)
            sum_lag.add_metric([group.group], group.total_lag)
            for topic, total in sorted(group.topic_lag().items()):
                topic_sum_lag.add_metric([group.group, topic], total)
            status.add_metric([group.group], group.status.code)
        return [lag, lag_seconds, max_lag, max_lag_seconds, sum_lag, topic_sum_lag, status]


# One collector per process (the Prometheus registry is global); the app points it at its monitor.
LAG_COLLECTOR = LagCollector()
REGISTRY.register(LAG_COLLECTOR)
