"""Shared helpers for browser tests: Debian's chromium driven by Playwright's sync API.

Use `launch_chromium()` from a fixture; it skips when chromium is missing (fails instead when CI is set,
so a broken CI image cannot silently drop the browser tests).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]
# How long an `expect(...)` assertion waits for the page to reach the state it checks. Playwright's default
# (5 s) is shorter than its 30 s for actions, so a submit answered slowly on a loaded machine failed the check.
EXPECT_TIMEOUT_MS = 60_000


def chromium_path() -> str | None:
    return shutil.which("chromium")


@contextmanager
def launch_chromium() -> Iterator[Browser]:
    """Yield a Playwright Browser running the system chromium; skip (or fail under CI) if there is none."""
    path = chromium_path()
    if path is None:
        message = "chromium is not installed (apt-get install chromium); browser tests need it"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:  # pragma: no cover - playwright is a test dependency
        if os.environ.get("CI"):
            pytest.fail("playwright is not installed")
        pytest.skip("playwright is not installed")
    # Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM calls here
    # ("async context"). The test thread only reads or sets up data between browser steps, so allow it.
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def login(browser: Browser, base_url: str, username: str, password: str, **context_options) -> Page:
    """A fresh browser context signed in to the staff back office; returns its page where the user lands (the
    dashboard; the case list for those who only handle disclosure applications).

    `context_options` go to Browser.new_context, e.g. viewport={"width": 375, "height": 812} for a phone."""
    context = browser.new_context(locale="zh-CN", base_url=base_url, **context_options)
    page = context.new_page()
    page.goto("/staff/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/staff/(applications/)?$"))
    return page


def take_action(page: Page, label: str, comment: str = "") -> None:
    """Press one workflow button on the staff document page (after writing an optional comment) and wait for
    the confirmation “已完成“<label>””."""
    from playwright.sync_api import expect

    form = page.locator("form.action-form").filter(has=page.get_by_role("heading", name=label, exact=True))
    if comment:
        form.get_by_label(re.compile("意见")).fill(comment)
    form.get_by_role("button", name=label, exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"已完成“{label}”")


def server_errors(page: Page, errors: list[str] | None = None) -> list[str]:
    """A list that collects every 5xx response the page receives from now on (assert it stays empty); pass the
    list of another page to collect the errors of several pages in one."""
    errors = [] if errors is None else errors
    page.on("response", lambda response: errors.append(f"{response.status} {response.url}")
            if response.status >= 500 else None)
    return errors


def sideways_overflow(page: Page) -> int:
    """How many CSS pixels the page scrolls sideways (0 when everything fits the window's width).

    Waits for the page to load first: right after a click that navigates, the new document may not have its root
    element yet (CI saw document.documentElement null once)."""
    page.wait_for_load_state("load")
    page.wait_for_function("document.documentElement !== null && document.readyState === 'complete'")
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
