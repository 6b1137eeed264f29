"""A challenge's rating record: every rating, pseudonymous, in a form anyone can recount.

One row per rating of the challenge's pitches, in a stable order (pitch id, then the order
the ratings were first given): a pseudonymous rater, the pitch, the stars, `panel` or
`public`, whether it counts and, when not, why, and the time of its last change rounded down
to the minute. The canonical record is the JSON Lines form, byte for byte as served:

    {"counted":true,"excluded_reason":null,"pitch_id":4,"rater":"3f9a0c2b71de5e88","role":"public","stars":5,"time":"2026-11-20T09:41:00Z"}

one object per line, keys sorted, no spaces, ASCII, each line ending in "\\n" (Python's
`json.dumps(row, sort_keys=True, separators=(",", ":")) + "\\n"`). Its SHA-256 is the record
hash a published shortlist names. The CSV form has the same rows and columns.

The rater id is HMAC-SHA256 over "record-rater:<user id>" keyed with the challenge's own
secret salt (never published), cut to 16 hex digits: stable for a person on one challenge,
unrelated across challenges, and not something a guess of user ids can reverse.

Everything is streamed from one query with constant memory.
"""
import hashlib
import hmac
import json
import re
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select

from exchange.challenges import service as challenges
from exchange.challenges.models import Challenge
from exchange.extensions import db
from exchange.pitches.models import Pitch
from exchange.voting.models import Rating

COLUMNS = ("rater", "pitch_id", "stars", "role", "counted", "excluded_reason", "time")
_KEYS = frozenset(COLUMNS)
# Rows fetched from the database at a time: memory stays flat whatever the record's size.
BATCH = 1000

ROWS = (select(Rating.user_id, Rating.pitch_id, Rating.stars, Rating.is_panel,
               Rating.excluded_reason, Rating.updated_at)
        .join(Pitch, Pitch.id == Rating.pitch_id)
        .order_by(Rating.pitch_id, Rating.id))


def rater_id(salt: str, user_id: int) -> str:
    """The rater's pseudonym on the challenge whose salt this is."""
    message = f"record-rater:{user_id}".encode()
    return hmac.new(salt.encode(), message, hashlib.sha256).hexdigest()[:16]


def minute(value: datetime) -> str:
    """A stored (UTC) time rounded down to the minute, as RFC 3339 (isoformat's first 16
    characters are strftime's "%Y-%m-%dT%H:%M" for years 1000 to 9999, at a third of
    its cost)."""
    if 1000 <= value.year:
        return value.isoformat()[:16] + ":00Z"
    return value.strftime("%Y-%m-%dT%H:%M:00Z")


def rows(challenge: Challenge) -> Iterator[dict]:
    """The record's rows, in order, read in batches."""
    statement = ROWS.where(Pitch.challenge_id == challenge.id)
    # Options on this statement only: Connection.execution_options() would set them on the
    # session's connection for every later statement of the request.
    result = db.session.connection().execute(
        statement, execution_options={"stream_results": True, "yield_per": BATCH})
    salt = challenge.network_salt
    pseudonyms: dict[int, str] = {}
    for user_id, pitch_id, stars, is_panel, reason, changed_at in result:
        rater = pseudonyms.get(user_id)
        if rater is None:
            # Bounded by the challenge's raters, not its ratings.
            rater = pseudonyms[user_id] = rater_id(salt, user_id)
        yield {"rater": rater, "pitch_id": pitch_id, "stars": stars,
               "role": "panel" if is_panel else "public", "counted": reason is None,
               "excluded_reason": reason, "time": minute(changed_at)}


def canonical_line(row: dict) -> bytes:
    """One row of the canonical record, by its definition."""
    return (json.dumps(row, sort_keys=True, separators=(",", ":")) + "\n").encode()


# A string JSON writes between quotes as it is: printable ASCII without " or \.
_PLAIN = re.compile(r"[ !#-\[\]-~]*")


def _string(value) -> str | None:
    if value is None:
        return "null"
    if type(value) is str and _PLAIN.fullmatch(value):
        return f'"{value}"'
    return None


def jsonl_line(row: dict) -> bytes:
    """One row of the canonical record: byte for byte canonical_line(row), written
    directly for a row of the record's own shape (a hash reads every row of a challenge),
    by canonical_line for anything else."""
    if row.keys() == _KEYS:
        counted, pitch_id, stars = row["counted"], row["pitch_id"], row["stars"]
        reason, rater, role, time = (_string(row[name]) for name in
                                     ("excluded_reason", "rater", "role", "time"))
        if (type(counted) is bool and type(pitch_id) is int and type(stars) is int
                and reason and rater and role and time):
            return (f'{{"counted":{"true" if counted else "false"},"excluded_reason":{reason},'
                    f'"pitch_id":{pitch_id},"rater":{rater},"role":{role},"stars":{stars},'
                    f'"time":{time}}}\n').encode()
    return canonical_line(row)


def csv_line(values) -> bytes:
    """One CSV line: every value is a number, a bare word, a hex id or a time, so none
    needs quoting; null is an empty field."""
    return (",".join("" if v is None else str(v).lower() if isinstance(v, bool) else str(v)
                     for v in values) + "\r\n").encode()


def jsonl(challenge: Challenge) -> Iterator[bytes]:
    """The canonical record, line by line."""
    for row in rows(challenge):
        yield jsonl_line(row)


def csv(challenge: Challenge) -> Iterator[bytes]:
    """The record as CSV with a header line."""
    yield csv_line(COLUMNS)
    for row in rows(challenge):
        yield csv_line(row[c] for c in COLUMNS)


def digest(challenge: Challenge) -> tuple[int, str]:
    """The number of rows and the SHA-256 (hex) of the canonical record."""
    sha, count = hashlib.sha256(), 0
    for line in jsonl(challenge):
        sha.update(line)
        count += 1
    return count, sha.hexdigest()


def visible(user, challenge_id: int) -> Challenge:
    """The challenge whose record `user` asks for: anyone who may see it (404 otherwise)."""
    return challenges.get_visible(challenge_id, user)


def summary(user, challenge_id: int) -> dict:
    """What a verifier needs besides the rows: the settings, the pitches, the row count
    and the record's hash."""
    challenge = visible(user, challenge_id)
    pitches = db.session.execute(
        select(Pitch.id, Pitch.status, Pitch.submitted_at)
        .where(Pitch.challenge_id == challenge.id).order_by(Pitch.id)).all()
    count, sha256 = digest(challenge)
    return {"challenge_id": challenge.id, "status": challenge.status,
            "method": challenge.method, "prior_weight": challenge.prior_weight,
            "min_ratings": challenge.min_ratings, "panel_weight": challenge.panel_weight,
            "shortlist_size": challenge.shortlist_size,
            "pitches": [{"id": p.id, "status": p.status, "submitted_at": p.submitted_at}
                        for p in pitches],
            "rows": count, "sha256": sha256}
