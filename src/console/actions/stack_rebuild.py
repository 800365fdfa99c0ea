"""Delete and recreate the stack from a template file: the guide's Complete Stack Recovery.

1. back up the buckets first (into the given folder; an existing backup there is topped up,
   objects already copied are skipped), because deleting the stack deletes what it created;
2. DeleteStack, then wait for DELETE_COMPLETE (DescribeStacks by stack id, with progress);
3. CreateStack from the template file (validated with ValidateTemplate while planning: its
   parameters and required capabilities are shown), then wait for CREATE_COMPLETE.

Parameters take the operator's overrides, else the current stack's values, else the
template's defaults. Restoring the bucket data and redeploying the application are the
runbook's next steps (watch_next says how). Destructive: the operator types the stack's name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from console.actions import s3sync
from console.actions.backup import default_folder, run_backup, sync_plan_parts
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
from console.actions.common import age_text, error_code, local_path, shown
from console.actions.stack_rebuild_run import RebuildRun
from probes.stack import is_in_progress

MAX_TEMPLATE_BODY = 51_200  # CreateStack's limit for TemplateBody; larger needs TemplateURL
HIDDEN = "<NoEcho: not shown>"


def read_template(raw: str) -> tuple[Path, str]:
    path = local_path(raw)
    if not path.is_file():
        raise ActionError(f"template file {shown(path, 300)} does not exist (or is a folder)")
    try:
        body = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ActionError(f"cannot read template {shown(path, 300)}: {shown(exc, 200)}") from None
    if len(body.encode()) > MAX_TEMPLATE_BODY:
        raise ActionError(f"{shown(path, 300)} is over {MAX_TEMPLATE_BODY:,} bytes: CreateStack "
                          "then needs it in S3 (--template-url), which the console does not do")
    return path, body


def declared_parameters(validated: dict[str, Any], body: str) -> list[dict[str, Any]]:
    """ValidateTemplate's parameters; when it reports none (emulators do), a JSON template's
    own Parameters section in the same shape."""
    if validated.get("Parameters"):
        return list(validated["Parameters"])
    try:
        section = json.loads(body).get("Parameters") or {}
    except (ValueError, AttributeError):
        return []  # YAML: trust ValidateTemplate
    return [{"ParameterKey": key, "NoEcho": str(spec.get("NoEcho", "")).lower() == "true",
             **({"DefaultValue": str(spec["Default"])} if "Default" in spec else {})}
            for key, spec in section.items() if isinstance(spec, dict)]


def parse_overrides(text: str) -> dict[str, str]:
    """``Key=Value Other=x`` -> {"Key": "Value", "Other": "x"}."""
    found: dict[str, str] = {}
    for item in text.split():
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ActionError(f"parameter {shown(item)!r} should be Key=Value")
        found[key] = value
    return found


def resolve_parameters(declared: list[dict[str, Any]], current: dict[str, str],
                       overrides: dict[str, str]) -> tuple[list[dict[str, str]], list[str],
                                                           set[str]]:
    """CreateStack's Parameters, a line per parameter saying where its value came from, and
    the NoEcho keys (whose values the plan must not show)."""
    unknown = set(overrides) - {p["ParameterKey"] for p in declared}
    if unknown:
        raise ActionError(f"the template has no parameter {', '.join(sorted(unknown))}")
    values: list[dict[str, str]] = []
    lines: list[str] = []
    missing: list[str] = []
    for p in declared:
        key, hidden = p["ParameterKey"], bool(p.get("NoEcho"))
        if key in overrides:
            value, source = overrides[key], "given"
        elif key in current and not (hidden and current[key] == "****"):
            value, source = current[key], "current stack"
        elif "DefaultValue" in p:
            continue  # CreateStack uses the default
        else:
            missing.append(key)
            continue
        values.append({"ParameterKey": key, "ParameterValue": value})
        lines.append(f"{key} = {HIDDEN if hidden else value} ({source})")
    lines += [f"{p['ParameterKey']} = {p.get('DefaultValue')!r} (template default)"
              for p in declared if p["ParameterKey"] not in {v["ParameterKey"] for v in values}
              and "DefaultValue" in p]
    if missing:
        raise ActionError(f"no value for parameter(s) {', '.join(missing)}: give them as "
                          "Key=Value in Parameter overrides")
    return values, lines, {p["ParameterKey"] for p in declared if p.get("NoEcho")}


class RebuildStackAction(Action):
    id = "rebuild-stack"
    title = "Rebuild the stack (delete and create)"
    description = "Back up the buckets, delete the stack, wait, create it again from a template " \
                  "file and wait (the guide's Complete Stack Recovery)."
    fields = (Field("template", "Template file", "path", help="the stack's template (JSON/YAML)"),
              Field("backup", "Back up the buckets to", "path",
                    help="an existing backup there is topped up"),
              Field("parameters", "Parameter overrides", default="", required=False,
                    help="Key=Value ... (others: the current stack's values or the defaults)"))
    poll_s = 10.0
    delete_timeout_s = 1800.0
    create_timeout_s = 3600.0

    def defaults(self, ctx: ActionContext) -> dict[str, Any]:
        return {"template": None, "backup": default_folder(ctx.deployment.stack),
                "parameters": ""}

    async def plan(self, ctx: ActionContext, inputs: dict[str, Any]) -> Plan:
        path, body = read_template(str(inputs.get("template") or ""))
        cfn = await ctx.aws.client("cloudformation")
        try:
            validated = await cfn.validate_template(TemplateBody=body)
        except Exception as exc:
            if error_code(exc) == "ValidationError":
                raise ActionError(f"the template does not validate: {shown(exc, 400)}") from None
            raise
        stack = (await cfn.describe_stacks(StackName=ctx.deployment.stack))["Stacks"][0]
        status = str(stack.get("StackStatus", ""))
        if is_in_progress(status):
            raise ActionError(f"the stack is {status}: wait until it settles")
        current = {p["ParameterKey"]: p.get("ParameterValue", "")
                   for p in stack.get("Parameters", [])}
        params, lines, hidden = resolve_parameters(declared_parameters(validated, body), current,
                                           parse_overrides(str(inputs.get("parameters") or "")))
        folder = local_path(str(inputs.get("backup") or default_folder(ctx.deployment.stack)))
        syncs, backup_note = await self._backup_plan(ctx, folder)
        backup_calls, backup_changes, sync_notes = sync_plan_parts(syncs, folder)
        create = {"StackName": ctx.deployment.stack, "TemplateBody": f"<{path}>"}
        if params:
            create["Parameters"] = [{**p, "ParameterValue": HIDDEN}
                                    if p["ParameterKey"] in hidden else p for p in params]
        if validated.get("Capabilities"):
            create["Capabilities"] = list(validated["Capabilities"])
        if stack.get("Tags"):
            create["Tags"] = stack["Tags"]
        name = ctx.deployment.stack
        return Plan(
            title=self.title,
            calls=(*backup_calls, ApiCall("cloudformation", "DeleteStack", {"StackName": name}),
                   ApiCall("cloudformation", "CreateStack", create)),
            changes=(*backup_changes,
                     Change(f"stack {name}", f"{status} (created "
                            f"{age_text(stack.get('CreationTime'))})",
                            f"deleted, then created from {path.name}")),
            destructive=True,
            confirm_name=name,
            watch_next=f"restore the data (aws s3 sync {folder}/<bucket> s3://<bucket>), "
                       "redeploy the application (build, push to ECR, force a new deployment), "
                       "and restart the console so it finds the new stack's resources",
            notes=(*sync_notes, backup_note,
                   "Template parameters: " + ("; ".join(lines) or "none"),
                   f"Capabilities: {', '.join(validated.get('Capabilities', [])) or 'none'}. "
                   f"TemplateBody is the file's {len(body.encode()):,} bytes.",
                   "Everything the stack created is deleted: the service is down until the new "
                   "stack is complete and the application redeployed. CloudFormation cannot "
                   "delete a non-empty bucket: the delete may end DELETE_FAILED, and the "
                   "console stops there and says so."),
            data={"stack_id": stack.get("StackId", name), "template": str(path),
                  "create": {**create, "TemplateBody": body,
                             **({"Parameters": params} if params else {})},
                  "backup": {"destination": str(folder), "buckets": s3sync.to_data(syncs)}},
        )

    @staticmethod
    async def _backup_plan(ctx: ActionContext,
                           folder: Path) -> tuple[list[s3sync.BucketSync], str]:
        """The sync that backs the buckets up first; with every bucket gone already, an
        earlier backup in `folder` (its manifest) is required instead."""
        try:
            return (await s3sync.plan_sync(ctx, ctx.deployment.buckets, folder),
                    f"The buckets are backed up to {folder} before anything is deleted.")
        except s3sync.NothingToBackUp as exc:
            manifest = s3sync.read_manifest(folder)
            if manifest is None:
                raise ActionError(f"{exc}, and {shown(folder, 300)} holds no earlier backup "
                                  "(no manifest): refusing to delete the stack without one"
                                  ) from None
            return [], f"Nothing left to back up; the backup in {folder} " \
                       f"({manifest.get('finished', '?')}) is what can be restored."

    async def execute(self, ctx: ActionContext, plan: Plan, progress: Progress) -> Outcome:
        return await RebuildRun(ctx, plan, progress, poll_s=self.poll_s,
                                delete_timeout_s=self.delete_timeout_s,
                                create_timeout_s=self.create_timeout_s,
                                backup=run_backup).run()
