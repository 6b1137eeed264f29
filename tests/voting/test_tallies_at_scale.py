"""Tallies are read, never recounted: work per request does not grow with the ratings."""
import pytest
from sqlalchemy import insert, select

from exchange.accounts.models import User
from exchange.extensions import db
from exchange.voting.models import Rating
from exchange.voting.recount import recount
from tests.contract import statements_of_get
from tests.factories import ok


def _add_ratings(app, pitch_ids, how_many):
    """Bulk-insert ratings by fresh users, then bring the tallies up to date."""
    with app.app_context():
        first = (db.session.scalar(select(db.func.max(User.id))) or 0) + 1
        db.session.execute(insert(User), [
            {"id": first + i, "email": f"bulk{first + i}@example.org", "password_hash": "x",
             "display_name": "Bulk", "is_admin": False} for i in range(how_many)])
        db.session.execute(insert(Rating), [
            {"pitch_id": pitch_ids[i % len(pitch_ids)], "user_id": first + i,
             "stars": 1 + i % 5, "is_panel": False} for i in range(how_many)])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(db.text(
                "SELECT setval('users_id_seq', (SELECT max(id) FROM users))"))
        recount(fix=True)
        db.session.commit()
        assert recount() == []


@pytest.fixture
def challenge_with_pitches(make, council, supplier_org):
    challenge = make.challenge(council, "open", min_ratings=1)
    pitches = [make.pitch(challenge["id"], supplier_org)["id"] for _ in range(5)]
    return challenge["id"], pitches


def test_ranking_and_lists_run_the_same_statements_for_10_and_1000_ratings(
        app, anon, challenge_with_pitches):
    cid, pitches = challenge_with_pitches
    paths = [f"/challenges/{cid}/ranking", f"/challenges/{cid}/pitches?sort=score",
             f"/challenges/{cid}/pitches?sort=most_rated", f"/challenges/{cid}/stats",
             "/challenges?sort=popular"]
    # Ranked once before: each measurement below finds the integrity signals held in the
    # process (a process's first ranking of a challenge also reads what is kept for it).
    ok(anon.get(paths[0]))
    _add_ratings(app, pitches, 10)
    few = [statements_of_get(app, anon, path)[0] for path in paths]
    _add_ratings(app, pitches, 990)
    many = [statements_of_get(app, anon, path)[0] for path in paths]
    assert few == many
    ranking = ok(anon.get(f"/challenges/{cid}/ranking"))
    assert sum(e["n"] for e in ranking["entries"]) == 1000


def test_reconcile_reports_and_repairs_drift(app, make, council, supplier_org, citizen):
    from exchange.voting.models import PitchTally

    challenge = make.challenge(council, "open")
    pitch = make.pitch(challenge["id"], supplier_org)
    ok(citizen.put(f"/pitches/{pitch['id']}/rating", json={"stars": 4}))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["reconcile-tallies"]).exit_code == 0
    with app.app_context():
        db.session.get(PitchTally, pitch["id"]).public_4 = 7
        db.session.commit()
    report = runner.invoke(args=["reconcile-tallies"])
    assert report.exit_code == 1 and f"pitch {pitch['id']} public_4" in report.output
    assert runner.invoke(args=["reconcile-tallies", "--fix"]).exit_code == 0
    assert "No drift" in runner.invoke(args=["reconcile-tallies"]).output
    assert ok(citizen.get(f"/pitches/{pitch['id']}"))["tally"]["public"]["histogram"]["4"] == 1
