from __future__ import annotations

import importlib

import pytest
from django.db.models.signals import post_migrate

from tests import factories


def _reinstall_starter_dictionary(sender, using="default", **kwargs):
    """A test that commits (`transaction=True`, the browser tests' live server) empties every table when it
    ends, the starter search dictionary its migrations installed included; Django then sends post_migrate.
    Put the dictionary back, so the tests after it find what a fresh instance has, in whatever order the
    test processes run them."""
    if sender.label != "search":
        return
    from django.apps import apps

    from gongkai.search.models import Synonym

    if Synonym.objects.using(using).exists():
        return
    for module, function in (("0003_starter_synonyms", "add_starter"), ("0005_everyday_words", "add_everyday")):
        getattr(importlib.import_module(f"gongkai.search.migrations.{module}"), function)(apps, None)


post_migrate.connect(_reinstall_starter_dictionary, dispatch_uid="tests.reinstall_starter_dictionary")


def _reinstall_default_scheme(sender, using="default", **kwargs):
    """The same for the default 考评方案 its migration seeds (the seed does nothing while a scheme exists)."""
    if sender.label != "assessment":
        return
    from django.apps import apps

    importlib.import_module("gongkai.assessment.migrations.0002_default_scheme").seed(apps, None)


post_migrate.connect(_reinstall_default_scheme, dispatch_uid="tests.reinstall_default_scheme")


@pytest.fixture
def agency(db):
    root = factories.make_agency("11000000TEST00001X", "测试市人民政府", kind="government")
    return factories.make_agency("11000000TEST00002X", "测试市财政局", parent=root)


@pytest.fixture
def team(agency):
    return factories.make_team(agency)


@pytest.fixture
def published(team, agency):
    return factories.make_document(team, agency)


@pytest.fixture(autouse=True)
def _no_article_rows_of_other_tests():
    """The Q&A's cache of article rows is emptied around every test: a rolled-back test's keys are given again."""
    from gongkai.qa import index

    index.clear_cache()
    yield
    index.clear_cache()


@pytest.fixture
def fresh_search(settings, tmp_path):
    """A search index of the test's own, with no cached lexicon, synonyms or verified results from others."""
    from gongkai.search import services, synonyms

    settings.GONGKAI_SEARCH_DIR = str(tmp_path / "search")
    services.clear_caches()
    synonyms.reset_cache()
    yield
    services.clear_caches()


@pytest.fixture
def fresh_cache():
    """An empty shared cache (rate-limit windows) before and after the test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def browser():
    """Debian's Chromium driven by Playwright, for the flows a person clicks through (skips where absent)."""
    from tests.browser import launch_chromium

    with launch_chromium() as chromium:
        yield chromium


@pytest.fixture
def limits(settings):
    """Login throttling with small, fixed numbers (the login and two-factor tests count against them)."""
    settings.GONGKAI_LOGIN_BACKOFF_AFTER = 3
    settings.GONGKAI_LOGIN_BACKOFF_SECONDS = 30
    settings.GONGKAI_LOGIN_MAX_FAILURES = 6
    settings.GONGKAI_LOGIN_LOCK_MINUTES = 30
    settings.GONGKAI_LOGIN_ADDRESS_FAILURES = 30
    return settings


@pytest.fixture
def mail_settings(settings):
    """Mail through SMTP to 127.0.0.1 on a free port (nothing listens there until a test starts tests.smtp's
    server on it); returns the port."""
    from tests.smtp import free_port

    port = free_port()
    settings.GONGKAI_SMTP_HOST = settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_TIMEOUT = 10
    settings.DEFAULT_FROM_EMAIL = "xxgk@example.gov.cn"
    return port
