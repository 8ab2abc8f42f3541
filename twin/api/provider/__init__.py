"""The provider surface: ``/v1/...`` exactly like api.anthropic.com, served as raw ASGI.

* :mod:`.router`: routes, the error boundary (404/405/500 in the Anthropic envelope).
* :mod:`.call`: one request: headers read once, body limits (413), authentication (401),
  answers and failure records.
* :mod:`.messages`: ``POST /v1/messages`` (JSON and SSE) and ``/v1/messages/count_tokens``.
* :mod:`.models`: ``GET /v1/models`` and ``GET /v1/models/{id}``.
* :mod:`.sse`: the stream rendering of a Completion (pure).
* :mod:`.headers`: ``request-id``, organization and rate-limit headers.
"""

from .router import ProviderRouter

__all__ = ["ProviderRouter"]
