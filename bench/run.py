"""Scaling checks of the exchange's hot paths, run by `make bench-checks`.

It builds a throwaway database (a temporary SQLite file, or BENCH_DATABASE_URL, which
must point at an empty database), migrates it with Alembic, bulk-loads users,
organisations, challenges, pitches and ratings with core INSERTs, rebuilds the tallies
with `recount(fix=True)` (exchange/voting/recount.py), and then measures through the HTTP
API (Flask's test client) on two challenges of the same size that differ only in their number of ratings:

  1. PUT /pitches/{id}/rating throughput, each request by a different person;
  2. GET /challenges/{id}/ranking latency and SQL statements per request;
  3. GET /challenges/{id}/pitches?sort=score|most_rated latency;
  4. GET /challenges paged through every challenge, for each sort order;
  5. peak memory: the process's max RSS, and the tracemalloc peak of ranking requests.

Timings are printed with their ratio (many ratings / few ratings), because the ratio
holds on a small, noisy machine where absolute times do not. The run exits non-zero
when a correctness check fails (more SQL statements with more ratings, a page that
repeats or skips an item, tallies that drift from the ratings, a wrong status code),
never on timing alone.

    python bench/run.py            # full: 1,000 vs 100,000 ratings, 2,000 challenges
    python bench/run.py --quick    # smaller sizes, well under a minute
"""
import argparse
import gc
import hashlib
import os
import platform
import random
import resource
import secrets
import statistics
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `python bench/run.py` works without an installed package too

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, insert, inspect, select
from werkzeug.security import generate_password_hash

from exchange import create_app
from exchange.accounts.models import ApiToken, User
from exchange.accounts.service import TOKEN_PREFIX
from exchange.challenges.models import Challenge, ChallengeTag
from exchange.extensions import db
from exchange.organisations.models import Membership, Organisation
from exchange.pitches.models import Pitch, PitchTag
from exchange.voting.models import ChallengeTally, Rating
from exchange.voting.recount import recount

API = "/api/v1"
BATCH = 5_000
BASE_TIME = datetime(2025, 1, 6, 9, 0, 0)


@dataclass(frozen=True)
class Sizes:
    few_ratings: int        # ratings on the "few" challenge
    many_ratings: int       # ratings on the "many" challenge
    pitches: int            # submitted pitches on each of the two
    rating_requests: int    # measured PUTs per challenge, each by a different person
    ranking_requests: int   # measured ranking GETs per challenge
    list_requests: int      # measured pitch-list GETs per sort and challenge
    memory_requests: int    # ranking GETs per challenge under tracemalloc
    challenges: int         # extra challenges to page through
    page_limit: int


FULL = Sizes(few_ratings=1_000, many_ratings=100_000, pitches=50, rating_requests=300,
             ranking_requests=100, list_requests=50, memory_requests=10,
             challenges=2_000, page_limit=100)
QUICK = Sizes(few_ratings=1_000, many_ratings=20_000, pitches=50, rating_requests=100,
              ranking_requests=30, list_requests=20, memory_requests=5,
              challenges=500, page_limit=50)
WARM_UP = 10  # unmeasured requests per challenge before each measurement


@dataclass
class Report:
    """What the run found: table rows and failed checks."""

    rows: list = field(default_factory=list)
    failures: list = field(default_factory=list)

    def check(self, condition: bool, message: str) -> None:
        if not condition:
            self.failures.append(message)
            print(f"  CHECK FAILED: {message}", flush=True)


@dataclass
class World:
    """Ids of what the bulk load made, and tokens of people who have rated nothing yet."""

    few: int
    many: int
    pitches: dict[int, list[int]]
    fresh_tokens: list[str]
    visible_challenges: set[int]
    ranking_order: dict[int, list[int]] = field(default_factory=dict)


# ---- database and app ---------------------------------------------------------------------

def database_url(folder: str) -> str:
    return os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.db"


def ensure_empty(url: str) -> None:
    engine = create_engine(url)
    try:
        tables = inspect(engine).get_table_names()
    finally:
        engine.dispose()
    if tables:
        raise SystemExit(f"BENCH_DATABASE_URL must point at an empty database; this one has "
                         f"{len(tables)} tables.")


def migrate(url: str) -> None:
    config = Config(toml_file=str(ROOT / "pyproject.toml"))
    config.attributes["database_url"] = url
    command.upgrade(config, "head")


def build_app(url: str):
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False,
                       "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                       "SECRET_KEY": "bench-secret"})


class StatementCounter:
    """Counts the SQL statements the engine sends (an executemany counts once)."""

    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args) -> None:
        self.count += 1


# ---- bulk load ----------------------------------------------------------------------------

def insert_rows(model, rows: list[dict], *, ids: bool = False) -> list[int]:
    """Insert rows in executemany batches; return their ids, in order, when asked."""
    found = []
    for start in range(0, len(rows), BATCH):
        batch = rows[start:start + BATCH]
        if ids:
            statement = insert(model).returning(model.id, sort_by_parameter_order=True)
            found.extend(db.session.execute(statement, batch).scalars())
        else:
            db.session.execute(insert(model), batch)
    return found


def make_users(prefix: str, n: int, password_hash: str) -> list[int]:
    return insert_rows(User, [
        {"email": f"{prefix}{i}@bench.example.org", "password_hash": password_hash,
         "display_name": f"{prefix.title()} {i}", "is_admin": False, "created_at": BASE_TIME}
        for i in range(n)], ids=True)


def make_tokens(user_ids: list[int]) -> list[str]:
    """API tokens stored as the accounts service stores them (SHA-256 of the secret)."""
    secrets_ = [TOKEN_PREFIX + secrets.token_urlsafe(32) for _ in user_ids]
    insert_rows(ApiToken, [
        {"user_id": user_id, "name": "bench", "prefix": secret[:12], "created_at": BASE_TIME,
         "token_hash": hashlib.sha256(secret.encode()).hexdigest()}
        for user_id, secret in zip(user_ids, secrets_)])
    return secrets_


def make_challenge_rows(council_id: int, officer_id: int, n: int) -> list[dict]:
    """Challenges to page through: mixed statuses (some drafts, hidden from the public),
    creation times shared by 25 at a time and deadlines by 40, so the keyset has ties."""
    statuses = ["open", "voting", "closed", "shortlisted", "open", "draft", "voting"]
    return [{
        "council_id": council_id, "created_by_id": officer_id, "title": f"Challenge {i}",
        "summary": "A need", "description": "", "status": statuses[i % len(statuses)],
        "deadline": None if i % 3 == 0 else BASE_TIME + timedelta(days=i % 40),
        "created_at": BASE_TIME - timedelta(hours=i // 25), "updated_at": BASE_TIME,
        "status_changed_at": BASE_TIME, "pitch_count": 0,
    } for i in range(n)]


def make_pitches(challenge_id: int, supplier_ids: list[int], creator_ids: list[int],
                 n: int) -> list[int]:
    ids = insert_rows(Pitch, [{
        "challenge_id": challenge_id, "supplier_id": supplier_ids[i % len(supplier_ids)],
        "created_by_id": creator_ids[i % len(creator_ids)], "title": f"Pitch {i}",
        "summary": "We can help", "description": "", "pricing": "free", "price_note": "",
        "status": "submitted", "submitted_at": BASE_TIME + timedelta(minutes=i // 5),
        "updated_at": BASE_TIME,
    } for i in range(n)], ids=True)
    insert_rows(PitchTag, [{"pitch_id": p, "tag": tag} for p in ids for tag in ("ai", "data")])
    return ids


def make_ratings(pitch_ids: list[int], rater_ids: list[int], total: int,
                 rng: random.Random) -> None:
    """`total` ratings spread evenly over the pitches; each pitch has its own quality."""
    per_pitch = total // len(pitch_ids)
    if per_pitch > len(rater_ids):
        raise SystemExit("Not enough raters for that many ratings per pitch.")
    rows = []
    for pitch_id in pitch_ids:
        quality = rng.uniform(1.5, 4.5)
        for user_id in rater_ids[:per_pitch]:
            stars = min(5, max(1, round(rng.gauss(quality, 1.0))))
            rows.append({"pitch_id": pitch_id, "user_id": user_id, "stars": stars,
                         "is_panel": False, "created_at": BASE_TIME, "updated_at": BASE_TIME})
        if len(rows) >= BATCH:
            insert_rows(Rating, rows)
            rows = []
    insert_rows(Rating, rows)


def load(app, sizes: Sizes, report: Report) -> World:
    """Everything the measurements need, inserted in batches, tallies rebuilt at the end."""
    rng = random.Random(20250106)
    password_hash = generate_password_hash("bench password", method="pbkdf2:sha256:1000")
    raters_needed = max(sizes.few_ratings, sizes.many_ratings) // sizes.pitches
    with app.app_context():
        officer, *supplier_owners = make_users("officer", 11, password_hash)
        raters = make_users("rater", raters_needed, password_hash)
        fresh = make_users("fresh", WARM_UP + sizes.rating_requests, password_hash)
        fresh_tokens = make_tokens(fresh)

        council, *suppliers = insert_rows(Organisation, [
            {"name": "Bench Council", "kind": "council", "status": "verified",
             "description": "", "created_at": BASE_TIME, "verified_at": BASE_TIME}] + [
            {"name": f"Supplier {i}", "kind": "supplier", "status": "active",
             "description": "", "created_at": BASE_TIME} for i in range(10)], ids=True)
        insert_rows(Membership, [
            {"organisation_id": org, "user_id": user, "role": "owner", "created_at": BASE_TIME}
            for org, user in zip([council, *suppliers], [officer, *supplier_owners])])

        few, many = insert_rows(Challenge, [{
            "council_id": council, "created_by_id": officer, "title": f"{name} ratings",
            "summary": "A need", "description": "", "status": "open",
            "created_at": BASE_TIME + timedelta(days=1), "updated_at": BASE_TIME,
            "status_changed_at": BASE_TIME, "pitch_count": sizes.pitches,
        } for name in ("Few", "Many")], ids=True)
        others = insert_rows(Challenge, make_challenge_rows(council, officer, sizes.challenges),
                             ids=True)
        insert_rows(ChallengeTag, [{"challenge_id": c, "tag": tag}
                                   for c in [few, many, *others] for tag in ("budget", "care")])

        pitches = {c: make_pitches(c, suppliers, supplier_owners, sizes.pitches)
                   for c in (few, many)}
        make_ratings(pitches[few], raters, sizes.few_ratings, rng)
        make_ratings(pitches[many], raters, sizes.many_ratings, rng)
        db.session.commit()

        recount(fix=True)
        report.check(recount() == [], "tallies still drift after recount(fix=True)")
        visible = set(db.session.scalars(select(Challenge.id)
                                         .where(Challenge.status != "draft")))
        counts = {c: db.session.get(ChallengeTally, c).rating_count for c in (few, many)}
    report.check(counts == {few: sizes.few_ratings, many: sizes.many_ratings},
                 f"challenge rating counts after the load are {counts}")
    return World(few, many, pitches, fresh_tokens, visible)


# ---- measuring ----------------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed_get(http, counter: StatementCounter, path: str, report: Report):
    """One GET: (seconds, statements, JSON body)."""
    counter.count = 0
    start = time.perf_counter()
    response = http.get(API + path)
    elapsed = time.perf_counter() - start
    report.check(response.status_code == 200, f"GET {path} answered {response.status_code}")
    return elapsed, counter.count, response.get_json()


def measure_rating(http, counter, world: World, sizes: Sizes, report: Report) -> None:
    """PUT a rating, each time as a different person who has not rated on the challenge
    (the same fresh people rate on both challenges)."""
    results = {}
    for challenge in (world.few, world.many):
        pitch_ids = world.pitches[challenge]
        statements = set()
        for i, token in enumerate(world.fresh_tokens):
            if i == WARM_UP:
                start = time.perf_counter()
            counter.count = 0
            response = http.put(f"{API}/pitches/{pitch_ids[i % len(pitch_ids)]}/rating",
                                json={"stars": 1 + i % 5},
                                headers={"Authorization": f"Bearer {token}"})
            if response.status_code != 200:
                report.check(False, f"PUT rating answered {response.status_code}: "
                                    f"{response.get_json()}")
            statements.add(counter.count)
        elapsed = time.perf_counter() - start
        results[challenge] = (sizes.rating_requests / elapsed, max(statements))
    few, many = results[world.few], results[world.many]
    report.rows.append(("PUT /pitches/{id}/rating", "requests/s", few[0], many[0]))
    report.rows.append(("", "SQL statements/request", few[1], many[1]))
    report.check(many[1] <= few[1], f"a rating takes {many[1]} SQL statements with "
                                    f"{sizes.many_ratings:,} ratings, {few[1]} with fewer")


def compare_reads(http, counter, world: World, report: Report, path: str, label: str,
                  requests: int) -> dict:
    """GET `path` (with `{id}`) on the challenge with few ratings and the one with many,
    alternating so noise hits both; report median and p95 time and SQL statements per
    request, check the statements do not grow, and return each challenge's last answer."""
    times = {world.few: [], world.many: []}
    statements = {world.few: set(), world.many: set()}
    documents = {}
    for i in range(WARM_UP + requests):
        for challenge in (world.few, world.many):
            elapsed, n, documents[challenge] = timed_get(
                http, counter, path.format(id=challenge), report)
            if i >= WARM_UP:
                times[challenge].append(elapsed * 1000)
                statements[challenge].add(n)
    few, many = world.few, world.many
    report.rows.append((label, "median ms",
                        statistics.median(times[few]), statistics.median(times[many])))
    report.rows.append(("", "p95 ms", percentile(times[few], 0.95),
                        percentile(times[many], 0.95)))
    report.rows.append(("", "SQL statements/request", max(statements[few]),
                        max(statements[many])))
    report.check(max(statements[many]) <= max(statements[few]),
                 f"{label} takes {max(statements[many])} SQL statements on the challenge "
                 f"with more ratings, {max(statements[few])} on the one with fewer")
    return documents


def measure_ranking(http, counter, world: World, sizes: Sizes, report: Report) -> None:
    """The live ranking; it must list every pitch."""
    documents = compare_reads(http, counter, world, report, "/challenges/{id}/ranking",
                              "GET /challenges/{id}/ranking", sizes.ranking_requests)
    for challenge in (world.few, world.many):
        entries = documents[challenge]["entries"]
        report.check(len(entries) == sizes.pitches,
                     f"ranking of challenge {challenge} lists {len(entries)} pitches")
    world.ranking_order = {c: [e["pitch_id"] for e in documents[c]["entries"]]
                           for c in (world.few, world.many)}


def page_through(http, counter, path: str, report: Report, separator: str = "?"):
    """Every item of a list, following next_cursor: (items, seconds per page, statements)."""
    items, seconds, statements = [], [], []
    url, cursor = path, None
    while True:
        page_url = url if cursor is None else f"{url}{separator}cursor={cursor}"
        elapsed, n, body = timed_get(http, counter, page_url, report)
        if body is None or "items" not in body:
            break
        items.extend(body["items"])
        seconds.append(elapsed)
        statements.append(n)
        cursor = body["next_cursor"]
        if cursor is None or len(seconds) > 10_000:
            break
        separator = "&"
    return items, seconds, statements


def measure_pitch_lists(http, counter, world: World, sizes: Sizes, report: Report) -> None:
    """The pitch list by score and by number of ratings: latency of the first page, and a
    check that paging through gives every pitch once, in the ranking's order for `score`."""
    for sort in ("score", "most_rated"):
        path = f"/challenges/{{id}}/pitches?sort={sort}"
        compare_reads(http, counter, world, report, path, f"GET {path}", sizes.list_requests)
        for challenge in (world.few, world.many):
            items, _, _ = page_through(http, counter,
                                       f"/challenges/{challenge}/pitches?sort={sort}&limit=20",
                                       report, separator="&")
            ids = [p["id"] for p in items]
            report.check(len(ids) == len(set(ids)) and set(ids) == set(world.pitches[challenge]),
                         f"paging pitches?sort={sort} of challenge {challenge} gave "
                         f"{len(ids)} items, {len(set(ids))} distinct, for "
                         f"{len(world.pitches[challenge])} pitches")
            if sort == "score":
                report.check(ids == world.ranking_order[challenge],
                             f"pitches?sort=score of challenge {challenge} is not in the "
                             f"ranking's order")
            else:
                counts = [p["tally"]["public"]["count"] for p in items]
                report.check(counts == sorted(counts, reverse=True),
                             f"pitches?sort=most_rated of challenge {challenge} is not in "
                             f"descending order of ratings")


def measure_challenge_paging(http, counter, world: World, sizes: Sizes,
                             report: Report) -> list[tuple]:
    """Page through every visible challenge in each order; each must appear exactly once."""
    rows = []
    for sort in ("new", "deadline", "popular"):
        start = time.perf_counter()
        items, seconds, statements = page_through(
            http, counter, f"/challenges?sort={sort}&limit={sizes.page_limit}", report,
            separator="&")
        total = time.perf_counter() - start
        ids = [c["id"] for c in items]
        repeated = len(ids) - len(set(ids))
        skipped = len(world.visible_challenges - set(ids))
        extra = len(set(ids) - world.visible_challenges)
        report.check(repeated == 0 and skipped == 0 and extra == 0,
                     f"paging /challenges?sort={sort}: {repeated} repeated, {skipped} skipped, "
                     f"{extra} not visible")
        report.check(max(statements) == min(statements),
                     f"paging /challenges?sort={sort}: statements per page vary "
                     f"({min(statements)}-{max(statements)})")
        rows.append((sort, len(ids), len(seconds), total, statistics.median(seconds) * 1000,
                     seconds[0] * 1000, seconds[-1] * 1000, max(statements),
                     "ok" if repeated == skipped == extra == 0 else "FAILED"))
    return rows


def measure_memory(http, world: World, sizes: Sizes, report: Report) -> dict:
    """tracemalloc's peak over a few ranking requests, for each challenge."""
    peaks = {}
    tracemalloc.start()
    try:
        for challenge in (world.few, world.many):
            http.get(f"{API}/challenges/{challenge}/ranking")
            gc.collect()
            tracemalloc.reset_peak()
            base = tracemalloc.get_traced_memory()[0]
            for _ in range(sizes.memory_requests):
                http.get(f"{API}/challenges/{challenge}/ranking")
            peaks[challenge] = (tracemalloc.get_traced_memory()[1] - base) / 1024
    finally:
        tracemalloc.stop()
    few, many = peaks[world.few], peaks[world.many]
    report.rows.append(("ranking requests", "tracemalloc peak KiB", few, many))
    report.check(many <= 2 * few + 256,
                 f"a ranking request allocates {many:.0f} KiB with {sizes.many_ratings:,} "
                 f"ratings, {few:.0f} KiB with fewer")
    return peaks


def check_tallies_after_writes(app, world: World, sizes: Sizes, report: Report) -> None:
    """The ratings given over HTTP kept every tally equal to a recount."""
    with app.app_context():
        drift = recount()
        counts = [db.session.get(ChallengeTally, c).rating_count for c in (world.few, world.many)]
    report.check(drift == [], f"tallies drift after the measured ratings: {drift[:3]}")
    added = sizes.rating_requests + WARM_UP
    report.check(counts == [sizes.few_ratings + added, sizes.many_ratings + added],
                 f"rating counts after the measured ratings are {counts}")


def max_rss_mib() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


# ---- output -------------------------------------------------------------------------------

def number(value) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.1f}" if value >= 10 else f"{value:.2f}"


def print_table(report: Report, sizes: Sizes) -> None:
    few, many = f"{sizes.few_ratings:,} ratings", f"{sizes.many_ratings:,} ratings"
    print(f"\n{'':44} {'':22} {few:>15} {many:>16} {'ratio':>7}")
    for label, unit, a, b in report.rows:
        ratio = f"{b / a:.2f}" if a else "-"
        print(f"{label:44} {unit:22} {number(a):>15} {number(b):>16} {ratio:>7}")


def print_paging(rows: list[tuple], sizes: Sizes) -> None:
    print(f"\nGET /challenges, limit={sizes.page_limit}, anonymous (drafts hidden)")
    print(f"{'sort':10} {'items':>6} {'pages':>6} {'total s':>8} {'median ms':>10} "
          f"{'first ms':>9} {'last ms':>8} {'SQL/page':>9}  each once")
    for sort, items, pages, total, median, first, last, statements, verdict in rows:
        print(f"{sort:10} {items:>6,} {pages:>6} {total:>8.2f} {median:>10.1f} "
              f"{first:>9.1f} {last:>8.1f} {statements:>9}  {verdict}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="smaller sizes (1,000 vs 20,000 ratings, 500 challenges)")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    report = Report()

    with tempfile.TemporaryDirectory(prefix="exchange-bench-") as folder:
        url = database_url(folder)
        ensure_empty(url)
        started = time.perf_counter()
        migrate(url)
        app = build_app(url)
        world = load(app, sizes, report)
        with app.app_context():
            engine = db.engine
            dialect = engine.dialect.name
        setup = time.perf_counter() - started
        print(f"Open Innovation Exchange benchmark ({'quick' if args.quick else 'full'}): "
              f"{dialect}, Python {platform.python_version()}, {os.cpu_count()} CPUs")
        print(f"setup: {sizes.challenges + 2:,} challenges, {2 * sizes.pitches} pitches, "
              f"{sizes.few_ratings + sizes.many_ratings:,} ratings, migrated and loaded in "
              f"{setup:.1f} s; max RSS {max_rss_mib():.0f} MiB", flush=True)

        counter = StatementCounter(engine)
        http = app.test_client()
        print("measuring ratings...", flush=True)
        measure_rating(http, counter, world, sizes, report)
        check_tallies_after_writes(app, world, sizes, report)
        print("measuring the ranking...", flush=True)
        measure_ranking(http, counter, world, sizes, report)
        print("measuring pitch lists...", flush=True)
        measure_pitch_lists(http, counter, world, sizes, report)
        print("paging through challenges...", flush=True)
        paging = measure_challenge_paging(http, counter, world, sizes, report)
        print("measuring memory...", flush=True)
        measure_memory(http, world, sizes, report)
        with app.app_context():
            db.engine.dispose()

    print_table(report, sizes)
    print_paging(paging, sizes)
    print(f"\nmax RSS of the process: {max_rss_mib():.0f} MiB")
    if report.failures:
        print(f"\n{len(report.failures)} correctness check(s) failed:")
        for failure in report.failures:
            print(f"  - {failure}")
        return 1
    print("\nall correctness checks passed (timings are never checked)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
