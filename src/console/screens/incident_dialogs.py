"""The small dialogs of the incident timeline: open one, type a note or a summary, resume.

Each is a `ModalScreen` that dismisses with a typed answer (frogmouth's pattern) and never
touches the recorder itself: `IncidentFlow` decides what to do with the answer. All fit in
80x24, work without a mouse, and Esc always means "no".
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, RadioButton, RadioSet, Static

from console.incidents.model import SEVERITIES, SEVERITY_MEANING, Incident
from console.sanitize import clean, literal
from console.widgets.incident_badge import age_text

DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 76; max-width: 95%; height: auto; max-height: 95%;
    border: thick $accent; background: $surface; padding: 0 1;
}}
{name} .dialog-label {{ margin-top: 1; text-style: bold; }}
{name} .dialog-error {{ color: $error; height: auto; }}
{name} .dialog-hint {{ color: $text-muted; margin-top: 1; }}
{name} RadioSet {{ width: 100%; }}
"""


class IncidentOpenScreen(ModalScreen[tuple[str, str] | None]):
    """Severity and title; dismisses with ``(severity, title)`` or None."""

    DEFAULT_CSS = DIALOG_CSS.format(name="IncidentOpenScreen")
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="incident.dialog.cancel")]

    def __init__(self, severity: str | None = None, title: str = "") -> None:
        super().__init__()
        self.severity = severity
        self.initial_title = title

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Open an incident"
            yield Static("Severity (↑ ↓, Enter)", classes="dialog-label")
            with RadioSet(id="incident-severity"):
                for severity in SEVERITIES:
                    yield RadioButton(f"{severity}  {SEVERITY_MEANING[severity]}",
                                      value=severity == self.severity, name=severity)
            yield Static("Title", classes="dialog-label")
            yield Input(self.initial_title, placeholder="what is wrong, e.g. ALB 503s",
                        max_length=200, id="incident-title")
            yield Static("", classes="dialog-error", id="incident-error")
            yield Static("Enter opens it · Esc cancels · everything from now on is recorded",
                         classes="dialog-hint")

    def on_mount(self) -> None:
        target = "#incident-title" if self.severity else "#incident-severity"
        for widget in self.query(target):  # none when dismissed before it was composed
            widget.focus()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self.severity = event.pressed.name
        self.query_one("#incident-title", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        title = " ".join(event.value.split())
        error = self.query_one("#incident-error", Static)
        if self.severity not in SEVERITIES:
            error.update("Choose a severity first (Shift+Tab, then ↑ ↓ and Enter).")
            return
        if not title:
            error.update("Give it a title: what is wrong, in a few words.")
            return
        self.dismiss((self.severity, title))

    def action_cancel(self) -> None:
        self.dismiss(None)


class IncidentTextScreen(ModalScreen[str | None]):
    """One line of text (a note, a closing summary); dismisses with it, or None."""

    DEFAULT_CSS = DIALOG_CSS.format(name="IncidentTextScreen")
    AUTO_FOCUS = "#incident-text"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="incident.dialog.cancel")]

    def __init__(self, heading: str, prompt: str, placeholder: str = "",
                 required: bool = True) -> None:
        super().__init__()
        self.heading = heading
        self.prompt = prompt
        self.placeholder = placeholder
        self.required = required

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = literal(self.heading)
            yield Static(Text(self.prompt), classes="dialog-label")
            yield Input(placeholder=self.placeholder, max_length=4000, id="incident-text")
            yield Static("", classes="dialog-error", id="incident-error")
            yield Static("Enter records it · Esc cancels", classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if self.required and not text:
            self.query_one("#incident-error", Static).update("Type something, or Esc.")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


def incident_line(incident: Incident, now: datetime) -> Text:
    """``P0 · ALB 503s · opened 03:14 UTC (12m ago) by assumed-role/OnCall/alice``."""
    text = Text()
    text.append(f"{clean(incident.severity, limit=3)} ", style="bold")
    text.append(clean(incident.title, limit=120), style="bold")
    if incident.opened_at is not None:
        age = age_text((now - incident.opened_at).total_seconds())
        text.append(f"\nopened {incident.opened_at:%Y-%m-%d %H:%M} UTC ({age} ago)")
    if incident.opened_by:
        text.append(f" by {clean(incident.opened_by, limit=120)}")
    text.append(f"\n{clean(incident.id, limit=120)}", style="dim")
    return text


class IncidentResumeScreen(ModalScreen[str]):
    """At start-up, an incident is still open: resume it, close it, or decide later.
    Dismisses with ``resume``, ``close`` or ``later``."""

    DEFAULT_CSS = DIALOG_CSS.format(name="IncidentResumeScreen")
    AUTO_FOCUS = "OptionList"
    BINDINGS = [
        Binding("r", "answer('resume')", "Resume", id="incident.resume.resume"),
        Binding("c", "answer('close')", "Close it", id="incident.resume.close"),
        Binding("l,escape", "answer('later')", "Later", id="incident.resume.later"),
    ]

    def __init__(self, incident: Incident, now: datetime) -> None:
        super().__init__()
        self.incident = incident
        self.now = now

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "An incident is still open"
            yield Static(incident_line(self.incident, self.now))
            yield OptionList("Resume it: show it and keep recording (r)",
                             "Close it now, with a summary (c)",
                             "Later: do not record for now (l, Esc)", id="incident-resume")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(("resume", "close", "later")[event.option_index])

    def action_answer(self, answer: str) -> None:
        self.dismiss(answer)


class SeverityScreen(ModalScreen[str | None]):
    """Change the open incident's severity; dismisses with P0, P1, P2 or None."""

    DEFAULT_CSS = DIALOG_CSS.format(name="SeverityScreen")
    AUTO_FOCUS = "OptionList"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="incident.dialog.cancel")]

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = f"Severity (now {clean(self.current, limit=3)})"
            yield OptionList(*(f"{s}  {SEVERITY_MEANING[s]}" for s in SEVERITIES))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(SEVERITIES[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
