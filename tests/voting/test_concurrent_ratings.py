"""Parallel ratings never double-count (PostgreSQL: real row locks and parallel sessions)."""
import threading
import time

import pytest
from sqlalchemy import text

from exchange.extensions import db
from exchange.voting import service, tallies
from exchange.voting.recount import recount
from tests.conftest import DATABASE_URL
from tests.factories import Client, ok
from tests.parallel import in_parallel

pytestmark = pytest.mark.skipif(not DATABASE_URL.startswith("postgresql"),
                                reason="needs PostgreSQL's concurrent sessions")


def _waiting_on_a_row_lock(app) -> bool:
    with app.app_context():
        return bool(db.session.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database()")))


def _while_holding_the_tally_lock(monkeypatch, app, module, name, first, then):
    """Run `first` (a request) until it calls module.name, which it does holding its
    challenge's tally lock; there it waits until `then` (another request, run meanwhile)
    is queued on that lock; then both finish. Their responses."""
    holding, go_on = threading.Event(), threading.Event()
    original = getattr(module, name)

    def pausing(*args, **kwargs):
        result = original(*args, **kwargs)
        if threading.current_thread().name == "holder":
            holding.set()
            assert go_on.wait(30)
        return result

    monkeypatch.setattr(module, name, pausing)
    answers = {}
    holder = threading.Thread(name="holder", target=lambda: answers.update(first=first()))
    holder.start()
    assert holding.wait(30)
    waiter = threading.Thread(target=lambda: answers.update(then=then()))
    waiter.start()
    deadline = time.monotonic() + 30
    while not _waiting_on_a_row_lock(app):
        assert time.monotonic() < deadline, "the second request never queued on the lock"
        time.sleep(0.02)
    go_on.set()
    holder.join(30)
    waiter.join(30)
    return answers["first"], answers["then"]


def test_a_rating_queued_behind_the_same_persons_rating_reads_it_after_the_lock(
        monkeypatch, make, council, supplier_org, wide_app, app, citizen):
    """The second rating's one statement began before the first committed: it must not
    take the first as never given (counting the person and the rating twice)."""
    challenge = make.challenge(council, "open")
    pitch = make.pitch(challenge["id"], supplier_org)
    me = Client(wide_app, citizen.token)
    first, then = _while_holding_the_tally_lock(
        monkeypatch, app, service, "_record_change",
        lambda: me.put(f"/pitches/{pitch['id']}/rating", json={"stars": 5}),
        lambda: me.put(f"/pitches/{pitch['id']}/rating", json={"stars": 2}))
    assert (first.status_code, then.status_code) == (200, 200)
    assert then.get_json()["created_at"] == first.get_json()["created_at"]
    tally = ok(me.get(f"/pitches/{pitch['id']}"))["tally"]["public"]
    assert (tally["count"], tally["sum"]) == (1, 2)
    assert tally["histogram"] == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 0}
    stats = ok(me.get(f"/challenges/{challenge['id']}/stats"))
    assert (stats["ratings"], stats["raters"]) == (1, 1)
    with app.app_context():
        assert recount() == []


def test_a_rating_queued_behind_a_panel_invitation_counts_on_the_panel(
        monkeypatch, make, council, supplier_org, wide_app, app, citizen):
    """The invitation holds the lock and moves none of the expert's ratings (there are
    none yet), so only its lock's own write shows the rating that the facts it began with
    are stale."""
    challenge = make.challenge(council, "open")
    pitch = make.pitch(challenge["id"], supplier_org)
    officer = Client(wide_app, council.owner.token)
    expert = Client(wide_app, citizen.token)
    invited, rated = _while_holding_the_tally_lock(
        monkeypatch, app, tallies, "move_ratings_between_panel_and_public",
        lambda: officer.post(f"/challenges/{challenge['id']}/panel",
                             json={"user_id": citizen.id}),
        lambda: expert.put(f"/pitches/{pitch['id']}/rating", json={"stars": 4}))
    assert (invited.status_code, rated.status_code) == (201, 200)
    assert rated.get_json()["is_panel"] is True
    tally = ok(expert.get(f"/pitches/{pitch['id']}"))["tally"]
    assert (tally["public"]["count"], tally["panel"]["count"]) == (0, 1)
    with app.app_context():
        assert recount() == []



def test_forty_people_rating_one_pitch_at_once_count_once_each(make, council, supplier_org,
                                                               wide_app, app):
    challenge = make.challenge(council, "open")
    pitch = make.pitch(challenge["id"], supplier_org)
    raters = [Client(wide_app, p.token) for p in (make.user("rater") for _ in range(40))]
    stars = [1 + i % 5 for i in range(40)]
    responses = in_parallel([
        (lambda r=r, s=s: r.put(f"/pitches/{pitch['id']}/rating", json={"stars": s}))
        for r, s in zip(raters, stars)])
    assert [r.status_code for r in responses] == [200] * 40
    tally = ok(raters[0].get(f"/pitches/{pitch['id']}"))["tally"]["public"]
    assert tally["count"] == 40 and tally["sum"] == sum(stars)
    assert sum(tally["histogram"].values()) == 40
    stats = ok(raters[0].get(f"/challenges/{challenge['id']}/stats"))
    assert (stats["ratings"], stats["raters"]) == (40, 40)
    with app.app_context():
        assert recount() == []


def test_one_person_changing_stars_from_twenty_requests_counts_once(make, council,
                                                                   supplier_org, wide_app,
                                                                   app, citizen):
    challenge = make.challenge(council, "open")
    pitch = make.pitch(challenge["id"], supplier_org)
    me = Client(wide_app, citizen.token)
    responses = in_parallel([
        (lambda s=1 + i % 5: me.put(f"/pitches/{pitch['id']}/rating", json={"stars": s}))
        for i in range(20)])
    assert [r.status_code for r in responses] == [200] * 20
    final = ok(me.get(f"/pitches/{pitch['id']}/rating"))["stars"]
    tally = ok(me.get(f"/pitches/{pitch['id']}"))["tally"]["public"]
    assert (tally["count"], tally["sum"]) == (1, final)
    assert sum(tally["histogram"].values()) == 1 and tally["histogram"][str(final)] == 1
    stats = ok(me.get(f"/challenges/{challenge['id']}/stats"))
    assert (stats["ratings"], stats["raters"]) == (1, 1)
    with app.app_context():
        assert recount() == []
