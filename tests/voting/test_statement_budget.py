"""A rating change runs at most eight SQL statements, signing in by bearer token included,
takes one row lock (its challenge's tally) and reads back nothing it wrote; the ranking,
its integrity flags cached, runs at most four."""
import re

import pytest

from tests.contract import recorded_statements
from tests.factories import ok

RATING_BUDGET = 8
RANKING_BUDGET = 4
LOCK = re.compile(r"\bFOR (NO KEY )?UPDATE\b")


def _run(app, request):
    with recorded_statements(app) as seen:
        response = request()
    return response, list(seen)


def _assert_within_budget(app, statements):
    assert len(statements) <= RATING_BUDGET, "\n\n".join(statements)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        locking = [s for s in statements if LOCK.search(s)]
        assert len(locking) == 1, locking
        assert "FOR UPDATE" in locking[0] and "challenge_tallies" in locking[0]


@pytest.fixture
def rival(make, challenge):
    """Owner of a second supplier pitching on the challenge: their ratings are excluded."""
    other = make.supplier()
    make.pitch(challenge["id"], other)
    return other.owner


def test_a_first_rating_runs_within_the_budget(app, citizen, pitch):
    response, statements = _run(app, lambda: citizen.put(f"/pitches/{pitch['id']}/rating",
                                                         json={"stars": 4}))
    assert ok(response)["stars"] == 4
    _assert_within_budget(app, statements)


def test_changing_a_rating_runs_within_the_budget(app, citizen, pitch):
    ok(citizen.put(f"/pitches/{pitch['id']}/rating", json={"stars": 4}))
    response, statements = _run(app, lambda: citizen.put(f"/pitches/{pitch['id']}/rating",
                                                         json={"stars": 2}))
    assert ok(response)["stars"] == 2
    _assert_within_budget(app, statements)


def test_a_panel_rating_runs_within_the_budget(app, officer, pitch):
    response, statements = _run(app, lambda: officer.put(f"/pitches/{pitch['id']}/rating",
                                                         json={"stars": 5}))
    assert ok(response)["is_panel"] is True
    _assert_within_budget(app, statements)


def test_an_excluded_rating_runs_within_the_budget(app, rival, pitch):
    response, statements = _run(app, lambda: rival.put(f"/pitches/{pitch['id']}/rating",
                                                       json={"stars": 5}))
    assert ok(response)["excluded_reason"] == "conflict_of_interest"
    _assert_within_budget(app, statements)


def test_taking_a_rating_back_runs_within_the_budget(app, citizen, pitch):
    ok(citizen.put(f"/pitches/{pitch['id']}/rating", json={"stars": 4}))
    response, statements = _run(app, lambda: citizen.delete(f"/pitches/{pitch['id']}/rating"))
    assert response.status_code == 204
    _assert_within_budget(app, statements)
    assert citizen.get(f"/pitches/{pitch['id']}/rating").status_code == 404


def test_the_rating_answer_is_what_was_written(citizen, pitch):
    given = ok(citizen.put(f"/pitches/{pitch['id']}/rating", json={"stars": 3}))
    changed = ok(citizen.put(f"/pitches/{pitch['id']}/rating", json={"stars": 5}))
    stored = ok(citizen.get(f"/pitches/{pitch['id']}/rating"))
    assert changed == stored
    assert (changed["created_at"], changed["stars"]) == (given["created_at"], 5)


def test_the_ranking_with_its_flags_cached_runs_at_most_four_statements(
        app, citizen, rival, anon, challenge, pitch):
    ok(citizen.put(f"/pitches/{pitch['id']}/rating", json={"stars": 4}))
    ok(rival.put(f"/pitches/{pitch['id']}/rating", json={"stars": 5}))
    path = f"/challenges/{challenge['id']}/ranking"
    first = ok(anon.get(path))  # reads the ratings once, caching the flags
    response, statements = _run(app, lambda: anon.get(path))
    assert ok(response) == first
    assert len(statements) <= RANKING_BUDGET, "\n\n".join(statements)
