"""The live ranking of a challenge as domain objects, and the caches that keep it and the
pitch list's score order cheap.

The ranking shows numbers (tallies, m), the settings and any overrides, each pitch's title
and supplier, and integrity flags. Everything in it is either in the cache key (the
settings in force, the challenge's opening time, the integrity rules) or bumps the
challenge's ratings version in the transaction that changes it (ratings, exclusions,
panel moves, pitches submitted, edited or withdrawn: see tallies.ratings_changed and
voting/hooks.py). The version is read with the challenge, before anything else, so what a
key holds is never older than the key: a cached ranking is always exact, on every server.

How sure the ranking is (voting/certainty.py) costs a simulation and a pass over the rating
record, so its figures are held per challenge and recomputed when the version changed and
they are older than CERTAINTY_REFRESH_SECONDS (0: whenever it changed); until then the held
ones are served, marked not current. What they were computed from is in the key too.

The pass over the record grows with the challenge's ratings (a second or more at a hundred
thousand), so with CERTAINTY_IN_BACKGROUND the request that finds the figures missing or
due is not the one that waits for them: it starts getting them off the request (kept in
the database by another server, or computed by a child process: voting/held_certainty.py)
and is answered with what is held: at first what is kept in the database, or, before any
server computed them, nothing (`certainty` null, as the contract allows). Without it, that request computes them
itself (the test suite's way: every answer is then exact at once).
"""
import hashlib
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from exchange import recent
from exchange.challenges import policy as challenge_policy
from exchange.challenges.models import Challenge
from exchange.errors import NotFound
from exchange.extensions import db
from exchange.pitches.models import Pitch
from exchange.voting import held_certainty, held_signals, integrity, ranking, service, tallies
from exchange.voting.held_certainty import Held, settings_key
from exchange.voting.models import EXCLUSION_REASONS, ChallengeTally, PitchTally, Rating
from exchange.voting.ranking import Entry, Settings


@dataclass(slots=True)
class RankedPitch:
    """One pitch's place in the live ranking with its working, under the names the wire
    format (voting/schemas.py EntryWorking) and a stored ShortlistEntry share; `shortlisted`
    goes out as `would_be_shortlisted` until it is published. Plain attributes, as the
    schema reads each of them for every pitch."""

    pitch_id: int
    title: str
    supplier: dict
    submitted_at: datetime
    rank: int | None
    eligible: bool
    shortlisted: bool
    excluded_reasons: list
    n: int
    S: int
    mean: float
    histogram: dict
    m: float
    C: float
    public_score: float
    panel_count: int
    panel_mean: float | None
    panel_score: float | None
    combined: float
    integrity_flags: list
    excluded: dict
    panel_gap: float | None
    panel_histogram: tuple  # counted panel stars, 1 to 5: for the simulation, not shown
    p_top_k: float | None = None
    score_interval: dict | None = None


@dataclass
class Ranking:
    """A challenge's live ranking: its settings, m, every submitted pitch in order, and what
    its figures of certainty were computed from (None without figures)."""

    challenge_id: int
    settings: Settings
    m: float
    entries: list[RankedPitch]
    certainty: dict | None = None

    @property
    def panel_agreement(self) -> dict:
        return ranking.panel_agreement(self.entries)

    def __getattr__(self, name):  # method, panel_weight, ... as the wire format names them
        return getattr(self.settings, name)


def rank(challenge: Challenge, overrides: dict | None = None) -> Ranking:
    """The challenge's ranking now, from its stored tallies, with titles, suppliers,
    integrity flags and excluded counts."""
    submitted = service.submitted_pitches(challenge)
    settings, m, entries = service.rank_pitches(challenge, submitted, overrides)
    by_id = {pitch.id: pitch for pitch in submitted}
    flags = held_signals.flags_by_pitch(challenge)
    return Ranking(challenge.id, settings, m, [
        _ranked(entry, by_id[entry.pitch_id], m, settings.prior_weight,
                flags.get(entry.pitch_id, []), _excluded(by_id[entry.pitch_id]),
        service.panel_histogram(by_id[entry.pitch_id]))
        for entry in entries])


def _excluded(pitch) -> dict:
    """The pitch's kept-but-excluded ratings per reason, from the tally loaded with it."""
    if pitch.tally is None:
        return dict.fromkeys(EXCLUSION_REASONS, 0)
    return pitch.tally.excluded


def _ranked(entry: Entry, pitch, m: float, C: float, flags: list,
            excluded: dict, panel_histogram: tuple) -> RankedPitch:
    return RankedPitch(
        pitch_id=entry.pitch_id, title=pitch.title,
        supplier={"id": pitch.supplier.id, "name": pitch.supplier.name},
        submitted_at=entry.submitted_at, rank=entry.rank, eligible=entry.eligible,
        shortlisted=entry.shortlisted, excluded_reasons=entry.excluded_reasons, n=entry.n,
        S=entry.S, mean=entry.mean, histogram=entry.histogram, m=m, C=C,
        public_score=entry.public_score, panel_count=entry.panel_count,
        panel_mean=entry.panel_mean, panel_score=entry.panel_score, combined=entry.combined,
        integrity_flags=flags, excluded=excluded,
        panel_gap=ranking.panel_gap(entry.public_score, entry.panel_score),
        panel_histogram=panel_histogram)


# ---- how sure it is -------------------------------------------------------------------------

def _held(challenge: Challenge, settings: Settings,
          version: int | None) -> tuple[Held | None, Ranking | None]:
    """The challenge's figures, held or computed now; with the ranking they were computed
    over when that was now (so the body need not rank again). In the background (see the
    module's notes), the held figures, if any, while new ones are computed."""
    app = current_app._get_current_object()
    key = settings_key(settings)
    held = held_certainty.held_of(app, challenge.id)
    if held is None and app.config["CERTAINTY_IN_BACKGROUND"]:
        # A worker that has none held yet starts from those kept for the exchange (one
        # statement, once per challenge), so its first answers carry them like any other
        # worker's; if they are due, they are served while new ones are got.
        held = held_certainty.stored_now(challenge.id)
        if held is not None:
            held_certainty.keep(app, held)
    if held is not None and held.settings != key:  # other settings' figures answer nothing
        held = None
    if held_certainty.answers(held, key, version, app.config["CERTAINTY_REFRESH_SECONDS"]):
        return held, None
    if not held_certainty.claim(app, challenge.id):
        # One computation per challenge and process; the others serve the held figures.
        return held, None
    if app.config["CERTAINTY_IN_BACKGROUND"]:
        held_certainty.start_computing(app, challenge.id, key, version)
        return held, None
    try:
        ranked = rank(challenge)
        held = held_certainty.computed(challenge, ranked.entries, settings, version)
    finally:
        held_certainty.release(app, challenge.id)
    held_certainty.keep(app, held)
    return held, ranked


# ---- the cache ------------------------------------------------------------------------------

RANKING_CACHE_SIZE = 256


@dataclass(frozen=True)
class Tagged:
    """A ranking's tag (a digest of its cache key), and the ranking's body, made only when
    asked for: an unchanged ranking is answered from the tag alone. `_held` is the figures
    to show (None with overrides), `_ranked` the ranking when it was just made for them."""

    tag: str
    _challenge: Challenge
    _overrides: dict
    _key: tuple
    _held: Held | None = None
    _ranked: Ranking | None = None

    def body(self, render) -> bytes:
        """The ranking rendered by `render` (Ranking -> bytes), from the cache when its key
        is current."""
        cache = recent.cache_of(current_app, "live_rankings")
        cached = recent.find(cache, self._key)
        if cached is not None:
            return cached
        ranked = self._ranked or rank(self._challenge, self._overrides)
        if self._held is not None:
            ranked = self._held.apply(ranked, tallies.version_of(self._challenge))
        rendered = render(ranked)
        recent.keep(cache, self._key, rendered, RANKING_CACHE_SIZE)
        return rendered


def _visible_challenge(challenge_id: int, user) -> Challenge:
    """The challenge row alone (no council, no tags: the ranking shows neither), 404 if
    `user` may not know it exists."""
    challenge = db.session.scalar(
        select(Challenge).where(Challenge.id == challenge_id,
                                challenge_policy.visible_to(user))
        .options(lazyload(Challenge.council), lazyload(Challenge.tag_rows)))
    if challenge is None:
        raise NotFound("No such challenge.")
    return challenge


def live(user, challenge_id: int, overrides: dict) -> Tagged:
    """The live ranking, tagged; anyone who may see the challenge may see it."""
    challenge = _visible_challenge(challenge_id, user)
    settings = service.settings_of(challenge, overrides)
    version = tallies.version_of(challenge)
    held = ranked = None
    if not any(value is not None for value in overrides.values()):
        # What-if overrides are not simulated: their figures would be another question's.
        held, ranked = _held(challenge, settings, version)
    opened: datetime | None = challenge.opened_at
    key = (challenge.id, version, settings_key(settings),
           opened.isoformat() if opened else None, integrity.rules_in_force(),
           (held.ratings_version, held.record_sha256) if held else None)
    tag = hashlib.sha256(repr(key).encode()).hexdigest()[:24]
    return Tagged(tag, challenge, overrides, key, held, ranked)


# ---- the score order, kept under the same version --------------------------------------------

@dataclass(frozen=True, slots=True)
class Place:
    """A pitch's place in the score order, as the ranking gives it: what the order and its
    cursor read of it, and the standing each listed pitch shows (rank, score, eligible,
    excluded_reasons)."""

    pitch_id: int
    eligible: bool
    combined: float
    n: int
    submitted_at: datetime
    rank: int | None
    excluded_reasons: tuple


@dataclass(frozen=True)
class ScoreOrder:
    """A challenge's pitches in one status in the ranking's own order (eligible ones by
    rank, then the rest), and each pitch's place by its id."""

    places: list[Place]
    by_id: dict[int, Place]


_HISTOGRAMS = [getattr(PitchTally, f"{kind}_{stars}")
               for kind in ("public", "panel") for stars in range(1, 6)]
_SCORED = select(Pitch.id, Pitch.submitted_at, PitchTally.pitch_id.label("tallied"),
                 PitchTally.public_count, PitchTally.public_sum, PitchTally.panel_count,
                 PitchTally.panel_sum, *_HISTOGRAMS).outerjoin(
                     PitchTally, PitchTally.pitch_id == Pitch.id)


def _tally_of(row) -> ranking.PitchTally:
    """What the ranking needs of one pitch, from its row (as service._tally_of reads the
    loaded tally: none yet is no ratings)."""
    if row.tallied is None:
        return ranking.PitchTally(row.id, row.submitted_at, (0, 0, 0, 0, 0))
    return ranking.PitchTally(row.id, row.submitted_at, tuple(row[7:12]), tuple(row[12:17]),
                              n=row.public_count, S=row.public_sum, panel_n=row.panel_count,
                              panel_S=row.panel_sum)


def _score_order(challenge_id: int, status: str, settings: Settings, m: float) -> ScoreOrder:
    """The challenge's pitches in `status` as ranking.rank orders them, worked out from
    their stored tallies in one query of plain rows: the list by score and the ranking
    share this one definition of the order."""
    found = db.session.execute(_SCORED.where(Pitch.challenge_id == challenge_id,
                                             Pitch.status == status))
    entries = ranking.rank([_tally_of(row) for row in found], settings, m)
    places = [Place(e.pitch_id, e.eligible, e.combined, e.n, e.submitted_at, e.rank,
                    tuple(e.excluded_reasons)) for e in entries]
    return ScoreOrder(places, {place.pitch_id: place for place in places})


def _order_of(challenge_id: int, status: str, version: int | None, settings: Settings,
              m: float) -> ScoreOrder:
    """The order from the cache when its key (challenge, status, ratings version, settings)
    is there, else worked out and kept. No version (no tally row yet): never cached."""
    if version is None:
        return _score_order(challenge_id, status, settings, m)
    key = (challenge_id, status, version, settings_key(settings))
    cache = recent.cache_of(current_app, "score_orders")
    cached = recent.find(cache, key)
    if cached is not None:
        return cached
    order = _score_order(challenge_id, status, settings, m)
    recent.keep(cache, key, order, RANKING_CACHE_SIZE)
    return order


def score_order(challenge: Challenge, status: str) -> ScoreOrder:
    """The challenge's pitches in one status in the ranking's order, from the cache when
    the challenge's ratings version (read with the challenge) and settings are the same.

    Everything the order reads bumps the version: tallies and m (every counted change),
    the pitches in each status (submitting and withdrawing); submission times never
    change. A challenge without its tally row yet has no version and is not cached."""
    return _order_of(challenge.id, status, tallies.version_of(challenge),
                     service.settings_of(challenge), service.prior_mean_of(challenge))


# ---- each pitch's standing, as lists and one pitch show it -----------------------------------

# A pitch the live ranking leaves out: it ranks only submitted pitches.
NOT_RANKED = {"rank": None, "score": None, "eligible": False, "excluded_reasons": ["withdrawn"]}


def standing_of(place: Place | None) -> dict:
    """What a pitch shows of its place in the live ranking (NOT_RANKED when not in it)."""
    if place is None:
        return dict(NOT_RANKED, excluded_reasons=list(NOT_RANKED["excluded_reasons"]))
    return {"rank": place.rank, "score": place.combined, "eligible": place.eligible,
            "excluded_reasons": list(place.excluded_reasons)}


def standings(challenge: Challenge, pitch_ids: list[int], user) -> dict[int, dict]:
    """Each pitch's standing in the challenge's live ranking (from the order cached per
    ratings version: no statement when current) and the caller's stars (`my_rating`, one
    statement for them all; None signed out or not rated)."""
    order = score_order(challenge, "submitted")
    mine = service.stars_of(user, pitch_ids)
    return {pitch_id: standing_of(order.by_id.get(pitch_id)) | {"my_rating": mine.get(pitch_id)}
            for pitch_id in pitch_ids}


def standing_of_row(values) -> dict:
    """One pitch's standing and the caller's stars, from its row as pitches.service reads it
    in one statement (with_standing): no further statement while the order of
    its challenge's ratings version is cached."""
    settings = Settings(**{name: values[f"challenge_{name}"] for name in SETTINGS})
    m = ranking.prior_mean(values["challenge_rating_count"] or 0,
                           values["challenge_rating_sum"] or 0)
    order = _order_of(values["challenge_id"], "submitted", values["ratings_version"], settings, m)
    return standing_of(order.by_id.get(values["id"])) | {"my_rating": values["my_rating"]}


SETTINGS = ("method", "prior_weight", "min_ratings", "panel_weight", "shortlist_size")


def with_standing(statement, user_id):
    """A select of one pitch joined to its challenge, with what standing_of_row reads: the
    challenge's settings, totals and ratings version, and the stars of the person bound as
    `user_id` (null signed out or not rated)."""
    mine = (select(Rating.stars).where(Rating.pitch_id == Pitch.id, Rating.user_id == user_id)
            .scalar_subquery())
    return (statement.add_columns(
        *(getattr(Challenge, name).label(f"challenge_{name}") for name in SETTINGS),
        ChallengeTally.ratings_version, ChallengeTally.rating_count.label("challenge_rating_count"),
        ChallengeTally.rating_sum.label("challenge_rating_sum"), mine.label("my_rating"))
        .outerjoin(ChallengeTally, ChallengeTally.challenge_id == Challenge.id))
