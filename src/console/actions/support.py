"""Prepare an AWS Support case for a P0/P1, pre-filled with the evidence the console has, and
open it where the account's support plan allows.

Two actions, because they differ in what they may do: `draft-support-case` writes the text to
a file and shows it (no AWS call: it works in read-only mode); `prepare-support-case` saves
the same text, then opens the case with support CreateCase (us-east-1). On Basic and
Developer plans CreateCase answers SubscriptionRequiredException: the result says so and
points to the saved text, to paste into the Support Center.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from console.actions.base import (
    Action,
    ActionContext,
    ActionError,
    ApiCall,
    Change,
    Field,
    Outcome,
    Plan,
    Progress,
)
from console.actions.common import error_code, ids_of, local_path, send, shown, utc_stamp
from console.actions.support_text import (
    SEVERITY_CODES,
    case_text,
    default_severity,
    default_subject,
)
from probes.errors import classify

SUPPORT_CENTER = "https://console.aws.amazon.com/support/home#/case/create"
SUPPORT_REGION = "us-east-1"
LINES_SHOWN = 60


@dataclass(frozen=True)
class CaseDraft:
    severity: str
    subject: str
    text: str
    path: Path


def case_fields() -> tuple[Field, ...]:
    return (Field("severity", "Severity", "choice", choices=tuple(SEVERITY_CODES),
                  help="P0: urgent (system down); P1: high (impaired)"),
            Field("subject", "Subject"),
            Field("tried", "What we have tried", default="", required=False),
            Field("ask", "What we need from AWS", default="", required=False),
            Field("file", "Save the text to", "path"))


def case_defaults(ctx: ActionContext) -> dict[str, Any]:
    return {"severity": default_severity(ctx.snapshots),
            "subject": default_subject(ctx.deployment.stack, ctx.snapshots),
            "tried": "", "ask": "",
            "file": f"./support-case-{ctx.deployment.stack}-{utc_stamp()}.txt"}


def draft_case(ctx: ActionContext, inputs: dict[str, Any]) -> CaseDraft:
    """The case from the inputs and the latest snapshots; refuses to overwrite a file."""
    severity = str(inputs.get("severity") or default_severity(ctx.snapshots))
    if severity not in SEVERITY_CODES:
        raise ActionError("a support case is for P0 (urgent) or P1 (high)")
    subject = str(inputs.get("subject") or default_subject(ctx.deployment.stack, ctx.snapshots))
    path = local_path(str(inputs.get("file") or case_defaults(ctx)["file"]))
    if path.exists():
        raise ActionError(f"{shown(path, 300)} exists: choose another file name")
    d = ctx.deployment
    text = case_text(severity=severity, subject=subject, account=ctx.identity.account,
                     region=d.region, stack=d.stack, cluster=d.cluster, service=d.service,
                     who=ctx.identity.arn, snapshots=ctx.snapshots,
                     tried=str(inputs.get("tried") or ""), ask=str(inputs.get("ask") or ""))
    return CaseDraft(severity, subject[:250], text, path)


def save(draft: CaseDraft) -> None:
    draft.path.parent.mkdir(parents=True, exist_ok=True)
    with draft.path.open("x", encoding="utf-8") as out:  # never overwrite
        out.write(draft.text)


def text_lines(text: str) -> tuple[str, ...]:
    lines = text.rstrip("\n").split("\n")
    more = (f"… {len(lines) - LINES_SHOWN} more line(s) in the file",) \
        if len(lines) > LINES_SHOWN else ()
    return (*lines[:LINES_SHOWN], *more)


class DraftSupportCaseAction(Action):
    id = "draft-support-case"
    title = "Draft an AWS Support case"
    description = "Write the case text (verdict, failing targets, stopped tasks, alarms, stack " \
                  "failures) to a file and show it. No AWS call: works in read-only mode."
    changes_aws = False
    fields = case_fields()

    def defaults(self, ctx: ActionContext) -> dict[str, Any]:
        return case_defaults(ctx)

    async def plan(self, ctx: ActionContext, inputs: dict[str, Any]) -> Plan:
        draft = draft_case(ctx, inputs)
        return Plan(
            title=self.title,
            calls=(),
            changes=(Change("case text", "not saved",
                            f"{len(draft.text):,} characters saved to {draft.path}"),),
            watch_next=f"paste {draft.path} into the Support Center ({SUPPORT_CENTER}) or open "
                       "it with 'Open an AWS Support case'",
            notes=("No AWS call: the evidence is the panes' latest data.",),
            data={"draft": draft},
        )

    async def execute(self, ctx: ActionContext, plan: Plan, progress: Progress) -> Outcome:
        draft: CaseDraft = plan.data["draft"]
        save(draft)
        return Outcome(True, f"Support case text saved to {draft.path}", (),
                       text_lines(draft.text), plan.watch_next)


class PrepareSupportCaseAction(Action):
    id = "prepare-support-case"
    title = "Open an AWS Support case"
    description = "Save the case text, then open it with support CreateCase (Business plans " \
                  "and above); otherwise the saved text is ready to paste."
    fields = case_fields()

    def defaults(self, ctx: ActionContext) -> dict[str, Any]:
        return case_defaults(ctx)

    async def plan(self, ctx: ActionContext, inputs: dict[str, Any]) -> Plan:
        draft = draft_case(ctx, inputs)
        params = {"subject": draft.subject, "communicationBody": draft.text,
                  "severityCode": SEVERITY_CODES[draft.severity], "issueType": "technical",
                  "language": "en"}
        return Plan(
            title=self.title,
            calls=(ApiCall("support", "CreateCase", params, region=SUPPORT_REGION),),
            changes=(Change("support case", "none",
                            f"{SEVERITY_CODES[draft.severity]} ({draft.severity}): "
                            f"{draft.subject}"),
                     Change("case text", "not saved", f"saved to {draft.path} first")),
            watch_next="AWS Support answers by email and in the Support Center; add what you "
                       "learn with aws support add-communication-to-case",
            notes=("The Support API needs a Business, Enterprise On-Ramp or Enterprise plan; "
                   "on Basic and Developer the text stays in the file to paste.",),
            data={"draft": draft},
        )

    async def execute(self, ctx: ActionContext, plan: Plan, progress: Progress) -> Outcome:
        draft: CaseDraft = plan.data["draft"]
        progress(f"saving {draft.path}", 0.1)
        save(draft)
        paste = f"the case text is saved in {draft.path}: paste it at {SUPPORT_CENTER}"
        progress("support.CreateCase", 0.5)
        try:
            created = await send(ctx, plan.calls[0])
        except Exception as exc:  # noqa: BLE001 - every failure leaves the saved text to paste
            if error_code(exc) == "SubscriptionRequiredException":
                return Outcome(False, "Support case not opened: the account's support plan "
                                      "(Basic or Developer) does not include the Support API "
                                      "(SubscriptionRequiredException)",
                               details=(paste, f"choose severity "
                                               f"{SEVERITY_CODES[draft.severity]} there"),
                               watch_next=plan.watch_next)
            error = classify(exc, profile=ctx.aws.settings.profile)
            return Outcome(False, f"Support case not opened: {error.summary()}",
                           details=(paste, f"fix: {error.fix}"), watch_next=plan.watch_next)
        case_id = str(created.get("caseId", ""))
        shown_id = await self._display_id(ctx, case_id)
        return Outcome(True, f"Support case opened: {shown_id or case_id}", ids_of([created]),
                       (f"case id {case_id}", f"severity {SEVERITY_CODES[draft.severity]}",
                        f"text also saved in {draft.path}"), plan.watch_next)

    @staticmethod
    async def _display_id(ctx: ActionContext, case_id: str) -> str:
        """The number the Support Center shows (best effort: the case is open either way)."""
        try:
            support = await ctx.aws.client("support", SUPPORT_REGION)
            cases = (await support.describe_cases(caseIdList=[case_id])).get("cases", [])
        except Exception:  # noqa: BLE001 - cosmetic
            return ""
        return str(cases[0].get("displayId", "")) if cases else ""
