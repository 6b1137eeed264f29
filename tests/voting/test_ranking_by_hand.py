"""A hand-built challenge whose ranking is worked out by hand for every method.

Six pitches from one supplier, ten public raters, two panel members (an officer and an
invited expert). C has too few ratings; F is withdrawn and counts nowhere.

public stars               n   S
  A  5 5 4 4 5             5  23
  B  3 4 3                 3  10
  C  5 5                   2  10   (below min_ratings = 3)
  D  2 3 2 1               4   8
  E  4 4 4 4 5 5 3 2 5 4  10  40
  F  5 5 5                 -   -   (withdrawn)
panel: officer A=4 B=5 E=3; expert A=5 D=2

Kept but excluded, so none of the figures above moves (min_account_age_hours = 24, and
everyone above has an account a month old):
  A  1 1 1   from accounts made today                  new_account 3
  D  5       from an account made today                new_account 1
  E  1       from someone who then joined the supplier conflict_of_interest 1
  B  1       the expert's, who declared a conflict     conflict_of_interest 1

m = (23+10+10+8+40) / (5+3+2+4+10) = 91/24, C = 5.
"""
import math
from datetime import timedelta

import pytest
from sqlalchemy import text

from exchange import events
from exchange.challenges.models import Challenge
from exchange.clock import utcnow
from exchange.extensions import db
from exchange.voting.models import PanelConflict
from tests.factories import ok

PUBLIC = {"A": [5, 5, 4, 4, 5], "B": [3, 4, 3], "C": [5, 5], "D": [2, 3, 2, 1],
          "E": [4, 4, 4, 4, 5, 5, 3, 2, 5, 4], "F": [5, 5, 5]}
M = 91 / 24
Z = 1.96


def bayes01(n, S):
    return ((5 * M + S) / (5 + n) - 1) / 4


def wilson_by_hand(pos, n):
    p = pos / n
    return (p + Z * Z / (2 * n) - Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))) / (
        1 + Z * Z / n)


PUBLIC01 = {
    "bayesian": {"A": bayes01(5, 23), "B": bayes01(3, 10), "C": bayes01(2, 10),
                 "D": bayes01(4, 8), "E": bayes01(10, 40)},
    "mean": {"A": (23 / 5 - 1) / 4, "B": (10 / 3 - 1) / 4, "C": (5 - 1) / 4,
             "D": (2 - 1) / 4, "E": (4 - 1) / 4},
    "wilson": {"A": 1 / (1 + Z * Z / 5), "B": wilson_by_hand(1, 3), "C": 1 / (1 + Z * Z / 2),
               "D": 0.0, "E": wilson_by_hand(8, 10)},
}
PANEL01 = {"A": (4.5 - 1) / 4, "B": (5 - 1) / 4, "D": (2 - 1) / 4, "E": (3 - 1) / 4}
EXCLUDED = {"A": {"conflict_of_interest": 0, "new_account": 3},
            "B": {"conflict_of_interest": 1, "new_account": 0},
            "C": {"conflict_of_interest": 0, "new_account": 0},
            "D": {"conflict_of_interest": 0, "new_account": 1},
            "E": {"conflict_of_interest": 1, "new_account": 0}}


def _a_month_old(app, people):
    with app.app_context():
        for person in people:
            db.session.execute(text("UPDATE users SET created_at = :at WHERE id = :id"),
                               {"at": utcnow() - timedelta(days=30), "id": person.id})
        db.session.commit()


def _declare_conflict(app, challenge_id, user_id, pitch_id):
    """What the panel's conflicts endpoint does: add the row, then announce it."""
    with app.app_context():
        db.session.add(PanelConflict(challenge_id=challenge_id, user_id=user_id,
                                     pitch_id=pitch_id))
        events.panel_conflicts_changed.send(
            None, challenge=db.session.get(Challenge, challenge_id), user_id=user_id)
        db.session.commit()


@pytest.fixture
def built(app, make, council, supplier_org):
    challenge = make.challenge(council, "open", min_ratings=3, prior_weight=5,
                               shortlist_size=3, min_account_age_hours=24)
    cid = challenge["id"]
    pitches = {name: make.pitch(cid, supplier_org, title=name)["id"] for name in "ABCDEF"}
    raters = [make.user(f"rater{i}") for i in range(10)]
    expert, insider = make.user("expert"), make.user("insider")
    _a_month_old(app, [*raters, expert, insider, council.owner])
    for name, stars in PUBLIC.items():
        for rater, star in zip(raters, stars):
            ok(rater.put(f"/pitches/{pitches[name]}/rating", json={"stars": star}))
    ok(council.owner.post(f"/challenges/{cid}/panel", json={"user_id": expert.id}), 201)
    for person, name, star in ((council.owner, "A", 4), (council.owner, "B", 5),
                               (council.owner, "E", 3), (expert, "A", 5), (expert, "D", 2),
                               (expert, "B", 1)):
        ok(person.put(f"/pitches/{pitches[name]}/rating", json={"stars": star}))
    _declare_conflict(app, cid, expert.id, pitches["B"])
    for name in "AAAD":
        newcomer = make.user("newcomer")
        ok(newcomer.put(f"/pitches/{pitches[name]}/rating",
                        json={"stars": 5 if name == "D" else 1}))
    ok(insider.put(f"/pitches/{pitches['E']}/rating", json={"stars": 1}))
    invitation = ok(supplier_org.owner.post(f"/organisations/{supplier_org.id}/members",
                                            json={"email": insider.email}), 202)
    ok(insider.post(f"/auth/me/invitations/{invitation['id']}/accept"))
    ok(supplier_org.owner.post(f"/pitches/{pitches['F']}/withdraw"))
    make.move(council, cid, "voting")
    return cid, {v: k for k, v in pitches.items()}


def _ranking(anon, cid, query=""):
    body = ok(anon.get(f"/challenges/{cid}/ranking{query}"))
    return body


@pytest.mark.parametrize("method", ["bayesian", "mean", "wilson"])
@pytest.mark.parametrize("w", [0, 0.5])
def test_ranking_matches_the_hand_worked_values(built, anon, method, w):
    cid, names = built
    body = _ranking(anon, cid, f"?method={method}&panel_weight={w}")
    assert body["method"] == method and body["panel_weight"] == w
    assert math.isclose(body["m"], M, abs_tol=1e-9)
    entries = {names[e["pitch_id"]]: e for e in body["entries"]}
    assert set(entries) == set("ABCDE")  # F is withdrawn
    for name, entry in entries.items():
        public01 = PUBLIC01[method][name]
        expected = (1 - w) * public01 + w * PANEL01.get(name, 0.0)
        assert math.isclose(entry["public_score"], public01, abs_tol=1e-9), name
        assert math.isclose(entry["combined"], expected, abs_tol=1e-9), name
        assert entry["n"] == len(PUBLIC[name]) and entry["S"] == sum(PUBLIC[name])
        assert entry["C"] == 5 and math.isclose(entry["m"], M, abs_tol=1e-9)
        assert entry["excluded"] == EXCLUDED[name]
    assert entries["C"]["excluded_reasons"] == (
        ["too_few_ratings", "no_panel_rating"] if w else ["too_few_ratings"])
    eligible = sorted("ABDE", key=lambda n: -((1 - w) * PUBLIC01[method][n] +
                                              w * PANEL01[n]))
    ranked = [names[e["pitch_id"]] for e in body["entries"] if e["eligible"]]
    assert ranked == eligible
    assert [names[e["pitch_id"]] for e in body["entries"]
            if e["would_be_shortlisted"]] == eligible[:3]
    # `shortlisted` is the published fact only: a live ranking never says it.
    assert not any("shortlisted" in e for e in body["entries"])
    assert body["entries"][-1]["rank"] is None


def test_the_working_shows_histograms_and_panel_figures(built, anon):
    cid, names = built
    entries = {names[e["pitch_id"]]: e for e in _ranking(anon, cid)["entries"]}
    assert entries["A"]["histogram"] == {"1": 0, "2": 0, "3": 0, "4": 2, "5": 3}
    assert (entries["A"]["panel_count"], entries["A"]["panel_mean"]) == (2, 4.5)
    assert entries["C"]["panel_mean"] is None and entries["C"]["panel_score"] is None
    assert math.isclose(entries["E"]["mean"], 4.0)
    assert [names[e["pitch_id"]] for e in _ranking(anon, cid)["entries"]] == list("AEBDC")


def test_panel_and_public_side_by_side(built, anon):
    cid, names = built
    body = _ranking(anon, cid)
    entries = {names[e["pitch_id"]]: e for e in body["entries"]}
    # The public orders the panel's four A > E > B > D; the panel (means 4.5, 5, 3, 2)
    # B > A > E > D. Of the six pairs, A-B and E-B disagree: (4 - 2) / 6.
    assert body["panel_agreement"] == {"kendall_tau": 1 / 3, "pitches_compared": 4}
    assert entries["C"]["panel_gap"] is None
    for name in "ABDE":
        assert entries[name]["panel_gap"] == entries[name]["panel_score"] - entries[name][
            "public_score"]
    assert entries["B"]["panel_gap"] > 0 > entries["D"]["panel_gap"]


def test_min_ratings_override_admits_the_short_pitch(built, anon):
    cid, names = built
    body = _ranking(anon, cid, "?min_ratings=2&method=mean")
    assert [names[e["pitch_id"]] for e in body["entries"]] == list("CAEBD")


def test_publishing_freezes_the_ranking(built, anon, council, make):
    cid, names = built
    live = _ranking(anon, cid)
    published = ok(council.owner.post(f"/challenges/{cid}/shortlist"), 201)
    assert [names[i] for i in published["shortlisted_pitch_ids"]] == list("AEB")
    # The same entries, the live flag now the published fact under its own name.
    assert published["entries"] == [
        {("shortlisted" if k == "would_be_shortlisted" else k): v for k, v in e.items()}
        for e in live["entries"]]
    assert [e["shortlisted"] for e in published["entries"]] == [True] * 3 + [False] * 2
    challenge = ok(anon.get(f"/challenges/{cid}"))
    assert challenge["status"] == "shortlisted"
    flags = {names[p["id"]]: p["shortlisted"] for p in
             ok(anon.get(f"/challenges/{cid}/pitches?limit=100"))["items"]}
    assert flags == {"A": True, "E": True, "B": True, "D": False, "C": False}
    # Settings changed or not, the snapshot read back is exactly what was published.
    make.move(council, cid, "closed")
    assert ok(anon.get(f"/challenges/{cid}/shortlist")) == published
    assert council.owner.post(f"/challenges/{cid}/shortlist").status_code == 409
