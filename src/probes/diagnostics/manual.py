"""What the AWS APIs cannot show, as steps for a human, filled with this deployment's names.

A template not yet deployed, what resolvers and browsers outside see (DNS propagation, the TLS
handshake, stale pages), the inside of a running task, an email sitting in a spam folder, AWS's
own health: none of it is visible from the control-plane APIs the console reads.
"""

from __future__ import annotations

from probes.diagnostics import guide
from probes.diagnostics.edge import distribution
from probes.diagnostics.inputs import DiagnosticInputs, FetchFailed
from probes.diagnostics.model import Diagnostic, Finding, Severity, args, evidence
from probes.targets import TargetHealthSnapshot


def manual_findings(*, stack: str, region: str, cluster: str, domain: str | None,
                    alb_dns: str | None, distribution_id: str | None,
                    distribution_domain: str | None, buckets: tuple[str, ...],
                    log_group: str | None) -> list[Finding]:
    """The manual steps, with the real names where they are known."""
    site = domain or "your-domain.com"
    alb = alb_dns or "ALB-DNS-NAME"
    bucket = buckets[0] if buckets else "BUCKET"
    group = log_group or f"/ecs/{stack}"

    def step(ident: str, title: str, fix: str, entry: str, *, why: str,
             actions: tuple[str, ...] = (), runbooks: tuple[str, ...] = (),
             refs: tuple[tuple[str, str], ...] = ()) -> Finding:
        return Finding(id=f"manual.{ident}", severity=Severity.MANUAL, title=title,
                       evidence=evidence(("why manual", why)), fix=fix, guide=entry,
                       actions=actions, runbooks=runbooks, action_args=refs)

    return [
        step("template-validation", "Validate a template before deploying it",
             "yamllint infrastructure/main-infrastructure.yaml; aws cloudformation "
             f"validate-template --template-body file://main-infrastructure.yaml --region {region}",
             guide.TEMPLATE_VALIDATION, why="a template not yet deployed is not in AWS"),
        step("parameter-validation", "Check parameters before deploying",
             "Bucket names must be globally unique (aws s3api head-bucket --bucket NAME: 404 "
             "means free); check the domain name and certificate ARN formats.",
             guide.PARAMETER_VALIDATION, why="parameters are checked when a deploy starts"),
        step("health-endpoint", "Ask the health endpoint yourself",
             f"curl -f http://{alb}/health (expect 200 quickly)", guide.HEALTH_CHECKS,
             why="the APIs report health-check results, not the response body"),
        step("ssl-handshake", "Test the TLS handshake from outside",
             f"openssl s_client -connect {site}:443 -servername {site} </dev/null",
             guide.SSL, why="ACM shows the certificate, not what a browser negotiates"),
        step("dns-propagation", "Check what resolvers outside see",
             f"dig +short {site}; nslookup {site} — expect CloudFront addresses"
             + (f" ({distribution_domain})" if distribution_domain else ""),
             guide.DNS, why="Route 53 shows the zone, not caches and delegation outside"),
        step("cloudfront-content", "Check what CloudFront serves",
             f"curl -I https://{site}/ (look at x-cache and age); invalidate if stale",
             guide.CLOUDFRONT, why="cached content is only visible from an edge",
             actions=(guide.INVALIDATE_CLOUDFRONT,) if distribution_id else (),
             refs=args(distribution_id=distribution_id)),
        step("s3-from-task", "Test S3 access from inside a task",
             f"aws ecs execute-command --cluster {cluster} --task TASK --container app "
             f"--interactive --command \"aws s3 ls s3://{bucket}\" (needs ECS Exec enabled)",
             guide.S3_ACCESS, why="the app's own credentials are only usable inside the task"),
        step("email-confirmation", "Confirm alert emails arrive",
             "Publish a test notification; check the inbox and the spam folder; click the "
             "confirmation link of any pending subscription.", guide.BUDGETS,
             why="delivery to a mailbox is invisible to AWS",
             actions=(guide.PUBLISH_TEST_NOTIFICATION,)),
        step("aws-health", "Check AWS's own health for the region",
             f"https://health.aws.amazon.com/health/status ({region}); escalate to AWS Support "
             "if the infrastructure is at fault.", guide.ESCALATION,
             why="the Health API needs a Business support plan",
             actions=(guide.PREPARE_SUPPORT_CASE,), runbooks=(guide.P0_SERVICE_DOWN,)),
        step("cloudtrail-review", "Review CloudTrail for unexpected access",
             "CloudTrail event history (90 days): console logins, IAM and secret changes.",
             guide.ESCALATION, why="judging access as unexpected takes a human",
             runbooks=(guide.P0_SECURITY,)),
        step("restore-test", "Prove the newest backup restores",
             "Download it and run: sqlite3 restore.db 'PRAGMA integrity_check;'",
             guide.DATABASE_RECOVERY, why="an object in S3 is not yet a working database",
             runbooks=(guide.DATABASE_RECOVERY_RUNBOOK,)),
        step("log-tail", "Read the application's own words",
             f"aws logs tail {group} --since 30m", guide.LOGS,
             why="a diagnostic summarises; the log shows the sequence"),
    ]


async def check_manual(inputs: DiagnosticInputs) -> list[Finding]:
    d = inputs.deployment
    targets: TargetHealthSnapshot | None = inputs.snapshot_or_none("targets")
    domain = next((r.physical_id for r in d.resources
                   if r.resource_type == "AWS::Route53::RecordSet" and r.physical_id), None)
    try:
        dist = await distribution(inputs)  # shared with the CloudFront diagnostic: no new call
    except FetchFailed:
        dist = None
    distribution_domain = dist.domain_name if dist else None
    domain = domain or (dist.aliases[0] if dist and dist.aliases else None)
    return manual_findings(
        stack=d.stack, region=d.region, cluster=d.cluster, domain=domain,
        alb_dns=targets.dns_name if targets else None, distribution_id=d.distribution_id,
        distribution_domain=distribution_domain, buckets=d.buckets,
        log_group=d.log_groups[0] if d.log_groups else None)


DIAGNOSTICS = (
    Diagnostic("manual", "Manual checks",
               (guide.TEMPLATE_VALIDATION, guide.PARAMETER_VALIDATION, guide.ESCALATION),
               check_manual, probes=("targets",)),
)
