"""The ranking's integrity flags are kept per challenge under its ratings version: every
way the challenge's ratings change bumps the version, so a cached flag is never stale."""
import pytest
from sqlalchemy import select

from exchange.extensions import db
from exchange.voting.models import ChallengeTally
from tests.factories import ok
from tests.voting.test_ballot_stuffing import STUFFERS_NETWORK, stuffed  # noqa: F401


def _flags(client, challenge_id) -> dict[int, list[str]]:
    ranking = ok(client.get(f"/challenges/{challenge_id}/ranking"))
    return {e["pitch_id"]: e["integrity_flags"] for e in ranking["entries"]}


def _version(app, challenge_id) -> int:
    with app.app_context():
        return db.session.scalar(select(ChallengeTally.ratings_version)
                                 .where(ChallengeTally.challenge_id == challenge_id))


def test_flags_read_before_a_change_are_not_served_after_it(app, make, stuffed, anon):  # noqa: F811
    cid, a = stuffed["challenge_id"], stuffed["pitches"]["A"]
    stuffers = [make.user(f"second-wave{i}") for i in range(30)]
    assert _flags(anon, cid)[a] == ["burst", "new_accounts", "network_cluster"]

    # The first wave takes its ratings back: six honest ratings are too few to flag.
    for account in stuffed["stuffers"]:
        assert account.delete(f"/pitches/{a}/rating").status_code == 204
    assert _flags(anon, cid)[a] == []

    # A second wave, rated through the API with the signals it keeps itself.
    for i, account in enumerate(stuffers):
        ok(account.put(f"/pitches/{a}/rating", json={"stars": 5},
                       environ_base={"REMOTE_ADDR": STUFFERS_NETWORK.format(i + 1)}))
    assert _flags(anon, cid)[a] == ["burst", "new_accounts", "network_cluster"]


def test_rating_changing_and_taking_back_bump_the_version(app, citizen, pitch, challenge):
    before = _version(app, challenge["id"])
    ok(citizen.put(f"/pitches/{pitch['id']}/rating", json={"stars": 4}))
    ok(citizen.put(f"/pitches/{pitch['id']}/rating", json={"stars": 4}))
    assert citizen.delete(f"/pitches/{pitch['id']}/rating").status_code == 204
    assert _version(app, challenge["id"]) == before + 3


def test_withdrawing_a_pitch_bumps_the_version(app, supplier, pitch, challenge):
    before = _version(app, challenge["id"])
    ok(supplier.post(f"/pitches/{pitch['id']}/withdraw"))
    assert _version(app, challenge["id"]) == before + 1


@pytest.mark.parametrize("rated", [True, False])
def test_a_panel_move_bumps_the_version_only_when_ratings_move(
        app, make, council, pitch, challenge, rated):
    expert = make.user("expert")
    if rated:
        ok(expert.put(f"/pitches/{pitch['id']}/rating", json={"stars": 3}))
    before = _version(app, challenge["id"])
    ok(council.owner.post(f"/challenges/{challenge['id']}/panel", json={"user_id": expert.id}),
       201)
    assert _version(app, challenge["id"]) == before + (1 if rated else 0)


def test_erasure_bumps_the_version_of_each_challenge_rated(app, citizen, pitch, challenge):
    ok(citizen.put(f"/pitches/{pitch['id']}/rating", json={"stars": 2}))
    before = _version(app, challenge["id"])
    assert citizen.delete("/auth/me", json={"password": "correct horse"}).status_code == 204
    assert _version(app, challenge["id"]) == before + 1
