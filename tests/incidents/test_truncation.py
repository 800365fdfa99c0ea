"""Whatever byte a crash stops a write at, the timeline loads: every complete entry, at most
one reported problem, and the next entry lands on a line of its own."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.incidents.helpers import ALICE, StepClock

from console.incidents import IncidentRecorder

texts = st.text(st.characters(codec="utf-8"), max_size=60)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(notes=st.lists(texts, min_size=1, max_size=6), cut=st.floats(0.0, 1.0))
def test_a_timeline_cut_at_any_byte_loads_what_was_complete(notes, cut, tmp_path_factory):
    recorder = IncidentRecorder(tmp_path_factory.mktemp("t"), environment="p", now=StepClock())
    incident = recorder.open("P0", "cut", ALICE)
    for note in notes:
        recorder.note(note, ALICE)
    data = incident.path.read_bytes()
    keep = max(1, int(len(data) * cut))
    incident.path.write_bytes(data[:keep])
    ends_a_line = data[:keep].endswith(b"\n")
    only_newline_lost = data[keep:keep + 1] == b"\n"  # the entry itself is whole
    complete = data[:keep].count(b"\n") + (1 if only_newline_lost else 0)

    loaded = recorder.load(incident.id)
    assert len(loaded.entries) == complete
    assert [e.get("text") for e in loaded.of_kind("note")] == [
        n.strip() for n in notes][:max(0, complete - 1)]
    assert len(loaded.problems) == (0 if ends_a_line or only_newline_lost else 1)

    recorder.note("after the crash", ALICE)
    again = recorder.load(incident.id)
    assert again.entries[-1].get("text") == "after the crash"
    assert len(again.entries) == complete + 1 and again.problems == loaded.problems
