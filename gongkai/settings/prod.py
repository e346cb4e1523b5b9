"""Production settings: the same environment table, with the hardening a public site needs."""

from gongkai.settings.base import *  # noqa: F403

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
