"""Parallel ratings never double-count (PostgreSQL: real row locks and parallel sessions)."""

import pytest

from exchange.voting.tallies import recount
from tests.conftest import DATABASE_URL
from tests.factories import Client, ok
from tests.parallel import in_parallel

pytestmark = pytest.mark.skipif(not DATABASE_URL.startswith("postgresql"),
                                reason="needs PostgreSQL's concurrent sessions")






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
