"""An incident's age reads like every other age in the console (`console.clock`):
``4h25m``, not ``4h25``; ``2d3h``, not ``2d03h`` (seen in the resume dialog)."""

from datetime import timedelta

from console.incidents import IncidentRecorder
from console.screens.incident_dialogs import incident_line
from console.widgets.incident_badge import IncidentBadge, incident_segment


def test_the_resume_dialog_and_the_header_say_ages_the_same_way():
    incident = IncidentRecorder(environment="test").open(
        "P0", "Service down", "arn:aws:sts::123456789012:user/bob")
    later = incident.opened_at + timedelta(hours=4, minutes=25, seconds=7)
    assert "(4h25m ago)" in incident_line(incident, later).plain
    badge = IncidentBadge("P0", "Service down", incident.opened_at)
    assert "P0 INCIDENT 2d3h" in incident_segment(
        badge, incident.opened_at + timedelta(days=2, hours=3, minutes=4)).plain
