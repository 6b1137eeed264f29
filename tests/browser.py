"""A real headless Chromium for the tests of pages: the app served on a live port, and the
system's Chromium either run once (`rendered_dom`) or driven by Playwright (`browser`).

Its fixtures (`live_server`, `browser`) reach every test through tests/conftest.py.
Without Chromium such tests are skipped, except in CI (CI=true), where they must run.
"""
import os
import shutil
import subprocess
import tempfile
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--no-first-run", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--virtual-time-budget=15000", "--enable-logging=stderr", "--v=0",
]


def chromium() -> str:
    """The path of the system's Chromium, or skip (fail in CI) without one."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI") == "true":
        pytest.fail("Chromium is required in CI (apt-get install chromium).")
    pytest.skip("Chromium is not installed (apt-get install chromium).")


def serve(app) -> tuple[str, callable]:
    """Serve `app` on a free local port in a thread: its base URL and a function that stops it."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        thread.join(timeout=10)

    return f"http://127.0.0.1:{server.server_port}", stop


@pytest.fixture
def live_server(app):
    """The test's app on a live port: its base URL."""
    url, stop = serve(app)
    yield url
    stop()


def rendered_dom(url: str) -> tuple[str, str]:
    """The page's DOM once rendered by Chromium, and Chromium's log (console included)."""
    with tempfile.TemporaryDirectory(prefix="exchange-chromium-") as profile:
        result = subprocess.run(
            [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout, result.stderr


@pytest.fixture(scope="session")
def _playwright_chromium():
    """One Chromium for the run, driven by Playwright."""
    path = chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=path, args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield launched
        launched.close()


@pytest.fixture
def browser(_playwright_chromium):
    """A fresh browser context (no cookies, no storage) for one test."""
    context = _playwright_chromium.new_context()
    yield context
    context.close()
