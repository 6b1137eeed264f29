import json

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from exchange import create_app
from exchange.extensions import db
from tests.conftest import TEST_SETTINGS, alembic_config, reset_schema
from tests.factories import ok
from tests.test_migrations import _scratch_url


@pytest.fixture
def voting(make, council, supplier_org, citizen):
    challenge = make.challenge(council, "open", min_ratings=1)
    pitch = make.pitch(challenge["id"], supplier_org)
    ok(citizen.put(f"/pitches/{pitch['id']}/rating", json={"stars": 4}))
    make.move(council, challenge["id"], "voting")
    return challenge["id"]


def test_nobody_but_the_councils_officers_publishes(make, voting, citizen, supplier, anon):
    for person, status in ((citizen, 403), (supplier, 403), (make.council().owner, 403),
                           (anon, 401)):
        assert person.post(f"/challenges/{voting}/shortlist").status_code == status
    assert citizen.get(f"/challenges/{voting}/shortlist").status_code == 404
    assert ok(citizen.get(f"/challenges/{voting}"))["status"] == "voting"


@pytest.mark.parametrize("state", ["draft", "open", "closed"])
def test_shortlist_is_published_only_from_voting(make, council, state):
    challenge = make.challenge(council, state)
    assert council.owner.post(f"/challenges/{challenge['id']}/shortlist").status_code == 409
    assert ok(council.owner.get(f"/challenges/{challenge['id']}"))["status"] == state
    assert council.owner.get(f"/challenges/{challenge['id']}/shortlist").status_code == 404


def test_published_shortlist_is_public_and_unchanged(voting, council, anon):
    published = ok(council.owner.post(f"/challenges/{voting}/shortlist"), 201)
    assert published["published_by"]["id"] == council.owner.id
    assert len(published["shortlisted_pitch_ids"]) == 1
    assert ok(anon.get(f"/challenges/{voting}/shortlist")) == published


def test_a_published_shortlist_keeps_typed_times_and_shows_exactly_what_was_ranked(
        voting, council, anon, make, supplier):
    ranking = ok(anon.get(f"/challenges/{voting}/ranking"))
    published = ok(council.owner.post(f"/challenges/{voting}/shortlist"), 201)
    assert published["published_at"].endswith("Z")
    # What was ranked, the live `would_be_shortlisted` now the published `shortlisted`.
    for entry in ranking["entries"]:
        entry["shortlisted"] = entry.pop("would_be_shortlisted")
    assert published["entries"] == ranking["entries"]
    assert {k: v for k, v in published.items()
            if k not in ("published_at", "published_by", "shortlisted_pitch_ids", "seal")} == ranking


def test_a_shortlist_stored_as_json_before_becomes_rows_and_back(app, voting, council):
    """The migration turns each JSON snapshot into rows, old ones (published before fair
    votes: no `excluded`, no `integrity_flags`) read as counting every rating and raising
    no flag; the downgrade rebuilds the JSON."""
    shown_now = ok(council.owner.post(f"/challenges/{voting}/shortlist"), 201)
    # Snapshots stored as JSON were never sealed and carry no figures of certainty.
    shown_later = shown_now | {"seal": None, "certainty": None, "entries": [
        entry | {"p_top_k": None, "score_interval": None} for entry in shown_now["entries"]]}
    # What the JSON held: none of those, and neither panel_agreement nor panel_gap, which
    # the API works out from the stored numbers since.
    published = {k: v for k, v in shown_later.items()
                 if k not in ("seal", "panel_agreement", "certainty")}
    published["entries"] = [{k: v for k, v in entry.items()
                             if k not in ("panel_gap", "p_top_k", "score_interval")}
                            for entry in published["entries"]]
    url = _scratch_url()
    reset_schema(url)
    config = alembic_config(url)
    command.upgrade(config, "7798a9e9375e")
    engine = create_engine(url)
    before_fair_votes = published | {"entries": [
        {k: v for k, v in entry.items() if k not in ("excluded", "integrity_flags")}
        for entry in published["entries"]]}
    _copy_published_world(app, engine, before_fair_votes)

    command.upgrade(config, "head")
    scratch = create_app(TEST_SETTINGS | {"SQLALCHEMY_DATABASE_URI": url})
    shown = scratch.test_client().get(f"/api/v1/challenges/{voting}/shortlist").get_json()
    assert [(e["excluded"], e["integrity_flags"]) for e in shown["entries"]] == [
        ({"conflict_of_interest": 0, "new_account": 0}, [])]
    assert shown == shown_later
    with scratch.app_context():
        db.engine.dispose()

    command.downgrade(config, "7798a9e9375e")
    with engine.connect() as connection:
        rebuilt = connection.execute(text("SELECT snapshot FROM shortlists")).scalar_one()
    assert (json.loads(rebuilt) if isinstance(rebuilt, str) else rebuilt) == published
    engine.dispose()


def copy_tables(source, target, tables) -> None:
    """The tables' rows copied from the test database into an older schema: the columns it
    has (those added since are left out, as they did not exist then)."""
    for table in tables:
        columns = [c["name"] for c in inspect(target).get_columns(table)]
        rows = [{c: row[c] for c in columns}
                for row in source.execute(text(f"SELECT * FROM {table}")).mappings()]
        target.execute(text(f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                            f"({', '.join(':' + c for c in columns)})"), rows)


def _copy_published_world(app, engine, snapshot) -> None:
    """The rows the shortlist stands on (people, organisations, the challenge, its pitch),
    copied into the scratch database, and the shortlist as the old schema stored it."""
    with app.app_context(), db.engine.connect() as source, engine.begin() as target:
        copy_tables(source, target, ("users", "organisations", "challenges", "pitches"))
        shortlist = source.execute(text("SELECT challenge_id, published_by_id, published_at "
                                        "FROM shortlists")).mappings().one()
        target.execute(text("INSERT INTO shortlists (id, challenge_id, published_by_id, "
                            "published_at, snapshot) VALUES (1, :challenge_id, "
                            ":published_by_id, :published_at, :snapshot)"),
                       dict(shortlist) | {"snapshot": json.dumps(snapshot)})
