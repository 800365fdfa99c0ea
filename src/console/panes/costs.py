"""Pane 6: month-to-date cost, top services, daily spark bars, budgets, and "as of"."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from console import clock
from console.names import service_short_name
from console.panes.base import Detail, Pane, action_bindings
from console.sanitize import clean
from console.styles import BAD, GOOD, MUTED, cell
from console.widgets.keyed_table import Row
from probes.costs import Budget, CostSnapshot
from probes.result import ProbeResult

BARS = "▁▂▃▄▅▆▇█"


def spark(values: tuple[float, ...] | list[float]) -> str:
    """``▁▂▅█``: one character a day, scaled to the largest."""
    top = max(values, default=0)
    if top <= 0:
        return BARS[0] * len(values)
    return "".join(BARS[min(len(BARS) - 1, int(v / top * (len(BARS) - 1) + 0.5))]
                   for v in values)


def gauge(fraction: float, width: int = 10) -> str:
    filled = max(0, min(width, round(fraction * width)))
    return "█" * filled + "░" * (width - filled)


def budget_line(b: Budget) -> Text:
    style = BAD if b.exceeded else ("yellow" if b.used_fraction > 0.8 else GOOD)
    text = Text(gauge(b.used_fraction), style=style)
    text.append(f" {b.used_fraction:.0%} of {b.limit:,.0f} {clean(b.unit, limit=5)}",
                style=style)
    if b.forecast_fraction is not None:
        text.append(f" · forecast {b.forecast_fraction:.0%}",
                    style=BAD if b.forecast_fraction > 1 else "")
    if b.exceeded:
        text.append(" EXCEEDED", style=BAD)
    text.append(f"  {clean(b.name, limit=60)}", style=MUTED)
    return text


class CostsPane(Pane[CostSnapshot]):
    probe = "costs"
    title = "Costs"
    number = 6
    interval_s = 6 * 3600.0
    BINDINGS = action_bindings("costs")  # issue 5: L lifecycle policy, D delete NAT gateway
    columns = (("MTD", 9), ("Share", 5), ("Service", None, "name"))
    default_order = "largest first"
    ticking = True  # "as of 03:14 UTC, 2h05m ago" moves with the clock between results

    def data_time(self, result: ProbeResult[CostSnapshot]) -> datetime:
        return result.data.as_of if result.data is not None else result.fetched_at

    def status_line(self, s: CostSnapshot) -> Text:
        text = Text()
        text.append(f"{s.total:,.2f} {clean(s.currency, limit=5)}", style="bold")
        text.append(" month to date  ")
        text.append(spark(s.daily_totals), style="cyan")
        as_of_age = clock.duration((clock.now() - s.as_of).total_seconds(),
                                   seconds_below_10m=False)  # moves once a minute
        text.append(f"\nas of {clock.when(s.as_of)} UTC, {as_of_age} ago"
                    + (" (cached)" if s.from_cache else ""), style=MUTED)
        for b in s.budgets:
            text.append("\n")
            text.append_text(budget_line(b))
        for e in s.errors:
            text.append(f"\n⚠ {clean(e.summary(), limit=120)}", style="yellow")
        return text

    def rows(self, s: CostSnapshot) -> list[Row]:
        total = s.total or 1.0
        return [Row(x.service, (
            cell(f"{x.amount:,.2f}"),
            cell(f"{x.amount / total:.0%}"),
            cell(service_short_name(x.service), limit=80),
        ), search_text=f"{x.service} {service_short_name(x.service)}",
            sort_keys=(x.amount, x.amount, None), copy_text=x.service) for x in s.services]

    def summary(self, s: CostSnapshot) -> Text:
        text = Text(f"{s.total:,.0f} {clean(s.currency, limit=5)} MTD")
        if any(b.exceeded for b in s.budgets):
            text.append(" over budget", style=BAD)
        return text

    def detail(self, key: str) -> Detail | None:
        if self.data is None:
            return None
        service = next((x for x in self.data.services if x.service == key), None)
        if service is None:
            return None
        top = max(service.daily, default=0) or 1
        body = Text()
        body.append(f"{clean(service.service, limit=100)}: {service.amount:,.2f} "
                    f"{clean(self.data.currency, limit=5)} month to date\n\n", style="bold")
        for day, amount in zip(self.data.days, service.daily, strict=False):
            body.append(f"{day:%a %d %b}  {amount:>10,.2f}  ")
            body.append("█" * round(amount / top * 30) + "\n", style="cyan")
        body.append(f"\nas of {clock.iso(self.data.as_of)}", style=MUTED)
        return Detail(f"Daily cost: {clean(service.service, limit=60)}", body)
