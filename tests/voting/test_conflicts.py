"""Conflicts of interest: refused when someone rates their own organisation's pitch, kept and
excluded when they compete on the challenge, declared a conflict, or joined after rating.
Each expectation is worked out by hand from the stars given."""
from sqlalchemy import func, select

from exchange.extensions import db
from exchange.voting.models import Rating, RatingChange
from exchange.voting.recount import recount
from tests.factories import ok

NONE = {"conflict_of_interest": 0, "new_account": 0}


def _entry(client, challenge_id, pitch_id) -> dict:
    entries = ok(client.get(f"/challenges/{challenge_id}/ranking"))["entries"]
    return next(e for e in entries if e["pitch_id"] == pitch_id)


def _working(client, challenge_id, pitch_id) -> tuple:
    entry = _entry(client, challenge_id, pitch_id)
    return entry["n"], entry["S"], entry["histogram"], entry["excluded"]


def _stats(client, challenge_id) -> tuple[int, int, int]:
    stats = ok(client.get(f"/challenges/{challenge_id}/stats"))
    return stats["ratings"], stats["raters"], stats["panel_ratings"]


def _rate(client, pitch_id, stars):
    return client.put(f"/pitches/{pitch_id}/rating", json={"stars": stars})


def _reason(client, pitch_id):
    return ok(client.get(f"/pitches/{pitch_id}/rating"))["excluded_reason"]


def _no_drift(app):
    with app.app_context():
        assert recount() == []


def _join(org, person):
    invitation = ok(org.owner.post(f"/organisations/{org.id}/members",
                                   json={"email": person.email}), 202)
    ok(person.post(f"/auth/me/invitations/{invitation['id']}/accept"))


def _leave(org, person):
    assert person.delete(f"/organisations/{org.id}/members/{person.id}").status_code == 204


def test_leave_before_the_challenge_opened_rate_and_rejoin_ends_with_the_rating_excluded(
        app, make, council, supplier_org, citizen, anon):
    insider = make.member(supplier_org, "insider")
    challenge = make.challenge(council, "draft")
    _leave(supplier_org, insider)
    make.move(council, challenge["id"], "open")
    pitch = make.pitch(challenge["id"], supplier_org)["id"]
    ok(_rate(citizen, pitch, 3))
    # Not a member while the challenge was open: the rating is taken and counts, for now.
    assert ok(_rate(insider, pitch, 5))["excluded_reason"] is None
    assert _working(anon, challenge["id"], pitch) == (
        2, 8, {"1": 0, "2": 0, "3": 1, "4": 0, "5": 1}, NONE)

    _join(supplier_org, insider)

    assert _reason(insider, pitch) == "conflict_of_interest"
    entry = _entry(anon, challenge["id"], pitch)
    assert (entry["n"], entry["S"], entry["mean"], entry["m"]) == (1, 3, 3.0, 3.0)
    assert entry["histogram"] == {"1": 0, "2": 0, "3": 1, "4": 0, "5": 0}
    assert entry["excluded"] == {"conflict_of_interest": 1, "new_account": 0}
    public = ok(anon.get(f"/pitches/{pitch}"))["tally"]["public"]
    assert (public["count"], public["sum"]) == (1, 3)
    assert _stats(anon, challenge["id"]) == (1, 2, 0)  # two took part, one counts
    _no_drift(app)
    # Back in the organisation now, they may not change it either.
    assert _rate(insider, pitch, 1).status_code == 403
    assert _reason(insider, pitch) == "conflict_of_interest"


def test_someone_who_left_while_the_challenge_was_open_is_refused_and_nothing_is_written(
        app, make, council, supplier_org, challenge, pitch, citizen, anon):
    leaver = make.member(supplier_org, "leaver")
    ok(_rate(citizen, pitch["id"], 4))
    _leave(supplier_org, leaver)
    before = (_working(anon, challenge["id"], pitch["id"]), _stats(anon, challenge["id"]))

    response = _rate(leaver, pitch["id"], 5)

    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert leaver.get(f"/pitches/{pitch['id']}/rating").status_code == 404
    assert (_working(anon, challenge["id"], pitch["id"]), _stats(anon, challenge["id"])) == before
    assert before == ((1, 4, {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0}, NONE), (1, 1, 0))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RatingChange)
                                 .where(RatingChange.user_id == leaver.id)) == 0
    _no_drift(app)


def test_a_competing_suppliers_member_may_rate_a_rival_but_the_rating_is_excluded(
        app, make, challenge, pitch, citizen, anon):
    rival = make.supplier()
    rival_pitch = make.pitch(challenge["id"], rival)["id"]
    ok(_rate(citizen, pitch["id"], 5))

    rated = ok(_rate(rival.owner, pitch["id"], 1))

    assert (rated["stars"], rated["excluded_reason"]) == (1, "conflict_of_interest")
    assert _working(anon, challenge["id"], pitch["id"]) == (
        1, 5, {"1": 0, "2": 0, "3": 0, "4": 0, "5": 1},
        {"conflict_of_interest": 1, "new_account": 0})
    assert _entry(anon, challenge["id"], rival_pitch)["excluded"] == NONE
    assert ok(anon.get(f"/challenges/{challenge['id']}/ranking"))["m"] == 5.0
    assert _stats(anon, challenge["id"]) == (1, 2, 0)
    # Changing the stars keeps it kept-and-excluded.
    assert ok(_rate(rival.owner, pitch["id"], 2))["excluded_reason"] == "conflict_of_interest"
    assert _working(anon, challenge["id"], pitch["id"])[:2] == (1, 5)
    _no_drift(app)


def test_a_supplier_pitching_only_on_another_challenge_does_not_compete_here(
        app, make, council, challenge, pitch, citizen, anon):
    elsewhere = make.supplier()
    other = make.challenge(council, "open")
    make.pitch(other["id"], elsewhere)
    ok(_rate(citizen, pitch["id"], 4))

    rated = ok(_rate(elsewhere.owner, pitch["id"], 2))

    assert rated["excluded_reason"] is None
    assert _working(anon, challenge["id"], pitch["id"]) == (
        2, 6, {"1": 0, "2": 1, "3": 0, "4": 1, "5": 0}, NONE)
    _no_drift(app)


def test_a_pitch_submitted_after_its_suppliers_member_rated_a_rival_excludes_that_rating(
        app, make, challenge, pitch, citizen, anon):
    rival = make.supplier()
    ok(_rate(citizen, pitch["id"], 4))
    assert ok(_rate(rival.owner, pitch["id"], 1))["excluded_reason"] is None
    assert _working(anon, challenge["id"], pitch["id"])[:2] == (2, 5)

    rival_pitch = make.pitch(challenge["id"], rival)["id"]

    assert _reason(rival.owner, pitch["id"]) == "conflict_of_interest"
    assert _working(anon, challenge["id"], pitch["id"]) == (
        1, 4, {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0},
        {"conflict_of_interest": 1, "new_account": 0})
    assert _stats(anon, challenge["id"]) == (1, 2, 0)
    _no_drift(app)

    # Withdrawn, the rival no longer competes here: its member's rating counts again.
    ok(rival.owner.post(f"/pitches/{rival_pitch}/withdraw"))
    assert _reason(rival.owner, pitch["id"]) is None
    assert _working(anon, challenge["id"], pitch["id"]) == (
        2, 5, {"1": 1, "2": 0, "3": 0, "4": 1, "5": 0}, NONE)
    _no_drift(app)


def test_a_rating_given_before_joining_a_competing_supplier_is_excluded_from_then_on(
        app, make, challenge, pitch, citizen, anon):
    rival = make.supplier()
    make.pitch(challenge["id"], rival)
    ok(_rate(citizen, pitch["id"], 2))
    assert _working(anon, challenge["id"], pitch["id"])[:2] == (1, 2)

    _join(rival, citizen)

    assert _reason(citizen, pitch["id"]) == "conflict_of_interest"
    assert _working(anon, challenge["id"], pitch["id"]) == (
        0, 0, {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0},
        {"conflict_of_interest": 1, "new_account": 0})
    _no_drift(app)


def test_a_panel_members_declared_conflict_excludes_their_rating(
        app, make, council, challenge, pitch, anon):
    expert = make.user("expert")
    ok(council.owner.post(f"/challenges/{challenge['id']}/panel",
                          json={"user_id": expert.id}), 201)
    assert ok(_rate(expert, pitch["id"], 5))["is_panel"] is True
    assert _entry(anon, challenge["id"], pitch["id"])["panel_count"] == 1

    ok(expert.post(f"/challenges/{challenge['id']}/panel/{expert.id}/conflicts",
                   json={"pitch_ids": [pitch["id"]]}))

    assert _reason(expert, pitch["id"]) == "conflict_of_interest"
    entry = _entry(anon, challenge["id"], pitch["id"])
    assert (entry["panel_count"], entry["panel_mean"]) == (0, None)
    assert entry["excluded"] == {"conflict_of_interest": 1, "new_account": 0}
    assert _stats(anon, challenge["id"]) == (0, 1, 0)
    _no_drift(app)

    assert council.owner.delete(f"/challenges/{challenge['id']}/panel/{expert.id}/conflicts/"
                                f"{pitch['id']}").status_code == 204

    assert _reason(expert, pitch["id"]) is None
    entry = _entry(anon, challenge["id"], pitch["id"])
    assert (entry["panel_count"], entry["panel_mean"], entry["excluded"]) == (1, 5.0, NONE)
    _no_drift(app)


def test_an_excluded_rating_stays_out_of_the_tallies_when_its_rater_joins_the_panel(
        app, make, council, challenge, pitch, anon):
    rival = make.supplier()
    make.pitch(challenge["id"], rival)
    ok(_rate(rival.owner, pitch["id"], 1))

    ok(council.owner.post(f"/challenges/{challenge['id']}/panel",
                          json={"user_id": rival.owner.id}), 201)

    entry = _entry(anon, challenge["id"], pitch["id"])
    assert (entry["n"], entry["panel_count"]) == (0, 0)
    assert entry["excluded"] == {"conflict_of_interest": 1, "new_account": 0}
    assert _stats(anon, challenge["id"]) == (0, 1, 0)
    with app.app_context():
        assert db.session.scalar(select(Rating.is_panel).where(
            Rating.user_id == rival.owner.id)) is True
    _no_drift(app)
