"""Costs: month-to-date spend by service and by day, and budgets against their limits.

Every Cost Explorer request is billed ($0.01, each page) and its data refreshes only a few times a
day, so results are cached on disk (6 h by default) and always carry their "as of" time. One
GetCostAndUsage (DAILY, grouped by SERVICE) gives both views; DescribeBudgets adds the budgets.
Cost Explorer and Budgets always go to us-east-1. A result whose Budgets part failed (e.g.
budgets:ViewBudget denied) is cached like any other: the denial does not go away by asking
again, and asking again pays Cost Explorer again. A cache directory that cannot be read or
written is said, with its path, next to the costs (which are then fetched, and billed, each
time).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from probes.context import AwsContext
from probes.errors import ErrorKind, ProbeError, classify
from probes.result import Probe, utcnow

log = logging.getLogger(__name__)
DEFAULT_CACHE_TTL_S = 6 * 3600
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


class CostCacheError(Exception):
    """The cache directory cannot be read or written; `error` says so with the path."""

    def __init__(self, doing: str, path: Path, exc: OSError):
        reason = exc.strerror or type(exc).__name__
        self.error = ProbeError(
            ErrorKind.OTHER, f"cannot {doing} the cost cache {path}: {reason}",
            f"make {path.parent} a directory you can read and write, or set "
            "INCIDENT_CONSOLE_CACHE_DIR to one; until then every refresh is billed ($0.01)")
        super().__init__(self.error.message)


class CostCache:
    """Cost snapshots on disk, one JSON file per account, endpoint and month."""

    def __init__(self, directory: Path, ttl_s: float = DEFAULT_CACHE_TTL_S):
        self.directory = directory
        self.ttl_s = ttl_s

    def _path(self, key: str) -> Path:
        digest = hashlib.sha256(key.encode()).hexdigest()[:16]
        return self.directory / f"costs-{digest}.json"

    def load(self, key: str, now: datetime | None = None) -> CostSnapshot | None:
        path = self._path(key)
        try:
            snapshot = CostSnapshot.from_json(json.loads(path.read_text()))
        except FileNotFoundError:
            return None
        except OSError as exc:  # not a directory, no permission, I/O error
            raise CostCacheError("read", path, exc) from exc
        except (ValueError, KeyError, TypeError):
            log.warning("ignoring unreadable cost cache %s", path)
            return None
        if ((now or utcnow()) - snapshot.as_of).total_seconds() > self.ttl_s:
            return None
        return snapshot

    def store(self, key: str, snapshot: CostSnapshot) -> None:
        """Write atomically (a temporary file, then a rename); `CostCacheError` if it fails."""
        tmp: str | None = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(fd, "w") as handle:
                json.dump(snapshot.to_json(), handle)
            os.replace(tmp, self._path(key))
        except OSError as exc:
            log.warning("cannot write cost cache: %s", exc)
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
            raise CostCacheError("write", self._path(key), exc) from exc


class CostsProbe(Probe[CostSnapshot]):
    name = "costs"
    interval_s = float(DEFAULT_CACHE_TTL_S)

    def __init__(self, ctx: AwsContext, cache: CostCache | None, *,
                 interval_s: float | None = None, today: date | None = None,
                 account: str | None = None):
        super().__init__(ctx, interval_s=interval_s)
        self.cache = cache
        self._today = today
        self._account: str | None = account or None  # known from the caller identity
        self._force = False

    def force_next(self) -> None:
        """Bypass the disk cache once (the operator asked for fresh, billed data)."""
        self._force = True

    async def _account_id(self) -> str:
        if self._account is None:
            sts = await self.ctx.client("sts")
            self._account = (await sts.get_caller_identity())["Account"]
        return self._account

    async def collect(self) -> CostSnapshot:
        account = await self._account_id()
        today = self._today or datetime.now(UTC).date()
        start, end = month_to_date(today)
        key = f"{account}|{self.ctx.settings.endpoint_url or 'aws'}|{start.isoformat()}"
        cache_problem: ProbeError | None = None
        if self.cache is not None and not self._force:
            try:
                cached = self.cache.load(key)
            except CostCacheError as exc:
                cached, cache_problem = None, exc.error
            if cached is not None:
                return cached
        self._force = False
        as_of = utcnow()
        ce = await self.ctx.client("ce")
        pages: list[dict] = []
        request = {
            "TimePeriod": {"Start": start.isoformat(), "End": end.isoformat()},
            "Granularity": "DAILY",
            "Metrics": [METRIC],
            "GroupBy": [{"Type": "DIMENSION", "Key": "SERVICE"}],
        }
        while True:
            page = await ce.get_cost_and_usage(**request)
            pages.append(page)
            token = page.get("NextPageToken")
            if not token:
                break
            request["NextPageToken"] = token
        currency, days, daily, services = parse_cost_and_usage(pages, start, end)
        budgets: tuple[Budget, ...] = ()
        errors: tuple[ProbeError, ...] = ()
        try:
            budgets_client = await self.ctx.client("budgets")
            raw: list[dict] = []
            paginator = budgets_client.get_paginator("describe_budgets")
            async for page in paginator.paginate(AccountId=account):
                raw.extend(page.get("Budgets", []))
            budgets = parse_budgets(raw)
        except Exception as exc:  # noqa: BLE001 - costs without budgets still help
            errors = (classify(exc, action="budgets:ViewBudget",
                               profile=self.ctx.settings.profile),)
        snapshot = CostSnapshot(
            as_of=as_of, period_start=start, period_end=end, currency=currency,
            total=sum(daily), days=days, daily_totals=daily, services=services,
            budgets=budgets, errors=errors,
        )
        if self.cache is not None:
            try:
                self.cache.store(key, snapshot)  # with a Budgets failure too: see the top
            except CostCacheError as exc:
                cache_problem = cache_problem or exc.error
        if cache_problem is not None:
            snapshot = replace(snapshot, errors=(*snapshot.errors, cache_problem))
        return snapshot
