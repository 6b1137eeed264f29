"""The interactive documentation at /docs, rendered by a real headless Chromium.

The page, its scripts and the OpenAPI document all come from the app itself, so the
browser needs nothing but the live server. Chromium's console (logged to stderr) reports
anything the page's Content-Security-Policy blocked: a style blocked would leave the
operations rendered but the page unreadable, so the test also asserts nothing was.
Without Chromium the test is skipped, except in CI (CI=true), where it must run.
"""
from html.parser import HTMLParser

from tests.browser import rendered_dom


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


def test_docs_page_renders_the_api_operations(live_server):
    dom, log = rendered_dom(f"{live_server}/docs")
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
