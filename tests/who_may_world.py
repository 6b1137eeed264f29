"""The world the table of who may do what (tests/test_who_may.py) is tried in.

One world holds a person for every role, and a real object for every path parameter:
an owning council's challenge (at the stage the route needs), a supplier's pitch to it,
a comment on the pitch, an expert on its panel who declared a conflict with the pitch,
ratings by every rater, a pending council with a plain member (the organisation the
/organisations routes act on), and a spare API token. Everything is made through the API by the factories, as a client would.

Building a world takes a few dozen requests, so `Worlds` builds each stage once, keeps
its rows, and puts them back before a test whenever the test before changed any (a
refusal, or a read, leaves them as they were): every test starts from the world as built.
"""
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import event, select

from exchange import create_app
from exchange.extensions import db
from tests.conftest import TEST_SETTINGS, _clean
from tests.factories import Client, Factory, ok

# The stages a world's challenge can be at, in the order of its life.
STAGE_ORDER = ("draft", "open", "voting", "shortlisted")

# The people of a world who rate the pitch (everyone who may: not its supplier's owner).
RATERS = ("citizen", "supplier", "officer", "pending", "admin")


def snapshot(app) -> dict[str, list[tuple]]:
    """Every row of every table of the schema, in primary-key order."""
    with app.app_context(), db.engine.connect() as connection:
        return {table.name: [tuple(row) for row in connection.execute(
                    select(table).order_by(*(table.primary_key.columns or table.columns)))]
                for table in db.metadata.sorted_tables}


@dataclass
class World:
    stage: str
    people: dict[str, Client]
    ids: dict[str, int]

    def client(self, name: str | None, app) -> Client:
        """A new client (an empty cookie jar) for one of the world's people, or signed out."""
        if name is None:
            return Client(app)
        person = self.people[name]
        return Client(app, person.token, person.id, person.email, name)


def build(make: Factory, stage: str) -> World:
    """A world whose challenge is at `stage` (see the module's docstring)."""
    admin = make.user("admin", is_admin=True)
    council = make.council(admin=admin)
    supplier_org = make.supplier()
    organisation = make.council(verified=False)  # what /organisations/{id}/... acts on
    people = {
        "citizen": make.user("citizen"),
        "supplier": make.supplier().owner,
        "officer": make.council(admin=admin).owner,
        "pending": make.council(verified=False).owner,
        "admin": admin,
        "council_officer": council.owner,
        "supplier_owner": supplier_org.owner,
        "author": make.user("author"),
        "organisation_owner": organisation.owner,
        "member": make.member(organisation),
        "person": make.user("person"),
        "expert": make.user("expert"),
        "newcomer": make.user("newcomer"),
    }
    spare = ok(people["person"].post("/auth/tokens", json={"name": "spare"}), 201)
    invitation = ok(supplier_org.owner.post(f"/organisations/{supplier_org.id}/members",
                                            json={"email": people["person"].email}), 202)
    challenge = make.challenge(council, "draft" if stage == "draft" else "open")
    ok(council.owner.post(f"/challenges/{challenge['id']}/panel",
                          json={"user_id": people["expert"].id}), 201)
    ids = {"challenge_id": challenge["id"], "organisation_id": organisation.id,
           "token_id": spare["id"],
           "invitation_id": invitation["id"], "council_id": council.id, "supplier_id": supplier_org.id}
    if stage != "draft":
        ids |= _discussion_and_ratings(make, people, challenge, supplier_org)
    if stage in ("voting", "shortlisted"):
        make.move(council, challenge["id"], "voting")
    if stage == "shortlisted":
        ok(council.owner.post(f"/challenges/{challenge['id']}/shortlist"), 201)
    return World(stage, people, ids)


def _discussion_and_ratings(make, people, challenge, supplier_org) -> dict[str, int]:
    pitch = make.pitch(challenge["id"], supplier_org)
    comment = ok(people["author"].post(f"/pitches/{pitch['id']}/comments",
                                       json={"body": "How does it handle Welsh?"}), 201)
    for rater in RATERS:
        ok(people[rater].put(f"/pitches/{pitch['id']}/rating", json={"stars": 4}))
    ok(people["expert"].post(f"/challenges/{challenge['id']}/panel/{people['expert'].id}"
                             "/conflicts", json={"pitch_ids": [pitch["id"]]}))
    return {"pitch_id": pitch["id"], "comment_id": comment["id"]}


def restore(app, rows: dict[str, list[tuple]]) -> None:
    """Put every table back to `rows` (a snapshot), in one transaction.

    Rows are deleted, not truncated: PostgreSQL's sequences keep counting up, so the ids
    handed out after a restore never collide with the restored ones.
    """
    with app.app_context(), db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
        for table in db.metadata.sorted_tables:
            names = [column.key for column in table.columns]
            if rows[table.name]:
                connection.execute(table.insert(),
                                   [dict(zip(names, row)) for row in rows[table.name]])


class Worlds:
    """Hands out a world at a stage, exactly as it was built: each stage is built once by
    the factories, its rows kept, and put back whenever a test changed any of them."""

    def __init__(self, app):
        self.app = app
        self.built: dict[str, tuple[World, dict]] = {}
        self.stage: str | None = None
        self.rows: dict | None = None

    def at(self, stage: str) -> World:
        if stage not in self.built:
            restore(self.app, {table.name: [] for table in db.metadata.sorted_tables})
            self.built[stage] = (build(Factory(self.app), stage), snapshot(self.app))
        elif self.stage != stage or not self.untouched():
            restore(self.app, self.built[stage][1])
        world, self.rows = self.built[stage]
        self.stage = stage
        return world

    def untouched(self) -> bool:
        return snapshot(self.app) == self.rows


def module_worlds() -> Iterator["Worlds"]:
    """Worlds on an app of their own, for one test module's fixture (the migrated schema
    must exist): cleaned before and after."""
    app = create_app(dict(TEST_SETTINGS))
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            # No fsync per commit: the test database is thrown away, and worlds commit often.
            event.listen(db.engine, "connect",
                         lambda connection, _record: connection.execute("PRAGMA synchronous=OFF"))
    _clean(app)
    yield Worlds(app)
    _clean(app)
    with app.app_context():
        db.engine.dispose()
