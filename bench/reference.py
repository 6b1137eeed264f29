"""The bare reference: the least Flask + SQLAlchemy Core code that does the job of each
endpoint the benchmark measures, on the exchange's own database.

Each endpoint reads the same rows as the exchange, writes the same counters and tallies,
checks a bearer token where the exchange asks for one, and answers the same JSON fields.
No ORM, no schemas, no policy layer: what is left is the cost of the stack itself, which
the exchange is measured against (bench/drive.py).

    DATABASE_URL=sqlite:////tmp/bench.db gunicorn -w 2 --pythonpath bench reference:app

How sure the ranking is comes from the exchange's own simulation (exchange/voting/certainty.py)
and record format (exchange/voting/record.py), held per challenge and recomputed the way the
exchange does: when the ratings version changed and the held figures are older than
CERTAINTY_REFRESH_SECONDS.

Left out on purpose: the ranking's integrity flags (the exchange caches them per ratings
version, so a cached ranking reads nothing more for them; the reference answers []),
ranking methods other than `bayesian`, query overrides of the ranking, pages after the
first, and replies (`parent_id`). Views are counted as the exchange counts them: added up
in memory per worker and written in batches.
"""
import base64
import hashlib
import hmac
import json
import math
import os
import threading
import time
from collections import Counter
from datetime import UTC, datetime

from flask import Flask, jsonify, request
from sqlalchemy import bindparam, create_engine, event, text

from exchange.extensions import SQLITE_CACHE_KIB
from exchange.voting import certainty, record

# ==== SQL ====================================================================================
# Every statement the reference runs is here and nowhere else, against the exchange's
# layout: a pitch's counted and excluded tallies in `pitch_tallies`, a challenge's rating
# totals, raters and ratings_version in `challenge_tallies`.

TALLY_COLUMNS = [f"{kind}_{part}" for kind in ("public", "panel")
                 for part in ("count", "sum", "1", "2", "3", "4", "5")]
EXCLUDED_COLUMNS = ["excluded_conflict_of_interest", "excluded_new_account"]
TALLY = ", ".join(f"t.{column}" for column in TALLY_COLUMNS + EXCLUDED_COLUMNS)
PITCH = (f"p.id, p.challenge_id, p.supplier_id, o.name AS supplier_name, p.title, p.summary, "
         f"p.description, p.video_url, p.pricing, p.price_note, p.status, p.shortlisted, "
         f"p.view_count, p.comment_count, p.submitted_at, p.updated_at, p.withdrawn_at, {TALLY}")

SQL = {
    "user_of_token":
        "SELECT u.id, u.display_name, u.is_admin, u.created_at FROM api_tokens t "
        "JOIN users u ON u.id = t.user_id WHERE t.token_hash = :hash AND t.revoked_at IS NULL",
    "challenge_page":
        "SELECT c.id, c.council_id, o.name AS council_name, c.title, c.summary, c.description, "
        "c.status, c.deadline, c.shortlist_size, c.min_ratings, c.prior_weight, c.method, "
        "c.panel_weight, c.min_account_age_hours, c.pitch_count, ct.rating_count, "
        "c.comment_count, c.view_count, c.created_at, c.updated_at, c.status_changed_at, "
        "c.outcome FROM challenges c JOIN organisations o ON o.id = c.council_id "
        "JOIN challenge_tallies ct ON ct.challenge_id = c.id "
        "WHERE c.status != 'draft' ORDER BY c.created_at DESC, c.id DESC LIMIT :limit",
    "challenge_tags":
        "SELECT challenge_id, tag FROM challenge_tags WHERE challenge_id IN :ids ORDER BY tag",
    "challenge":
        "SELECT c.id, ct.rating_count, ct.rating_sum, ct.ratings_version, c.network_salt, "
        "c.shortlist_size, c.min_ratings, c.prior_weight, c.method, c.panel_weight "
        "FROM challenges c "
        "JOIN challenge_tallies ct ON ct.challenge_id = c.id "
        "WHERE c.id = :id AND c.status != 'draft'",
    "submitted_pitches":
        f"SELECT {PITCH} FROM pitches p JOIN organisations o ON o.id = p.supplier_id "
        f"JOIN pitch_tallies t ON t.pitch_id = p.id "
        f"WHERE p.challenge_id = :id AND p.status = 'submitted'",
    # The rating record (exchange/voting/record.py), in its order.
    "record":
        "SELECT r.user_id, r.pitch_id, r.stars, r.is_panel, r.excluded_reason, r.updated_at "
        "FROM ratings r JOIN pitches p ON p.id = r.pitch_id WHERE p.challenge_id = :id "
        "ORDER BY r.pitch_id, r.id",
    "my_stars":
        "SELECT pitch_id, stars FROM ratings WHERE user_id = :user_id AND pitch_id IN :ids",
    "pitch_tags":
        "SELECT pitch_id, tag FROM pitch_tags WHERE pitch_id IN :ids ORDER BY tag",
    "pitch":
        f"SELECT {PITCH} FROM pitches p JOIN organisations o ON o.id = p.supplier_id "
        f"JOIN pitch_tallies t ON t.pitch_id = p.id "
        f"JOIN challenges c ON c.id = p.challenge_id WHERE p.id = :id AND c.status != 'draft'",
    # Views, written in batches: challenge rows before pitch rows (the exchange's lock order).
    "add_challenge_views": "UPDATE challenges SET view_count = view_count + :n WHERE id = :id",
    "add_pitch_views": "UPDATE pitches SET view_count = view_count + :n WHERE id = :id",
    # SQLite has no row locks: a no-op UPDATE takes the write lock before anything is read,
    # as the exchange does; PostgreSQL locks the challenge's tally row in rating_context.
    "lock_pitch_sqlite":
        "UPDATE challenge_tallies SET challenge_id = challenge_id "
        "WHERE challenge_id = (SELECT challenge_id FROM pitches WHERE id = :pitch_id)",
    # The rules' reads of voting/policy.py and voting/panel.py, in the one query that reads
    # the pitch: `own` organisation (belongs now, or belonged since the challenge opened),
    # `competes` (the same, for any supplier with a submitted pitch on the challenge),
    # `declared` (a panel member's conflict with this pitch), `on_panel` (an officer of the
    # owning verified council, or an invited expert), and the rating so far.
    "rating_context":
        "SELECT p.challenge_id, p.status, c.status AS challenge_status, "
        "c.min_account_age_hours, c.network_salt, "
        "(EXISTS (SELECT 1 FROM membership_periods m WHERE m.user_id = :user_id "
        "  AND m.organisation_id = p.supplier_id "
        "  AND (m.left_at IS NULL OR m.left_at >= coalesce(c.opened_at, c.created_at))) "
        " OR EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = :user_id "
        "  AND m.organisation_id = p.supplier_id)) AS own, "
        "(EXISTS (SELECT 1 FROM membership_periods m WHERE m.user_id = :user_id "
        "  AND m.organisation_id IN (SELECT s.supplier_id FROM pitches s "
        "   WHERE s.challenge_id = c.id AND s.status = 'submitted') "
        "  AND (m.left_at IS NULL OR m.left_at >= coalesce(c.opened_at, c.created_at))) "
        " OR EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = :user_id "
        "  AND m.organisation_id IN (SELECT s.supplier_id FROM pitches s "
        "   WHERE s.challenge_id = c.id AND s.status = 'submitted'))) AS competes, "
        "EXISTS (SELECT 1 FROM panel_conflicts pc WHERE pc.challenge_id = c.id "
        " AND pc.user_id = :user_id AND pc.pitch_id = p.id) AS declared, "
        "(EXISTS (SELECT 1 FROM panel_members pm WHERE pm.challenge_id = c.id "
        "  AND pm.user_id = :user_id) "
        " OR EXISTS (SELECT 1 FROM memberships m JOIN organisations o "
        "  ON o.id = m.organisation_id WHERE m.organisation_id = c.council_id "
        "  AND m.user_id = :user_id AND o.kind = 'council' AND o.status = 'verified')) "
        " AS on_panel, "
        "r.stars AS old_stars, r.is_panel AS old_panel, r.excluded_reason AS old_reason, "
        "r.created_at AS first_rated, r.account_age_hours AS old_age "
        "FROM pitches p JOIN challenges c ON c.id = p.challenge_id "
        "JOIN challenge_tallies ct ON ct.challenge_id = c.id "
        "LEFT JOIN ratings r ON r.pitch_id = p.id AND r.user_id = :user_id "
        "WHERE p.id = :pitch_id AND c.status != 'draft'",
    "rating_context_lock_postgresql": " FOR UPDATE OF ct",
    "upsert_rating":
        "INSERT INTO ratings (pitch_id, user_id, stars, is_panel, created_at, updated_at, "
        "excluded_reason, account_age_hours, network_hash) VALUES (:pitch_id, :user_id, "
        ":stars, :is_panel, :now, :now, :reason, :age, :network_hash) "
        "ON CONFLICT (pitch_id, user_id) DO UPDATE SET stars = excluded.stars, "
        "is_panel = excluded.is_panel, updated_at = excluded.updated_at, "
        "excluded_reason = excluded.excluded_reason, "
        "account_age_hours = excluded.account_age_hours, "
        "network_hash = excluded.network_hash RETURNING created_at",
    "add_to_pitch_tally":
        "UPDATE pitch_tallies SET "
        + ", ".join(f"{c} = {c} + :{c}" for c in TALLY_COLUMNS + EXCLUDED_COLUMNS)
        + " WHERE pitch_id = :pitch_id",
    "count_rater":
        "INSERT INTO challenge_raters (challenge_id, user_id, ratings) VALUES (:challenge_id, "
        ":user_id, 1) ON CONFLICT (challenge_id, user_id) DO UPDATE "
        "SET ratings = challenge_raters.ratings + 1 RETURNING ratings",
    "add_to_challenge_tally":
        "UPDATE challenge_tallies SET rating_count = rating_count + :rating_count, "
        "rating_sum = rating_sum + :rating_sum, "
        "panel_rating_count = panel_rating_count + :panel_rating_count, "
        "rater_count = rater_count + :raters, ratings_version = ratings_version + 1 "
        "WHERE challenge_id = :challenge_id",
    "record_rating_change":
        "INSERT INTO rating_changes (pitch_id, user_id, stars, network_hash, changed_at) "
        "VALUES (:pitch_id, :user_id, :stars, :network_hash, :now)",
    # A comment is inserted only when its pitch is visible and open for comments (so the
    # first statement is the write, and SQLite needs no lock statement first).
    "insert_comment":
        "INSERT INTO comments (pitch_id, author_id, parent_id, body, status, reply_count, "
        "flag_count, created_at) SELECT p.id, :user_id, NULL, :body, 'visible', 0, 0, :now "
        "FROM pitches p JOIN challenges c ON c.id = p.challenge_id WHERE p.id = :pitch_id "
        "AND p.status = 'submitted' AND c.status IN ('open', 'voting', 'shortlisted') "
        "RETURNING id",
    "comment_refused":  # only when insert_comment inserted nothing: 404 or 409?
        "SELECT c.status FROM pitches p JOIN challenges c ON c.id = p.challenge_id "
        "WHERE p.id = :pitch_id AND c.status != 'draft'",
    # The author's roles on the challenge come back with its count, as the answer shows them:
    # an officer of its (verified) council, a member of the pitch's supplier, on its panel.
    "add_challenge_comment":
        "UPDATE challenges SET comment_count = comment_count + 1 "
        "WHERE id = (SELECT challenge_id FROM pitches WHERE id = :pitch_id) RETURNING "
        "EXISTS (SELECT 1 FROM memberships m JOIN organisations o ON o.id = m.organisation_id "
        "WHERE m.user_id = :user_id AND m.organisation_id = challenges.council_id "
        "AND o.kind = 'council' AND o.status = 'verified') AS officer, "
        "EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = :user_id AND m.organisation_id "
        "= (SELECT supplier_id FROM pitches WHERE id = :pitch_id)) AS supplier, "
        "EXISTS (SELECT 1 FROM panel_members s WHERE s.challenge_id = challenges.id "
        "AND s.user_id = :user_id) AS invited",
    "add_pitch_comment": "UPDATE pitches SET comment_count = comment_count + 1 WHERE id = :pitch_id",
}
EXPANDING = {"challenge_tags", "pitch_tags", "my_stars"}
# ==== end of SQL =============================================================================

API = "/api/v1"
PAGE = 20
DEFAULT_PRIOR_MEAN = 3.0
VIEW_FLUSH_EVERY = 100  # views per worker before they are written
VIEW_FLUSH_SECONDS = 2.0  # ... or this long after the first unwritten one
COMMENTS_WHILE = ("open", "voting", "shortlisted")
RATINGS_WHILE = ("open", "voting")


def _url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _statements(dialect: str) -> dict:
    statements = {}
    for name, sql in SQL.items():
        if name == "rating_context" and dialect == "postgresql":
            sql += SQL["rating_context_lock_postgresql"]
        statement = text(sql)
        if name in EXPANDING:
            statement = statement.bindparams(bindparam("ids", expanding=True))
        statements[name] = statement
    return statements


def _stamp(value) -> str | None:
    """A stored time as the API writes it: seconds, UTC, with a Z."""
    if value is None:
        return None
    if isinstance(value, str):  # SQLite hands text() columns back as stored
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def _time(value):
    return datetime.fromisoformat(value) if isinstance(value, str) else value


class Views:
    """Views counted in memory and written in batches, per worker."""

    def __init__(self):
        self.lock = threading.Lock()
        self.pitches, self.challenges = Counter(), Counter()
        self.pending, self.since = 0, None

    def add(self, pitch_id: int, challenge_id: int, now: float) -> tuple[int, bool]:
        """Count one view; (this pitch's unwritten views, whether a batch is due)."""
        with self.lock:
            self.pitches[pitch_id] += 1
            self.challenges[challenge_id] += 1
            self.pending += 1
            self.since = self.since or now
            due = self.pending >= VIEW_FLUSH_EVERY or now - self.since >= VIEW_FLUSH_SECONDS
            return self.pitches[pitch_id], due

    def take(self) -> tuple[Counter, Counter]:
        with self.lock:
            taken = self.pitches, self.challenges
            self.pitches, self.challenges = Counter(), Counter()
            self.pending, self.since = 0, None
            return taken


def _tally(row) -> dict:
    def part(kind):
        count, total = row[f"{kind}_count"], row[f"{kind}_sum"]
        return {"count": count, "sum": total, "mean": total / count if count else None,
                "histogram": {str(k): row[f"{kind}_{k}"] for k in range(1, 6)}}
    return {"public": part("public"), "panel": part("panel")}


# A pitch out of the live ranking (withdrawn), as the exchange shows it.
NOT_RANKED = {"rank": None, "score": None, "eligible": False, "excluded_reasons": ["withdrawn"]}


def _standing(entry: dict | None, my_rating: int | None) -> dict:
    """A pitch's place in the ranking (an entry of _rank, None when not in it) and the
    caller's stars."""
    if entry is None:
        return {**NOT_RANKED, "my_rating": my_rating}
    return {"rank": entry["rank"], "score": entry["combined"], "eligible": entry["eligible"],
            "excluded_reasons": entry["excluded_reasons"], "my_rating": my_rating}


# Permission hints as a signed-out reader gets them: the benchmark's reads are signed out,
# and a signed-out caller may do none of these. The reference computes no hints for a
# signed-in reader (`can` is null then); no comparison or round asks it to.
SIGNED_OUT_CAN = {
    "challenge": {"edit": False, "delete": False, "move_to": [], "publish_shortlist": False,
                  "submit_pitch": False, "manage_panel": False},
    "pitch": {"edit": False, "withdraw": False, "rate": False, "comment": False},
}


def _hints(kind: str) -> dict | None:
    """The hints of a `kind` of resource for this request's reader (signed out only)."""
    return SIGNED_OUT_CAN[kind] if "Authorization" not in request.headers else None


def _pitch(row, tags: list[str], standing: dict, extra_views: int = 0) -> dict:
    return {
        "id": row["id"], "challenge_id": row["challenge_id"],
        "supplier": {"id": row["supplier_id"], "name": row["supplier_name"]},
        "title": row["title"], "summary": row["summary"], "description": row["description"],
        "video_url": row["video_url"], "pricing": row["pricing"],
        "price_note": row["price_note"], "tags": tags, "status": row["status"],
        "shortlisted": bool(row["shortlisted"]), "view_count": row["view_count"] + extra_views,
        "comment_count": row["comment_count"], "submitted_at": _stamp(row["submitted_at"]),
        "updated_at": _stamp(row["updated_at"]), "withdrawn_at": _stamp(row["withdrawn_at"]),
        "tally": _tally(row), **standing,
        "can": _hints("pitch"),
    }


def _challenge(row, tags: list[str]) -> dict:
    out = {key: row[key] for key in (
        "id", "title", "summary", "description", "status", "shortlist_size", "min_ratings",
        "prior_weight", "method", "panel_weight", "min_account_age_hours", "pitch_count",
        "rating_count", "comment_count", "view_count", "outcome")}
    out.update(council={"id": row["council_id"], "name": row["council_name"]}, tags=tags,
               deadline=_stamp(row["deadline"]), created_at=_stamp(row["created_at"]),
               updated_at=_stamp(row["updated_at"]),
               status_changed_at=_stamp(row["status_changed_at"]),
               can=_hints("challenge"))
    return out


def _agreement(entries: list[dict]) -> dict:
    """Kendall's tau-b between panel and public scores over the pitches the panel rated."""
    rated = [(e["public_score"], e["panel_score"]) for e in entries
             if e["panel_score"] is not None]
    agree = disagree = tied_public = tied_panel = 0
    for i, (a, b) in enumerate(rated):
        for c, d in rated[i + 1:]:
            product = (a - c) * (b - d)
            agree, disagree = agree + (product > 0), disagree + (product < 0)
            tied_public, tied_panel = tied_public + (a == c), tied_panel + (b == d)
    pairs = len(rated) * (len(rated) - 1) // 2
    scale = math.sqrt((pairs - tied_public) * (pairs - tied_panel))
    return {"kendall_tau": (agree - disagree) / scale if scale else None,
            "pitches_compared": len(rated)}


def _rank(challenge, pitches: list) -> tuple[float, list[dict]]:
    """The bayesian ranking of PRODUCT.md, with its working: (m, entries in shortlist order)."""
    count, total = challenge["rating_count"], challenge["rating_sum"]
    m = total / count if count else DEFAULT_PRIOR_MEAN
    C, w = challenge["prior_weight"], challenge["panel_weight"]
    entries = []
    for p in pitches:
        n, S = p["public_count"], p["public_sum"]
        public = (((C * m + S) / (C + n) if C + n > 0 else m) - 1) / 4
        panel_n = p["panel_count"]
        panel_mean = p["panel_sum"] / panel_n if panel_n else None
        panel = (panel_mean - 1) / 4 if panel_mean is not None else None
        reasons = (["too_few_ratings"] if n < challenge["min_ratings"] else []) + (
            ["no_panel_rating"] if w > 0 and panel_n == 0 else [])
        entries.append({
            "pitch_id": p["id"], "title": p["title"],
            "supplier": {"id": p["supplier_id"], "name": p["supplier_name"]},
            "submitted_at": _stamp(p["submitted_at"]), "rank": None,
            "eligible": not reasons, "would_be_shortlisted": False, "excluded_reasons": reasons,
            "n": n, "S": S, "mean": S / n if n else 0.0,
            "histogram": {str(k): p[f"public_{k}"] for k in range(1, 6)},
            "m": m, "C": C, "public_score": public, "panel_count": panel_n,
            "panel_mean": panel_mean, "panel_score": panel,
            "combined": (1 - w) * public + w * (panel or 0.0),
            "panel_gap": None if panel is None else panel - public,
            "_submitted": _time(p["submitted_at"])})
    entries.sort(key=lambda e: (not e["eligible"], -e["combined"], -e["n"], e["_submitted"],
                                e["pitch_id"]))
    place = 0
    for entry in entries:
        if entry["eligible"]:
            place += 1
            entry["rank"] = place
            entry["would_be_shortlisted"] = place <= challenge["shortlist_size"]
    return m, entries


def _record_sha256(connection, statement, challenge) -> str:
    """SHA-256 of the challenge's canonical rating record (ratings.jsonl)."""
    sha = hashlib.sha256()
    for user_id, pitch_id, stars, is_panel, reason, changed_at in connection.execute(
            statement, {"id": challenge["id"]}):
        sha.update(record.jsonl_line({
            "rater": record.rater_id(challenge["network_salt"], user_id), "pitch_id": pitch_id,
            "stars": stars, "role": "panel" if is_panel else "public",
            "counted": reason is None, "excluded_reason": reason,
            "time": record.minute(_time(changed_at))}))
    return sha.hexdigest()


class HeldCertainty:
    """Each challenge's figures of certainty, as the exchange holds them: recomputed when the
    ratings version changed and they are older than `refresh` seconds."""

    def __init__(self, refresh: float):
        self.refresh = refresh
        self.held: dict[int, dict] = {}
        self.lock = threading.Lock()

    def figures(self, connection, statement, challenge, rows, entries) -> dict:
        """The held figures for the challenge, computed now when they are due."""
        settings = tuple(challenge[k] for k in ("method", "prior_weight", "min_ratings",
                                                 "panel_weight", "shortlist_size"))
        version = challenge["ratings_version"]
        with self.lock:
            held = self.held.get(challenge["id"])
        if held is None or held["settings"] != settings or not (
                held["version"] == version
                or time.monotonic() - held["at"] < self.refresh):
            by_id = {r["id"]: r for r in rows}
            sha = _record_sha256(connection, statement, challenge)
            candidates = [certainty.Candidate(
                e["pitch_id"], tuple(e["histogram"][str(k)] for k in range(1, 6)),
                tuple(by_id[e["pitch_id"]][f"panel_{k}"] for k in range(1, 6)), e["eligible"])
                for e in entries]
            held = {"settings": settings, "version": version, "sha": sha, "at": time.monotonic(),
                    "figures": certainty.simulate(
                        candidates, shortlist_size=challenge["shortlist_size"],
                        panel_weight=challenge["panel_weight"],
                        seed=certainty.seed_of(challenge["id"], sha))}
            with self.lock:
                self.held[challenge["id"]] = held
        return {"draws": certainty.DRAWS, "seed": certainty.seed_of(challenge["id"], held["sha"]),
                "record_sha256": held["sha"], "ratings_version": held["version"],
                "current": held["version"] == version}, held["figures"]


def _cursor(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def create(url: str | None = None, certainty_refresh: float | None = None) -> Flask:
    app = Flask(__name__)
    held_certainty = HeldCertainty(
        float(os.environ.get("CERTAINTY_REFRESH_SECONDS", "60"))
        if certainty_refresh is None else certainty_refresh)
    engine = create_engine(url or _url())
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _settings(dbapi_connection, _record):  # as the exchange sets them
            dbapi_connection.execute("PRAGMA foreign_keys=ON")
            dbapi_connection.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    sqlite = engine.dialect.name == "sqlite"
    sql = _statements(engine.dialect.name)
    network_key = os.environ.get("SECRET_KEY", "reference").encode()
    views = Views()
    app.extensions["engine"] = engine
    app.extensions["views"] = views

    def problem(status: int, title: str):
        response = jsonify({"type": "about:blank", "title": title, "status": status})
        response.status_code = status
        response.mimetype = "application/problem+json"
        return response

    def signed_in(connection):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.startswith("oix_"):
            return None
        digest = hashlib.sha256(token.strip().encode()).hexdigest()
        return connection.execute(sql["user_of_token"], {"hash": digest}).mappings().first()

    def db_time(value: datetime):
        # Stored as SQLAlchemy's DateTime stores it, so the exchange reads it back.
        return value.isoformat(sep=" ", timespec="microseconds") if sqlite else value

    def my_stars(connection, ids: list[int]) -> dict:
        """The caller's stars on these pitches (none signed out)."""
        user = signed_in(connection)
        if user is None or not ids:
            return {}
        return dict(connection.execute(sql["my_stars"], {"user_id": user["id"], "ids": ids}).all())

    def tags_of(connection, name: str, key: str, ids: list[int]) -> dict:
        found = {i: [] for i in ids}
        if ids:
            for row in connection.execute(sql[name], {"ids": ids}):
                found[row[0]].append(row[1])
        return found

    @app.get(f"{API}/challenges")
    def challenge_list():
        with engine.connect() as connection:
            rows = connection.execute(sql["challenge_page"], {"limit": PAGE + 1}).mappings().all()
            page = rows[:PAGE]
            tags = tags_of(connection, "challenge_tags", "challenge_id", [r["id"] for r in page])
        more = len(rows) > PAGE
        return jsonify({"items": [_challenge(r, tags[r["id"]]) for r in page],
                        "next_cursor": _cursor([_stamp(page[-1]["created_at"]), page[-1]["id"]])
                        if more else None})

    @app.get(f"{API}/challenges/<int:challenge_id>/pitches")
    def pitches_by_score(challenge_id):
        if request.args.get("sort") != "score":
            return problem(400, "The reference serves sort=score only.")
        with engine.connect() as connection:
            challenge = connection.execute(sql["challenge"], {"id": challenge_id}).mappings().first()
            if challenge is None:
                return problem(404, "No such challenge.")
            rows = connection.execute(sql["submitted_pitches"], {"id": challenge_id}).mappings().all()
            _, entries = _rank(challenge, rows)  # the list is in the ranking's order
            by_id = {r["id"]: r for r in rows}
            page = entries[:PAGE]
            ids = [e["pitch_id"] for e in page]
            tags = tags_of(connection, "pitch_tags", "pitch_id", ids)
            mine = my_stars(connection, ids)
        last = entries[PAGE - 1] if len(entries) > PAGE else None
        return jsonify({"items": [_pitch(by_id[e["pitch_id"]], tags[e["pitch_id"]],
                                         _standing(e, mine.get(e["pitch_id"]))) for e in page],
                        "next_cursor": _cursor([int(last["eligible"]), last["combined"],
                                                last["n"], last["submitted_at"],
                                                last["pitch_id"]])
                        if last else None})

    @app.get(f"{API}/challenges/<int:challenge_id>/ranking")
    def ranking(challenge_id):
        with engine.connect() as connection:
            challenge = connection.execute(sql["challenge"], {"id": challenge_id}).mappings().first()
            if challenge is None:
                return problem(404, "No such challenge.")
            rows = connection.execute(sql["submitted_pitches"], {"id": challenge_id}).mappings().all()
            excluded = {r["id"]: {"conflict_of_interest": r["excluded_conflict_of_interest"],
                                  "new_account": r["excluded_new_account"]} for r in rows}
            if challenge["method"] != "bayesian":
                return problem(501, "The reference ranks by the bayesian score only.")
            m, entries = _rank(challenge, rows)
            sure, figures = held_certainty.figures(connection, sql["record"], challenge, rows,
                                                   entries)
        for entry in entries:
            del entry["_submitted"]
            entry["integrity_flags"] = []
            entry["excluded"] = excluded[entry["pitch_id"]]
            found = figures.get(entry["pitch_id"])
            entry["p_top_k"] = found.p_top_k if found else None
            entry["score_interval"] = {"low": found.low, "high": found.high} if found else None
        return jsonify({"challenge_id": challenge_id, "method": challenge["method"],
                        "panel_weight": challenge["panel_weight"],
                        "min_ratings": challenge["min_ratings"],
                        "prior_weight": challenge["prior_weight"],
                        "shortlist_size": challenge["shortlist_size"], "m": m,
                        "panel_agreement": _agreement(entries), "certainty": sure,
                        "entries": entries})

    def flush_views():
        pitches, challenges = views.take()
        if not pitches:
            return
        with engine.begin() as connection:
            connection.execute(sql["add_challenge_views"],
                               [{"id": i, "n": n} for i, n in sorted(challenges.items())])
            connection.execute(sql["add_pitch_views"],
                               [{"id": i, "n": n} for i, n in sorted(pitches.items())])

    app.extensions["flush_views"] = flush_views

    @app.get(f"{API}/pitches/<int:pitch_id>")
    def one_pitch(pitch_id):
        with engine.connect() as connection:
            row = connection.execute(sql["pitch"], {"id": pitch_id}).mappings().first()
            if row is None:
                return problem(404, "No such pitch.")
            tags = tags_of(connection, "pitch_tags", "pitch_id", [pitch_id])[pitch_id]
            entry = None
            if row["status"] == "submitted":
                challenge = connection.execute(sql["challenge"],
                                               {"id": row["challenge_id"]}).mappings().first()
                rows = connection.execute(sql["submitted_pitches"],
                                          {"id": row["challenge_id"]}).mappings().all()
                entry = next(e for e in _rank(challenge, rows)[1] if e["pitch_id"] == pitch_id)
            standing = _standing(entry, my_stars(connection, [pitch_id]).get(pitch_id))
        unwritten, due = views.add(pitch_id, row["challenge_id"],
                                   datetime.now(UTC).timestamp())
        if due:
            flush_views()
            unwritten = 0  # written: a reread would show them; this answer already does
        return jsonify(_pitch(row, tags, standing, extra_views=unwritten if unwritten else 1))

    @app.put(f"{API}/pitches/<int:pitch_id>/rating")
    def rate(pitch_id):
        stars = (request.get_json(silent=True) or {}).get("stars")
        if not isinstance(stars, int) or isinstance(stars, bool) or not 1 <= stars <= 5:
            return problem(422, "stars must be a whole number from 1 to 5.")
        with engine.begin() as connection:
            user = signed_in(connection)
            if user is None:
                return problem(401, "Sign in with a bearer token.")
            if sqlite:
                connection.execute(sql["lock_pitch_sqlite"], {"pitch_id": pitch_id})
            context = connection.execute(sql["rating_context"], {
                "pitch_id": pitch_id, "user_id": user["id"]}).mappings().first()
            if context is None:
                return problem(404, "No such pitch.")
            if context["own"]:
                return problem(403, "Nobody rates a pitch of an organisation they belong to.")
            if context["status"] != "submitted" \
                    or context["challenge_status"] not in RATINGS_WHILE:
                return problem(409, "This pitch takes no ratings now.")
            now = datetime.now(UTC).replace(tzinfo=None)
            is_panel = bool(context["on_panel"])
            previous = context["old_stars"] is not None
            age = context["old_age"] if previous and context["old_age"] is not None else max(
                ((_time(context["first_rated"]) if previous else now)
                 - _time(user["created_at"])).total_seconds() / 3600, 0.0)
            reason = ("conflict_of_interest" if context["competes"] or context["declared"]
                      else "new_account" if age < context["min_account_age_hours"] else None)
            prefix = ".".join((request.remote_addr or "").split(".")[:3])
            network_hash = hmac.new(network_key, f"{context['network_salt']}{prefix}".encode(),
                                    hashlib.sha256).hexdigest()
            created = connection.execute(sql["upsert_rating"], {
                "pitch_id": pitch_id, "user_id": user["id"], "stars": stars,
                "is_panel": is_panel, "now": db_time(now), "reason": reason, "age": age,
                "network_hash": network_hash}).scalar_one()
            deltas = dict.fromkeys(TALLY_COLUMNS + EXCLUDED_COLUMNS, 0)
            challenge = {"rating_count": 0, "rating_sum": 0, "panel_rating_count": 0}
            changes = [(is_panel, stars, reason, 1)]
            if previous:
                changes.append((bool(context["old_panel"]), context["old_stars"],
                                context["old_reason"], -1))
            for panel, given, excluded, delta in changes:
                if excluded:
                    deltas[f"excluded_{excluded}"] += delta
                    continue
                kind = "panel" if panel else "public"
                deltas[f"{kind}_count"] += delta
                deltas[f"{kind}_sum"] += delta * given
                deltas[f"{kind}_{given}"] += delta
                if panel:
                    challenge["panel_rating_count"] += delta
                else:
                    challenge["rating_count"] += delta
                    challenge["rating_sum"] += delta * given
            if any(deltas.values()):
                connection.execute(sql["add_to_pitch_tally"], {"pitch_id": pitch_id, **deltas})
            raters = 0
            if not previous:
                raters = int(connection.execute(sql["count_rater"], {
                    "challenge_id": context["challenge_id"],
                    "user_id": user["id"]}).scalar_one() == 1)
            connection.execute(sql["add_to_challenge_tally"], {
                "challenge_id": context["challenge_id"], "raters": raters, **challenge})
            connection.execute(sql["record_rating_change"], {
                "pitch_id": pitch_id, "user_id": user["id"], "stars": stars,
                "network_hash": network_hash, "now": db_time(now)})
        return jsonify({"pitch_id": pitch_id, "stars": stars, "is_panel": is_panel,
                        "created_at": _stamp(created), "updated_at": _stamp(now),
                        "excluded_reason": reason})

    @app.post(f"{API}/pitches/<int:pitch_id>/comments")
    def comment(pitch_id):
        body = (request.get_json(silent=True) or {}).get("body")
        if not isinstance(body, str) or not body.strip() or len(body) > 5000:
            return problem(422, "body must be 1 to 5,000 characters.")
        with engine.begin() as connection:
            user = signed_in(connection)
            if user is None:
                return problem(401, "Sign in with a bearer token.")
            now = datetime.now(UTC).replace(tzinfo=None)
            comment_id = connection.execute(sql["insert_comment"], {
                "pitch_id": pitch_id, "user_id": user["id"], "body": body,
                "now": db_time(now)}).scalar()
            if comment_id is None:
                seen = connection.execute(sql["comment_refused"], {"pitch_id": pitch_id}).first()
                return problem(409 if seen else 404,
                               "Comments are closed." if seen else "No such pitch.")
            officer, supplier, invited = connection.execute(
                sql["add_challenge_comment"], {"pitch_id": pitch_id, "user_id": user["id"]}).one()
            connection.execute(sql["add_pitch_comment"], {"pitch_id": pitch_id})
        roles = [role for role, holds in (("officer", officer), ("supplier", supplier),
                                          ("panel", officer or invited)) if holds]
        moderator = bool(officer or user["is_admin"])
        response = jsonify({
            "id": comment_id, "pitch_id": pitch_id, "parent_id": None,
            "author": {"id": user["id"], "display_name": user["display_name"], "roles": roles},
            "flagged_by_me": False, "body": body, "status": "visible", "deleted": False,
            "withheld": False, "reply_count": 0, "flag_count": 0 if moderator else None,
            "created_at": _stamp(now), "edited_at": None,
            # The author's own new comment, in an open discussion.
            "can": {"edit": True, "delete": True, "flag": False, "reply": True,
                    "moderate": moderator}})
        response.status_code = 201
        return response

    return app


app = create() if os.environ.get("DATABASE_URL") else None
