"""The ranking's integrity flags are kept per challenge under its ratings version: every
way the challenge's ratings change bumps the version, so a cached flag is never stale; after
ratings alone, only their pitches are read again."""
import pytest
from sqlalchemy import select

from exchange.challenges.models import Challenge
from exchange.extensions import db
from exchange.voting import held_signals, integrity
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


# ---- brought up to date, not read afresh, after ratings ---------------------------------------

def _read_afresh_now(app, challenge_id) -> dict[int, list[str]]:
    """The flags analyse() gives over every rating of the challenge now."""
    with app.app_context():
        challenge = db.session.get(Challenge, challenge_id)
        signals = integrity.analyse(integrity.facts_of(challenge_id), challenge.opened_at,
                                    integrity.rules_in_force())
        return {pitch_id: pitch.flags for pitch_id, pitch in signals.items()}


def _reads(monkeypatch) -> dict:
    """How often the kept signals are read afresh, and which pitches are read again."""
    seen = {"afresh": 0, "pitches": []}
    read_afresh, facts_of = held_signals._read_afresh, integrity.facts_of

    def counted(*args):
        seen["afresh"] += 1
        return read_afresh(*args)

    def noted(challenge_id, pitch_ids=None):
        if pitch_ids is not None:
            seen["pitches"].append(sorted(pitch_ids))
        return facts_of(challenge_id, pitch_ids)

    monkeypatch.setattr(held_signals, "_read_afresh", counted)
    monkeypatch.setattr(integrity, "facts_of", noted)
    return seen


def test_after_ratings_only_their_pitches_are_read_again_and_the_flags_stay_exact(
        app, make, stuffed, anon, monkeypatch):  # noqa: F811
    cid, pitches = stuffed["challenge_id"], stuffed["pitches"]
    a, b = pitches["A"], pitches["B"]
    assert _flags(anon, cid)[a] == ["burst", "new_accounts", "network_cluster"]
    seen = _reads(monkeypatch)

    # Half the stuffers take theirs back: only A is read again; still flagged.
    for account in stuffed["stuffers"][:15]:
        assert account.delete(f"/pitches/{a}/rating").status_code == 204
    assert _flags(anon, cid) == _read_afresh_now(app, cid)
    assert _flags(anon, cid)[a] == ["burst", "new_accounts", "network_cluster"]
    assert seen == {"afresh": 0, "pitches": [[a]]}

    # The rest take theirs back and rate B instead, and one changes their mind.
    for account in stuffed["stuffers"][15:]:
        assert account.delete(f"/pitches/{a}/rating").status_code == 204
        ok(account.put(f"/pitches/{b}/rating", json={"stars": 1}))
    ok(stuffed["stuffers"][-1].put(f"/pitches/{b}/rating", json={"stars": 2}))
    now = _flags(anon, cid)
    assert now == _read_afresh_now(app, cid)
    assert now[a] == [] and "new_accounts" in now[b]
    assert seen == {"afresh": 0, "pitches": [[a], sorted([a, b])]}


def test_a_change_that_is_not_a_rating_has_every_rating_read_afresh(
        app, make, stuffed, anon, monkeypatch):  # noqa: F811
    cid, a = stuffed["challenge_id"], stuffed["pitches"]["A"]
    _flags(anon, cid)
    seen = _reads(monkeypatch)
    # A rating, and a panel seat for a stuffer, whose rating of A leaves the public's.
    ok(make.user("late").put(f"/pitches/{a}/rating", json={"stars": 3}))
    stuffer = stuffed["stuffers"][0]
    ok(stuffed["council"].owner.post(f"/challenges/{cid}/panel", json={"user_id": stuffer.id}),
       201)
    assert _flags(anon, cid) == _read_afresh_now(app, cid)
    assert seen == {"afresh": 1, "pitches": []}
