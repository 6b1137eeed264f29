"""The rating widget (/embed/pitches/<id>, /static/rating-widget.js): what it shows to whom,
who may frame it, and, in a real Chromium, a resident rating through it on a council's page
served from another site (localhost, while the exchange is 127.0.0.1)."""
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from exchange import config, create_app
from exchange.extensions import db
from exchange.pages.embed import tally_sentence
from tests.browser import serve
from tests.conftest import TEST_SETTINGS, _clean
from tests.factories import Factory, ok

PASSWORD = "correct horse"
STRANGER = "https://evil.example"


def _signed_in_browser(app, person):
    """A test client signed in by session cookie, as a browser is."""
    browser = app.test_client()
    ok(browser.post("/api/v1/auth/login", json={"email": person.email, "password": PASSWORD}))
    return browser


def _widget(client, pitch_id):
    return client.get(f"/embed/pitches/{pitch_id}")


def _text(response) -> str:
    return response.get_data(as_text=True)


def _star_buttons(html: str) -> list[str]:
    return re.findall(r'data-stars="(\d)" aria-pressed="(?:true|false)"', html)


def _csrf_token(html: str) -> str | None:
    found = re.search(r'<meta name="csrf-token" content="([^"]+)">', html)
    return found.group(1) if found else None


def _public(make, pitch_id) -> dict:
    return ok(make.anonymous().get(f"/pitches/{pitch_id}"))["tally"]["public"]


# --- What the page shows -----------------------------------------------------------------

def test_the_widget_shows_the_title_and_public_stars_and_a_sign_in_form(app, make, pitch):
    for stars in (5, 4):
        ok(make.user("rater").put(f"/pitches/{pitch['id']}/rating", json={"stars": stars}))
    page = _widget(app.test_client(), pitch["id"])
    html = _text(page)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert f"<h1>{pitch['title']}</h1>" in html
    # (5 + 4) / 2 = 4.5 over 2 ratings; the histogram has one 5 and one 4.
    assert "4.5 out of 5 stars from 2 ratings." in html
    assert '<td data-histogram="5">1</td>' in html and '<td data-histogram="4">1</td>' in html
    assert '<td data-histogram="3">0</td>' in html
    assert '<form id="sign-in"' in html and 'type="password"' in html
    assert _star_buttons(html) == [] and _csrf_token(html) is None
    assert page.headers["Cache-Control"] == "private, no-cache"


def test_the_mean_is_written_to_one_decimal_with_halves_rounded_up():
    # 17 stars over 4 ratings: 4.25, written 4.3 (as the page's script writes it).
    assert tally_sentence({"count": 4, "sum": 17, "mean": 4.25}) == (
        "4.3 out of 5 stars from 4 ratings.")
    assert tally_sentence({"count": 3, "sum": 7, "mean": 7 / 3}) == (
        "2.3 out of 5 stars from 3 ratings.")
    assert tally_sentence({"count": 1, "sum": 5, "mean": 5.0}) == (
        "5.0 out of 5 stars from 1 rating.")
    assert tally_sentence({"count": 0, "sum": 0, "mean": None}) == "No ratings yet."


def test_an_unknown_pitch_is_a_plain_404_page(app):
    page = _widget(app.test_client(), 424242)
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "<h1>No such pitch</h1>" in _text(page)


def test_a_resident_sees_five_star_buttons_and_the_stars_they_gave(app, make, pitch):
    person = make.user("resident")
    browser = _signed_in_browser(app, person)
    ok(person.put(f"/pitches/{pitch['id']}/rating", json={"stars": 3}))
    html = _text(_widget(browser, pitch["id"]))
    assert _star_buttons(html) == ["1", "2", "3", "4", "5"]
    assert 'data-stars="3" aria-pressed="true"' in html
    assert html.count('aria-pressed="true"') == 1
    assert "You gave it 3 stars." in html
    assert '<span class="visually-hidden">4 stars</span>' in html  # each button's name
    # The token in the page is the one cookie-signed writes need.
    ok(browser.put(f"/api/v1/pitches/{pitch['id']}/rating", json={"stars": 5},
                   headers={"X-CSRF-Token": _csrf_token(html)}))
    assert _public(make, pitch["id"])["histogram"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 1}


def test_the_supplier_sees_why_not_and_no_buttons_and_cannot_rate(app, make, pitch,
                                                                   supplier_org):
    browser = _signed_in_browser(app, supplier_org.owner)
    html = _text(_widget(browser, pitch["id"]))
    assert _star_buttons(html) == [] and _csrf_token(html) is None
    assert ("You cannot rate this pitch: Nobody rates a pitch of an organisation they "
            "belong to, or belonged to while the challenge was open or voting.") in html
    token = ok(browser.get("/api/v1/auth/csrf"))["csrf_token"]
    refused = browser.put(f"/api/v1/pitches/{pitch['id']}/rating", json={"stars": 5},
                          headers={"X-CSRF-Token": token})
    assert refused.status_code == 403
    assert _public(make, pitch["id"])["count"] == 0


def test_a_pitch_not_taking_ratings_says_why(app, make, council, challenge, pitch,
                                             supplier_org):
    browser = _signed_in_browser(app, make.user("resident"))
    withdrawn = make.pitch(challenge["id"], supplier_org)
    ok(supplier_org.owner.post(f"/pitches/{withdrawn['id']}/withdraw"))
    html = _text(_widget(browser, withdrawn["id"]))
    assert "You cannot rate this pitch: This pitch was withdrawn" in html
    assert _star_buttons(html) == []
    make.move(council, challenge["id"], "closed")
    html = _text(_widget(browser, pitch["id"]))
    assert ("You cannot rate this pitch: The challenge is closed; ratings are taken while it "
            "is open or voting.") in html
    assert _star_buttons(html) == []


# --- Who may frame it, and the headers of everything else --------------------------------

FRAMED_BY_SELF = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                  "connect-src 'self'; base-uri 'none'; form-action 'none'; "
                  "frame-ancestors 'self'")


def test_only_the_exchange_frames_the_widget_when_no_origin_is_listed(app, pitch):
    page = _widget(app.test_client(), pitch["id"])
    assert page.headers["Content-Security-Policy"] == FRAMED_BY_SELF
    assert "X-Frame-Options" not in page.headers


def test_the_listed_origins_may_frame_the_widget_and_nothing_else_changes(app, pitch):
    listed = create_app(TEST_SETTINGS | {"CORS_ORIGINS": [
        "https://council.example", "http://localhost:8080", "https://bad.example; script-src *",
        "*"]}).test_client()
    for path in (f"/embed/pitches/{pitch['id']}", "/embed/pitches/424242"):
        page = listed.get(path)
        assert page.headers["Content-Security-Policy"] == (
            FRAMED_BY_SELF + " https://council.example http://localhost:8080"), path
        assert "X-Frame-Options" not in page.headers
    for path in ("/api/v1/challenges", f"/api/v1/pitches/{pitch['id']}", "/healthz", "/docs",
                 "/openapi.json", "/static/rating-widget.js", "/static/embed.js",
                 "/no-such-page"):
        answer = listed.get(path)
        assert answer.headers["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"], path


def test_a_forged_cross_origin_rating_with_the_cookie_is_refused(app, make, pitch):
    friend = "http://localhost:8080"
    listed = create_app(TEST_SETTINGS | {"CORS_ORIGINS": [friend]})
    browser = _signed_in_browser(listed, make.user("resident"))
    token = _csrf_token(_text(_widget(browser, pitch["id"])))
    rating = f"/api/v1/pitches/{pitch['id']}/rating"
    foreign = browser.put(rating, json={"stars": 1},
                          headers={"Origin": STRANGER, "X-CSRF-Token": token})
    assert foreign.status_code == 403
    assert foreign.get_json()["type"] == "urn:exchange:problem:foreign-origin"
    for origin in (friend, "http://localhost"):  # even from a trusted origin: no token, no write
        tokenless = browser.put(rating, json={"stars": 1}, headers={"Origin": origin})
        assert tokenless.status_code == 403
        assert tokenless.get_json()["type"] == "urn:exchange:problem:csrf"
    assert _public(make, pitch["id"])["count"] == 0
    ok(browser.put(rating, json={"stars": 2}, headers={"Origin": friend, "X-CSRF-Token": token}))
    assert _public(make, pitch["id"])["sum"] == 2


# --- The session cookie ------------------------------------------------------------------

def test_the_session_cookie_is_unchanged_unless_embedded_sign_in_is_asked_for(monkeypatch):
    monkeypatch.delenv("EMBED_SIGN_IN", raising=False)
    monkeypatch.delenv("EXCHANGE_ENV", raising=False)
    settings = config.from_environment()
    assert (settings["SESSION_COOKIE_SAMESITE"], settings["SESSION_COOKIE_SECURE"],
            settings["SESSION_COOKIE_PARTITIONED"]) == ("Lax", False, False)
    monkeypatch.setenv("EMBED_SIGN_IN", "on")
    settings = config.from_environment()
    assert (settings["SESSION_COOKIE_SAMESITE"], settings["SESSION_COOKIE_SECURE"],
            settings["SESSION_COOKIE_PARTITIONED"]) == ("None", True, True)
    assert settings["SESSION_COOKIE_HTTPONLY"] and settings["REMEMBER_COOKIE_SAMESITE"] == "Lax"


def _session_cookie(app, person) -> str:
    login = app.test_client().post("/api/v1/auth/login",
                                   json={"email": person.email, "password": PASSWORD})
    return next(c for c in login.headers.getlist("Set-Cookie") if c.startswith("session="))


def test_embedded_sign_in_sends_a_partitioned_secure_cross_site_cookie(app, make):
    person = make.user("resident")
    usual = _session_cookie(app, person)
    assert "SameSite=Lax" in usual and "Partitioned" not in usual and "Secure" not in usual
    embedding = create_app(TEST_SETTINGS | config.session_cookie_settings(
        embed_sign_in=True, production=False))
    cookie = _session_cookie(embedding, person)
    assert all(part in cookie for part in ("HttpOnly", "SameSite=None", "Secure",
                                           "Partitioned")), cookie


# --- In Chromium, on a council's page of another site ------------------------------------

class _CouncilSite:
    """A council's own web server: one page that includes the exchange's widget script."""

    def __init__(self):
        self.page = "<!doctype html><title>Council</title><p>Nothing here yet.</p>"
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = site.page.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        # Another site than the exchange's 127.0.0.1: the frame is a third party here.
        self.origin = f"http://localhost:{self.server.server_port}"

    def embed(self, exchange: str, pitch_id: int) -> None:
        self.page = ("<!doctype html><html lang='en'><title>Fixing potholes</title>"
                     "<h1>Have your say</h1>"
                     f"<script src='{exchange}/static/rating-widget.js' "
                     f"data-pitch='{pitch_id}'></script></html>")

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=10)


@pytest.fixture
def council_site():
    site = _CouncilSite()
    yield site
    site.stop()


def _exchange_framed_by(migrated, origins: list[str], embed_sign_in: bool = True):
    """An app that the origins may frame (with sign-in inside the frame unless told), its
    live URL, and the function that stops it and empties the database."""
    app = create_app(TEST_SETTINGS | {"CORS_ORIGINS": origins} | config.session_cookie_settings(
        embed_sign_in=embed_sign_in, production=False))
    url, stop = serve(app)

    def close():
        stop()
        _clean(app)
        with app.app_context():
            db.engine.dispose()

    return app, url, close


@pytest.fixture
def framed_exchange(migrated, council_site):
    """The exchange on a live port, which the council's site may frame."""
    app, url, close = _exchange_framed_by(migrated, [council_site.origin])
    yield app, url
    close()


def _rateable_pitch(make) -> tuple[dict, object]:
    council = make.council()
    challenge = make.challenge(council, "open")
    return make.pitch(challenge["id"], make.supplier(), title="Pothole radar"), make.user("resident")


def test_a_resident_signs_in_and_rates_through_the_widget_on_a_councils_site(
        framed_exchange, council_site, browser):
    app, exchange = framed_exchange
    make = Factory(app)
    pitch, resident = _rateable_pitch(make)
    ok(make.user("neighbour").put(f"/pitches/{pitch['id']}/rating", json={"stars": 2}))
    council_site.embed(exchange, pitch["id"])

    page = browser.new_page()
    page.goto(council_site.origin + "/")
    widget = page.frame_locator("iframe[data-exchange-widget]")
    summary = widget.locator('[data-tally="summary"]')
    summary.filter(has_text="2.0 out of 5 stars from 1 rating.").wait_for()
    assert widget.locator("button[data-stars]").count() == 0

    # Keyboard only: type into the labelled fields, submit with Enter.
    widget.get_by_label("Email").fill(resident.email)
    widget.get_by_label("Password").fill(PASSWORD)
    widget.get_by_label("Password").press("Enter")
    # Enabled, not only shown: the reloaded frame's buttons wait for embed.js to take
    # them over, and a key pressed on a disabled one does nothing.
    four = widget.get_by_role("button", name="4 stars", disabled=False)
    four.wait_for()
    four.focus()
    page.keyboard.press("Enter")

    # (2 + 4) / 2 = 3.0 over 2 ratings, in the frame and through the API.
    summary.filter(has_text="3.0 out of 5 stars from 2 ratings.").wait_for()
    widget.locator("#rating-status").filter(has_text="You gave it 4 stars.").wait_for()
    assert four.get_attribute("aria-pressed") == "true"
    public = ok(make.anonymous().get(f"/pitches/{pitch['id']}"))["tally"]["public"]
    assert (public["count"], public["sum"], public["histogram"]["4"]) == (2, 6, 1)
    # The frame told the council's page its height, which the widget script applied.
    height = page.locator("iframe[data-exchange-widget]").evaluate("f => f.style.height")
    assert re.fullmatch(r"\d+px", height), height


def test_a_site_not_listed_cannot_frame_the_widget(migrated, council_site, browser):
    app, exchange, close = _exchange_framed_by(migrated, ["https://another-council.example"])
    try:
        make = Factory(app)
        pitch, _ = _rateable_pitch(make)
        council_site.embed(exchange, pitch["id"])
        page = browser.new_page()
        # Chromium says on the console when a page's frame-ancestors refuses a frame.
        with page.expect_console_message(lambda message: "frame-ancestors" in message.text):
            page.goto(council_site.origin + "/")
        frame = page.locator("iframe[data-exchange-widget]").element_handle().content_frame()
        assert frame.locator("main").count() == 0, "the widget loaded in a frame not allowed"
    finally:
        close()


def test_without_embedded_sign_in_the_widget_offers_the_exchanges_own_page(
        migrated, council_site, browser):
    app, exchange, close = _exchange_framed_by(migrated, [council_site.origin],
                                               embed_sign_in=False)
    try:
        make = Factory(app)
        pitch, resident = _rateable_pitch(make)
        council_site.embed(exchange, pitch["id"])
        page = browser.new_page()
        page.goto(council_site.origin + "/")
        widget = page.frame_locator("iframe[data-exchange-widget]")
        widget.get_by_label("Email").fill(resident.email)
        widget.get_by_label("Password").fill(PASSWORD)
        widget.get_by_role("button", name="Sign in").click()
        # A SameSite=Lax cookie set in a frame on another site is dropped: still signed out.
        link = widget.get_by_role("link", name="Rate it on the exchange's own page")
        link.wait_for()
        assert link.get_attribute("href") == f"/embed/pitches/{pitch['id']}"
        assert link.get_attribute("target") == "_blank"
        assert widget.locator("button[data-stars]").count() == 0
    finally:
        close()
