"""Who the console is acting as: STS GetCallerIdentity."""

from __future__ import annotations

from dataclasses import dataclass

from probes.request_budget import key_by_account
from probes.result import Probe


@dataclass(frozen=True)
class CallerIdentity:
    account: str
    arn: str
    user_id: str

    @property
    def short(self) -> str:
        """``assumed-role/OnCall/alice`` rather than the whole ARN."""
        return self.arn.split(":", 5)[-1] if self.arn.count(":") >= 5 else self.arn


class IdentityProbe(Probe[CallerIdentity]):
    name = "identity"
    interval_s = 300.0

    async def collect(self) -> CallerIdentity:
        sts = await self.ctx.client("sts")
        raw = await sts.get_caller_identity()
        identity = CallerIdentity(raw.get("Account", ""), raw.get("Arn", ""),
                                  raw.get("UserId", ""))
        # AWS's quotas are the account's: two profiles for one account share one budget.
        key_by_account(self.ctx.budget, identity.account, self.ctx.settings.endpoint_url)
        return identity
