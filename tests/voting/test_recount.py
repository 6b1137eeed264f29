"""reconcile-tallies' recount: it re-judges the ratings a rule could exclude, and repairs
who rated on each challenge where that drifted, leaving the rest as it is."""
from sqlalchemy import delete, select, update

from exchange.extensions import db
from exchange.voting.models import ChallengeRater, PitchTally, Rating
from exchange.voting.recount import recount
from tests.factories import ok


def _rate(client, pitch_id, stars):
    return ok(client.put(f"/pitches/{pitch_id}/rating", json={"stars": stars}))


def _raters(challenge_id) -> set[tuple]:
    return {tuple(row) for row in db.session.execute(
        select(ChallengeRater.user_id, ChallengeRater.ratings)
        .where(ChallengeRater.challenge_id == challenge_id))}


def test_recount_rejudges_a_competitors_rating_stored_as_counted(
        app, make, challenge, pitch, citizen, anon):
    rival = make.supplier()
    make.pitch(challenge["id"], rival)
    _rate(citizen, pitch["id"], 5)
    assert _rate(rival.owner, pitch["id"], 1)["excluded_reason"] == "conflict_of_interest"
    with app.app_context():
        # Stored as counting, and tallied so: only re-judging can find the fault.
        db.session.execute(update(Rating).where(Rating.user_id == rival.owner.id)
                           .values(excluded_reason=None))
        db.session.execute(update(PitchTally).where(PitchTally.pitch_id == pitch["id"]).values(
            public_count=2, public_sum=6, public_1=1, excluded_conflict_of_interest=0))
        db.session.commit()

        rating_id = db.session.scalar(select(Rating.id).where(Rating.user_id == rival.owner.id))
        assert (f"rating {rating_id} (pitch {pitch['id']}, user {rival.owner.id}) "
                f"excluded_reason: stored None, judged conflict_of_interest") in recount()
        recount(fix=True)
        assert recount() == []

    entry = ok(anon.get(f"/challenges/{challenge['id']}/ranking"))["entries"]
    mine = next(e for e in entry if e["pitch_id"] == pitch["id"])
    assert (mine["n"], mine["S"], mine["excluded"]["conflict_of_interest"]) == (1, 5, 1)


def test_recount_rewrites_the_raters_of_the_challenge_that_drifted_only(
        app, make, council, supplier_org, citizen, anon):
    first = make.challenge(council, "open")
    second = make.challenge(council, "open")
    first_pitch = make.pitch(first["id"], supplier_org)["id"]
    second_pitch = make.pitch(second["id"], supplier_org)["id"]
    other = make.user("other")
    for client, pitch_id, stars in ((citizen, first_pitch, 4), (other, first_pitch, 2),
                                    (citizen, second_pitch, 3)):
        _rate(client, pitch_id, stars)
    with app.app_context():
        before_second = _raters(second["id"])
        db.session.execute(delete(ChallengeRater).where(
            ChallengeRater.challenge_id == first["id"], ChallengeRater.user_id == other.id))
        db.session.execute(update(ChallengeRater).where(
            ChallengeRater.challenge_id == first["id"]).values(ratings=7))
        # Raters alone are not reported: a drifted tally is what makes recount repair.
        db.session.execute(update(PitchTally).where(PitchTally.pitch_id == first_pitch)
                           .values(public_4=3))
        db.session.commit()

        assert recount(fix=True) == [f"pitch {first_pitch} public_4: stored 3, counted 1"]

        assert _raters(first["id"]) == {(citizen.id, 1), (other.id, 1)}
        assert _raters(second["id"]) == before_second == {(citizen.id, 1)}
        assert recount() == []
    stats = ok(anon.get(f"/challenges/{first['id']}/stats"))
    assert (stats["ratings"], stats["raters"]) == (2, 2)
