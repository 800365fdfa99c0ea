"""Where a log group's history can begin: `tail --since 1970-01-01` need not read 56 years.

CloudWatch Logs refuses events more than 14 days older than their ingestion (PutLogEvents), and
a group ingests nothing before it exists: no event of a group is older than its creationTime
less 14 days. One DescribeLogGroups per group gives that floor; reading history from it instead
of from 1970 skips tens of thousands of empty windows.
"""

from __future__ import annotations

from collections.abc import Sequence

from botocore.exceptions import BotoCoreError, ClientError

from probes.context import AwsContext

MAX_EVENT_AGE_MS = 14 * 24 * 3_600_000  # PutLogEvents: no event more than 14 days old


async def history_floor_ms(ctx: AwsContext, groups: Sequence[str]) -> int | None:
    """The oldest timestamp any of `groups` can hold; None when a group's creation time is
    unknown (not found, no access): the caller keeps its own start then."""
    logs = await ctx.client("logs")
    floors: list[int] = []
    for group in groups:
        try:
            page = await logs.describe_log_groups(logGroupNamePrefix=group, limit=50)
        except (ClientError, BotoCoreError, OSError):  # the tail reports what is wrong
            return None
        created = [g.get("creationTime") for g in page.get("logGroups", ())
                   if g.get("logGroupName") == group]
        if not created or not isinstance(created[0], int):
            return None
        floors.append(created[0] - MAX_EVENT_AGE_MS)
    return min(floors) if floors else None
