"""The benchmark's bare reference (bench/reference.py) answers each measured endpoint with
the same numbers as the exchange, on a tiny data set from bench/generate.py, so neither
drifts from the other silently. No server, no wrk: both apps through Flask's test client.

Always on a SQLite file of its own: the generator needs an empty database.
"""
import hashlib
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from exchange import create_app, views
from exchange.extensions import db
from exchange.voting.recount import recount

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import generate
import reference

API = "/api/v1"
TINY = generate.Sizes(councils=2, suppliers=4, people=80, challenges=6, pitches=30,
                      hot_pitches=12, ratings=300, hot_share=0.5, comments=40, raters=6)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('bench')}/bench.db"
    manifest = generate.generate(url, TINY)
    # Figures of certainty recomputed whenever the ratings change, in both apps: what each
    # serves never depends on how long the tests took.
    exchange = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False,
                           "SECRET_KEY": "bench-test", "TESTING": True,
                           "CERTAINTY_REFRESH_SECONDS": 0,
                           "CERTAINTY_IN_BACKGROUND": False})
    yield manifest, exchange, reference.create(url, certainty_refresh=0), url
    with exchange.app_context():
        db.engine.dispose()


def _get(app, path):
    response = app.test_client().get(API + path)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _counts(url, sql):
    engine = create_engine(url)
    with engine.connect() as connection:
        found = connection.execute(text(sql)).all()
    engine.dispose()
    return found


def test_the_generator_makes_the_sizes_asked_for(world):
    manifest, _, _, url = world
    assert _counts(url, "SELECT count(*) FROM ratings") == [(300,)]
    assert _counts(url, "SELECT count(*) FROM pitches WHERE challenge_id = 1") == [(12,)]
    assert _counts(url, "SELECT count(*) FROM comments") == [(40,)]
    assert len(manifest["tokens"]) == 6 and len(manifest["hot_pitches"]) == 12
    # Tallies came from recount(fix=True): the hot challenge holds half of the ratings.
    assert _counts(url, "SELECT t.rating_count, c.pitch_count FROM challenges c JOIN "
                        "challenge_tallies t ON t.challenge_id = c.id WHERE c.id = 1") \
        == [(150, 12)]


def test_the_challenge_list_is_the_same_first_page(world):
    _, exchange, bare, _ = world
    ours, theirs = _get(exchange, "/challenges"), _get(bare, "/challenges")
    assert [c["id"] for c in ours["items"]] == [c["id"] for c in theirs["items"]]
    assert ours["items"] == theirs["items"]


def test_the_pitch_list_by_score_has_the_same_order_and_tallies(world):
    manifest, exchange, bare, _ = world
    path = f"/challenges/{manifest['hot_challenge']}/pitches?sort=score"
    ours, theirs = _get(exchange, path)["items"], _get(bare, path)["items"]
    assert [p["id"] for p in ours] == [p["id"] for p in theirs]
    assert [p["tally"] for p in ours] == [p["tally"] for p in theirs]


def test_the_ranking_has_the_same_scores_and_working(world):
    manifest, exchange, bare, _ = world
    path = f"/challenges/{manifest['hot_challenge']}/ranking"
    ours, theirs = _get(exchange, path), _get(bare, path)
    assert ours["m"] == theirs["m"]
    assert ours["panel_agreement"] == theirs["panel_agreement"]
    assert ours["certainty"] == theirs["certainty"] and ours["certainty"]["current"]
    # Both say `would_be_shortlisted`: `shortlisted` is only the published fact.
    assert [e["would_be_shortlisted"] for e in ours["entries"]].count(True) == 5
    for mine, other in zip(ours["entries"], theirs["entries"], strict=True):
        mine.pop("integrity_flags"), other.pop("integrity_flags")
        assert mine == other


def test_one_pitch_is_the_same_and_its_views_are_written_in_a_batch(world):
    manifest, exchange, bare, url = world
    pitch_id = manifest["hot_pitches"][0]
    ours, theirs = _get(exchange, f"/pitches/{pitch_id}"), _get(bare, f"/pitches/{pitch_id}")
    ours.pop("view_count"), theirs.pop("view_count")
    assert ours == theirs
    bare.extensions["flush_views"]()
    views.flush(exchange)
    # One view by the exchange, one by the reference, both written now.
    assert _counts(url, f"SELECT view_count FROM pitches WHERE id = {pitch_id}") == [(2,)]


def test_ratings_by_either_keep_every_tally_equal_to_a_recount(world):
    manifest, exchange, bare, url = world
    token = manifest["tokens"][0]
    headers = {"Authorization": f"Bearer {token}"}
    first, second = manifest["hot_pitches"][1:3]
    for app, pitch_id, stars in ((exchange, first, 5), (bare, second, 1), (bare, first, 2),
                                 (exchange, second, 4)):
        response = app.test_client().put(f"{API}/pitches/{pitch_id}/rating",
                                         json={"stars": stars}, headers=headers)
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["stars"] == stars
    refused = bare.test_client().put(f"{API}/pitches/{first}/rating", json={"stars": 3})
    assert refused.status_code == 401
    with exchange.app_context():
        assert recount() == []
    path = f"/challenges/{manifest['hot_challenge']}/ranking"
    assert [(e["pitch_id"], e["combined"], e["p_top_k"], e["score_interval"])
            for e in _get(exchange, path)["entries"]] == \
        [(e["pitch_id"], e["combined"], e["p_top_k"], e["score_interval"])
         for e in _get(bare, path)["entries"]]
    assert _counts(url, f"SELECT stars FROM ratings WHERE pitch_id IN ({first}, {second}) "
                        f"AND user_id = (SELECT user_id FROM api_tokens WHERE id = 1) "
                        f"ORDER BY pitch_id") == [(2,), (4,)]


def test_comments_by_either_are_counted_on_the_pitch_and_the_challenge(world):
    manifest, exchange, bare, url = world
    pitch_id = manifest["hot_pitches"][3]
    before = _counts(url, f"SELECT comment_count FROM pitches WHERE id = {pitch_id}")[0][0]
    headers = {"Authorization": f"Bearer {manifest['tokens'][1]}"}
    for app in (exchange, bare):
        response = app.test_client().post(f"{API}/pitches/{pitch_id}/comments",
                                          json={"body": "How does it handle data?"},
                                          headers=headers)
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["body"] == "How does it handle data?"
    assert _counts(url, f"SELECT comment_count FROM pitches WHERE id = {pitch_id}") == \
        [(before + 2,)]
    counted = _counts(url, "SELECT count(*) FROM comments m JOIN pitches p ON "
                           "p.id = m.pitch_id WHERE p.challenge_id = 1")[0][0]
    assert _counts(url, "SELECT comment_count FROM challenges WHERE id = 1") == [(counted,)]


def _person(connection, user_id: int, created_at) -> dict:
    """A person with a bearer token, made by hand: the generated ones belong nowhere."""
    secret = f"oix_reference_rules_{user_id:06d}"
    connection.execute(text(
        "INSERT INTO users (id, email, password_hash, display_name, is_admin, created_at) "
        "VALUES (:id, :email, 'x', 'Rules', false, :created)"),
        {"id": user_id, "email": f"rules{user_id}@bench.example.org", "created": created_at})
    connection.execute(text(
        "INSERT INTO api_tokens (user_id, name, prefix, token_hash, created_at) "
        "VALUES (:id, 'rules', :prefix, :hash, :created)"),
        {"id": user_id, "prefix": secret[:12], "created": created_at,
         "hash": hashlib.sha256(secret.encode()).hexdigest()})
    return {"Authorization": f"Bearer {secret}"}


def _joins(connection, user_id: int, organisation_id: int, left_at=None) -> None:
    """A membership now (left_at None), or only a past period that ended at left_at."""
    joined = generate.BASE_TIME - timedelta(days=300)
    connection.execute(text(
        "INSERT INTO membership_periods (organisation_id, user_id, role, joined_at, left_at) "
        "VALUES (:org, :user, 'member', :joined, :left)"),
        {"org": organisation_id, "user": user_id, "joined": joined, "left": left_at})
    if left_at is None:
        connection.execute(text(
            "INSERT INTO memberships (organisation_id, user_id, role, created_at) "
            "VALUES (:org, :user, 'member', :joined)"),
            {"org": organisation_id, "user": user_id, "joined": joined})


def test_both_apps_judge_a_rating_by_the_same_rules(world):
    _, exchange, bare, url = world
    engine = create_engine(url)
    old, new = generate.BASE_TIME - timedelta(days=400), datetime.now(UTC).replace(tzinfo=None)
    with engine.begin() as connection:
        # An open challenge other than the hot one, where every supplier pitches.
        challenge_id, council_id = connection.execute(text(
            "SELECT id, council_id FROM challenges WHERE status = 'open' ORDER BY id")).first()
        pitch_of = {supplier: pitch for pitch, supplier in connection.execute(text(
            f"SELECT id, supplier_id FROM pitches WHERE challenge_id = {challenge_id} "
            f"ORDER BY id"))}
        pitching, other = sorted(pitch_of)[:2]
        connection.execute(text(f"UPDATE challenges SET min_account_age_hours = 24 "
                                f"WHERE id = {challenge_id}"))
        cases = {}  # case -> pitch, {app: headers}
        for offset, app in enumerate(("exchange", "reference")):
            base = 9000 + 10 * offset
            people = {case: base + i for i, case in enumerate(
                ("competes", "own", "former member", "declared", "officer", "expert",
                 "new account"))}
            headers = {case: _person(connection, user_id, new if case == "new account" else old)
                       for case, user_id in people.items()}
            _joins(connection, people["competes"], pitching)
            _joins(connection, people["own"], pitching)
            _joins(connection, people["former member"], pitching,
                   left_at=generate.OPENED + timedelta(days=1))
            _joins(connection, people["officer"], council_id)
            for case in ("declared", "expert"):
                connection.execute(text(
                    "INSERT INTO panel_members (challenge_id, user_id, created_at) "
                    "VALUES (:c, :u, :t)"), {"c": challenge_id, "u": people[case], "t": old})
            connection.execute(text(
                "INSERT INTO panel_conflicts (challenge_id, user_id, pitch_id, created_at) "
                "VALUES (:c, :u, :p, :t)"),
                {"c": challenge_id, "u": people["declared"], "p": pitch_of[other], "t": old})
            for case in people:
                pitch = pitch_of[pitching if case in ("own", "former member") else other]
                cases.setdefault(case, [pitch, {}])[1][app] = headers[case]
    engine.dispose()

    answers = {}
    for case, (pitch_id, headers) in cases.items():
        for name, app in (("exchange", exchange), ("reference", bare)):
            response = app.test_client().put(f"{API}/pitches/{pitch_id}/rating",
                                              json={"stars": 4}, headers=headers[name])
            body = response.get_json()
            answers.setdefault(case, {})[name] = (
                response.status_code, body.get("is_panel"), body.get("excluded_reason"))

    assert {case: both["exchange"] for case, both in answers.items()} == {
        "competes": (200, False, "conflict_of_interest"),
        "own": (403, None, None),
        "former member": (403, None, None),
        "declared": (200, True, "conflict_of_interest"),
        "officer": (200, True, None),
        "expert": (200, True, None),
        "new account": (200, False, "new_account"),
    }
    assert {case: both["reference"] for case, both in answers.items()} == \
        {case: both["exchange"] for case, both in answers.items()}
    with exchange.app_context():
        assert recount() == []


def test_both_apps_answer_a_comment_alike_whoever_writes_it(world):
    """The same fields and values (but the new id and time): the author's roles on the
    challenge, `can`, `flagged_by_me`, and `flag_count` shown to a moderator only."""
    manifest, exchange, bare, url = world
    pitch_id = manifest["hot_pitches"][4]
    engine = create_engine(url)
    old = generate.BASE_TIME - timedelta(days=400)
    with engine.begin() as connection:
        challenge_id, council_id, supplier_id = connection.execute(text(
            f"SELECT c.id, c.council_id, p.supplier_id FROM pitches p JOIN challenges c "
            f"ON c.id = p.challenge_id WHERE p.id = {pitch_id}")).one()
        cases = {}
        for offset, app in enumerate(("exchange", "reference")):
            base = 9500 + 10 * offset
            people = {case: base + i for i, case in
                      enumerate(("nobody", "officer", "supplier", "panel"))}
            for case, user_id in people.items():
                cases.setdefault(case, {})[app] = _person(connection, user_id, old)
            _joins(connection, people["officer"], council_id)
            _joins(connection, people["supplier"], supplier_id)
            connection.execute(text(
                "INSERT INTO panel_members (challenge_id, user_id, created_at) "
                "VALUES (:c, :u, :t)"), {"c": challenge_id, "u": people["panel"], "t": old})
    engine.dispose()

    answers = {}
    for case, headers in cases.items():
        for name, app in (("exchange", exchange), ("reference", bare)):
            response = app.test_client().post(f"{API}/pitches/{pitch_id}/comments",
                                              json={"body": f"From {case}."},
                                              headers=headers[name])
            assert response.status_code == 201, response.get_json()
            body = response.get_json()
            for changing in ("id", "created_at"):
                body.pop(changing)
            body["author"].pop("id")
            answers.setdefault(case, {})[name] = body
    assert {case: (both["exchange"]["author"]["roles"], both["exchange"]["can"]["moderate"],
                   both["exchange"]["flag_count"]) for case, both in answers.items()} == {
        "nobody": ([], False, None), "officer": (["officer", "panel"], True, 0),
        "supplier": (["supplier"], False, None), "panel": (["panel"], False, None)}
    for case, both in answers.items():
        assert both["reference"] == both["exchange"], case
