"""GET /challenges/{id}/integrity and the integrity_flags of ranking entries, on rows arranged
by hand: ratings are given through the API, then their signals (account age, network hash)
and times are set directly, so every number below is worked out by hand."""
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from exchange.challenges.models import Challenge
from exchange.extensions import db
from exchange.pitches.models import Pitch
from exchange.voting.models import Rating
from tests.contract import recorded_statements
from tests.factories import ok

# Small thresholds, so four ratings are enough to try each of them.
RULES = {"INTEGRITY_BURST_RATINGS": 2, "INTEGRITY_BURST_MINUTES": 5,
         "INTEGRITY_NEW_ACCOUNT_SHARE": 0.5, "INTEGRITY_CLUSTER_SHARE": 0.5,
         "INTEGRITY_ONE_SIDED_DISTANCE": 0.7, "INTEGRITY_MIN_RATINGS": 3}


def _set_rating(app, pitch_id, user_id, *, minutes, age, network):
    """Give a rating its time (minutes after the challenge opened) and signals."""
    with app.app_context():
        opened_at = db.session.scalar(select(Challenge.opened_at).join(
            Pitch, Pitch.challenge_id == Challenge.id).where(Pitch.id == pitch_id))
        db.session.execute(update(Rating).where(
            Rating.pitch_id == pitch_id, Rating.user_id == user_id).values(
            created_at=opened_at + timedelta(minutes=minutes), account_age_hours=age,
            network_hash=network))
        db.session.commit()


@pytest.fixture
def arranged(app, make, council, supplier_org, challenge):
    """Pitch P: four ratings (5, 4, 3 and 1 stars); pitch Q: one 5-star rating.

    P's ratings, in minutes after opening, with the rater's account age then:
      60 min, 0.5 h old   (made at opening + 30 min: new)   network aa   5 stars
      62 min, 100 h old   (made before opening)               network aa   4 stars
      64 min, 1 h 2 min   (made at opening + 2 min: new)     network bb   3 stars
      180 min, 3 h old    (made at the moment of opening)     unknown      1 star
    """
    app.config.update(RULES)
    cid = challenge["id"]
    p = make.pitch(cid, supplier_org, title="P")["id"]
    q = make.pitch(cid, supplier_org, title="Q")["id"]
    raters = [make.user(f"rater{i}") for i in range(4)]
    plan = [(5, 60, 0.5, "aa"), (4, 62, 100.0, "aa"), (3, 64, 62 / 60, "bb"),
            (1, 180, 3.0, None)]
    for rater, (stars, minutes, age, network) in zip(raters, plan):
        ok(rater.put(f"/pitches/{p}/rating", json={"stars": stars}))
        _set_rating(app, p, rater.id, minutes=minutes, age=age, network=network)
    ok(raters[0].put(f"/pitches/{q}/rating", json={"stars": 5}))
    _set_rating(app, q, raters[0].id, minutes=300, age=5.0, network="aa")
    return {"challenge_id": cid, "P": p, "Q": q}


def test_the_report_shows_each_pitch_signals_worked_by_hand(arranged, officer):
    report = ok(officer.get(f"/challenges/{arranged['challenge_id']}/integrity"))
    assert report["rules"] == {"burst_ratings": 2, "burst_minutes": 5,
                               "new_account_share": 0.5, "cluster_share": 0.5,
                               "one_sided_distance": 0.7, "min_ratings": 3}
    assert report["ratings"] == 5
    assert report["histogram"] == {"1": 1, "2": 0, "3": 1, "4": 1, "5": 2}
    p, q = report["pitches"]
    assert {key: value for key, value in p.items() if key != "busiest_window_start"} == {
        "pitch_id": arranged["P"], "title": "P", "ratings": 4, "excluded": 0,
        "histogram": {"1": 1, "2": 0, "3": 1, "4": 1, "5": 1},
        # Two of four accounts made after opening: a share of exactly 0.5, not past it.
        "new_accounts": 2, "new_account_share": 0.5,
        # 60, 62 and 64 minutes lie within 5 minutes: three, past B = 2.
        "busiest_window": 3,
        # aa twice (the unknown network clusters with nothing): 0.5, not past it.
        "largest_cluster": 2, "largest_cluster_share": 0.5, "shared_networks": 1,
        # P's shares 1/4 at 1, 3, 4 and 5 stars against Q's single 5: gaps 1/4, 0, 1/4,
        # 1/4, 3/4, halved: 0.75, past 0.7.
        "distance": 0.75,
        "flags": ["burst", "one_sided"],
    }
    # Q has one rating, below the minimum sample of three: no flag, whatever its numbers.
    assert (q["pitch_id"], q["ratings"], q["distance"], q["flags"]) == (
        arranged["Q"], 1, 0.75, [])


def test_the_busiest_window_starts_at_its_first_rating(arranged, officer, app):
    report = ok(officer.get(f"/challenges/{arranged['challenge_id']}/integrity"))
    with app.app_context():
        opened = db.session.get(Challenge, arranged["challenge_id"]).opened_at
    first = opened + timedelta(minutes=60)
    assert report["pitches"][0]["busiest_window_start"] == (
        first.isoformat(timespec="seconds") + "Z")


def test_the_live_ranking_and_the_published_shortlist_carry_the_same_flags(
        arranged, officer, anon, make, council):
    cid = arranged["challenge_id"]
    live = {e["pitch_id"]: e["integrity_flags"]
            for e in ok(anon.get(f"/challenges/{cid}/ranking"))["entries"]}
    assert live == {arranged["P"]: ["burst", "one_sided"], arranged["Q"]: []}
    make.move(council, cid, "voting")
    published = ok(officer.post(f"/challenges/{cid}/shortlist"), 201)
    frozen = {e["pitch_id"]: e["integrity_flags"] for e in published["entries"]}
    assert frozen == live
    assert {e["pitch_id"]: e["integrity_flags"] for e in ok(anon.get(
        f"/challenges/{cid}/shortlist"))["entries"]} == live


def test_panel_ratings_and_withdrawn_pitches_are_left_out(arranged, officer, make,
                                                          supplier_org, supplier):
    cid = arranged["challenge_id"]
    ok(officer.put(f"/pitches/{arranged['Q']}/rating", json={"stars": 1}))  # a panel rating
    withdrawn = make.pitch(cid, supplier_org, title="W")["id"]
    ok(make.user("rater").put(f"/pitches/{withdrawn}/rating", json={"stars": 2}))
    ok(supplier.post(f"/pitches/{withdrawn}/withdraw"))
    report = ok(officer.get(f"/challenges/{cid}/integrity"))
    assert [p["pitch_id"] for p in report["pitches"]] == [arranged["P"], arranged["Q"]]
    assert report["ratings"] == 5 and report["pitches"][1]["ratings"] == 1


def test_admins_read_the_report_and_other_people_may_not(arranged, admin, make, citizen,
                                                          supplier):
    path = f"/challenges/{arranged['challenge_id']}/integrity"
    assert ok(admin.get(path))["challenge_id"] == arranged["challenge_id"]
    other_officer = make.council(admin=admin).owner
    for refused in (citizen, supplier, other_officer):
        response = refused.get(path)
        assert response.status_code == 403
        assert response.headers["Content-Type"] == "application/problem+json"
    assert make.anonymous().get(path).status_code == 401


def test_a_draft_is_unknown_to_all_but_its_council(make, council, admin):
    draft = make.challenge(council, "draft")
    assert admin.get(f"/challenges/{draft['id']}/integrity").status_code == 404
    assert make.user("citizen").get(f"/challenges/{draft['id']}/integrity").status_code == 404
    report = ok(council.owner.get(f"/challenges/{draft['id']}/integrity"))
    assert (report["opened_at"], report["pitches"], report["ratings"]) == (None, [], 0)


def test_the_report_reads_every_rating_in_one_query_whatever_the_number_of_pitches(
        app, make, council, supplier_org, officer):
    def statements(cid):
        with recorded_statements(app) as seen:
            ok(officer.get(f"/challenges/{cid}/integrity"))
        return [sql for sql in seen if "FROM ratings" in sql]

    raters = [make.user(f"rater{i}") for i in range(3)]
    few = make.challenge(council, "open")
    many = make.challenge(council, "open")
    for cid, count in ((few["id"], 1), (many["id"], 6)):
        for _ in range(count):
            pitch = make.pitch(cid, supplier_org)["id"]
            for rater in raters:
                ok(rater.put(f"/pitches/{pitch}/rating", json={"stars": 4}))
    assert len(statements(few["id"])) == 1
    assert len(statements(many["id"])) == 1
