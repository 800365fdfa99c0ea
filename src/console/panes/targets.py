"""Pane 3: load balancer target health, with each target's reason and description."""

from __future__ import annotations

from collections import Counter

from rich.text import Text

from console.panes.base import Detail, Pane
from console.sanitize import clean, clean_block
from console.styles import BAD, GOOD, MUTED, cell, status_cell
from console.widgets.keyed_table import Row
from probes.targets import Target, TargetHealthSnapshot


def _reason(reason: str, description: str, style: str) -> Text:
    text = Text(clean(reason, limit=80), style=style, no_wrap=True, overflow="ellipsis")
    if description:
        text.append((": " if reason else "") + clean(description, limit=300))
    return text


def anomaly_text(t: Target) -> str:
    """ALB anomaly detection (AWS's words): ``anomalous, mitigated`` when the ALB routes less
    traffic to it, ``anomalous``, ``normal``, or ``-`` when AWS gave no result."""
    if not t.anomaly:
        return "-"
    mitigated = t.mitigation.lower() == "yes"
    return f"{t.anomaly}, mitigated" if mitigated else t.anomaly


def mitigation_text(t: Target) -> str:
    if not t.mitigation:
        return "-"
    if t.mitigation.lower() == "yes":
        return "yes: the ALB's automatic target weights route less traffic to this target"
    return t.mitigation


class TargetsPane(Pane[TargetHealthSnapshot]):
    probe = "targets"
    title = "Targets"
    number = 3
    interval_s = 15.0
    columns = (("Target", 12, "name"), ("Port", 4), ("State", 9, "keep"), ("Anomaly", 7),
               ("Reason: description", None))
    default_order = "by target"

    def status_line(self, s: TargetHealthSnapshot) -> Text:
        text = Text()
        total = len(s.targets)
        style = BAD if s.no_healthy_target else GOOD if s.healthy_count == total else "yellow"
        text.append(f"{s.healthy_count}/{total} healthy", style=style)
        if s.no_healthy_target:  # fail-open or 503: probes.targets.Routing (verdict helper)
            text.append(f"  → {s.routing.short}", style=BAD)
        reasons = Counter((t.reason, t.description) for t in s.targets
                          if t.state == "unhealthy")
        for (reason, description), count in reasons.most_common(2):
            text.append(f"\n✗ {clean(reason, limit=60)} ×{count}", style=BAD)
            if description:
                text.append(f": {clean(description, limit=160)}")
        anomalous = [t for t in s.targets if t.anomaly.lower() == "anomalous"]
        if anomalous:
            mitigated = sum(1 for t in anomalous if t.mitigation.lower() == "yes")
            text.append(f"\n⚠ {len(anomalous)} anomalous (ALB anomaly detection)", style=BAD)
            if mitigated:
                text.append(f", {mitigated} mitigated: the ALB routes less traffic to them")
        for lb in s.load_balancers:
            text.append(f"\n{clean(lb.dns_name, limit=100)}", style=MUTED)
            if lb.state and lb.state != "active":
                text.append(f" ({clean(lb.state)})", style=BAD)
        return text

    def rows(self, s: TargetHealthSnapshot) -> list[Row]:
        return [
            Row(f"{g.arn}|{t.target_id}|{t.port}", (
                cell(t.target_id, limit=60),
                cell(t.port if t.port is not None else "-"),
                status_cell(t.state),
                cell(anomaly_text(t), BAD if t.anomaly.lower() == "anomalous" else ""),
                _reason(t.reason, t.description, BAD if t.state == "unhealthy" else ""),
            ), search_text=f"{g.name} {t.target_id} {t.state} {t.anomaly} {t.reason} "
                           f"{t.description}", sort_keys=(None, t.port or 0),
                copy_text=t.target_id)
            for g in s.groups for t in g.targets
        ]

    def summary(self, s: TargetHealthSnapshot) -> Text:
        style = BAD if s.no_healthy_target else GOOD
        return Text(f"{s.healthy_count}/{len(s.targets)} healthy", style=style)

    def detail(self, key: str) -> Detail | None:
        if self.data is None:
            return None
        for group in self.data.groups:
            for t in group.targets:
                if f"{group.arn}|{t.target_id}|{t.port}" != key:
                    continue
                body = Text()
                for label, value in (("Target group", group.name), ("Target", t.target_id),
                                     ("Port", t.port), ("Zone", t.availability_zone),
                                     ("State", t.state), ("Reason", t.reason),
                                     ("Anomaly", t.anomaly or "- (not reported)"),
                                     ("Mitigation", mitigation_text(t)),
                                     ("Health check", f"{group.protocol} {group.health_check_path}"
                                      f" on port {group.port}")):
                    body.append(f"{label:<14}", style="bold")
                    body.append(clean(str(value or "-"), limit=500) + "\n")
                body.append("Description\n", style="bold")
                body.append(clean_block(t.description or "(none given)"))
                return Detail(f"Target {clean(t.target_id, limit=60)}", body)
        return None
