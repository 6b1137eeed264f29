"""The public results page, /challenges/{id}/results: who may see it, live or published,
escaping, and (in Chromium) every number on it equal to the API's answer.

The challenge of these tests, worked by hand (bayesian, C = 5, min_ratings 2, 1 place):
  Tidy Streets: 5, 5, 4 stars  -> n 3, S 14, mean 4.667
  Quiet Bins:   2, 3 stars     -> n 2, S 5,  mean 2.5
  Late Idea:    4 stars        -> n 1, S 4:  too few ratings, not eligible
  m = 23 / 6 = 3.8333; Tidy Streets (5·3.8333 + 14) / 8 = 4.1458, score 0.78646, rank 1;
  Quiet Bins (5·3.8333 + 5) / 7 = 3.4524, score 0.61310, rank 2.
"""
import json
import re
from html.parser import HTMLParser
from itertools import pairwise

import pytest

from tests.factories import ok

PAGE = "/challenges/{}/results"


def page(app, challenge_id, client=None):
    """The page as a signed-out reader (or `client`, a Werkzeug client with a session) gets it."""
    return (client or app.test_client()).get(PAGE.format(challenge_id))


def rate(make, pitch_id, stars):
    for given in stars:
        ok(make.user("resident").put(f"/pitches/{pitch_id}/rating", json={"stars": given}))


@pytest.fixture
def rated(make, council, supplier_org):
    """An open challenge with three rated pitches (see the module's docstring)."""
    challenge = make.challenge(council, "open", min_ratings=2, shortlist_size=1,
                               title="Cleaner streets")["id"]
    pitches = {}
    for title, stars in (("Tidy Streets", (5, 5, 4)), ("Quiet Bins", (2, 3)),
                         ("Late Idea", (4,))):
        pitches[title] = make.pitch(challenge, make.supplier(), title=title)["id"]
        rate(make, pitches[title], stars)
    return challenge, pitches


class Cells(HTMLParser):
    """The data-field cells of the ranking table by pitch id: text and data-value."""

    def __init__(self):
        super().__init__()
        self.rows: dict[int, dict] = {}
        self._row = None
        self._field = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "tr" and "data-pitch-id" in attributes:
            self._row = self.rows.setdefault(int(attributes["data-pitch-id"]), {})
        elif self._row is not None and "data-field" in attributes and tag in ("td", "th"):
            self._field = attributes["data-field"]
            self._row[self._field] = {"value": attributes.get("data-value"), "text": ""}

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._field = None
        if tag == "tr":
            self._row = None

    def handle_data(self, data):
        if self._row is not None and self._field:
            self._row[self._field]["text"] += data


def cells(html: str) -> dict[int, dict]:
    parser = Cells()
    parser.feed(html)
    return parser.rows


# ---- who may see it ---------------------------------------------------------------------

def test_anyone_sees_the_results_of_an_open_challenge(app, rated):
    challenge, _ = rated
    response = page(app, challenge)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "<h1>Results: Cleaner streets</h1>" in response.get_data(as_text=True)


def test_a_draft_is_not_found_by_anyone_but_its_councils_officers(app, make, council, citizen,
                                                                   supplier):
    draft = make.challenge(council, "draft", title="Secret plan")["id"]
    other_officer = make.council().owner
    refusals = [page(app, draft)]
    for person in (citizen, supplier, other_officer):
        refusals.append(app.test_client().get(PAGE.format(draft), headers={
            "Authorization": f"Bearer {person.token}"}))
    for response in refusals:
        assert response.status_code == 404
        assert response.mimetype == "text/html"  # a page for people, not problem+json
        body = response.get_data(as_text=True)
        assert "Secret plan" not in body
        assert "<h1>Not found</h1>" in body
    # The officer signs in the way a browser does, with the session cookie.
    browser = app.test_client()
    ok(browser.post("/api/v1/auth/login", json={"email": council.owner.email,
                                                "password": "correct horse"}))
    seen = page(app, draft, browser)
    assert seen.status_code == 200
    assert "Secret plan" in seen.get_data(as_text=True)
    assert "private" in seen.headers["Cache-Control"]


def test_an_unknown_challenge_is_a_plain_404_page(app):
    response = page(app, 987654)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_the_page_has_its_own_policy_and_no_script(app, rated):
    challenge, _ = rated
    response = page(app, challenge)
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy and "script-src" not in policy
    html = response.get_data(as_text=True)
    assert "<script" not in html and " style=" not in html and "<html lang=\"en\">" in html
    assert html.count("<h1") == 1
    assert app.test_client().get("/static/results.css").status_code == 200


# ---- live and published ---------------------------------------------------------------

def test_before_publication_the_page_shows_the_live_ranking_worked_by_hand(app, rated):
    challenge, pitches = rated
    html = page(app, challenge).get_data(as_text=True)
    assert 'data-kind="live"' in html and "may change" in html
    assert "The published shortlist" not in html
    rows = cells(html)
    tidy, bins, late = (rows[pitches[t]] for t in ("Tidy Streets", "Quiet Bins", "Late Idea"))
    assert [tidy["rank"]["text"], tidy["n"]["text"], tidy["S"]["text"]] == ["1", "3", "14"]
    assert [tidy["mean"]["text"], tidy["public_score"]["text"]] == ["4.67", "0.786"]
    assert [bins["rank"]["text"], bins["n"]["text"], bins["S"]["text"]] == ["2", "2", "5"]
    assert [bins["mean"]["text"], bins["public_score"]["text"]] == ["2.50", "0.613"]
    # Live: what would be shortlisted now, never said as the published fact.
    assert tidy["standing"]["text"] == "✓ Would be shortlisted"
    assert "would be shortlisted now, rank 1" in html and "✓ Shortlisted" not in html
    assert bins["standing"]["text"] == "Eligible"
    assert late["rank"]["text"] == "–"
    assert "fewer counted public ratings than the minimum" in late["standing"]["text"]
    assert "(5 · 3.833 + 14) / (5 + 3) = 4.146" in html
    assert 'data-stars="5" data-count="2"' in html  # Tidy Streets' two 5-star ratings
    assert "oix-verify" in html and "/ratings.csv" in html and "/.well-known/exchange-keys" in html


def test_after_publication_the_page_shows_the_frozen_shortlist_and_its_seal(app, make, council,
                                                                           rated):
    challenge, pitches = rated
    make.move(council, challenge, "voting")
    shortlist = ok(council.owner.post(f"/challenges/{challenge}/shortlist"), 201)
    html = page(app, challenge).get_data(as_text=True)
    assert 'data-kind="published"' in html and "may change" not in html
    seal = shortlist["seal"]
    for value in (seal["sha256"], seal["previous_sha256"], seal["record_sha256"],
                  seal["key_id"], seal["signature"]):
        assert value in html
    host = "http://localhost"
    assert f"oix-verify {host}/api/v1/challenges/{challenge}</code>" in html
    assert f'href="{host}/api/v1/challenges/{challenge}/ratings.jsonl"' in html
    tidy = cells(html)[pitches["Tidy Streets"]]
    assert tidy["n"]["text"] == "3"
    assert tidy["standing"]["text"] == "✓ Shortlisted" and "Would be shortlisted" not in html


def test_a_panel_challenge_shows_panel_figures_and_agreement(app, make, council,
                                                             supplier_org):
    challenge = make.challenge(council, "open", min_ratings=1, panel_weight=0.5)["id"]
    first = make.pitch(challenge, make.supplier(), title="First")["id"]
    second = make.pitch(challenge, make.supplier(), title="Second")["id"]
    rate(make, first, (4, 4))
    rate(make, second, (5,))
    # The council's officer sits on the panel: panel mean 2 for First, 5 for Second.
    ok(council.owner.put(f"/pitches/{first}/rating", json={"stars": 2}))
    ok(council.owner.put(f"/pitches/{second}/rating", json={"stars": 5}))
    html = page(app, challenge).get_data(as_text=True)
    rows = cells(html)
    assert rows[first]["panel_count"]["text"] == "1"
    assert rows[first]["panel_mean"]["text"] == "2.00"
    assert rows[second]["panel_mean"]["text"] == "5.00"
    assert "Kendall's tau" in html
    assert "combined = (1 − w)·score + w·panel score" in html


# ---- escaping ---------------------------------------------------------------------------

def test_titles_are_escaped(app, make, council, supplier_org):
    hostile = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    challenge = make.challenge(council, "open", title=f"Need {hostile}")["id"]
    make.pitch(challenge, supplier_org, title=f"Pitch {hostile}")
    html = page(app, challenge).get_data(as_text=True)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html


def test_a_path_that_is_not_an_id_is_not_found(app):
    assert app.test_client().get("/challenges/abc/results").status_code == 404


# ---- in Chromium --------------------------------------------------------------------------

def _as_shown(value, places):
    """How the page rounds a number, written out here: places decimals, or as is."""
    if value is None:
        return "–"
    return str(value) if places is None else f"{value:.{places}f}"


FIELDS = {"rank": None, "n": None, "S": None, "mean": 2, "public_score": 3,
          "panel_count": None, "panel_mean": 2, "combined": 3}


@pytest.mark.parametrize("stage", ["live", "published"])
def test_in_chromium_every_number_on_the_page_is_the_apis(app, make, council, rated, stage,
                                                         live_server, browser, tmp_path):
    challenge, pitches = rated
    # The council's officer sits on the panel: the panel's columns appear too.
    ok(council.owner.put(f"/pitches/{pitches['Tidy Streets']}/rating", json={"stars": 3}))
    ok(council.owner.put(f"/pitches/{pitches['Quiet Bins']}/rating", json={"stars": 4}))
    if stage == "published":
        make.move(council, challenge, "voting")
        ok(council.owner.post(f"/challenges/{challenge}/shortlist"), 201)
    messages = []
    tab = browser.new_page()
    tab.on("console", lambda message: messages.append(message.text))
    response = tab.goto(f"{live_server}{PAGE.format(challenge)}")
    assert response.status == 200
    tab.screenshot(path=str(tmp_path / "results.png"), full_page=True)
    assert (tmp_path / "results.png").stat().st_size > 10_000

    api = ok(make.anonymous().get(
        f"/challenges/{challenge}/{'ranking' if stage == 'live' else 'shortlist'}"))
    rows = tab.eval_on_selector_all("tr[data-pitch-id]", """rows => rows.map(row => ({
        id: Number(row.dataset.pitchId), marked: row.classList.contains('shortlisted'),
        cells: Object.fromEntries([...row.querySelectorAll('[data-field]')].map(
            cell => [cell.dataset.field, {text: cell.textContent.trim(),
                                          value: cell.dataset.value}])),
        bars: Object.fromEntries([...row.querySelectorAll('g[data-stars]')].map(
            bar => [bar.dataset.stars, Number(bar.dataset.count)])),
        excluded: Object.fromEntries([...row.querySelectorAll('[data-reason]')].map(
            span => [span.dataset.reason, Number(span.dataset.count)]))}))""")
    assert [row["id"] for row in rows] == [e["pitch_id"] for e in api["entries"]]
    for row, entry in zip(rows, api["entries"]):
        assert set(FIELDS) <= set(row["cells"])
        for field, places in FIELDS.items():
            shown = row["cells"][field]
            assert shown["text"] == _as_shown(entry[field], places), (field, entry)
            assert shown["value"] == ("null" if entry[field] is None else repr(entry[field])), \
                (field, entry)
        # How sure: the chance of a place and the 90% interval, as the API computed them.
        assert entry["p_top_k"] is not None or not entry["eligible"]
        assert row["cells"]["p_top_k"]["value"] == json.dumps(entry["p_top_k"])
        assert json.loads(row["cells"]["score_interval"]["value"]) == entry["score_interval"]
        assert row["bars"] == entry["histogram"]
        # The live flag on the live ranking, the published one on the shortlist.
        assert row["marked"] == entry["would_be_shortlisted" if stage == "live" else
                                      "shortlisted"]
        assert row["excluded"] == entry["excluded"]
        assert row["cells"]["integrity_flags"]["value"] == " ".join(entry["integrity_flags"])
        assert row["cells"]["title"]["text"] == entry["title"]
    assert tab.get_attribute("[data-field=m]", "data-value") == repr(api["m"])
    if stage == "published":
        for name in ("sha256", "previous_sha256", "record_sha256", "key_id", "signature"):
            assert tab.inner_text(f"[data-field={name}]") == api["seal"][name]
    assert not [m for m in messages if "Content Security Policy" in m or "Refused" in m], messages
    heading_levels = tab.eval_on_selector_all(
        "h1, h2, h3", "hs => hs.map(h => Number(h.tagName[1]))")
    assert heading_levels[0] == 1 and heading_levels.count(1) == 1
    assert all(b - a <= 1 for a, b in pairwise(heading_levels))


def test_the_page_needs_no_javascript(app, rated, live_server, _playwright_chromium):
    challenge, _ = rated
    context = _playwright_chromium.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(f"{live_server}{PAGE.format(challenge)}")
        text = tab.inner_text("main")
    finally:
        context.close()
    assert "Tidy Streets" in text and re.search(r"\b0\.786\b", text)


def test_the_simulations_figures_are_shown_when_the_ranking_has_them(app, rated):
    """The certainty simulation's figures (`p_top_k`, `score_interval`,
    `certainty`) appear when the API's answer carries them, and nothing when it does not."""
    from flask import render_template

    from exchange.pages.results import results_of

    challenge, pitches = rated
    with app.test_request_context():
        shown = results_of(None, challenge)
        # The live ranking carries them: the page shows the API's figures.
        assert shown["has_certainty"] and shown["ranking"]["certainty"] is not None
        html = render_template("results.html", **shown)
        assert "90% interval" in html
        for entry in shown["entries"]:
            if entry["p_top_k"] is not None:
                assert cells(html)[entry["pitch_id"]]["p_top_k"]["value"] == \
                    str(entry["p_top_k"])
        # A ranking without them (a shortlist sealed before they existed): nothing shown.
        bare = {**shown, "has_certainty": False,
                "ranking": {**shown["ranking"], "certainty": None},
                "entries": [{**entry, "p_top_k": None, "score_interval": None}
                            for entry in shown["entries"]]}
        assert "90% interval" not in render_template("results.html", **bare)
        shown = bare
        top = shown["entries"][0]
        top["p_top_k"], top["score_interval"] = 0.4213, {"low": 0.25, "high": 0.75}
        shown["ranking"]["certainty"] = {"draws": 2000, "seed": 77, "record_sha256": "ab" * 32,
                                         "ratings_version": 9, "current": False}
        html = render_template("results.html", **(shown | {"has_certainty": True}))
    row = cells(html)[top["pitch_id"]]
    assert row["p_top_k"]["text"] == "42%" and row["p_top_k"]["value"] == "0.4213"
    assert row["score_interval"]["text"] == "0.250–0.750"
    assert cells(html)[pitches["Late Idea"]]["p_top_k"]["text"] == "–"
    assert "2000 simulated draws (seed 77)" in html and "may lag the newest ratings" in html
    assert "42.1%" in html
