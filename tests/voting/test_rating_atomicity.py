"""A rating and its tallies are written together or not at all: a failure injected after
the rating row is written (and after the pitch's tallies have been changed once) leaves
neither the rating nor any tally change behind."""
import pytest
from sqlalchemy import func, select

from exchange.extensions import db
from exchange.voting import tallies
from exchange.voting.models import Rating
from exchange.voting.recount import recount
from tests.factories import ok


class InjectedFault(Exception):
    pass


@pytest.fixture
def tally_update_fails(monkeypatch):
    """tallies.Changes.write does its UPDATEs, then raises: the rating upsert and the tally
    changes are already in the transaction when the fault comes."""
    real_write = tallies.Changes.write

    def write_then_fail(*args, **kwargs):
        real_write(*args, **kwargs)
        raise InjectedFault("tally update failed")

    monkeypatch.setattr(tallies.Changes, "write", write_then_fail)


def _state(client, pitch, challenge):
    """The rating tables as the API shows them."""
    stats = ok(client.get(f"/challenges/{challenge['id']}/stats"))
    stats.pop("views")
    return ok(client.get(f"/pitches/{pitch['id']}"))["tally"], stats


def _ratings(app) -> list[tuple[int, int, int]]:
    with app.app_context():
        return db.session.execute(select(Rating.pitch_id, Rating.user_id, Rating.stars)
                                  .order_by(Rating.id)).all()


def _assert_problem(response):
    assert response.status_code >= 500  # only because the fault is injected
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == response.status_code


def test_a_new_rating_whose_tally_update_fails_leaves_no_rating_and_no_tally(
        app, citizen, pitch, challenge, monkeypatch, request):
    before = _state(citizen, pitch, challenge)
    request.getfixturevalue("tally_update_fails")

    _assert_problem(citizen.put(f"/pitches/{pitch['id']}/rating", json={"stars": 4}))

    monkeypatch.undo()
    assert _ratings(app) == []
    assert citizen.get(f"/pitches/{pitch['id']}/rating").status_code == 404
    assert _state(citizen, pitch, challenge) == before
    public = before[0]["public"]
    assert (public["count"], public["sum"]) == (0, 0)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Rating)) == 0
        assert recount() == []


def test_a_changed_rating_whose_tally_update_fails_keeps_the_old_stars_and_tallies(
        app, citizen, pitch, challenge, monkeypatch, request):
    ok(citizen.put(f"/pitches/{pitch['id']}/rating", json={"stars": 2}))
    before = _state(citizen, pitch, challenge)
    request.getfixturevalue("tally_update_fails")

    _assert_problem(citizen.put(f"/pitches/{pitch['id']}/rating", json={"stars": 5}))

    monkeypatch.undo()
    assert _ratings(app) == [(pitch["id"], citizen.id, 2)]
    assert ok(citizen.get(f"/pitches/{pitch['id']}/rating"))["stars"] == 2
    assert _state(citizen, pitch, challenge) == before
    public = before[0]["public"]
    assert (public["count"], public["sum"], public["histogram"]["2"]) == (1, 2, 1)
    with app.app_context():
        assert recount() == []
