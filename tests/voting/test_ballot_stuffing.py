"""A determined supplier stuffs the ballot: 30 accounts, made after the challenge opened,
rate one pitch 5 stars within a minute from one network, while twelve honest residents with
older accounts rated the pitches from their own homes.

Honest stars (each resident from their own /24):
    A  2 3 2 3 2 3             (six residents)    then 30 x 5 stars from 198.51.100.0/24
    B  4 5 4 4 5 4 4 5 4 4 5 4 (all twelve)
    C  3 4 5 3 4 5 3 4 5 3 4 5 (all twelve)

By the honest ratings alone (bayesian, C = 5): m = 115/30, so B (4.186) > C (3.951) > A
(3.106). With the 30 stuffed ratings m = 265/60 and A (4.563) > B (4.358) > C (4.122).

The signals of A, over all 36 of its ratings: 30 from new accounts (0.83), 36 within ten
minutes (past 20), 30 from one network (0.83); its stars (0, 3, 3, 0, 30)/36 lie 0.58 from
the rest of the challenge (0, 0, 4, 12, 8)/24, not past 0.7. B and C: twelve ratings each
from older accounts on twelve networks, distances 0.58 and 0.44: nothing to flag.
"""
import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from exchange.accounts.models import User
from exchange.extensions import db
from exchange.network import network_prefix
from exchange.voting.models import Rating
from tests.factories import ok

HONEST = {"A": [2, 3, 2, 3, 2, 3], "B": [4, 5, 4, 4, 5, 4, 4, 5, 4, 4, 5, 4],
          "C": [3, 4, 5, 3, 4, 5, 3, 4, 5, 3, 4, 5]}
STUFFERS_NETWORK = "198.51.100.{}"


def _rate_from(client, pitch_id: int, stars: int, address: str) -> None:
    ok(client.put(f"/pitches/{pitch_id}/rating", json={"stars": stars},
                  environ_base={"REMOTE_ADDR": address}))


def _signals_where_missing(app, addresses: dict[int, str]) -> None:
    """Where a rating has no signals yet, set them as rating keeps them: the account's age
    when it rated, and a hash of the rater's network (here a plain stand-in hash: only
    equality between ratings matters to the report). Ratings that kept their own signals
    are left as they are."""
    with app.app_context():
        rows = db.session.execute(select(Rating.id, Rating.user_id, Rating.created_at,
                                         Rating.account_age_hours, Rating.network_hash,
                                         User.created_at)
                                  .join(User, User.id == Rating.user_id)).all()
        for rating_id, user_id, rated_at, age, network, made_at in rows:
            values = {}
            if age is None:
                values["account_age_hours"] = (rated_at - made_at).total_seconds() / 3600
            if network is None and user_id in addresses:
                values["network_hash"] = hashlib.sha256(
                    network_prefix(addresses[user_id]).encode()).hexdigest()
            if values:
                db.session.execute(update(Rating).where(Rating.id == rating_id).values(**values))
        db.session.commit()


def _within_one_minute(app, pitch_id: int, user_ids: list[int]) -> None:
    """The stuffed ratings, two seconds apart from the first: one minute, whatever the
    speed of the machine running the test."""
    with app.app_context():
        first = db.session.scalar(select(Rating.created_at).where(
            Rating.pitch_id == pitch_id, Rating.user_id.in_(user_ids)).order_by(
            Rating.created_at).limit(1))
        for i, user_id in enumerate(user_ids):
            db.session.execute(update(Rating).where(
                Rating.pitch_id == pitch_id, Rating.user_id == user_id).values(
                created_at=first + timedelta(seconds=2 * i)))
        db.session.commit()


@pytest.fixture
def stuffed(app, make, council, admin):
    residents = [make.user(f"resident{i}") for i in range(12)]
    with app.app_context():
        # Residents who registered a month before the challenge opened.
        for resident in residents:
            user = db.session.get(User, resident.id)
            user.created_at -= timedelta(days=30)
        db.session.commit()
    cid = make.challenge(council, "open", min_ratings=3, prior_weight=5)["id"]
    pitches = {name: make.pitch(cid, make.supplier(), title=name)["id"] for name in "ABC"}
    addresses = {}
    for name, stars in HONEST.items():
        for i, (resident, star) in enumerate(zip(residents, stars)):
            addresses[resident.id] = f"10.0.{i}.7"
            _rate_from(resident, pitches[name], star, addresses[resident.id])
    stuffers = [make.user(f"sockpuppet{i}") for i in range(30)]
    for i, account in enumerate(stuffers):
        addresses[account.id] = STUFFERS_NETWORK.format(i + 1)
        _rate_from(account, pitches["A"], 5, addresses[account.id])
    _within_one_minute(app, pitches["A"], [account.id for account in stuffers])
    _signals_where_missing(app, addresses)
    return {"challenge_id": cid, "pitches": pitches, "council": council, "stuffers": stuffers}


def _order(ranking: dict, pitches: dict) -> list[str]:
    names = {pitch_id: name for name, pitch_id in pitches.items()}
    return [names[e["pitch_id"]] for e in sorted(ranking["entries"], key=lambda e: e["rank"])]


def test_the_integrity_report_flags_the_stuffed_pitch_only(stuffed):
    officer = stuffed["council"].owner
    report = ok(officer.get(f"/challenges/{stuffed['challenge_id']}/integrity"))
    by_name = {p["title"]: p for p in report["pitches"]}
    a = by_name["A"]
    assert (a["ratings"], a["new_accounts"], a["largest_cluster"]) == (36, 30, 30)
    assert a["busiest_window"] == 36
    assert a["flags"] == ["burst", "new_accounts", "network_cluster"]
    assert abs(a["distance"] - 7 / 12) < 1e-12
    for name in "BC":
        assert by_name[name]["new_accounts"] == 0 and by_name[name]["largest_cluster"] == 1
        assert by_name[name]["flags"] == []


def test_the_ranking_entry_carries_the_flags_of_the_stuffed_pitch(stuffed, anon):
    ranking = ok(anon.get(f"/challenges/{stuffed['challenge_id']}/ranking"))
    # The stuffing works on the ranking: A is first. The flags say what it rests on.
    assert _order(ranking, stuffed["pitches"]) == ["A", "B", "C"]
    flags = {e["pitch_id"]: e["integrity_flags"] for e in ranking["entries"]}
    assert flags == {stuffed["pitches"]["A"]: ["burst", "new_accounts", "network_cluster"],
                     stuffed["pitches"]["B"]: [], stuffed["pitches"]["C"]: []}


def test_a_minimum_account_age_excludes_the_stuffed_ratings(stuffed, anon):
    cid, pitches = stuffed["challenge_id"], stuffed["pitches"]
    officer = stuffed["council"].owner
    ok(officer.patch(f"/challenges/{cid}", json={"min_account_age_hours": 24}))
    ranking = ok(anon.get(f"/challenges/{cid}/ranking"))
    a = next(e for e in ranking["entries"] if e["pitch_id"] == pitches["A"])
    assert (a["n"], a["S"]) == (6, 15)
    assert a["excluded"] == {"conflict_of_interest": 0, "new_account": 30}
    # Kept and judged openly: the flags stay, and A falls back behind B and C.
    assert a["integrity_flags"] == ["burst", "new_accounts", "network_cluster"]
    assert _order(ranking, pitches) == ["B", "C", "A"]
