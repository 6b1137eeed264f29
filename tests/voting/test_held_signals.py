"""The ranking's integrity signals kept in the database for every server: a server that
starts brings them up to date from the challenge's changes since, reading only the pitches
those were of; it reads every rating again only when nothing kept is of use. Ratings on
other challenges never make it read afresh. Every answer equals analyse() over all of the
challenge's ratings now."""
import json

from sqlalchemy import select, text, update

from exchange import create_app
from exchange.extensions import db
from exchange.voting import held_signals
from exchange.voting.models import IntegritySignals
from tests.conftest import TEST_SETTINGS
from tests.factories import ok
from tests.voting.test_ballot_stuffing import stuffed  # noqa: F401
from tests.voting.test_integrity_cache import _flags, _read_afresh_now, _reads, _version

STUFFED_FLAGS = ["burst", "new_accounts", "network_cluster"]


def _served(settings: dict | None = None):
    """Another server on the same database: nothing held in its process."""
    return create_app(TEST_SETTINGS | (settings or {})).test_client()


def _flags_from(client, challenge_id: int) -> dict[int, list[str]]:
    ranking = ok(client.get(f"/api/v1/challenges/{challenge_id}/ranking"))
    return {e["pitch_id"]: e["integrity_flags"] for e in ranking["entries"]}


def _kept(app, challenge_id: int):
    with app.app_context():
        row = db.session.execute(select(IntegritySignals).where(
            IntegritySignals.challenge_id == challenge_id)).scalar_one_or_none()
        if row is None:
            return None
        return {"version": row.ratings_version, "judged_by": row.judged_by,
                "pitches": sorted(p["pitch_id"] for p in json.loads(row.signals))}


def test_the_first_ranking_keeps_every_pitchs_signals_for_every_server(
        app, stuffed, anon):  # noqa: F811
    cid, pitches = stuffed["challenge_id"], stuffed["pitches"]
    assert _kept(app, cid) is None
    assert _flags(anon, cid)[pitches["A"]] == STUFFED_FLAGS
    kept = _kept(app, cid)
    assert kept["version"] == _version(app, cid)
    assert kept["pitches"] == sorted(pitches.values())


def test_a_starting_server_reads_the_kept_signals_not_every_rating(
        app, stuffed, anon, monkeypatch):  # noqa: F811
    cid, pitches = stuffed["challenge_id"], stuffed["pitches"]
    _flags(anon, cid)
    seen = _reads(monkeypatch)
    assert _flags_from(_served(), cid) == _read_afresh_now(app, cid)
    assert seen == {"afresh": 0, "pitches": []}
    assert _flags_from(_served(), cid)[pitches["A"]] == STUFFED_FLAGS


def test_a_starting_server_catches_up_with_ratings_since_reading_only_their_pitches(
        app, stuffed, anon, monkeypatch):  # noqa: F811
    cid, a, b = stuffed["challenge_id"], stuffed["pitches"]["A"], stuffed["pitches"]["B"]
    _flags(anon, cid)
    kept = _kept(app, cid)
    # Twenty stuffers take theirs back: A keeps 16 ratings, ten of them stuffed (no longer
    # a burst of over 20, still mostly new accounts on one network).
    for account in stuffed["stuffers"][:20]:
        assert account.delete(f"/pitches/{a}/rating").status_code == 204
    ok(stuffed["stuffers"][25].put(f"/pitches/{b}/rating", json={"stars": 1}))
    seen = _reads(monkeypatch)
    flags = _flags_from(_served(), cid)
    assert flags == _read_afresh_now(app, cid)
    assert flags[a] == ["new_accounts", "network_cluster"]
    assert seen == {"afresh": 0, "pitches": [sorted([a, b])]}
    assert _kept(app, cid) == kept  # 21 versions behind: under STORE_AFTER, left as it is


def test_what_is_kept_is_brought_forward_every_store_after_versions(
        app, stuffed, anon, monkeypatch):  # noqa: F811
    monkeypatch.setattr(held_signals, "STORE_AFTER", 3)
    cid, a = stuffed["challenge_id"], stuffed["pitches"]["A"]
    _flags(anon, cid)
    first = _kept(app, cid)["version"]
    for i, account in enumerate(stuffed["stuffers"][:5]):
        assert account.delete(f"/pitches/{a}/rating").status_code == 204
        _flags(anon, cid)
        assert _kept(app, cid)["version"] == first + (3 if i >= 2 else 0)


def test_a_change_that_is_not_a_rating_since_they_were_kept_means_reading_afresh(
        app, stuffed, anon, monkeypatch):  # noqa: F811
    cid, a = stuffed["challenge_id"], stuffed["pitches"]["A"]
    _flags(anon, cid)
    stuffer = stuffed["stuffers"][0]
    ok(stuffed["council"].owner.post(f"/challenges/{cid}/panel", json={"user_id": stuffer.id}),
       201)  # the stuffer's rating of A leaves the public's: the version moves, no change
    seen = _reads(monkeypatch)
    assert _flags_from(_served(), cid) == _read_afresh_now(app, cid)
    assert seen == {"afresh": 1, "pitches": []}
    assert _kept(app, cid)["version"] == _version(app, cid)  # read afresh: kept at once
    assert a in _kept(app, cid)["pitches"]


def test_signals_kept_under_other_rules_are_not_used_and_are_replaced(
        app, stuffed, anon, monkeypatch):  # noqa: F811
    cid, a = stuffed["challenge_id"], stuffed["pitches"]["A"]
    _flags(anon, cid)
    before = _kept(app, cid)
    seen = _reads(monkeypatch)
    # A server whose burst rule is wider than the stuffers' 36 ratings in one minute.
    lenient = _served({"INTEGRITY_BURST_RATINGS": 40})
    assert _flags_from(lenient, cid)[a] == ["new_accounts", "network_cluster"]
    assert seen["afresh"] == 1
    after = _kept(app, cid)
    assert after["judged_by"] != before["judged_by"]
    assert after["version"] == before["version"]
    # And back: the first server's own rules again, read afresh once more.
    assert _flags_from(_served(), cid)[a] == STUFFED_FLAGS
    assert seen["afresh"] == 2


def test_ratings_elsewhere_on_the_exchange_never_make_a_server_read_afresh(
        app, make, council, supplier_org, stuffed, anon, monkeypatch):  # noqa: F811
    monkeypatch.setattr(held_signals, "CATCH_UP_MOST", 3)
    cid, b = stuffed["challenge_id"], stuffed["pitches"]["B"]
    elsewhere = make.pitch(make.challenge(council, "open")["id"], supplier_org)["id"]
    _flags(anon, cid)
    seen = _reads(monkeypatch)
    for i in range(6):  # twice as many changes on the exchange as a catch-up takes
        ok(make.user(f"elsewhere{i}").put(f"/pitches/{elsewhere}/rating", json={"stars": 4}))
    ok(make.user("here").put(f"/pitches/{b}/rating", json={"stars": 2}))
    assert _flags(anon, cid) == _read_afresh_now(app, cid)
    assert _flags_from(_served(), cid) == _read_afresh_now(app, cid)
    assert seen == {"afresh": 0, "pitches": [[b], [b]]}
    # More changes of this challenge than a catch-up takes: read afresh.
    for i in range(4):
        ok(make.user(f"here{i}").put(f"/pitches/{b}/rating", json={"stars": 3}))
    assert _flags(anon, cid) == _read_afresh_now(app, cid)
    assert seen["afresh"] == 1


def test_what_is_kept_never_goes_back_to_an_older_version(app, stuffed, anon):  # noqa: F811
    cid, a = stuffed["challenge_id"], stuffed["pitches"]["A"]
    _flags(anon, cid)
    with app.app_context():
        db.session.execute(update(IntegritySignals).where(IntegritySignals.challenge_id == cid)
                           .values(ratings_version=IntegritySignals.ratings_version + 1000))
        db.session.commit()
    newer = _kept(app, cid)
    assert stuffed["stuffers"][0].delete(f"/pitches/{a}/rating").status_code == 204
    # A server whose store is older than what is kept: it is answered, and keeps nothing.
    assert _flags_from(_served(), cid) == _read_afresh_now(app, cid)
    assert _kept(app, cid) == newer


def test_a_server_whose_database_refuses_to_keep_them_still_answers_and_retries(
        app, stuffed, anon, monkeypatch):  # noqa: F811
    """Keeping is a saving: a write the database refuses changes no answer, and the next
    ranking that reads afresh keeps them."""
    cid = stuffed["challenge_id"]
    keep_statement = held_signals._keep_statement
    monkeypatch.setattr(held_signals, "_keep_statement",
                        lambda *_: text("INSERT INTO no_such_table VALUES (1)"))
    assert _flags_from(_served(), cid) == _read_afresh_now(app, cid)
    assert _kept(app, cid) is None
    monkeypatch.setattr(held_signals, "_keep_statement", keep_statement)
    assert _flags_from(_served(), cid) == _read_afresh_now(app, cid)
    assert _kept(app, cid)["version"] == _version(app, cid)
