"""Ratings kept but excluded: the minimum account age, the signals kept with each rating,
reconciling counted and excluded tallies, and erasure. Expectations worked by hand."""
import hashlib
import hmac
from datetime import timedelta

import pytest
from sqlalchemy import select, text, update

from exchange.clock import utcnow
from exchange.extensions import db
from exchange.voting.models import PitchTally, Rating, RatingChange
from exchange.voting.recount import recount
from tests.factories import ok

NONE = {"conflict_of_interest": 0, "new_account": 0}
PASSWORD = "correct horse"  # every factory-made person's password


def _age_accounts(app, clients, hours: int) -> None:
    """Make these accounts `hours` old, as if registered long ago."""
    with app.app_context():
        for client in clients:
            db.session.execute(text("UPDATE users SET created_at = :at WHERE id = :id"),
                               {"at": utcnow() - timedelta(hours=hours), "id": client.id})
        db.session.commit()


def _entry(client, challenge_id, pitch_id) -> dict:
    entries = ok(client.get(f"/challenges/{challenge_id}/ranking"))["entries"]
    return next(e for e in entries if e["pitch_id"] == pitch_id)


def _working(client, challenge_id, pitch_id) -> tuple:
    entry = _entry(client, challenge_id, pitch_id)
    return entry["n"], entry["S"], entry["histogram"], entry["excluded"], entry["m"]


def _rate(client, pitch_id, stars, **kwargs):
    return ok(client.put(f"/pitches/{pitch_id}/rating", json={"stars": stars}, **kwargs))


def _no_drift(app):
    with app.app_context():
        assert recount() == []


@pytest.fixture
def rated(app, make, challenge, pitch):
    """Two accounts a month old rate 4 and 5; two made today rate 1 and 1."""
    old = [make.user("old") for _ in range(2)]
    new = [make.user("new") for _ in range(2)]
    _age_accounts(app, old, 24 * 30)
    for person, stars in zip(old + new, (4, 5, 1, 1)):
        _rate(person, pitch["id"], stars)
    return old, new


def test_raising_the_minimum_account_age_recounts_and_setting_it_back_restores(
        app, rated, council, challenge, pitch, anon):
    old, new = rated
    cid = challenge["id"]
    assert _working(anon, cid, pitch["id"]) == (
        4, 11, {"1": 2, "2": 0, "3": 0, "4": 1, "5": 1}, NONE, 11 / 4)

    changed = ok(council.owner.patch(f"/challenges/{cid}", json={"min_account_age_hours": 24}))

    assert changed["min_account_age_hours"] == 24
    assert _working(anon, cid, pitch["id"]) == (
        2, 9, {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1},
        {"conflict_of_interest": 0, "new_account": 2}, 4.5)
    assert [ok(p.get(f"/pitches/{pitch['id']}/rating"))["excluded_reason"]
            for p in old + new] == [None, None, "new_account", "new_account"]
    stats = ok(anon.get(f"/challenges/{cid}/stats"))
    assert (stats["ratings"], stats["raters"]) == (2, 4)
    _no_drift(app)

    ok(council.owner.patch(f"/challenges/{cid}", json={"min_account_age_hours": 0}))

    assert _working(anon, cid, pitch["id"]) == (
        4, 11, {"1": 2, "2": 0, "3": 0, "4": 1, "5": 1}, NONE, 11 / 4)
    assert ok(anon.get(f"/challenges/{cid}"))["min_account_age_hours"] == 0
    _no_drift(app)


def test_the_account_age_is_the_one_at_the_first_rating(app, rated, council, challenge, pitch,
                                                        anon):
    _, new = rated
    ok(council.owner.patch(f"/challenges/{challenge['id']}", json={"min_account_age_hours": 24}))
    # The account grows old, but its rating was given new: changing the stars keeps that.
    _age_accounts(app, [new[0]], 24 * 30)
    assert _rate(new[0], pitch["id"], 5)["excluded_reason"] == "new_account"
    assert _working(anon, challenge["id"], pitch["id"])[:4] == (
        2, 9, {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1},
        {"conflict_of_interest": 0, "new_account": 2})
    _no_drift(app)


def test_conflict_of_interest_wins_when_a_rating_is_also_from_a_new_account(
        app, make, council, challenge, pitch, anon):
    ok(council.owner.patch(f"/challenges/{challenge['id']}", json={"min_account_age_hours": 1}))
    rival = make.supplier()
    make.pitch(challenge["id"], rival)
    assert _rate(rival.owner, pitch["id"], 1)["excluded_reason"] == "conflict_of_interest"
    assert _entry(anon, challenge["id"], pitch["id"])["excluded"] == {
        "conflict_of_interest": 1, "new_account": 0}
    _no_drift(app)


@pytest.mark.parametrize("value", [-1, 1.5, "24", None, 87601])
def test_an_invalid_minimum_account_age_is_422_and_changes_nothing(council, challenge, value):
    response = council.owner.patch(f"/challenges/{challenge['id']}",
                                   json={"min_account_age_hours": value})
    assert response.status_code == 422
    assert "min_account_age_hours" in response.get_json()["errors"]
    assert ok(council.owner.get(f"/challenges/{challenge['id']}"))["min_account_age_hours"] == 0


def test_the_minimum_account_age_is_fixed_once_the_shortlist_is_published(
        app, rated, make, council, challenge, pitch, anon):
    make.move(council, challenge["id"], "voting")
    ok(council.owner.post(f"/challenges/{challenge['id']}/shortlist"), 201)
    before = ok(anon.get(f"/challenges/{challenge['id']}/ranking"))

    response = council.owner.patch(f"/challenges/{challenge['id']}",
                                   json={"min_account_age_hours": 24})

    assert response.status_code == 409
    assert ok(anon.get(f"/challenges/{challenge['id']}"))["min_account_age_hours"] == 0
    assert ok(anon.get(f"/challenges/{challenge['id']}/ranking")) == before
    _no_drift(app)


def test_a_challenge_can_be_created_with_a_minimum_account_age(make, council):
    challenge = make.challenge(council, "draft", min_account_age_hours=72)
    assert challenge["min_account_age_hours"] == 72


def _network_hash(salt: str, prefix: str) -> str:
    """The documented construction, written out: HMAC-SHA256 keyed by HMAC-SHA256 of the
    test SECRET_KEY over the purpose, over the challenge's salt and the network prefix."""
    key = hmac.new(b"test-secret", b"exchange.voting.network-hash", hashlib.sha256).digest()
    return hmac.new(key, (salt + prefix).encode(), hashlib.sha256).hexdigest()


def test_each_change_keeps_a_keyed_hash_of_the_network_never_the_address(
        app, make, citizen, challenge, pitch):
    other = make.challenge(make.council(), "open")
    other_pitch = make.pitch(other["id"], make.supplier())
    home = {"environ_base": {"REMOTE_ADDR": "203.0.113.7"}}
    _rate(citizen, pitch["id"], 4, **home)
    _rate(citizen, pitch["id"], 2, environ_base={"REMOTE_ADDR": "203.0.113.200"})
    assert citizen.delete(f"/pitches/{pitch['id']}/rating", **home).status_code == 204
    _rate(citizen, other_pitch["id"], 3, **home)

    with app.app_context():
        salts = dict(db.session.execute(text("SELECT id, network_salt FROM challenges")).all())
        same_network = _network_hash(salts[challenge["id"]], "203.0.113.0/24")
        changes = db.session.execute(
            select(RatingChange.pitch_id, RatingChange.stars, RatingChange.network_hash)
            .order_by(RatingChange.id)).all()
        assert changes == [(pitch["id"], 4, same_network), (pitch["id"], 2, same_network),
                           (pitch["id"], None, same_network),
                           (other_pitch["id"], 3,
                            _network_hash(salts[other["id"]], "203.0.113.0/24"))]
        assert changes[3].network_hash != same_network  # a fresh salt per challenge
        rating = db.session.scalar(select(Rating))
        assert rating.network_hash == changes[3].network_hash
        assert 0 <= rating.account_age_hours < 1
        stored = [str(value) for table in ("ratings", "rating_changes")
                  for row in db.session.execute(text(f"SELECT * FROM {table}"))
                  for value in row]
        assert not [value for value in stored if "203.0.113" in value]


def test_reconcile_finds_and_repairs_drift_in_excluded_tallies_and_reasons(
        app, rated, council, challenge, pitch):
    _, new = rated
    ok(council.owner.patch(f"/challenges/{challenge['id']}", json={"min_account_age_hours": 24}))
    _no_drift(app)
    with app.app_context():
        db.session.execute(update(PitchTally).values(excluded_new_account=5))
        db.session.execute(update(Rating).where(Rating.user_id == new[0].id)
                           .values(excluded_reason=None))
        db.session.commit()
    runner = app.test_cli_runner()

    report = runner.invoke(args=["reconcile-tallies"])

    assert report.exit_code == 1
    assert (f"(pitch {pitch['id']}, user {new[0].id}) excluded_reason: stored None, "
            f"judged new_account") in report.output
    assert f"pitch {pitch['id']} excluded new_account: stored 5, counted 1" in report.output
    assert runner.invoke(args=["reconcile-tallies", "--fix"]).exit_code == 0
    assert "No drift" in runner.invoke(args=["reconcile-tallies"]).output
    assert ok(new[0].get(f"/pitches/{pitch['id']}/rating"))["excluded_reason"] == "new_account"


def test_erasure_takes_an_excluded_rating_out_of_the_excluded_tally(
        app, rated, council, challenge, pitch, anon):
    _, new = rated
    ok(council.owner.patch(f"/challenges/{challenge['id']}", json={"min_account_age_hours": 24}))

    assert new[0].delete("/auth/me", json={"password": PASSWORD}).status_code == 204

    assert _working(anon, challenge["id"], pitch["id"])[:4] == (
        2, 9, {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1},
        {"conflict_of_interest": 0, "new_account": 1})
    stats = ok(anon.get(f"/challenges/{challenge['id']}/stats"))
    assert (stats["ratings"], stats["raters"]) == (2, 3)
    _no_drift(app)
