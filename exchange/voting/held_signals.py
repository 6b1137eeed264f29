"""The ranking's integrity flags, held per challenge in each app and kept in the database
for every server, so that no ranking reads all of a challenge's ratings but the very first.

The ranking shows every pitch's flags on every request, and they are derived from all of
the challenge's ratings (voting/integrity.py). So each app holds, per challenge, every
pitch's own signals as of a ratings version (bumped in the transaction of every change to
its ratings), with a digest of the opening time and rules they were judged by and the
exchange's newest rating change id when they were read. When the version moved, the
challenge's changes recorded since are read with the version, in one statement: if they
account for every step of it (a rating given, changed or taken back records one change and
bumps the version once, in one transaction), only their pitches' ratings are read again;
anything else (a withdrawal, an exclusion, a panel move, an erasure) and they are all read
afresh. Either way the version is read before the ratings, so what is held is never older
than its version, and the work of a ranking after a rating grows with that pitch's
ratings, not the challenge's.

On a reading request, what an app holds it also keeps in `integrity_signals` when it read
afresh, or when what is kept there is STORE_AFTER or more versions behind. An app that has
none held (a worker that just started, or one that has not ranked the challenge for a
while) starts from what is kept there, with the same rules of catching up, and reads
afresh only when that is gone, judged by other rules, or cannot be caught up.
"""
import dataclasses
import hashlib
import json
import logging
from dataclasses import asdict, dataclass
from datetime import datetime

from flask import current_app, has_request_context, request
from sqlalchemy import func, select, true
from sqlalchemy.exc import SQLAlchemyError

from exchange import recent, rows
from exchange.clock import utcnow
from exchange.extensions import db
from exchange.pitches.models import Pitch
from exchange.voting import integrity
from exchange.voting.integrity import PitchSignals, Rules
from exchange.voting.models import ChallengeTally, IntegritySignals, RatingChange

log = logging.getLogger(__name__)

FLAGS_CACHE_SIZE = 512
CATCH_UP_MOST = 1000  # more of the challenge's changes than this since: all read afresh
STORE_AFTER = 100  # what is kept in the database is brought forward this many versions behind


@dataclass(frozen=True)
class _Held:
    version: int
    last_change: int  # the exchange's newest rating change id when the ratings were read
    judged_by: str  # judged_by(opened_at, rules)
    signals: dict  # pitch id -> PitchSignals, judged
    flags: dict  # pitch id -> flags
    stored_version: int  # the version of what this app last saw kept in the database


def judged_by(opened_at: datetime | None, rules: Rules) -> str:
    """A digest of what the signals are judged by: the challenge's opening time (which
    accounts are new) and the rules."""
    said = json.dumps([opened_at.isoformat() if opened_at else None, asdict(rules)],
                      sort_keys=True)
    return hashlib.sha256(said.encode()).hexdigest()


def flags_by_pitch(challenge) -> dict[int, list[str]]:
    """The integrity flags of each of the challenge's pitches with public ratings."""
    judging = (challenge.opened_at, integrity.rules_in_force())
    if challenge.tally is None:  # no tally row yet, so no version to hold the flags under
        signals = integrity.analyse(integrity.facts_of(challenge.id), *judging)
        return {pitch_id: pitch.flags for pitch_id, pitch in signals.items()}
    judge = judged_by(*judging)
    cache = recent.cache_of(current_app, "integrity_flags")
    held = recent.find(cache, challenge.id)
    if held is not None and held.judged_by != judge:
        held = None
    if held is not None and held.version >= challenge.tally.ratings_version:
        return held.flags
    if held is None:
        held = _kept(challenge.id, judge)
    version, newest, changes = _changes_since(challenge.id, held)
    if held is not None:
        held = _caught_up(challenge.id, judging, held, version, newest, changes)
    if held is None:
        held = _read_afresh(challenge.id, judging, version, newest)
    if _reading() and (held.stored_version < 0
                       or held.version - held.stored_version >= STORE_AFTER):
        held = _keep(challenge.id, held)
    recent.keep(cache, challenge.id, held, FLAGS_CACHE_SIZE)
    return held.flags


def _reading() -> bool:
    """A request that only reads (GET, HEAD): its ranking may keep the signals, in a
    transaction of its own. A write that ranks (publishing a shortlist) keeps nothing: its
    transaction holds locks (on SQLite the database's write lock) the keeping would wait
    on, and whatever it does must be undone whole if it fails."""
    return has_request_context() and request.method in ("GET", "HEAD")


def _changes_since(challenge_id: int, held: _Held | None) -> tuple[int, int, list | None]:
    """In one statement (one snapshot): the challenge's ratings version, the exchange's
    newest rating change id, and with something held, the challenge's changes since it
    as (id, pitch id), found pitch by pitch (rating_changes (pitch_id, id)); None for them
    when there are more than CATCH_UP_MOST."""
    statement = select(ChallengeTally.ratings_version,
                       select(func.max(RatingChange.id)).scalar_subquery().label("newest"))
    if held is not None:
        changes = (select(RatingChange.id, RatingChange.pitch_id)
                   .join(Pitch, Pitch.id == RatingChange.pitch_id)
                   .where(Pitch.challenge_id == challenge_id,
                          RatingChange.id > held.last_change)
                   .order_by(RatingChange.id).limit(CATCH_UP_MOST + 1).subquery())
        statement = (statement.add_columns(changes.c.id, changes.c.pitch_id)
                     .outerjoin(changes, true()))
    found = db.session.execute(
        statement.where(ChallengeTally.challenge_id == challenge_id)).all()
    version, newest = found[0].ratings_version, found[0].newest or 0
    if held is None or len(found) > CATCH_UP_MOST:
        return version, newest, None
    return version, newest, [(row.id, row.pitch_id) for row in found if row.id is not None]


def _held(judge: str, signals: dict, version: int, last_change: int,
          stored_version: int) -> _Held:
    """Judged signals held as of `version` and `last_change`."""
    return _Held(version, last_change, judge, signals,
                 {pitch_id: pitch.flags for pitch_id, pitch in signals.items()},
                 stored_version)


def _read_afresh(challenge_id: int, judging: tuple, version: int, newest: int) -> _Held:
    """Every pitch's signals from all of the challenge's ratings, read after the version
    and the newest change id (so never older than they say); nothing of them kept yet."""
    signals = integrity.analyse(integrity.facts_of(challenge_id), *judging)
    return _held(judged_by(*judging), signals, version, newest, stored_version=-1)


def _caught_up(challenge_id: int, judging: tuple, held: _Held, version: int, newest: int,
               changes: list | None) -> _Held | None:
    """`held` brought up to `version`, re-reading only the pitches the challenge's changes
    since were of; None when those do not account for every step of the version."""
    if changes is None or version - held.version != len(changes):
        return None
    changed = {pitch_id for _, pitch_id in changes}
    signals = {pitch_id: dataclasses.replace(pitch) for pitch_id, pitch in held.signals.items()
               if pitch_id not in changed}
    if changed:
        facts = integrity.facts_of(challenge_id, changed)
        signals.update((pitch_id, integrity.own_signals(pitch_id, own, *judging))
                       for pitch_id, own in integrity.by_pitch(facts).items())
    signals = dict(sorted(signals.items()))
    integrity.judge(signals, judging[1])
    return _held(held.judged_by, signals, version, max(newest, held.last_change),
                 held.stored_version)


# ---- kept in the database -----------------------------------------------------------------------

_STAMPED = ("busiest_window_start",)


def _kept(challenge_id: int, judge: str) -> _Held | None:
    """What is kept in the database for the challenge, judged as `judge` says, or None."""
    row = db.session.execute(
        select(IntegritySignals.ratings_version, IntegritySignals.last_change,
               IntegritySignals.signals)
        .where(IntegritySignals.challenge_id == challenge_id,
               IntegritySignals.judged_by == judge)).first()
    if row is None:
        return None
    signals = {}
    for fields in json.loads(row.signals):
        for name in _STAMPED:
            if fields[name] is not None:
                fields[name] = datetime.fromisoformat(fields[name])
        signals[fields["pitch_id"]] = PitchSignals(**fields)
    return _held(judge, signals, row.ratings_version, row.last_change,
                 stored_version=row.ratings_version)


def _keep(challenge_id: int, held: _Held) -> _Held:
    """Keep `held` in the database for every server, unless what is kept there (judged
    alike) is as new; in a transaction of its own, so the request's stays a reading one.
    Keeping is only a saving: if the database refuses it now (on SQLite, another writer
    holding the database past the busy timeout), the answer is the same, and a later
    ranking keeps them."""
    try:
        with db.engine.begin() as connection:
            connection.execute(_keep_statement(challenge_id, held))
    except SQLAlchemyError:
        log.warning("integrity signals of challenge %s not kept", challenge_id, exc_info=True)
        return held
    return dataclasses.replace(held, stored_version=held.version)


def _keep_statement(challenge_id: int, held: _Held):
    said = [{name: value.isoformat() if name in _STAMPED and value is not None else value
             for name, value in asdict(pitch).items()} for pitch in held.signals.values()]
    values = {"challenge_id": challenge_id, "judged_by": held.judged_by,
              "ratings_version": held.version, "last_change": held.last_change,
              "signals": json.dumps(said), "stored_at": utcnow()}
    statement = rows.upsert(IntegritySignals).values(**values)
    return statement.on_conflict_do_update(
        index_elements=[IntegritySignals.challenge_id],
        set_={name: statement.excluded[name] for name in values if name != "challenge_id"},
        where=(IntegritySignals.judged_by != statement.excluded.judged_by)
        | (IntegritySignals.ratings_version < statement.excluded.ratings_version))
