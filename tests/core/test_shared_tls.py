"""One TLS context for every client (issue 12 point 4): the CA bundle is loaded once per
process, not once per client, and aiohttp's unused default contexts load nothing."""

from __future__ import annotations

import json
import ssl
import subprocess
import sys

from probes import tls
from probes.context import AwsContext

SERVICES = ("sts", "cloudformation", "ecs", "elbv2", "logs", "cloudwatch", "ce")


async def test_every_client_shares_one_context_and_one_ca_load(scenario, monkeypatch):
    demo = scenario("healthy")
    loads: list[object] = []
    original = ssl.SSLContext.load_verify_locations

    def counting(self, *args, **kwargs):
        loads.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", counting)
    monkeypatch.setattr(tls, "_contexts", {})
    async with AwsContext(demo.settings()) as ctx:
        clients = [await ctx.client(s) for s in SERVICES]
        await clients[0].get_caller_identity()
        await clients[1].describe_stacks()
        await clients[2].list_clusters()
        await clients[3].describe_load_balancers()
        await clients[4].describe_log_groups()
        await clients[5].describe_alarms()
        contexts = {id(c._endpoint.http_session._sessions[None].connector._ssl)
                    for c in clients[:6]}
    assert len(loads) == 1
    assert len(contexts) == 1


def test_importing_the_client_stack_loads_no_system_certificates():
    code = ("import probes.context, aiohttp.connector as c, json; "
            "print(json.dumps([c._SSL_CONTEXT_VERIFIED.cert_store_stats(), "
            "c._SSL_CONTEXT_UNVERIFIED.cert_store_stats()]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    verified, unverified = json.loads(out)
    assert verified["x509"] == 0 and unverified["x509"] == 0
