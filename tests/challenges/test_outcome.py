"""A closed challenge says how it ended: `shortlisted` when its shortlist was published
before it closed, `cancelled` when it closed without one; null on every other status."""
import pytest
from alembic import command
from sqlalchemy import create_engine, text

from exchange import create_app
from exchange.extensions import db
from tests.conftest import TEST_SETTINGS, alembic_config, reset_schema
from tests.contract import statements_of_get
from tests.factories import ok
from tests.test_migrations import _scratch_url
from tests.voting.test_shortlist import copy_tables

BEFORE = "c3e71f0a5b92"  # the revision before challenges kept their outcome


def _published(make, council) -> int:
    """A challenge in voting whose shortlist is published (it is shortlisted now)."""
    challenge = make.challenge(council, "voting")["id"]
    ok(council.owner.post(f"/challenges/{challenge}/shortlist"), 201)
    return challenge


def _as_listed(client, challenge_id: int, query: str = "") -> dict:
    """The challenge as a list shows it (its first page holds every test challenge)."""
    page = ok(client.get(f"/challenges?limit=100{query}"))
    return next(item for item in page["items"] if item["id"] == challenge_id)


@pytest.mark.parametrize("start", ["draft", "open", "voting"])
def test_closing_without_a_published_shortlist_is_cancelled(make, council, start):
    challenge = make.challenge(council, start)
    assert challenge["outcome"] is None
    closed = make.move(council, challenge["id"], "closed")
    assert (closed["status"], closed["outcome"]) == ("closed", "cancelled")
    assert ok(council.owner.get(f"/challenges/{challenge['id']}")) == closed | {
        "view_count": closed["view_count"]}


def test_closing_after_publishing_the_shortlist_is_shortlisted(make, council, anon):
    challenge = _published(make, council)
    assert ok(anon.get(f"/challenges/{challenge}"))["outcome"] is None  # not closed yet
    closed = make.move(council, challenge, "closed")
    assert (closed["status"], closed["outcome"]) == ("closed", "shortlisted")
    assert ok(anon.get(f"/challenges/{challenge}"))["outcome"] == "shortlisted"


def test_every_status_but_closed_has_no_outcome(make, council, anon):
    shown = [ok(council.owner.get(f"/challenges/{make.challenge(council, status)['id']}"))
             for status in ("draft", "open", "voting")]
    shown.append(ok(anon.get(f"/challenges/{_published(make, council)}")))
    assert [(c["status"], c["outcome"]) for c in shown] == [
        ("draft", None), ("open", None), ("voting", None), ("shortlisted", None)]


def test_the_list_and_one_challenge_agree_in_every_order_and_filter(app, make, council,
                                                                    anon):
    cancelled = make.challenge(council, "closed")["id"]
    shortlisted = _published(make, council)
    make.move(council, shortlisted, "closed")
    still_open = make.challenge(council, "open")["id"]
    expected = {cancelled: "cancelled", shortlisted: "shortlisted", still_open: None}
    for query in ("", "&sort=new", "&sort=deadline", "&sort=popular"):
        for challenge_id, outcome in expected.items():
            one = ok(anon.get(f"/challenges/{challenge_id}"))
            listed = _as_listed(anon, challenge_id, query)
            assert listed["outcome"] == one["outcome"] == outcome, (query, challenge_id)
            assert listed == one | {"view_count": listed["view_count"]}
    closed = ok(anon.get("/challenges?status=closed&limit=100"))["items"]
    assert {c["id"]: c["outcome"] for c in closed} == {cancelled: "cancelled",
                                                       shortlisted: "shortlisted"}
    # Read with the rows: no statement per listed challenge.
    few, _ = statements_of_get(app, anon, "/challenges?status=closed&limit=1")
    many, _ = statements_of_get(app, anon, "/challenges?limit=100")
    assert few == many


def test_a_refused_close_changes_no_outcome(make, council, citizen, supplier_org):
    challenge = _published(make, council)
    for outsider in (citizen, supplier_org.owner, make.council().owner):
        refused = outsider.post(f"/challenges/{challenge}/status", json={"status": "closed"})
        assert refused.status_code == 403
    assert ok(citizen.get(f"/challenges/{challenge}"))["outcome"] is None
    make.move(council, challenge, "closed")
    again = council.owner.post(f"/challenges/{challenge}/status", json={"status": "closed"})
    assert again.status_code == 409
    assert ok(citizen.get(f"/challenges/{challenge}"))["outcome"] == "shortlisted"


def test_the_migration_fills_the_outcome_of_challenges_closed_before(app, make, council):
    """Challenges closed before the column existed get it from whether a shortlist of
    theirs is stored; the downgrade drops it."""
    cancelled = make.challenge(council, "closed")["id"]
    shortlisted = _published(make, council)
    make.move(council, shortlisted, "closed")
    still_open = make.challenge(council, "open")["id"]
    url = _scratch_url()
    reset_schema(url)
    config = alembic_config(url)
    command.upgrade(config, BEFORE)
    engine = create_engine(url)
    with app.app_context(), db.engine.connect() as source, engine.begin() as target:
        copy_tables(source, target, ("users", "organisations", "challenges", "shortlists"))

    command.upgrade(config, "head")
    with engine.connect() as connection:
        found = dict(connection.execute(text("SELECT id, outcome FROM challenges")).all())
    assert found == {cancelled: "cancelled", shortlisted: "shortlisted", still_open: None}
    scratch = create_app(TEST_SETTINGS | {"SQLALCHEMY_DATABASE_URI": url})
    shown = scratch.test_client().get(f"/api/v1/challenges/{shortlisted}").get_json()
    assert (shown["status"], shown["outcome"]) == ("closed", "shortlisted")
    with scratch.app_context():
        db.engine.dispose()
    # The database keeps only the two outcomes.
    with engine.begin() as connection, pytest.raises(Exception, match="(?i)check"):
        connection.execute(text("UPDATE challenges SET outcome = 'won'"))

    command.downgrade(config, BEFORE)
    with engine.connect() as connection:
        columns = connection.execute(text("SELECT * FROM challenges")).keys()
    assert "outcome" not in columns
    engine.dispose()
