"""Costs: month-to-date spend by service and by day, and budgets against their limits.

Every Cost Explorer request is billed ($0.01, each page) and its data refreshes only a few times a
day, so results are cached on disk (6 h by default) and always carry their "as of" time. One
GetCostAndUsage (DAILY, grouped by SERVICE) gives both views; DescribeBudgets adds the budgets.
Cost Explorer and Budgets always go to us-east-1. Cost Explorer keeps to the request budget
(`probes.request_budget`: 20/h, halved after a throttle); when its next token is far away the
probe does not wait for it but fails as *held back*, saying the pace, AWS's words and when the
costs still shown were read (the pane keeps them, marked stale). A result whose Budgets part
failed (e.g. budgets:ViewBudget denied) is cached like any other: the denial does not go
away by asking again, and asking again pays Cost Explorer again. A cache directory that cannot
be read or written is said, with its path, next to the costs (which are then fetched, and
billed, each time).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import tempfile
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from probes.aio import cancel_and_wait
from probes.context import AwsContext
from probes.cost_data import (
    METRIC,
    Budget,
    CostSnapshot,
    ServiceCost,
    month_to_date,
    parse_budgets,
    parse_cost_and_usage,
)
from probes.errors import HELD_BACK_FIX, ErrorKind, HeldBack, ProbeError, classify
from probes.request_budget import key_by_account
from probes.result import Probe, utcnow
from probes.token_bucket import BudgetRefusal

__all__ = ["Budget", "CostCache", "CostCacheError", "CostSnapshot", "CostsProbe", "ServiceCost",
           "month_to_date", "parse_budgets", "parse_cost_and_usage"]
log = logging.getLogger(__name__)
DEFAULT_CACHE_TTL_S = 6 * 3600


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
        self._last: CostSnapshot | None = None  # what the pane shows: for a held-back note

    def force_next(self) -> None:
        """Bypass the disk cache once (the operator asked for fresh, billed data)."""
        self._force = True

    async def _account_id(self) -> str:
        if self._account is None:
            sts = await self.ctx.client("sts")
            self._account = (await sts.get_caller_identity())["Account"]
            key_by_account(self.ctx.budget, self._account, self.ctx.settings.endpoint_url)
        return self._account

    async def collect(self) -> CostSnapshot:
        snapshot = await self._collect()
        self._last = snapshot
        return snapshot

    def _held_back(self, refusal: BudgetRefusal) -> HeldBack:
        shown = self._last
        showing = (f"showing costs read at {shown.as_of:%H:%M} UTC" if shown is not None
                   else "no costs read yet")
        return HeldBack(ProbeError(ErrorKind.HELD_BACK, f"{refusal.reason}; {showing}",
                                   HELD_BACK_FIX, "ce:GetCostAndUsage"))

    async def _budgets(self, account: str) -> tuple[tuple[Budget, ...], tuple[ProbeError, ...]]:
        """The account's budgets, or why they could not be read (costs without budgets still
        help: the failure is shown beside them)."""
        try:
            budgets_client = await self.ctx.client("budgets")
            raw: list[dict] = []
            paginator = budgets_client.get_paginator("describe_budgets")
            async for page in paginator.paginate(AccountId=account):
                raw.extend(page.get("Budgets", []))
            return parse_budgets(raw), ()
        except Exception as exc:  # noqa: BLE001 - classified and shown
            return (), (classify(exc, action="budgets:ViewBudget",
                                 profile=self.ctx.settings.profile),)

    async def _collect(self) -> CostSnapshot:
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
        # The budgets need only the account: asked in the same round as the costs, not after.
        budgets_read = asyncio.create_task(self._budgets(account))
        try:
            while True:
                try:
                    page = await ce.get_cost_and_usage(**request)
                except BudgetRefusal as refusal:  # not sent: hours away after a throttle
                    raise self._held_back(refusal) from refusal
                pages.append(page)
                token = page.get("NextPageToken")
                if not token:
                    break
                request["NextPageToken"] = token
        except BaseException:
            await cancel_and_wait(budgets_read)
            raise
        currency, days, daily, services = parse_cost_and_usage(pages, start, end)
        budgets, errors = await budgets_read
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
