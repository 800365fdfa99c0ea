"""How timestamps in AWS's answers become datetimes: in UTC, without dateutil on the hot path.

botocore's default parser makes every timestamp a datetime in the machine's local zone through
dateutil's `tzlocal()`, which is slow (a `fromtimestamp` plus a DST probe per value) and is
paid on every timestamp of every answer: 2,160 for one GetMetricData of 12 signals over 3 h,
three or more per task in each DescribeTasks. This parser gives the same instant, in UTC,
which is also the zone the console shows. What it does not recognise (RFC 822 dates, the odd
format) goes to botocore's own parser, so nothing botocore reads is refused here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from botocore.utils import parse_timestamp as botocore_parse_timestamp


def parse_aws_timestamp(value: Any) -> datetime:
    """An epoch number (seconds) or ISO 8601 text from an AWS answer, as a datetime."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            return botocore_parse_timestamp(value)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return botocore_parse_timestamp(value)
        # Without a zone, as botocore gives it (dateutil keeps it naive too).
        return parsed.astimezone(UTC) if parsed.tzinfo is not None else parsed
    return botocore_parse_timestamp(value)


def use_utc_timestamps(session: Any) -> None:
    """Make every client of this botocore/aiobotocore session parse timestamps so."""
    session.get_component("response_parser_factory").set_parser_defaults(
        timestamp_parser=parse_aws_timestamp)
