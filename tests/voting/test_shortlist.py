import pytest

from exchange.extensions import db
from exchange.voting.models import Shortlist
from tests.factories import ok


@pytest.fixture
def voting(make, council, supplier_org, citizen):
    challenge = make.challenge(council, "open", min_ratings=1)
    pitch = make.pitch(challenge["id"], supplier_org)
    ok(citizen.put(f"/pitches/{pitch['id']}/rating", json={"stars": 4}))
    make.move(council, challenge["id"], "voting")
    return challenge["id"]


def test_nobody_but_the_councils_officers_publishes(make, voting, citizen, supplier, anon):
    for person, status in ((citizen, 403), (supplier, 403), (make.council().owner, 403),
                           (anon, 401)):
        assert person.post(f"/challenges/{voting}/shortlist").status_code == status
    assert citizen.get(f"/challenges/{voting}/shortlist").status_code == 404
    assert ok(citizen.get(f"/challenges/{voting}"))["status"] == "voting"


@pytest.mark.parametrize("state", ["draft", "open", "closed"])
def test_shortlist_is_published_only_from_voting(make, council, state):
    challenge = make.challenge(council, state)
    assert council.owner.post(f"/challenges/{challenge['id']}/shortlist").status_code == 409
    assert ok(council.owner.get(f"/challenges/{challenge['id']}"))["status"] == state
    assert council.owner.get(f"/challenges/{challenge['id']}/shortlist").status_code == 404


def test_published_shortlist_is_public_and_unchanged(voting, council, anon):
    published = ok(council.owner.post(f"/challenges/{voting}/shortlist"), 201)
    assert published["published_by"]["id"] == council.owner.id
    assert len(published["shortlisted_pitch_ids"]) == 1
    assert ok(anon.get(f"/challenges/{voting}/shortlist")) == published


def test_a_shortlist_published_before_fair_votes_reads_as_counting_every_rating(
        app, voting, council, anon):
    published = ok(council.owner.post(f"/challenges/{voting}/shortlist"), 201)
    # As stored before ratings were judged: entries without `excluded` or `integrity_flags`.
    with app.app_context():
        shortlist = db.session.scalar(db.select(Shortlist).filter_by(challenge_id=voting))
        shortlist.snapshot = published | {"entries": [
            {k: v for k, v in entry.items() if k not in ("excluded", "integrity_flags")}
            for entry in published["entries"]]}
        db.session.commit()
    shown = ok(anon.get(f"/challenges/{voting}/shortlist"))
    assert [(e["excluded"], e["integrity_flags"]) for e in shown["entries"]] == [
        ({"conflict_of_interest": 0, "new_account": 0}, [])]
    assert shown == published
