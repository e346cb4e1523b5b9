"""Production settings: the same environment table, with the hardening a public site needs."""

from gongkai.settings.base import *  # noqa: F403
from gongkai.settings.base import GONGKAI_BASE_URL

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = GONGKAI_BASE_URL.startswith("https://")
CSRF_COOKIE_SECURE = GONGKAI_BASE_URL.startswith("https://")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
