"""Test settings: a real database (SQLite or DATABASE_URL), fast hashing, tasks run inline."""

import os
import tempfile

# Tests never touch a real data folder, whatever the shell exported.
os.environ["GONGKAI_DATA_DIR"] = tempfile.mkdtemp(prefix="gongkai-test-")
os.environ.setdefault("GONGKAI_TASK_BACKEND", "immediate")
# A fixed data key (32 bytes, for tests only), so the test run prints no key notice and commands it starts agree.
os.environ.setdefault("GONGKAI_DATA_KEY", "dGVzdC1vbmx5LWRhdGEta2V5LWdvbmdrYWktMzItYnk=")
# Searches are counted at once, so a test reads the log right after searching.
os.environ.setdefault("GONGKAI_SEARCH_LOG_FLUSH_SECONDS", "0")
# The structural limits of attachment reading are tested by their own messages; a loaded machine must not
# trip the time budget first (a test of the budget sets it to 0 itself).
os.environ.setdefault("GONGKAI_EXTRACT_SECONDS", "600")

from gongkai.settings.base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The test database is a file like the real one, not SQLite's shared in-memory database: there, a second
# connection gets "table is locked" at once instead of waiting, so parallel-request tests (rate limits, locks)
# could not see the behaviour several app processes see in production.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405
