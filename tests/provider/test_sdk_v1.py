"""The last 1.x Python SDK (1.17.0: ``x-api-key`` + ``anthropic-version: 2023-06-01``, ``?beta=true``
on beta calls), installed beside the repo's 2.x and run in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.server import TwinServer

from .helpers import V2023, request_events

ROOT = Path(__file__).resolve().parents[2]
VERSION = "1.17.0"

SCRIPT = r"""
import json, sys
import anthropic
assert anthropic.__version__ == sys.argv[3], anthropic.__version__
client = anthropic.Anthropic(api_key=sys.argv[2], base_url=sys.argv[1], max_retries=0)
out = {}
messages = [{"role": "user", "content": "Tell me about the twin."}]
raw = client.messages.with_raw_response.create(model="claude-opus-4-8", max_tokens=200, messages=messages)
created = raw.parse()
out["request_id"] = raw.headers["request-id"]
out["created"] = created.model_dump(exclude={"id"})
with client.messages.stream(model="claude-opus-4-8", max_tokens=200, messages=messages) as stream:
    out["text"] = "".join(stream.text_stream)
    out["final"] = stream.get_final_message().model_dump(exclude={"id"})
events = list(client.messages.create(model="claude-opus-4-8", max_tokens=200, messages=messages, stream=True))
out["events"] = [event.type for event in events]
out["temperature"] = client.messages.create(
    model="claude-haiku-4-5", max_tokens=20, messages=messages, extra_body={"temperature": 0.5}).stop_reason
out["count"] = client.messages.count_tokens(model="claude-opus-4-8", messages=messages).input_tokens
out["beta_count"] = client.beta.messages.count_tokens(model="claude-opus-4-8", messages=messages).input_tokens
out["models"] = [model.id for model in client.models.list(limit=1)]
out["all_models"] = [model.id for model in client.models.list(limit=1000).data]
out["retrieved"] = client.models.retrieve("claude-opus-4-8").display_name
errors = {}
try:
    client.messages.create(model="claude-nope", max_tokens=5, messages=messages)
except anthropic.NotFoundError as exc:
    errors["not_found"] = [exc.status_code, exc.body, exc.request_id]
try:
    client.messages.create(model="claude-opus-4-8", max_tokens=5, messages=[{"role": "user", "content": [{"type": "text", "text": ""}]}])
except anthropic.BadRequestError as exc:
    errors["bad_request"] = [exc.status_code, exc.body, exc.request_id]
try:
    anthropic.Anthropic(api_key="sk-ant-twin01-wrong-key-0000", base_url=sys.argv[1], max_retries=0).models.list()
except anthropic.AuthenticationError as exc:
    errors["auth"] = [exc.status_code, exc.body, exc.request_id]
out["errors"] = errors
print(json.dumps(out))
"""


@pytest.fixture(scope="session")
def sdk_v1_path() -> Path:
    target = ROOT / ".pytest_cache" / f"anthropic-{VERSION}"
    if not (target / "anthropic").is_dir():
        result = subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "--target", str(target), f"anthropic=={VERSION}"],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode != 0:
            pytest.skip(f"could not install anthropic=={VERSION}: {result.stderr[-500:]}")
    return target


def test_sdk_1_17_against_the_twin(twin: TwinServer, api_key: str, sdk_v1_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, twin.base_url, api_key, VERSION],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(sdk_v1_path)},
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["final"] == out["created"]
    assert out["text"] == out["created"]["content"][0]["text"]
    assert out["events"][0] == "message_start"
    assert out["events"][-1] == "message_stop"
    assert out["temperature"] in ("end_turn", "max_tokens")  # 2023-06-01 still takes temperature
    assert out["count"] == out["beta_count"] == out["created"]["usage"]["input_tokens"]
    assert out["models"] == out["all_models"]
    assert out["retrieved"] == "Claude Opus 4.8"
    errors = out["errors"]
    status, body, request_id = errors["not_found"]
    assert status == 404
    assert body == {
        "type": "error",
        "error": {"type": "not_found_error", "message": "model: claude-nope"},
        "request_id": request_id,
    }
    status, body, request_id = errors["bad_request"]
    assert status == 400
    assert body["error"] == {
        "type": "invalid_request_error",
        "message": "messages: text content blocks must be non-empty",
    }
    status, body, request_id = errors["auth"]
    assert status == 401
    assert body["error"] == {"type": "authentication_error", "message": "invalid x-api-key"}
    ((event, data),) = request_events(twin, out["request_id"])
    assert event.type == "message.created"
    assert data["api_version"] == V2023
