"""The durable views the twin maintains, by name (`twin rebuild --view NAME`)."""

from __future__ import annotations

from .base import Projection
from .feedback import FeedbackProjection
from .logs import LogsProjection
from .messages import MessagesProjection
from .tenants import ApiKeysProjection, TenantsProjection

TENANTS = TenantsProjection()
API_KEYS = ApiKeysProjection()
MESSAGES = MessagesProjection()
LOGS = LogsProjection()
FEEDBACK = FeedbackProjection()


def durable_projections() -> list[Projection]:
    """The durable projections (stateless objects, shared): tenants, api_keys, messages, logs, feedback."""
    return [TENANTS, API_KEYS, MESSAGES, LOGS, FEEDBACK]
