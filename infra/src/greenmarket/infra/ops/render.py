"""The lag table in a terminal (rich) and as JSON (the API's shape)."""

from __future__ import annotations

import json

from rich.table import Table
from rich.text import Text

from greenmarket.infra.ops.api import GroupOut, LagOut
from greenmarket.infra.ops.evaluation import Status
from greenmarket.infra.ops.snapshot import LagSnapshot

STATUS_STYLE = {
    Status.OK: "green",
    Status.WARN: "yellow",
    Status.REWIND: "magenta",
    Status.STALL: "bold red",
    Status.STOP: "bold red",
    Status.ERR: "bold white on red",
}


def status_text(status: Status) -> Text:
    return Text(status.value, style=STATUS_STYLE[status])


def lag_table(snapshot: LagSnapshot | None) -> Table:
    table = Table(title="Consumer lag", expand=False, header_style="bold")
    for column, justify in [
        ("group / topic-partition", "left"),
        ("status", "left"),
        ("state", "left"),
        ("members", "right"),
        ("committed", "right"),
        ("end", "right"),
        ("lag", "right"),
        ("lag s", "right"),
        ("owner", "left"),
    ]:
        table.add_column(column, justify=justify)
    if snapshot is None:
        table.caption = "waiting for the first reading…"
        return table
    for group in snapshot.groups:
        table.add_row(
            Text(group.group, style="bold"),
            status_text(group.status),
            group.state,
            str(group.members),
            "",
            "",
            str(group.total_lag),
            f"{group.max_lag_seconds:.1f}",
            group.error or "",
            end_section=not group.partitions,
        )
        for i, p in enumerate(group.partitions):
            table.add_row(
                f"  {p.topic}[{p.partition}]",
                status_text(p.status),
                "",
                "",
                str(p.committed),
                str(p.end),
                str(p.lag),
                f"{p.lag_seconds:.1f}",
                p.owner or "-",
                end_section=i == len(group.partitions) - 1,
            )
    if not snapshot.groups:
        table.caption = "no consumer groups"
    return table


def lag_json(snapshot: LagSnapshot) -> str:
    body = LagOut(groups=[GroupOut.of(g) for g in snapshot.groups])
    return json.dumps(body.model_dump(by_alias=True, mode="json"), indent=2)
