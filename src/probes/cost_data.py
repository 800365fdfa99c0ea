"""What Cost Explorer and Budgets say, as frozen snapshots: month-to-date spend by service and
by day, and budgets against their limits; the parsers of their responses (`probes.costs` asks
for them and caches them)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from probes.errors import ErrorKind, ProbeError

METRIC = "UnblendedCost"


@dataclass(frozen=True)
class ServiceCost:
    service: str
    amount: float
    daily: tuple[float, ...]  # aligned with CostSnapshot.days


@dataclass(frozen=True)
class Budget:
    name: str
    limit: float
    actual: float
    forecast: float | None
    unit: str
    time_unit: str

    @property
    def used_fraction(self) -> float:
        return self.actual / self.limit if self.limit else 0.0

    @property
    def forecast_fraction(self) -> float | None:
        return self.forecast / self.limit if self.limit and self.forecast is not None else None

    @property
    def exceeded(self) -> bool:
        return self.limit > 0 and self.actual > self.limit


@dataclass(frozen=True)
class CostSnapshot:
    as_of: datetime  # when AWS was asked
    period_start: date
    period_end: date  # exclusive
    currency: str
    total: float
    days: tuple[date, ...]
    daily_totals: tuple[float, ...]
    services: tuple[ServiceCost, ...]  # most expensive first
    budgets: tuple[Budget, ...]
    from_cache: bool = False
    errors: tuple[ProbeError, ...] = field(default=())  # a part that failed (e.g. budgets)

    def top(self, n: int = 5) -> tuple[ServiceCost, ...]:
        return self.services[:n]

    def to_json(self) -> dict:
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat()
        data["period_start"] = self.period_start.isoformat()
        data["period_end"] = self.period_end.isoformat()
        data["days"] = [d.isoformat() for d in self.days]
        data["errors"] = [e.to_dict() for e in self.errors]
        return data

    @classmethod
    def from_json(cls, data: dict) -> CostSnapshot:
        return cls(
            as_of=datetime.fromisoformat(data["as_of"]),
            period_start=date.fromisoformat(data["period_start"]),
            period_end=date.fromisoformat(data["period_end"]),
            currency=data["currency"],
            total=float(data["total"]),
            days=tuple(date.fromisoformat(d) for d in data["days"]),
            daily_totals=tuple(float(x) for x in data["daily_totals"]),
            services=tuple(ServiceCost(s["service"], float(s["amount"]),
                                       tuple(float(x) for x in s["daily"]))
                           for s in data["services"]),
            budgets=tuple(Budget(**b) for b in data["budgets"]),
            from_cache=True,
            errors=tuple(ProbeError(ErrorKind(e["kind"]), e["message"], e["fix"],
                                    e.get("action"), e.get("code"))
                         for e in data.get("errors", [])),
        )


def month_to_date(today: date) -> tuple[date, date]:
    """[first of the month, tomorrow): today's partial spend included."""
    return today.replace(day=1), today + timedelta(days=1)


def parse_cost_and_usage(pages: list[dict], start: date, end: date) -> tuple[
        str, tuple[date, ...], tuple[float, ...], tuple[ServiceCost, ...]]:
    """Fold DAILY results grouped by SERVICE into per-day totals and per-service series."""
    days = tuple(start + timedelta(days=i) for i in range((end - start).days))
    index = {d: i for i, d in enumerate(days)}
    per_service: dict[str, list[float]] = {}
    currency = "USD"
    for page in pages:
        for period in page.get("ResultsByTime", []):
            day = date.fromisoformat(period["TimePeriod"]["Start"][:10])
            if day not in index:
                continue
            for group in period.get("Groups", []):
                name = (group.get("Keys") or ["Other"])[0]
                metric = group.get("Metrics", {}).get(METRIC) or next(
                    iter(group.get("Metrics", {}).values()), {})
                amount = float(metric.get("Amount", 0) or 0)
                currency = metric.get("Unit", currency) or currency
                per_service.setdefault(name, [0.0] * len(days))[index[day]] += amount
            if not period.get("Groups"):
                metric = (period.get("Total") or {}).get(METRIC) or {}
                if metric:
                    amount = float(metric.get("Amount", 0) or 0)
                    per_service.setdefault("Total", [0.0] * len(days))[index[day]] += amount
    # Amounts stay unrounded: many services cost fractions of a cent a day, and rounding
    # each day before summing loses them. Rounding is for display only.
    services = tuple(sorted(
        (ServiceCost(name, sum(series), tuple(series)) for name, series in per_service.items()),
        key=lambda s: (-s.amount, s.service)))
    daily = tuple(sum(s.daily[i] for s in services) for i in range(len(days)))
    return currency, days, daily, services


def parse_budgets(raw: list[dict]) -> tuple[Budget, ...]:
    budgets = []
    for b in raw:
        limit = (b.get("BudgetLimit") or {})
        spend = (b.get("CalculatedSpend") or {})
        forecast = spend.get("ForecastedSpend")
        budgets.append(Budget(
            name=b.get("BudgetName", ""),
            limit=float(limit.get("Amount", 0) or 0),
            actual=float((spend.get("ActualSpend") or {}).get("Amount", 0) or 0),
            forecast=float(forecast["Amount"]) if forecast else None,
            unit=limit.get("Unit", "USD") or "USD",
            time_unit=b.get("TimeUnit", "") or "",
        ))
    return tuple(budgets)
