"""The interactive documentation at /docs, rendered by a real headless Chromium.

The page, its scripts and the OpenAPI document all come from the app itself, so the
browser needs nothing but the live server. Chromium's console (logged to stderr) reports
anything the page's Content-Security-Policy blocked: a style blocked would leave the
operations rendered but the page unreadable, so the test also asserts nothing was.
Without Chromium the test is skipped, except in CI (CI=true), where it must run.
"""
import os
import shutil
import subprocess
import tempfile
import threading
from html.parser import HTMLParser

import pytest
from werkzeug.serving import make_server

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--no-first-run", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--virtual-time-budget=15000", "--enable-logging=stderr", "--v=0",
]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI") == "true":
        pytest.fail("Chromium is required in CI (apt-get install chromium).")
    pytest.skip("Chromium is not installed (apt-get install chromium).")


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


class _Text(HTMLParser):
    """The visible text of a page, and the operations Swagger UI rendered."""

    def __init__(self):
        super().__init__()
        self.text: list[str] = []
        self.operations: set[tuple[str, str]] = set()
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "span" and "opblock-summary-path" in (attributes.get("class") or ""):
            self.operations.add(("path", attributes.get("data-path", "")))

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def _rendered_dom(chromium: str, url: str) -> tuple[str, str]:
    """The page's DOM once rendered, and Chromium's log (console messages included)."""
    with tempfile.TemporaryDirectory(prefix="exchange-chromium-") as profile:
        result = subprocess.run(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout, result.stderr


def test_docs_page_renders_the_api_operations(live_server):
    chromium = _chromium()
    dom, log = _rendered_dom(chromium, f"{live_server}/docs")
    page = _Text()
    page.feed(dom)
    # Swagger UI puts zero-width spaces before the slashes of paths so they can wrap.
    text = "".join(page.text).replace("\u200b", "")
    paths = {path for _, path in page.operations}

    assert "Open Innovation Exchange" in text
    for path in ("/api/v1/challenges", "/api/v1/challenges/{challenge_id}",
                 "/api/v1/pitches/{pitch_id}/rating"):
        assert path in text, f"{path} is not on the rendered page"
        assert path in paths
    assert "Authorize" in text, "the page offers no way to sign in for try-it-out"
    refusals = [line for line in log.splitlines() if "Content Security Policy" in line]
    assert refusals == [], "the page's Content-Security-Policy blocked part of it"
