"""The live ranking's figures of certainty: computed, held per challenge, and computed off
the request.

The figures (voting/certainty.py) need a simulation of every submitted pitch and the hash of
the challenge's rating record, a pass over all of its ratings: seconds of pure Python at a
hundred thousand ratings. Run in a thread of the worker, that work holds the interpreter
lock the worker's requests need, and every request answered meanwhile waits its turn for it
(a ranking's p99 at a million ratings tripled while a thread computed). So the computation
runs in a child process at a lower scheduling priority: the worker keeps its interpreter,
the operating system shares the processors, and a thread of the worker only waits for the
child's answer. The child is a fresh interpreter with its own database connection; it reads
the challenge, its tallies and its record afresh, and sends back the figures or the failure.

The figures come from the stored tallies in the ranking's order, exactly as an answer that
computed them itself would have them (tests/voting/test_certainty_api.py compares both).
"""
import dataclasses
import json
import logging
import multiprocessing
import os
import threading
import time
import traceback
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask
from sqlalchemy import or_, select, update

from exchange import recent, rows
from exchange.challenges.models import Challenge
from exchange.clock import utcnow
from exchange.extensions import db
from exchange.voting import certainty, record, service, tallies
from exchange.voting.models import CertaintyFigures
from exchange.voting.ranking import Settings

# Held figures kept per process, the least recently used dropped first.
HELD_SIZE = 256
# The child's priority (nice): far below the requests', so it takes little from them while
# they are many, yet not starved (its figures still come, later, under a sustained load).
CHILD_NICENESS = 19
# A child that has not answered by then is stopped; the next request starts again.
CHILD_SECONDS = 300.0
# A server's claim to compute a challenge's figures lasts as long as it waits for its
# child; the others look for the figures that often meanwhile.
CLAIM_SECONDS = CHILD_SECONDS + 10.0
POLL_SECONDS = 0.5

log = logging.getLogger(__name__)
_lock = threading.Lock()


def settings_key(settings: Settings) -> tuple:
    return (settings.method, settings.prior_weight, settings.min_ratings,
            settings.panel_weight, settings.shortlist_size)


def candidates(entries) -> list[certainty.Candidate]:
    """Ranked entries (live or frozen alike, in ranking order) as the simulation sees them."""
    return [certainty.Candidate(e.pitch_id, tuple(e.histogram[str(k)] for k in range(1, 6)),
                                tuple(e.panel_histogram), e.eligible) for e in entries]


def figures(challenge_id: int, record_sha256: str, entries, settings: Settings,
            draws: int = certainty.DRAWS) -> dict[int, certainty.Certainty]:
    """The simulation over ranked entries, seeded by the challenge and its record's hash."""
    return certainty.simulate(candidates(entries), shortlist_size=settings.shortlist_size,
                              panel_weight=settings.panel_weight,
                              seed=certainty.seed_of(challenge_id, record_sha256), draws=draws)


@dataclass(frozen=True)
class Held:
    """A challenge's figures as computed once: from which settings, ratings version and
    record, and when (this process's monotonic clock)."""

    challenge_id: int
    settings: tuple
    ratings_version: int | None
    record_sha256: str
    figures: dict
    computed_at: float

    def out(self, version: int | None) -> dict:
        """What the figures were computed from, as RankingOut's `certainty` shows it."""
        return {"draws": certainty.DRAWS,
                "seed": certainty.seed_of(self.challenge_id, self.record_sha256),
                "record_sha256": self.record_sha256, "ratings_version": self.ratings_version,
                "current": version is not None and self.ratings_version == version}

    def apply(self, ranked, version: int | None):
        """The ranking with these figures on its entries (none for a pitch they lack)."""
        for entry in ranked.entries:
            found = self.figures.get(entry.pitch_id)
            if found is not None:
                entry.p_top_k = found.p_top_k
                entry.score_interval = {"low": found.low, "high": found.high}
        ranked.certainty = self.out(version)
        return ranked


def computed(challenge: Challenge, entries, settings: Settings, version: int | None) -> Held:
    """The figures over ranked `entries`, seeded by the challenge's record as it is now."""
    _, record_sha256 = record.digest(challenge)
    return Held(challenge.id, settings_key(settings), version, record_sha256,
                figures(challenge.id, record_sha256, entries, settings), time.monotonic())


@dataclass(frozen=True, slots=True)
class _Entry:
    """What the simulation reads of a ranked pitch."""

    pitch_id: int
    histogram: dict
    panel_histogram: tuple
    eligible: bool


def computed_afresh(challenge_id: int) -> Held | None:
    """The challenge's figures from its rows as they are now (None if it is gone): its
    version first, so the figures are never older than the version they name."""
    challenge = db.session.get(Challenge, challenge_id)
    if challenge is None:
        return None
    version = tallies.version_of(challenge)
    submitted = service.submitted_pitches(challenge)
    settings, _, ranked = service.rank_pitches(challenge, submitted, {})
    panel = {pitch.id: service.panel_histogram(pitch) for pitch in submitted}
    entries = [_Entry(e.pitch_id, e.histogram, panel[e.pitch_id], e.eligible) for e in ranked]
    return computed(challenge, entries, settings, version)


# ---- held per process ------------------------------------------------------------------------

def held_of(app, challenge_id: int) -> Held | None:
    return recent.find(recent.cache_of(app, "certainty"), challenge_id)


def keep(app, held: Held) -> None:
    recent.keep(recent.cache_of(app, "certainty"), held.challenge_id, held, HELD_SIZE)


def claim(app, challenge_id: int) -> bool:
    """Mark the challenge's figures as being computed by this process; False if they are
    already (one computation per challenge and process at a time)."""
    computing = app.extensions.setdefault("certainty_computing", set())
    with _lock:
        if challenge_id in computing:
            return False
        computing.add(challenge_id)
        return True


def release(app, challenge_id: int) -> None:
    with _lock:
        app.extensions.setdefault("certainty_computing", set()).discard(challenge_id)


# ---- off the request -------------------------------------------------------------------------

def start_computing(app, challenge_id: int, wanted: tuple, version: int | None) -> None:
    """Get the challenge's figures for settings `wanted` at `version` off the request (kept
    by another server, or computed by a child process of this one, waited for by a thread)
    and hold them; the caller has claimed the challenge in this process."""
    thread = threading.Thread(target=_wait_for_figures, args=(app, challenge_id, wanted, version),
                              name=f"certainty-{challenge_id}", daemon=True)
    with _lock:
        threads = app.extensions.setdefault("certainty_threads", [])
        threads[:] = [running for running in threads if running.is_alive()]
        threads.append(thread)
    thread.start()


def settle(app, timeout: float = 30.0) -> None:
    """Wait for the figures this process is getting in the background (tests, and a
    server that wants them ready before it answers)."""
    with _lock:
        threads = list(app.extensions.get("certainty_threads", []))
    for thread in threads:
        thread.join(timeout)


def _wait_for_figures(app, challenge_id: int, wanted: tuple, version: int | None) -> None:
    try:
        with app.app_context():
            held = _shared_figures(app, challenge_id, wanted, version)
        if held is not None:
            keep(app, held)
    except Exception:  # logged; the next request that needs them starts again
        log.exception("Computing the certainty figures of challenge %s failed", challenge_id)
    finally:
        release(app, challenge_id)


def answers(held: Held | None, wanted: tuple, version: int | None,
            refresh_seconds: float) -> bool:
    """Whether `held` may be served for settings `wanted` at `version`: the same settings,
    and that version (or a later one), or computed less than `refresh_seconds` ago."""
    if held is None or held.settings != wanted or version is None:
        return False
    if held.ratings_version is not None and held.ratings_version >= version:
        return True
    return time.monotonic() - held.computed_at < refresh_seconds


def _shared_figures(app, challenge_id: int, wanted: tuple, version: int | None) -> Held | None:
    """The figures kept for the exchange when they answer; else computed here once this
    server holds the claim; else, while another holds it, waited for."""
    refresh = app.config["CERTAINTY_REFRESH_SECONDS"]
    given_up = time.monotonic() + CLAIM_SECONDS
    while True:
        kept = stored(challenge_id)
        if answers(kept, wanted, version, refresh):
            return kept
        if _claim(challenge_id):
            try:
                held = _in_child(app, challenge_id)
            except BaseException:
                _unclaim(challenge_id)
                raise
            if held is None:  # the challenge is gone
                _unclaim(challenge_id)
                return None
            held = dataclasses.replace(held, computed_at=time.monotonic())
            _store(held)
            return held
        if time.monotonic() > given_up:
            raise ChildFailed(f"another server held the claim for over {CLAIM_SECONDS:.0f} s")
        time.sleep(POLL_SECONDS)


# ---- kept for the exchange -----------------------------------------------------------------

def stored(challenge_id: int) -> Held | None:
    """The figures last computed for the challenge by any server, or None; the session's
    transaction ends after the look, so the next one reads afresh (the background's way)."""
    try:
        return stored_now(challenge_id)
    finally:
        db.session.rollback()


def stored_now(challenge_id: int) -> Held | None:
    """The figures last computed for the challenge by any server, or None, read in the
    session's transaction as it is (a request's: one statement)."""
    row = db.session.execute(select(
        CertaintyFigures.challenge_id, CertaintyFigures.settings,
        CertaintyFigures.ratings_version, CertaintyFigures.record_sha256,
        CertaintyFigures.figures, CertaintyFigures.computed_at).where(
        CertaintyFigures.challenge_id == challenge_id,
        CertaintyFigures.figures.is_not(None))).first()
    if row is None:
        return None
    age = max((utcnow() - row.computed_at).total_seconds(), 0.0)
    return Held(row.challenge_id, tuple(json.loads(row.settings)), row.ratings_version,
                row.record_sha256,
                {int(pitch_id): certainty.Certainty(int(pitch_id), low, high, p_top_k)
                 for pitch_id, (low, high, p_top_k) in json.loads(row.figures).items()},
                time.monotonic() - age)


def compute_and_store(challenge_id: int) -> Held | None:
    """Compute the challenge's figures in this process and keep them for every server
    (a server's start, an import, the benchmark's preparation); None if it is gone."""
    held = computed_afresh(challenge_id)
    db.session.rollback()
    if held is not None:
        _ensure_row(challenge_id)
        _store(held)
    return held


def _ensure_row(challenge_id: int) -> None:
    """The challenge's row, made empty if it is missing (the claim and the figures are
    written by UPDATE)."""
    db.session.execute(rows.upsert(CertaintyFigures).values(challenge_id=challenge_id)
                       .on_conflict_do_nothing(index_elements=["challenge_id"]))


def _claim(challenge_id: int) -> bool:
    """Claim the challenge's next computation for this server, unless another holds an
    unexpired claim (one row per challenge; the UPDATE's condition decides)."""
    now = utcnow()
    _ensure_row(challenge_id)
    claimed = db.session.execute(
        update(CertaintyFigures).where(
            CertaintyFigures.challenge_id == challenge_id,
            or_(CertaintyFigures.claimed_until.is_(None), CertaintyFigures.claimed_until < now))
        .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS)),
        execution_options={"synchronize_session": False}).rowcount == 1
    db.session.commit()
    return claimed


def _unclaim(challenge_id: int) -> None:
    db.session.rollback()
    db.session.execute(update(CertaintyFigures)
                       .where(CertaintyFigures.challenge_id == challenge_id)
                       .values(claimed_until=None),
                       execution_options={"synchronize_session": False})
    db.session.commit()


def _store(held: Held) -> None:
    """Keep the figures for every server, and give up the claim."""
    db.session.execute(
        update(CertaintyFigures).where(CertaintyFigures.challenge_id == held.challenge_id)
        .values(settings=json.dumps(list(held.settings)), ratings_version=held.ratings_version,
                record_sha256=held.record_sha256, computed_at=utcnow(), claimed_until=None,
                figures=json.dumps({str(pitch_id): [f.low, f.high, f.p_top_k]
                                    for pitch_id, f in held.figures.items()})),
        execution_options={"synchronize_session": False})
    db.session.commit()


class ChildFailed(RuntimeError):
    """The child computing the figures failed, stopped, or never answered."""


def _in_child(app, challenge_id: int) -> Held | None:
    """The figures from a child process, waited for here without holding the interpreter.

    The child is started afresh (spawned), not forked: a fork copies the worker mid-flight,
    locks its other threads hold included (SQLite's among them), and a child that needs one
    of those would wait for ever."""
    context = multiprocessing.get_context("spawn")
    receiving, sending = context.Pipe(duplex=False)
    database = {name: value for name, value in app.config.items()
                if name.startswith("SQLALCHEMY_")}
    child = context.Process(target=_child, args=(database, challenge_id, sending),
                            daemon=True, name=f"certainty-{challenge_id}")
    child.start()
    _lower_priority(child.pid)  # before the child's imports, which take most of its start
    sending.close()
    try:
        outcome, value = (receiving.recv() if receiving.poll(CHILD_SECONDS)
                          else ("failed", f"no answer within {CHILD_SECONDS:.0f} s"))
    except EOFError:
        outcome, value = "ended", None
    finally:
        receiving.close()
        child.join(1.0)
        if child.is_alive():
            child.kill()
            child.join()
    if outcome == "ended":
        raise ChildFailed(f"the child ended without an answer ({child.exitcode})")
    if outcome != "held":
        raise ChildFailed(value)
    return value


def _lower_priority(pid: int = 0) -> None:
    """Set a process's scheduling priority (0: this one) below every request's."""
    try:
        os.setpriority(os.PRIO_PROCESS, pid, CHILD_NICENESS)
    except OSError:
        pass  # as urgent as the worker, then: still off its interpreter


def _child(database: dict, challenge_id: int, sending) -> None:
    """In the child: lower priority, an app of the database settings alone (the
    computation reads nothing else), one answer sent back."""
    _lower_priority()  # again, in case the worker could not
    try:
        app = Flask(__name__)
        app.config.update(database)
        db.init_app(app)
        with app.app_context():
            answer = ("held", computed_afresh(challenge_id))
    except Exception:  # noqa: BLE001 - sent to the worker, which logs it
        answer = ("failed", traceback.format_exc())
    sending.send(answer)
    sending.close()
