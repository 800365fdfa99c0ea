"""The header says when the console is holding back (issue 12): AWS answering Throttling to
FilterLogEvents (from the fault proxy) slows that family's bucket, and the dashboard's header
says so with AWS's own words; once the throttling stops and the rate has recovered (the
budget's fake clock), the note goes."""

from __future__ import annotations

import re

from tests.economy.test_request_budget import FakeTime
from tests.faults.test_dashboard_faults import dashboard

from probes.request_budget import RECOVER_S, budget_for


def header_text(app, read_screen) -> str:
    return "\n".join(read_screen(app).splitlines()[:2])


async def test_throttling_shows_in_the_header_until_the_rate_recovers(faulty, tmp_path, until,
                                                                      read_screen):
    _, proxy, settings = faulty
    fake = FakeTime()
    budget = budget_for(settings.profile, settings.endpoint_url,
                        settings.static_credentials and settings.static_credentials[0])
    budget.clock, budget.sleep = fake.clock, fake.sleep
    proxy.fail("logs:FilterLogEvents", "throttled")
    async with dashboard(settings, tmp_path, size=(200, 50)) as (app, pilot):
        note = re.compile(r"holding back: FilterLogEvents slowed to [\d.]+/s: AWS said "
                          r"ThrottlingException: Rate exceeded")
        await until(pilot, lambda: note.search(header_text(app, read_screen)), timeout=60)
        assert proxy.injected.count("logs:FilterLogEvents") >= 1
        bucket = budget.bucket("FilterLogEvents", settings.region)
        assert bucket.throttles == proxy.injected.count("logs:FilterLogEvents")
        proxy.clear()
        fake.now += 5 * RECOVER_S  # 1/16 of the rate at most: back to 2/s in 4 steps
        await until(pilot, lambda: "holding back" not in header_text(app, read_screen),
                    timeout=60)
        assert bucket.rate == 2.0
