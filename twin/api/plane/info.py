"""Unauthenticated twin-plane endpoints: health, scenarios, settings, references, agent instructions."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get

from twin import __version__

from ...runtime import Runtime

SCENARIOS: list[dict[str, Any]] = [
    {
        "name": "messages-api",
        "status": "supported",
        "description": "POST /v1/messages (JSON and SSE streaming), POST /v1/messages/count_tokens, "
        "GET /v1/models[/{id}], both API versions (2023-06-01, 2026-10-21).",
        "capabilities": ["messages", "streaming", "count_tokens", "models", "tool_use", "thinking", "prompt_caching"],
    },
    {
        "name": "twin-plane",
        "status": "supported",
        "description": "Tenants, API keys, history, logs, feedback and an audit event feed under /_twin.",
        "capabilities": ["tenants", "api_keys", "history", "logs", "feedback", "events", "export"],
    },
]

REFERENCES = [
    {
        "title": "Anthropic API reference: Messages",
        "url": "https://docs.anthropic.com/en/api/messages",
        "retrieved": "2026-11-22",
    },
    {
        "title": "Anthropic API reference: Streaming Messages",
        "url": "https://docs.anthropic.com/en/docs/build-with-claude/streaming",
        "retrieved": "2026-11-22",
    },
    {
        "title": "Anthropic API: Errors",
        "url": "https://docs.anthropic.com/en/api/errors",
        "retrieved": "2026-11-22",
    },
    {
        "title": "anthropic-sdk-python 2.12.0 (types, streaming accumulator, error classes)",
        "url": "https://pypi.org/project/anthropic/2.12.0/",
        "retrieved": "2026-11-22",
    },
    {
        "title": "twins.la: digital twins contract",
        "url": "https://github.com/twins-la/twins-la",
        "retrieved": "2026-11-22",
    },
]

AGENT_INSTRUCTIONS = """\
# Anthropic API twin

A digital twin of the public Anthropic API. Synthetic, deterministic answers; it never calls
api.anthropic.com. The wire format matches the real API, so the official SDKs and Claude Code
work with only the base URL changed.

Base URL: {base_url}

## Bootstrap (twin plane)
1. Create a tenant (no auth):
   curl -s -X POST {base_url}/_twin/tenants -H 'content-type: application/json' -d '{{"friendly_name":"me"}}'
   -> {{"tenant_id": ..., "tenant_secret": ...}}   (the secret is shown once)
2. Mint an API key (HTTP Basic tenant_id:tenant_secret):
   curl -s -X POST {base_url}/_twin/accounts -u "$TENANT_ID:$TENANT_SECRET" \\
        -H 'content-type: application/json' -d '{{"kind":"api_key"}}'
   -> {{"api_key": "sk-ant-twin01-...", ...}}      (shown once)
{default_tenant}
## Call the API
   export ANTHROPIC_BASE_URL={base_url} ANTHROPIC_API_KEY=<api_key>
   Python:  anthropic.Anthropic().messages.create(model="claude-sonnet-4-5", max_tokens=256, messages=[...])
   curl:    curl {base_url}/v1/messages -H "x-api-key: $KEY" -H 'anthropic-version: 2023-06-01' \\
              -H 'content-type: application/json' \\
              -d '{{"model":"claude-sonnet-4-5","max_tokens":64,"messages":[{{"role":"user","content":"hi"}}]}}'
   Claude Code: ANTHROPIC_BASE_URL={base_url} ANTHROPIC_API_KEY=<api_key> claude -p "hello"

## Inspect
   GET /_twin/messages, /_twin/logs, /_twin/events (Basic tenant auth) show what you sent and got.

## Control (Basic tenant auth)
   Failures:  header `x-twin-fault: overloaded_error` (or rate_limit_error; retry_after=2, api_error;
              after_events=4 ...) on one request, or PUT /_twin/faults {{"rules":[{{"error":"overloaded_error",
              "times":2}}]}} for the next matching requests.
   Latency:   header `x-twin-timing: ttft_ms=200,tps=50,jitter_ms=5`, or PATCH /_twin/tenant/settings
              {{"timing_profile": {{"ttft_ms":200,"tokens_per_second":50,"jitter_ms":5}}}}.
   Time:      POST /_twin/clock {{"advance_ms": 360000}} moves the tenant's clock (prompt-cache TTLs).
   Tools:     with tool_choice auto, the model calls a tool when the last user turn names it (e.g.
              "use get_weather for Paris"); tool_choice any/tool always calls one.
"""


def _runtime(request: Request[Any, Any, Any]) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


@get("/_twin/health", sync_to_thread=False)
def health() -> dict[str, str]:
    return {"status": "ok", "twin": "anthropic", "version": __version__}


@get("/_twin/scenarios", sync_to_thread=False)
def scenarios() -> dict[str, Any]:
    return {"scenarios": SCENARIOS}


@get("/_twin/settings", sync_to_thread=False)
def settings(request: Request[Any, Any, Any]) -> dict[str, Any]:
    runtime = _runtime(request)
    public = runtime.settings.public()
    return {
        "twin": "anthropic",
        "version": __version__,
        "base_url": public.pop("base_url"),
        "store_kind": runtime.store.backend,
        **public,
        "limits": {"messages_body_bytes": 32 * 1024 * 1024, "twin_body_bytes": 1024 * 1024},
    }


@get("/_twin/references", sync_to_thread=False)
def references() -> dict[str, Any]:
    return {"references": REFERENCES}


@get("/_twin/agent-instructions", sync_to_thread=False, media_type="text/plain")
def agent_instructions(request: Request[Any, Any, Any]) -> Response[str]:
    runtime = _runtime(request)
    default = (
        ""
        if runtime.settings.hosted
        else "   (Local twin: the tenant `default` exists already; use -u 'default:' to mint its keys.)\n"
    )
    text = AGENT_INSTRUCTIONS.format(base_url=runtime.settings.base_url, default_tenant=default)
    return Response(text, media_type="text/plain; charset=utf-8")


ROUTES = [health, scenarios, settings, references, agent_instructions]
