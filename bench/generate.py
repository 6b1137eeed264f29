"""Bulk data for the benchmark, on a SQLite file or PostgreSQL 15.

    python bench/generate.py --database-url sqlite:////tmp/bench.db --ratings 1000000 \
        --manifest /tmp/bench.json

The schema comes from `alembic upgrade head`; rows are inserted with SQLAlchemy Core
executemany in large batches, with explicit ids (so no row is read back), one password
hash shared by everyone. Tallies are rebuilt by the exchange's own
`voting.recount.recount(fix=True)`, so this file never writes a tally column and keeps
working when the tallies move to tables of their own; counters kept elsewhere
(pitch_count, comment_count) are set by SQL.

The shape: `councils` councils and `suppliers` suppliers, each with one owner; `people`
public raters; `challenges` challenges (a tenth drafts, the rest open, voting or closed),
of which the first is in voting with `hot_pitches` pitches and receives `hot_share` of the
ratings (the "popular challenge" the read endpoints are measured on); the other pitches
are spread over the non-draft challenges; `comments` comments. The first `raters` people
get API tokens, written to the manifest with the ids the driver needs.
"""
import argparse
import hashlib
import json
import random
import sys
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `python bench/generate.py` works without an installed package

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.exc import DBAPIError
from werkzeug.security import generate_password_hash

import exchange.models  # noqa: F401  (every table registered on the metadata)
from exchange.extensions import db

BATCH = 20_000
BASE_TIME = datetime(2025, 1, 6, 9, 0, 0)
OPENED = BASE_TIME - timedelta(days=60)
TOKEN_PREFIX = "oix_"  # exchange/accounts/service.py: what user_for_token accepts


@dataclass
class Sizes:
    councils: int = 50
    suppliers: int = 500
    people: int = 50_000
    challenges: int = 1_000
    pitches: int = 20_000
    hot_pitches: int = 200
    ratings: int = 1_000_000
    hot_share: float = 0.1
    comments: int = 100_000
    raters: int = 2_000


def normalised_url(url: str) -> str:
    """postgresql:// and postgres:// get the psycopg driver, as exchange/config.py does."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def migrate(url: str) -> None:
    config = Config(toml_file=str(ROOT / "pyproject.toml"))
    config.attributes["database_url"] = url
    command.upgrade(config, "head")


def ensure_empty(engine) -> None:
    tables = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
    if tables:
        raise SystemExit(f"{engine.url.render_as_string()} must be an empty database; it "
                         f"has {len(tables)} tables.")


class Loader:
    """Batched Core inserts on one connection, in one transaction per table."""

    def __init__(self, engine):
        self.engine = engine
        self.tables = db.metadata.tables
        self.rows = 0

    def insert(self, table: str, rows) -> None:
        batch = []
        with self.engine.begin() as connection:
            for row in rows:
                batch.append(row)
                if len(batch) >= BATCH:
                    connection.execute(self.tables[table].insert(), batch)
                    self.rows += len(batch)
                    batch = []
            if batch:
                connection.execute(self.tables[table].insert(), batch)
                self.rows += len(batch)


def plan(sizes: Sizes, rng: random.Random) -> dict:
    """Ids and relations of everything, decided before any row is written."""
    councils = list(range(1, sizes.councils + 1))
    suppliers = list(range(sizes.councils + 1, sizes.councils + sizes.suppliers + 1))
    officers = list(range(1, sizes.councils + 1))  # user ids: officer i owns council i
    owners = list(range(sizes.councils + 1, sizes.councils + sizes.suppliers + 1))
    first_person = sizes.councils + sizes.suppliers + 1
    people = list(range(first_person, first_person + sizes.people))
    challenges = list(range(1, sizes.challenges + 1))
    hot = challenges[0]
    status = {hot: "voting"}
    cycle = ["open", "voting", "closed", "open", "voting", "closed", "open", "voting",
             "closed", "draft"]
    for i, challenge in enumerate(challenges[1:]):
        status[challenge] = cycle[i % len(cycle)]
    others = [c for c in challenges[1:] if status[c] != "draft"]
    pitch_challenge = [hot] * sizes.hot_pitches + [
        others[i % len(others)] for i in range(sizes.pitches - sizes.hot_pitches)]
    return {"councils": councils, "suppliers": suppliers, "officers": officers,
            "owners": owners, "people": people, "challenges": challenges, "hot": hot,
            "status": status, "pitch_challenge": pitch_challenge}


def users(sizes: Sizes, world: dict, password_hash: str):
    created = BASE_TIME - timedelta(days=400)
    for user_id in world["officers"] + world["owners"] + world["people"]:
        yield {"id": user_id, "email": f"user{user_id}@bench.example.org",
               "password_hash": password_hash, "display_name": f"Person {user_id}",
               "is_admin": False, "created_at": created}


def organisations(world: dict):
    for i, org in enumerate(world["councils"]):
        yield {"id": org, "name": f"Council {i}", "kind": "council", "status": "verified",
               "description": "", "created_at": BASE_TIME - timedelta(days=500),
               "verified_at": BASE_TIME - timedelta(days=500)}
    for i, org in enumerate(world["suppliers"]):
        yield {"id": org, "name": f"Supplier {i}", "kind": "supplier", "status": "active",
               "description": "", "created_at": BASE_TIME - timedelta(days=500),
               "verified_at": None}


def memberships(world: dict, period: bool):
    orgs = world["councils"] + world["suppliers"]
    members = world["officers"] + world["owners"]
    for i, (org, user) in enumerate(zip(orgs, members), start=1):
        if period:
            yield {"id": i, "organisation_id": org, "user_id": user, "role": "owner",
                   "joined_at": BASE_TIME - timedelta(days=500), "left_at": None}
        else:
            yield {"id": i, "organisation_id": org, "user_id": user, "role": "owner",
                   "created_at": BASE_TIME - timedelta(days=500)}


def challenges(world: dict):
    n_councils = len(world["councils"])
    for i, challenge in enumerate(world["challenges"]):
        status = world["status"][challenge]
        yield {"id": challenge, "council_id": world["councils"][i % n_councils],
               "created_by_id": world["officers"][i % n_councils],
               "title": f"Challenge {challenge}", "summary": "A council's need, in a line.",
               "description": "What the council needs, and why. " * 8, "status": status,
               "deadline": None if i % 3 == 0 else BASE_TIME + timedelta(days=i % 90),
               "created_at": BASE_TIME - timedelta(hours=i), "updated_at": BASE_TIME,
               "status_changed_at": BASE_TIME,
               "opened_at": None if status == "draft" else OPENED,
               # No shortlist is generated: every closed challenge closed without one.
               "outcome": "cancelled" if status == "closed" else None,
               "shortlist_size": 5, "min_ratings": 3, "prior_weight": 5.0,
               "method": "bayesian", "panel_weight": 0.0, "min_account_age_hours": 0,
               "network_salt": f"{challenge:032x}", "view_count": 0, "pitch_count": 0,
               "comment_count": 0}


def pitches(world: dict):
    suppliers, owners = world["suppliers"], world["owners"]
    for i, challenge in enumerate(world["pitch_challenge"]):
        k = i % len(suppliers)
        yield {"id": i + 1, "challenge_id": challenge, "supplier_id": suppliers[k],
               "created_by_id": owners[k], "title": f"Pitch {i + 1}",
               "summary": "What we offer, in a line.",
               "description": "How it works, what it costs, who uses it. " * 8,
               "video_url": None, "pricing": ("free", "freemium", "paid")[i % 3],
               "price_note": "", "status": "submitted", "shortlisted": False,
               "view_count": 0, "comment_count": 0,
               "submitted_at": OPENED + timedelta(minutes=i // 3), "updated_at": OPENED,
               "withdrawn_at": None}


def tags(ids, column: str, words=("care", "data", "transport", "housing", "energy")):
    for i in ids:
        for word in (words[i % len(words)], words[(i + 2) % len(words)]):
            yield {column: i, "tag": word}


def ratings_per_pitch(sizes: Sizes, world: dict) -> list[int]:
    """How many ratings each pitch gets: `hot_share` of them on the hot challenge, the rest
    spread evenly over the others, each pitch at most `people` ratings."""
    n_pitches = len(world["pitch_challenge"])
    hot_total = round(sizes.ratings * sizes.hot_share) if n_pitches > sizes.hot_pitches \
        else sizes.ratings
    per = [0] * n_pitches
    for i in range(hot_total):
        per[i % sizes.hot_pitches] += 1
    rest = sizes.ratings - hot_total
    others = n_pitches - sizes.hot_pitches
    for i in range(rest):
        per[sizes.hot_pitches + i % others] += 1
    if max(per) > sizes.people:
        raise SystemExit(f"{max(per)} ratings on one pitch need more than {sizes.people} "
                         f"people.")
    return per


def ratings(sizes: Sizes, world: dict, rng: random.Random):
    """Each pitch's ratings from consecutive people (from a place of its own), stars
    around the pitch's own quality, times spread a quarter of an hour apart, so no burst
    and no new-account signal is raised (the ranking's flags stay as they would be)."""
    people = world["people"]
    row_id = 0
    for index, count in enumerate(ratings_per_pitch(sizes, world)):
        pitch_id = index + 1
        quality = rng.uniform(1.5, 4.5)
        start = (pitch_id * 7919) % len(people)
        for j in range(count):
            row_id += 1
            when = OPENED + timedelta(minutes=15 * j + pitch_id % 15)
            yield {"id": row_id, "pitch_id": pitch_id,
                   "user_id": people[(start + j) % len(people)],
                   "stars": min(5, max(1, round(rng.gauss(quality, 1.0)))),
                   "is_panel": False, "created_at": when, "updated_at": when,
                   "excluded_reason": None, "account_age_hours": None, "network_hash": None}


def comments(sizes: Sizes, world: dict, rng: random.Random):
    people = world["people"]
    n_pitches = len(world["pitch_challenge"])
    for i in range(sizes.comments):
        yield {"id": i + 1, "pitch_id": 1 + (i * 7) % n_pitches,
               "author_id": people[rng.randrange(len(people))], "parent_id": None,
               "body": "A question about how this would work for us.", "status": "visible",
               "reply_count": 0, "flag_count": 0,
               "created_at": OPENED + timedelta(minutes=i % 50_000),
               "edited_at": None, "deleted_at": None, "moderated_at": None}


def tokens(sizes: Sizes, world: dict, rng: random.Random) -> tuple[list[str], list[dict]]:
    """API tokens for the first `raters` people, stored as the accounts service stores
    them (SHA-256 of the secret)."""
    secrets_, rows = [], []
    for i, user_id in enumerate(world["people"][:sizes.raters]):
        secret = TOKEN_PREFIX + f"{rng.getrandbits(192):048x}"
        secrets_.append(secret)
        rows.append({"id": i + 1, "user_id": user_id, "name": "bench", "prefix": secret[:12],
                     "token_hash": hashlib.sha256(secret.encode()).hexdigest(),
                     "created_at": BASE_TIME - timedelta(days=1), "revoked_at": None})
    return secrets_, rows


COUNTERS = [
    # comment_count counts the comments shown: visible and not deleted.
    ("UPDATE pitches SET comment_count = (SELECT count(*) FROM comments c WHERE "
    "c.pitch_id = pitches.id AND c.status = 'visible' AND c.deleted_at IS NULL)"),
    ("UPDATE challenges SET pitch_count = (SELECT count(*) FROM pitches p WHERE "
    "p.challenge_id = challenges.id AND p.status = 'submitted'), comment_count = "
    "(SELECT coalesce(sum(p.comment_count), 0) FROM pitches p "
    "WHERE p.challenge_id = challenges.id)"),
]


def set_sequences(connection) -> None:
    """Rows were inserted with explicit ids: move PostgreSQL's sequences past them."""
    for table in db.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key and table.c.id.autoincrement:
            connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"))


def recount_tallies(url: str) -> int:
    """The exchange's own reconcile-tallies --fix: every tally rebuilt from the ratings."""
    from exchange import create_app
    from exchange.voting.recount import recount

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False,
                      "SECRET_KEY": "bench-secret"})
    with app.app_context():
        drift = recount(fix=True)
        left = recount()
        db.engine.dispose()
    if left:
        raise SystemExit(f"tallies still drift after recount(fix=True): {left[:3]}")
    return len(drift)


def vacuum_and_checkpoint(connection) -> None:
    """PostgreSQL, on an autocommit connection: dead rows vacuumed, statistics gathered and
    dirty pages written now, not by autovacuum or the checkpointer while endpoints are
    measured (CHECKPOINT needs a superuser or pg_checkpoint: skipped without)."""
    connection.exec_driver_sql("VACUUM ANALYZE")
    try:
        connection.exec_driver_sql("CHECKPOINT")
    except DBAPIError:
        pass


def generate(url: str, sizes: Sizes, seed: int = 20250106) -> dict:
    """Migrate and fill the database; return the manifest the driver and the test use."""
    url = normalised_url(url)
    rng = random.Random(seed)
    timings = {}
    started = time.perf_counter()
    engine = create_engine(url)
    ensure_empty(engine)
    migrate(url)
    timings["migrate"] = time.perf_counter() - started
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        # WAL: readers never wait for the writer, for the exchange and the reference
        # alike (the setting lives in the file); no fsync while loading.
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")

        @event.listens_for(engine, "connect")
        def _fast(dbapi_connection, _record):
            dbapi_connection.execute("PRAGMA synchronous=OFF")

    world = plan(sizes, rng)
    loader = Loader(engine)
    password_hash = generate_password_hash("bench password", method="pbkdf2:sha256:1000")
    step = time.perf_counter()
    loader.insert("users", users(sizes, world, password_hash))
    loader.insert("organisations", organisations(world))
    loader.insert("memberships", memberships(world, period=False))
    loader.insert("membership_periods", memberships(world, period=True))
    loader.insert("challenges", challenges(world))
    loader.insert("challenge_tags", tags(world["challenges"], "challenge_id"))
    loader.insert("pitches", pitches(world))
    pitch_ids = range(1, len(world["pitch_challenge"]) + 1)
    loader.insert("pitch_tags", tags(pitch_ids, "pitch_id"))
    secrets_, token_rows = tokens(sizes, world, rng)
    loader.insert("api_tokens", token_rows)
    timings["rows"] = time.perf_counter() - step
    step = time.perf_counter()
    loader.insert("ratings", ratings(sizes, world, rng))
    timings["ratings"] = time.perf_counter() - step
    step = time.perf_counter()
    loader.insert("comments", comments(sizes, world, rng))
    with engine.begin() as connection:
        for statement in COUNTERS:
            connection.execute(text(statement))
        if not sqlite:
            set_sequences(connection)
    timings["comments_and_counters"] = time.perf_counter() - step
    step = time.perf_counter()
    drifted = recount_tallies(url)
    timings["recount"] = time.perf_counter() - step
    step = time.perf_counter()
    if sqlite:
        with engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
    else:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            vacuum_and_checkpoint(connection)
    timings["analyze"] = time.perf_counter() - step
    engine.dispose()
    timings["total"] = time.perf_counter() - started

    status = world["status"]
    hot = world["hot"]
    takes_ratings = {c for c, s in status.items() if s in ("open", "voting")}
    pitch_challenge = world["pitch_challenge"]
    return {
        "database_url": url, "sizes": asdict(sizes), "rows": loader.rows,
        "tallies_rebuilt": drifted, "seconds": {k: round(v, 2) for k, v in timings.items()},
        "hot_challenge": hot,
        "hot_pitches": [i + 1 for i, c in enumerate(pitch_challenge) if c == hot],
        "open_pitches": [i + 1 for i, c in enumerate(pitch_challenge) if c in takes_ratings],
        "tokens": secrets_,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True,
                        help="sqlite:///path (a new file) or an empty PostgreSQL database")
    parser.add_argument("--manifest", type=Path, help="write the manifest (JSON) here")
    for name, value in asdict(Sizes()).items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    args = parser.parse_args(argv)
    sizes = Sizes(**{name: getattr(args, name) for name in asdict(Sizes())})
    manifest = generate(args.database_url, sizes)
    if args.manifest:
        args.manifest.write_text(json.dumps(manifest))
    print(f"{manifest['rows']:,} rows in {manifest['seconds']['total']:.1f} s: "
          + ", ".join(f"{k} {v:.1f} s" for k, v in manifest["seconds"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
