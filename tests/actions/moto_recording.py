"""What moto recorded for the action tests: the UpdateService bodies it received, and an ECS
client on the same emulator (the tests assert what AWS received, not what the console meant)."""

import base64
import json
import urllib.request

import boto3


def recorder(endpoint: str, path: str) -> bytes:
    method = "GET" if path == "download-recording" else "POST"
    return urllib.request.urlopen(urllib.request.Request(
        f"{endpoint}/moto-api/recorder/{path}", method=method)).read()


def update_service_bodies(endpoint: str) -> list[dict]:
    """The UpdateService requests moto received since recording started."""
    bodies = []
    for line in recorder(endpoint, "download-recording").decode().splitlines():
        entry = json.loads(line) if line.strip() else {}
        headers = {k.lower(): v for k, v in entry.get("headers", {}).items()}
        if headers.get("x-amz-target", "").endswith(".UpdateService"):
            body = entry.get("body") or ""
            if entry.get("body_encoded"):
                body = base64.b64decode(body).decode()
            bodies.append(json.loads(body))
    return bodies


def ecs_client(demo):
    return boto3.client("ecs", endpoint_url=demo.endpoint_url, region_name="eu-west-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")
