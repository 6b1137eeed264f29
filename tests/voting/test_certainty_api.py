"""How sure the ranking is, through the API: the live ranking's figures and what they were
computed from, held between refreshes, none for what-if overrides, and a published
shortlist's figures exactly those simulated from its rating record."""
import dataclasses
import json
import os

import pytest

from exchange import create_app
from exchange.voting import held_certainty
from exchange.voting.certainty import DRAWS, Candidate, seed_of, simulate
from exchange.voting.held_certainty import settle
from tests.conftest import TEST_SETTINGS
from tests.factories import ok

SHORTLIST_SIZE = 2
# Stars given to each of four pitches; the last has one rating, below min_ratings (2).
STARS = ([5, 4, 5], [3, 4, 2], [1, 2, 4], [5])


@pytest.fixture
def rated(make, council, supplier_org):
    """An open challenge, four pitches rated by four people, one pitch not eligible."""
    challenge = make.challenge(council, "open", min_ratings=2,
                               shortlist_size=SHORTLIST_SIZE)["id"]
    pitches = [make.pitch(challenge, supplier_org)["id"] for _ in STARS]
    raters = [make.user("rater") for _ in range(3)]
    for pitch, stars in zip(pitches, STARS):
        for person, given in zip(raters, stars):
            ok(person.put(f"/pitches/{pitch}/rating", json={"stars": given}))
    return {"challenge": challenge, "pitches": pitches, "raters": raters,
            "path": f"/challenges/{challenge}/ranking"}


def _from_record(anon, challenge_id: int, shortlist_size: int, order: list[int],
                 eligible: dict) -> dict:
    """simulate() on the challenge's rating record as served, seeded by its hash."""
    record = anon.get(f"/challenges/{challenge_id}/ratings.jsonl").data
    rows = [json.loads(line) for line in record.splitlines()]
    public = {p: [0] * 5 for p in order}
    for row in rows:
        if row["counted"] and row["role"] == "public":
            public[row["pitch_id"]][row["stars"] - 1] += 1
    sha = ok(anon.get(f"/challenges/{challenge_id}/record"))["sha256"]
    found = simulate([Candidate(p, tuple(public[p]), eligible=eligible[p]) for p in order],
                     shortlist_size=shortlist_size, panel_weight=0.0,
                     seed=seed_of(challenge_id, sha))
    return {"sha256": sha, "figures": found}


def test_the_live_figures_add_up_to_the_shortlist_and_hold_their_bounds(rated, anon):
    body = ok(anon.get(rated["path"]))
    entries = body["entries"]
    eligible = [e for e in entries if e["eligible"]]
    assert len(eligible) == 3
    # Every draw shortlists exactly two of the three eligible pitches.
    assert abs(sum(e["p_top_k"] for e in eligible) - SHORTLIST_SIZE) < 1e-9
    assert [e["p_top_k"] for e in entries if not e["eligible"]] == [0.0]
    for entry in entries:
        interval = entry["score_interval"]
        assert 0 <= interval["low"] <= interval["high"] <= 1
        assert 0 <= entry["p_top_k"] <= 1
    record = ok(anon.get(f"/challenges/{rated['challenge']}/record"))
    assert body["certainty"] == {
        "draws": DRAWS, "seed": seed_of(rated["challenge"], record["sha256"]),
        "record_sha256": record["sha256"], "ratings_version": body["certainty"][
            "ratings_version"], "current": True}
    # Exactly simulate() on the record, in ranking order.
    expected = _from_record(anon, rated["challenge"], SHORTLIST_SIZE,
                            [e["pitch_id"] for e in entries],
                            {e["pitch_id"]: e["eligible"] for e in entries})["figures"]
    assert [(e["p_top_k"], e["score_interval"]) for e in entries] == [
        (expected[e["pitch_id"]].p_top_k, {"low": expected[e["pitch_id"]].low,
                                          "high": expected[e["pitch_id"]].high})
        for e in entries]


def test_two_servers_give_the_same_figures_and_the_same_tag(app, rated, anon):
    other = create_app(dict(TEST_SETTINGS)).test_client()
    here = anon.get(rated["path"])
    there = other.get("/api/v1" + rated["path"])
    assert there.get_json() == here.get_json()
    assert there.headers["ETag"] == here.headers["ETag"]


def test_what_if_overrides_compute_no_figures(rated, anon):
    for query in ("?method=mean", "?panel_weight=0.5", "?min_ratings=1"):
        body = ok(anon.get(rated["path"] + query))
        assert body["certainty"] is None
        assert {(e["p_top_k"], e["score_interval"]) for e in body["entries"]} == {(None, None)}
    assert ok(anon.get(rated["path"]))["certainty"]["current"] is True


def test_held_figures_are_served_marked_not_current_until_they_are_due(app, rated, make):
    holding = create_app(TEST_SETTINGS | {"CERTAINTY_REFRESH_SECONDS": 3600}).test_client()
    path = "/api/v1" + rated["path"]
    first = holding.get(path)
    before = first.get_json()
    assert before["certainty"]["current"] is True
    version = before["certainty"]["ratings_version"]

    last = rated["pitches"][-1]  # a second rating makes the last pitch eligible
    ok(make.user("late").put(f"/pitches/{last}/rating", json={"stars": 5}))
    held = holding.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert held.status_code == 200 and held.headers["ETag"] != first.headers["ETag"]
    body = held.get_json()
    # The other numbers are current; the figures are the held ones, and say so.
    assert next(e for e in body["entries"] if e["pitch_id"] == last)["n"] == 2
    assert body["certainty"] == before["certainty"] | {"current": False}
    assert {e["pitch_id"]: (e["p_top_k"], e["score_interval"]) for e in body["entries"]} == {
        e["pitch_id"]: (e["p_top_k"], e["score_interval"]) for e in before["entries"]}

    # Once they are older than the refresh interval, the next request recomputes them.
    cache = holding.application.extensions["certainty"]
    cache[rated["challenge"]] = dataclasses.replace(
        cache[rated["challenge"]], computed_at=cache[rated["challenge"]].computed_at - 7200)
    fresh = holding.get(path).get_json()
    assert fresh["certainty"]["current"] is True
    assert fresh["certainty"]["ratings_version"] > version
    eligible = [e for e in fresh["entries"] if e["eligible"]]
    assert len(eligible) == 4
    assert abs(sum(e["p_top_k"] for e in eligible) - SHORTLIST_SIZE) < 1e-9


def _background():
    return create_app(TEST_SETTINGS | {"CERTAINTY_IN_BACKGROUND": True}).test_client()


def test_in_the_background_no_request_waits_for_the_figures(app, rated, make, anon):
    background = _background()
    path = "/api/v1" + rated["path"]
    first = background.get(path)
    assert first.status_code == 200
    body = first.get_json()
    # Answered before the figures exist: none, and every other number as exact as ever.
    assert body["certainty"] is None
    assert {(e["p_top_k"], e["score_interval"]) for e in body["entries"]} == {(None, None)}
    computed_inline = ok(anon.get(rated["path"]))
    without_figures = {**computed_inline, "certainty": None, "entries": [
        e | {"p_top_k": None, "score_interval": None} for e in computed_inline["entries"]]}
    assert body == without_figures

    settle(background.application)
    ready = background.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert ready.status_code == 200 and ready.headers["ETag"] != first.headers["ETag"]
    assert ready.get_json() == computed_inline  # the figures the request would have made

    # A rating makes them due: the held ones are served, not current, while new ones are
    # computed; then the new ones, current.
    ok(make.user("late").put(f"/pitches/{rated['pitches'][0]}/rating", json={"stars": 1}))
    held = background.get(path).get_json()
    assert held["certainty"] == computed_inline["certainty"] | {"current": False}
    settle(background.application)
    fresh = background.get(path).get_json()
    assert fresh["certainty"]["current"] is True
    assert fresh["certainty"]["ratings_version"] > computed_inline["certainty"][
        "ratings_version"]
    assert fresh == ok(anon.get(rated["path"]))


def _unreachable_database(background, monkeypatch, tmp_path) -> str:
    """The child reads the database the worker's settings name: here, one it cannot open."""
    config = background.application.config
    monkeypatch.setitem(config, "SQLALCHEMY_DATABASE_URI",
                        f"sqlite:///{tmp_path}/no/such/folder/exchange.db")
    monkeypatch.setitem(config, "SQLALCHEMY_ENGINE_OPTIONS", {})
    return "unable to open database file"


def _dies_at_once(_database, _challenge_id, _sending):
    os._exit(3)


def _child_dies(_background, monkeypatch, _tmp_path) -> str:
    monkeypatch.setattr(held_certainty, "_child", _dies_at_once)
    return "ended without an answer (3)"


@pytest.mark.parametrize("breaking", [_unreachable_database, _child_dies])
def test_a_failed_background_computation_is_logged_and_retried_by_the_next_request(
        app, rated, monkeypatch, tmp_path, caplog, breaking):
    background = _background()
    path = "/api/v1" + rated["path"]
    said = breaking(background, monkeypatch, tmp_path)
    assert background.get(path).get_json()["certainty"] is None
    settle(background.application)
    assert background.application.extensions["certainty_computing"] == set()
    assert said in caplog.text
    assert _claim_row(app, rated["challenge"])[1] is None  # the claim was given up
    monkeypatch.undo()
    assert background.get(path).get_json()["certainty"] is None  # started again
    settle(background.application)
    assert background.get(path).get_json()["certainty"]["current"] is True


def test_the_figures_are_computed_in_another_process(app, rated, anon, monkeypatch):
    """Off the worker's interpreter: the worker never computes them itself."""
    background = _background()
    path = "/api/v1" + rated["path"]

    def not_here(_challenge_id):
        raise AssertionError("computed in the worker")

    monkeypatch.setattr(held_certainty, "computed_afresh", not_here)
    assert background.get(path).get_json()["certainty"] is None
    settle(background.application)
    assert background.get(path).get_json() == ok(anon.get(rated["path"]))


def test_the_child_is_lowered_below_the_requests_before_it_starts_its_work():
    """Its priority is set by the worker as soon as it exists, not only by the child once
    its imports are done (they are most of its start, and would run as urgent as requests)."""
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert os.getpriority(os.PRIO_PROCESS, child.pid) == os.getpriority(os.PRIO_PROCESS, 0)
        held_certainty._lower_priority(child.pid)
        assert os.getpriority(os.PRIO_PROCESS, child.pid) == held_certainty.CHILD_NICENESS
    finally:
        child.kill()
        child.wait()


def test_with_no_refresh_interval_every_change_recomputes(rated, anon, make):
    before = ok(anon.get(rated["path"]))["certainty"]
    ok(make.user("late").put(f"/pitches/{rated['pitches'][0]}/rating", json={"stars": 1}))
    after = ok(anon.get(rated["path"]))["certainty"]
    assert after["current"] is True
    assert after["ratings_version"] > before["ratings_version"]
    assert after["record_sha256"] != before["record_sha256"]
    assert after["seed"] == seed_of(rated["challenge"], after["record_sha256"])


def test_a_published_shortlist_carries_the_figures_simulated_from_its_record(
        rated, council, make, anon):
    make.move(council, rated["challenge"], "voting")
    live = ok(anon.get(rated["path"]))
    published = ok(council.owner.post(f"/challenges/{rated['challenge']}/shortlist"), 201)
    entries = published["entries"]
    expected = _from_record(anon, rated["challenge"], SHORTLIST_SIZE,
                            [e["pitch_id"] for e in entries],
                            {e["pitch_id"]: e["eligible"] for e in entries})
    assert published["certainty"] == {
        "draws": DRAWS, "seed": seed_of(rated["challenge"], expected["sha256"]),
        "record_sha256": expected["sha256"], "ratings_version": live["certainty"][
            "ratings_version"], "current": True}
    assert published["seal"]["record_sha256"] == expected["sha256"]
    assert published["seal"]["format"] == "oix-snapshot/2"
    for entry in entries:
        figures = expected["figures"][entry["pitch_id"]]
        assert entry["p_top_k"] == figures.p_top_k
        assert entry["score_interval"] == {"low": figures.low, "high": figures.high}
    # The live ranking just before showed the same figures, from the same record.
    assert [(e["p_top_k"], e["score_interval"]) for e in live["entries"]] == [
        (e["p_top_k"], e["score_interval"]) for e in entries]
    assert ok(anon.get(f"/challenges/{rated['challenge']}/shortlist")) == published


# ---- kept for every server ----------------------------------------------------------------

def _no_child_here(_app, _challenge_id):
    raise AssertionError("a child was started on this server")


def _claim_row(app, challenge_id: int):
    from exchange.extensions import db
    from exchange.voting.models import CertaintyFigures

    with app.app_context():
        row = db.session.get(CertaintyFigures, challenge_id)
        return None if row is None else (row.ratings_version, row.claimed_until)


def _set_claim(app, challenge_id: int, until):
    from sqlalchemy import update

    from exchange.extensions import db
    from exchange.voting.models import CertaintyFigures

    with app.app_context():
        db.session.execute(update(CertaintyFigures)
                           .where(CertaintyFigures.challenge_id == challenge_id)
                           .values(claimed_until=until))
        db.session.commit()


def test_figures_one_server_computed_are_read_by_the_others_not_simulated_again(
        app, rated, anon, monkeypatch):
    path = "/api/v1" + rated["path"]
    first = _background()
    assert first.get(path).get_json()["certainty"] is None
    settle(first.application)
    computed = first.get(path).get_json()
    assert computed["certainty"]["current"] is True
    version, claimed_until = _claim_row(app, rated["challenge"])
    assert version == computed["certainty"]["ratings_version"] and claimed_until is None

    monkeypatch.setattr(held_certainty, "_in_child", _no_child_here)
    second = _background()  # another server: nothing held in its process yet
    # Its first answer already carries the figures kept for the exchange.
    assert second.get(path).get_json() == computed == ok(anon.get(rated["path"]))
    settle(second.application)
    assert second.get(path).get_json() == computed


def test_while_another_server_holds_the_claim_a_worker_waits_for_its_figures(
        app, rated, anon, make, monkeypatch):
    from datetime import timedelta

    from exchange.clock import utcnow
    from exchange.extensions import db

    path = "/api/v1" + rated["path"]
    first = _background()
    first.get(path)
    settle(first.application)
    ok(make.user("late").put(f"/pitches/{rated['pitches'][0]}/rating", json={"stars": 1}))
    # Another server claimed the next figures and is computing them.
    _set_claim(app, rated["challenge"], utcnow() + timedelta(hours=1))
    monkeypatch.setattr(held_certainty, "_in_child", _no_child_here)
    waiting = _background()
    # The figures kept for the exchange, for the version before the rating: not current.
    served = waiting.get(path).get_json()["certainty"]
    assert served["current"] is False and served["ratings_version"] is not None
    thread = waiting.application.extensions["certainty_threads"][-1]
    thread.join(3 * held_certainty.POLL_SECONDS)
    assert thread.is_alive()  # still looking, not computing

    with app.app_context():  # the other server's figures arrive
        held = held_certainty.computed_afresh(rated["challenge"])
        db.session.rollback()
        held_certainty._store(held)
    settle(waiting.application)
    figures = waiting.get(path).get_json()
    assert figures["certainty"]["current"] is True
    assert figures == ok(anon.get(rated["path"]))


def test_an_expired_claim_is_taken_over(app, rated, anon, make):
    from datetime import timedelta

    from exchange.clock import utcnow

    path = "/api/v1" + rated["path"]
    first = _background()
    first.get(path)
    settle(first.application)
    ok(make.user("late").put(f"/pitches/{rated['pitches'][1]}/rating", json={"stars": 5}))
    # A server claimed the next figures and stopped before giving the claim up.
    _set_claim(app, rated["challenge"], utcnow() - timedelta(seconds=1))
    other = _background()
    other.get(path)
    settle(other.application)
    figures = other.get(path).get_json()
    assert figures["certainty"]["current"] is True
    assert figures == ok(anon.get(rated["path"]))
    assert _claim_row(app, rated["challenge"]) == (figures["certainty"]["ratings_version"],
                                                    None)


def test_figures_computed_ahead_are_served_by_a_starting_server(app, rated, anon,
                                                                  monkeypatch):
    with app.app_context():
        held = held_certainty.compute_and_store(rated["challenge"])
        assert held_certainty.compute_and_store(10**9) is None  # no such challenge
    monkeypatch.setattr(held_certainty, "_in_child", _no_child_here)
    starting = _background()
    first = starting.get("/api/v1" + rated["path"]).get_json()  # its very first answer
    assert first["certainty"]["ratings_version"] == held.ratings_version
    assert first["certainty"]["current"] is True
    assert first == ok(anon.get(rated["path"]))
    settle(starting.application)
    assert starting.get("/api/v1" + rated["path"]).get_json() == first
