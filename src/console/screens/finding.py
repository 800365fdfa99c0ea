"""One diagnostic finding on a screen of its own (Enter on the Diagnostics screen): its
evidence, cause, fix and guide entry, and the keys that start its action (`a`) or runbook
(`b`), asking which one when there are several (`ChoiceScreen`). `start_ref` and `applies` are
shared with the Diagnostics screen, whose `a`/`b` act on the highlighted finding."""

from __future__ import annotations

import logging
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, OptionList, Static

from console.sanitize import clean, literal
from console.styles import BAD, MUTED, WARN
from probes.diagnostics.model import Finding, Severity

log = logging.getLogger(__name__)
SEVERITY_STYLE = {Severity.CRITICAL: BAD, Severity.WARNING: WARN,
                  Severity.UNAVAILABLE: "bold magenta", Severity.INFO: "", Severity.MANUAL: MUTED}
SEVERITY_LABEL = {Severity.CRITICAL: "CRITICAL", Severity.WARNING: "WARNING",
                  Severity.UNAVAILABLE: "NOT RUN", Severity.INFO: "info",
                  Severity.MANUAL: "manual"}


def finding_body(finding: Finding) -> Group:
    """Evidence, cause, fix and where to go next, every string sanitised."""
    head = Text()
    head.append(SEVERITY_LABEL[finding.severity], style=SEVERITY_STYLE[finding.severity])
    head.append(f"  {clean(finding.key, limit=200)}", style=MUTED)
    evidence = Table.grid(padding=(0, 1))
    evidence.add_column(style="bold", max_width=30)
    evidence.add_column(overflow="fold")
    for label, value in finding.evidence:
        evidence.add_row(Text(clean(label, limit=120)), Text(clean(value, limit=2000)))
    parts: list[Any] = [head, Text(""), Text("Evidence", style="bold underline"), evidence]
    for title, value in (("Cause", finding.cause), ("Fix", finding.fix),
                         ("Guide entry", finding.guide)):
        if value:
            parts += [Text(""), Text(title, style="bold underline"),
                      Text(clean(value, limit=2000))]
    nexts = [f"a  action {a}" for a in finding.actions] + [f"b  runbook {r}"
                                                            for r in finding.runbooks]
    if nexts:
        parts += [Text(""), Text("Next", style="bold underline"),
                  *(Text(clean(n, limit=200)) for n in nexts)]
    return Group(*parts)


def start_ref(screen: Screen, finding: Finding, kind: str) -> None:
    """Start the finding's action (`kind` "action") or runbook ("runbook"), asking which one
    when there are several."""
    from console.navigation import refuse

    choices = finding.actions if kind == "action" else finding.runbooks
    if not choices:
        refuse(screen.app, kind.capitalize(), f"no {kind} applies to this finding")
        return
    if len(choices) == 1:
        _start(screen, finding, kind, choices[0])
        return

    def chosen(choice: str | None) -> None:
        if choice:
            _start(screen, finding, kind, choice)

    screen.app.push_screen(ChoiceScreen(f"Which {kind}?", choices), chosen)


def _start(screen: Screen, finding: Finding, kind: str, ident: str) -> None:
    app = screen.app
    method = getattr(app, f"start_{kind}", None)
    if method is None:
        screen.notify(f"Run the {kind} '{ident}' (this build has no {kind}s yet).",
                      title=f"{kind.capitalize()} {ident}", timeout=6)
        return
    try:
        if kind == "action":
            method(ident, **dict(finding.action_args))
        else:
            method(ident)
    except Exception as exc:  # an action that cannot start must not take the screen down
        log.exception("could not start %s %s", kind, ident)
        screen.notify(f"Could not start {kind} {ident}: {exc}", severity="error")


def applies(finding: Finding | None, action: str) -> bool:
    """Whether the footer offers `a` (action) / `b` (runbook) for this finding."""
    if action == "action":
        return finding is not None and bool(finding.actions)
    if action == "runbook":
        return finding is not None and bool(finding.runbooks)
    return True


class ChoiceScreen(ModalScreen[str | None]):
    """Pick one id among a few; Esc picks none."""

    DEFAULT_CSS = """
    ChoiceScreen { align: center middle; }
    ChoiceScreen > OptionList { width: 50; height: auto; max-height: 12;
                                border: round $accent; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="diagnostics.choice.cancel")]

    def __init__(self, title: str, choices: tuple[str, ...]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        options = OptionList(*self.choices)
        options.border_title = literal(self.title_text)
        yield options

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)


class FindingScreen(ModalScreen[None]):
    """One finding whole: evidence, cause, fix, and the keys that start what applies."""

    DEFAULT_CSS = """
    FindingScreen { align: center middle; }
    FindingScreen > #finding-box { width: 95%; max-width: 140; height: 90%;
        border: round $accent; background: $surface; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close", id="diagnostics.finding.close"),
        Binding("a", "action", "Start action", id="diagnostics.finding.action"),
        Binding("b", "runbook", "Open runbook", id="diagnostics.finding.runbook"),
        # The footer lists a/b only when the finding has one; pressed anyway, these say so.
        Binding("a", "none_applies('action')", show=False, id="diagnostics.finding.action"),
        Binding("b", "none_applies('runbook')", show=False, id="diagnostics.finding.runbook"),
    ]

    def __init__(self, finding: Finding) -> None:
        super().__init__()
        self.finding = finding

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="finding-box") as box:
            box.border_title = literal(self.finding.title, limit=120)
            yield Static(finding_body(self.finding), id="finding-body")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#finding-box").focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return applies(self.finding, action)

    def action_none_applies(self, kind: str) -> None:
        start_ref(self, self.finding, kind)

    def action_action(self) -> None:
        start_ref(self, self.finding, "action")

    def action_runbook(self) -> None:
        start_ref(self, self.finding, "runbook")
