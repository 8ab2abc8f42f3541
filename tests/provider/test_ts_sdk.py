"""The TypeScript SDK (`@anthropic-ai/sdk`, from npm) against the twin: create, stream
`finalMessage()`, models auto-pagination, countTokens and typed errors. Needs node and npm."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.server import TwinServer

ROOT = Path(__file__).resolve().parents[2]
NPM_DIR = ROOT / ".pytest_cache" / "npm-ts"

pytestmark = pytest.mark.npm

SCRIPT = r"""
import Anthropic from '@anthropic-ai/sdk';
const [baseURL, apiKey] = process.argv.slice(2);
const client = new Anthropic({ apiKey, baseURL, maxRetries: 0 });
const model = 'claude-opus-4-8';
const messages = [{ role: 'user', content: 'Tell me about digital twins.' }];
const out = {};
const created = await client.messages.create({ model, max_tokens: 200, messages });
out.created = created;
out.request_id = created._request_id;
const stream = client.messages.stream({ model, max_tokens: 200, messages });
let text = '';
stream.on('text', (delta) => { text += delta; });
out.final = await stream.finalMessage();
out.text = text;
out.models = [];
for await (const m of client.models.list({ limit: 1 })) out.models.push(m.id);
out.all_models = (await client.models.list({ limit: 1000 })).data.map((m) => m.id);
out.retrieved = (await client.models.retrieve('claude-sonnet-5')).display_name;
out.count = (await client.messages.countTokens({ model, messages })).input_tokens;
out.errors = {};
try { await client.messages.create({ model: 'claude-nope', max_tokens: 5, messages }); }
catch (e) { out.errors.not_found = [e.constructor.name, e.status, e.requestID, e.error]; }
try { await new Anthropic({ apiKey: 'sk-ant-twin01-wrong-key-0000', baseURL, maxRetries: 0 }).models.list(); }
catch (e) { out.errors.auth = [e.constructor.name, e.status, e.requestID, e.error]; }
console.log(JSON.stringify(out));
"""


@pytest.fixture(scope="session")
def ts_sdk_dir() -> Path:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are needed for the TypeScript SDK test (not found on PATH)")
    if not (NPM_DIR / "node_modules" / "@anthropic-ai" / "sdk").is_dir():
        NPM_DIR.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--silent", "@anthropic-ai/sdk"],
            cwd=NPM_DIR,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode != 0:
            pytest.skip(f"npm install @anthropic-ai/sdk failed: {result.stderr[-500:]}")
    (NPM_DIR / "twin_test.mjs").write_text(SCRIPT)
    return NPM_DIR


def test_typescript_sdk(twin: TwinServer, api_key: str, ts_sdk_dir: Path) -> None:
    result = subprocess.run(
        ["node", "twin_test.mjs", twin.base_url, api_key],
        cwd=ts_sdk_dir,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    created, final = out["created"], out["final"]
    assert out["request_id"].startswith("req_")
    assert created["content"] == final["content"]
    assert created["usage"] == final["usage"]
    assert created["stop_reason"] == final["stop_reason"] == "end_turn"
    assert out["text"] == created["content"][0]["text"]
    assert out["models"] == out["all_models"]
    assert out["retrieved"] == "Claude Sonnet 5"
    assert out["count"] == created["usage"]["input_tokens"]
    name, status, request_id, body = out["errors"]["not_found"]
    assert (name, status) == ("NotFoundError", 404)
    assert body == {
        "type": "error",
        "error": {"type": "not_found_error", "message": "model: claude-nope"},
        "request_id": request_id,
    }
    name, status, _, body = out["errors"]["auth"]
    assert (name, status) == ("AuthenticationError", 401)
    assert body["error"]["message"] == "Invalid bearer token"
