"""Tallies: the counts, sums and histograms of ratings, per pitch and per challenge.

Counted ratings (excluded_reason null) are in a pitch's `pitch_tallies` row (public and
panel apart) and, while the pitch is submitted, in its challenge's `challenge_tallies`
totals; kept-but-excluded ones only in the pitch row's `excluded_<reason>` columns. They
change only here, by relative UPDATEs in the same transaction as the rating, after the
challenge's tally row is locked (`lock_challenge`), so parallel ratings never double-count.
`reassess` moves ratings between counted and excluded when the rules' verdict on them
changes. The one other writer is `voting.recount`, which rebuilds everything from the
ratings for `flask reconcile-tallies`.
"""
from collections import Counter, defaultdict
from functools import cache

from sqlalchemy import bindparam, delete, insert, literal_column, select, update
from sqlalchemy.orm import aliased

from exchange import rows
from exchange.challenges.models import Challenge
from exchange.extensions import db
from exchange.pitches.models import Pitch
from exchange.voting import policy
from exchange.voting.models import (
    ChallengeRater,
    ChallengeTally,
    PitchTally,
    Rating,
)

NO_SYNC = {"synchronize_session": False}


def _kind(is_panel: bool) -> str:
    return "panel" if is_panel else "public"


# ---- rows and the lock ---------------------------------------------------------------------

def create_pitch_tally(pitch: Pitch) -> None:
    """Give a new pitch its (empty) tally row, in the transaction that submits it."""
    db.session.execute(insert(PitchTally).values(pitch_id=pitch.id,
                                                 challenge_id=pitch.challenge_id))


def create_challenge_tally(challenge: Challenge) -> None:
    """Give a new challenge its (empty) tally row, in the transaction that creates it."""
    db.session.execute(insert(ChallengeTally).values(challenge_id=challenge.id))


def create_missing(challenge_id: int | None = None) -> int:
    """Make the tally rows that are missing (of one challenge, or everywhere), empty;
    returns how many were made. Rows are made with their pitch or challenge, so this is
    for data loaded around the services (a bulk load) and for reconcile-tallies."""
    challenges = select(Challenge.id).where(
        ~select(ChallengeTally.challenge_id)
        .where(ChallengeTally.challenge_id == Challenge.id).exists())
    pitches = select(Pitch.id, Pitch.challenge_id).where(
        ~select(PitchTally.pitch_id).where(PitchTally.pitch_id == Pitch.id).exists())
    if challenge_id is not None:
        challenges = challenges.where(Challenge.id == challenge_id)
        pitches = pitches.where(Pitch.challenge_id == challenge_id)
    made = db.session.execute(insert(ChallengeTally).from_select(["challenge_id"], challenges),
                              execution_options=NO_SYNC).rowcount
    made += db.session.execute(
        insert(PitchTally).from_select(["pitch_id", "challenge_id"], pitches),
        execution_options=NO_SYNC).rowcount
    return max(made, 0)


def _dialect() -> str:
    """The name of the database in use ('sqlite', 'postgresql')."""
    return db.session.get_bind().dialect.name


@cache
def _lock_statements() -> dict:
    """The statements that lock a challenge's tally row, built once: by the challenge's id
    (bound as `locked_challenge_id`) or by one of its pitches' (bound as `locked_pitch_id`);
    each returns the locked challenge's id.

    Each is a no-op UPDATE: on PostgreSQL it locks the row and writes a new version of it,
    which is what lets a rating lock the row as it reads (`locking`); SQLite has no row
    locks, and the UPDATE takes its database write lock. Either way the challenge's rating
    writers queue.
    """
    of_pitch = (select(Pitch.challenge_id).where(Pitch.id == bindparam("locked_pitch_id"))
                .scalar_subquery())
    return {by: (update(ChallengeTally).where(ChallengeTally.challenge_id == challenge_id)
                 .values(challenge_id=ChallengeTally.challenge_id)
                 .returning(ChallengeTally.challenge_id))
            for by, challenge_id in (("challenge", bindparam("locked_challenge_id")),
                                     ("pitch", of_pitch))}


def lock_of_pitch(pitch_id: int) -> int | None:
    """Lock the tally row of the pitch's challenge in one statement; returns the
    challenge's id, or None when there is no such pitch or its challenge has no tally row
    (nothing is locked then)."""
    return rows.run(_lock_statements()["pitch"],
                    {"locked_pitch_id": pitch_id}).scalar_one_or_none()


def locks_as_it_reads() -> bool:
    """Whether a read can take the tally lock itself (`locking`): PostgreSQL's row locks
    can; SQLite's database lock is taken by a write (`lock_of_pitch`) before the read."""
    return _dialect() == "postgresql"


def locking(statement, challenge_id):
    """`statement`, a read of rows that each name a challenge (`challenge_id`, a column),
    joined to that challenge's tally row and locking it (PostgreSQL): one statement does
    the work of `lock_of_pitch` and the read.

    The lock is taken as the read ends, but the read sees the database as it began
    (READ COMMITTED). When a holder of the lock committed in between, PostgreSQL locks the
    row's newer version and rechecks it, yet reads nothing else again: the rest of the
    row read may be older than the lock. Every holder of the lock writes the row (a rating
    its totals, the others `lock_challenge`'s no-op UPDATE), so a newer version is always
    there to see: the statement returns the locked version's `xmin` and the one its start
    saw, and `read_before_lock` compares them."""
    seen = aliased(ChallengeTally, name="seen_tally")
    seen_version = (select(literal_column("seen_tally.xmin::text"))
                    .where(seen.challenge_id == challenge_id).scalar_subquery())
    return (statement.join(ChallengeTally, ChallengeTally.challenge_id == challenge_id)
            .add_columns(literal_column("challenge_tallies.xmin::text").label("locked_version"),
                         seen_version.label("seen_version"))
            .with_for_update(of=ChallengeTally))


def read_before_lock(row) -> bool:
    """Whether a row read by a `locking` statement may predate its lock (someone who held
    the lock committed while the statement ran): read it again, now under the lock."""
    return row.locked_version != row.seen_version


def lock_challenge(challenge_id: int) -> None:
    """Lock the challenge's tally row for the rest of the transaction, making the
    challenge's missing tally rows first if there are any. Every writer of a challenge's
    ratings, tallies, raters or panel, and the shortlist publisher, takes this lock first
    (after the challenge row itself, when it locks that too)."""
    lock = _lock_statements()["challenge"]
    params = {"locked_challenge_id": challenge_id}
    locked = db.session.execute(lock, params, execution_options=NO_SYNC).scalar_one_or_none()
    if locked is None:
        create_missing(challenge_id)
        db.session.execute(lock, params, execution_options=NO_SYNC)


def ratings_changed(challenge_id: int) -> None:
    """Bump the challenge's ratings version when what the ranking shows changed without
    any tally moving (a pitch submitted or edited): a ranking kept under it is stale."""
    db.session.execute(update(ChallengeTally).where(ChallengeTally.challenge_id == challenge_id)
                       .values(ratings_version=ChallengeTally.ratings_version + 1),
                       execution_options=NO_SYNC)


def version_of(challenge: Challenge) -> int | None:
    """The challenge's ratings version, None while its tally row is missing."""
    return challenge.tally.ratings_version if challenge.tally is not None else None


# ---- changes, gathered and written in one UPDATE per row -----------------------------------

def add_ratings(columns, is_panel: bool, stars: int, reason: str | None, n: int) -> None:
    """Add n ratings (n < 0 takes them away) to a pitch's tally columns: the counted ones
    when `reason` is None, else the excluded tally of that reason."""
    if reason is not None:
        columns[f"excluded_{reason}"] += n
        return
    kind = _kind(is_panel)
    columns[f"{kind}_count"] += n
    columns[f"{kind}_sum"] += n * stars
    columns[f"{kind}_{stars}"] += n


class Changes:
    """Tally changes gathered over any number of ratings of one challenge, written as one
    UPDATE per pitch tally and one of the challenge's tally (which also bumps its ratings
    version, since whatever is written here changed its ratings)."""

    def __init__(self):
        self.pitches: dict[int, Counter] = defaultdict(Counter)
        self.challenge: Counter = Counter()

    def rating(self, pitch_id: int, *, submitted: bool, is_panel: bool, stars: int,
               reason: str | None, delta: int) -> None:
        """Add (delta=1) or take away (delta=-1) one rating: to the counted tallies when
        `reason` is None, else to the excluded tally of that reason."""
        add_ratings(self.pitches[pitch_id], is_panel, stars, reason, delta)
        if reason is not None:
            return
        if submitted:
            if is_panel:
                self.challenge["panel_rating_count"] += delta
            else:
                self.challenge["rating_count"] += delta
                self.challenge["rating_sum"] += delta * stars

    def raters(self, delta: int) -> None:
        self.challenge["rater_count"] += delta

    def write(self, challenge_id: int) -> None:
        """One UPDATE per changed pitch tally, then the challenge's; each statement is
        built once per set of columns it changes, and a request binds the changes."""
        run = rows.run
        for pitch_id in sorted(self.pitches):
            changed = {name: change for name, change in self.pitches[pitch_id].items()
                       if change}
            if changed:
                run(_pitch_tally_update(tuple(sorted(changed))),
                    {"tally_pitch_id": pitch_id} | _bound_changes(changed))
        changed = {name: change for name, change in self.challenge.items() if change}
        run(_challenge_tally_update(tuple(sorted(changed))),
            {"tally_challenge_id": challenge_id} | _bound_changes(changed))
        _expire_loaded(challenge_id, set(self.pitches))


def _bound_changes(changed: dict) -> dict:
    """The changes as the parameters `_added` binds."""
    return {f"change_{name}": change for name, change in changed.items()}


def _added(model, names: tuple[str, ...]) -> dict:
    """column = column + :change_<column>, for each named column."""
    return {getattr(model, name): getattr(model, name) + bindparam(f"change_{name}")
            for name in names}


@cache
def _pitch_tally_update(names: tuple[str, ...]):
    """Move these columns of the pitch tally bound as `tally_pitch_id`; built once each."""
    return (update(PitchTally).where(PitchTally.pitch_id == bindparam("tally_pitch_id"))
            .values(_added(PitchTally, names)))


@cache
def _challenge_tally_update(names: tuple[str, ...]):
    """Move these columns of the challenge tally bound as `tally_challenge_id`, and its
    ratings version; built once each."""
    # Whatever is written here changed the challenge's ratings: its version moves too.
    values = _added(ChallengeTally, names)
    values[ChallengeTally.ratings_version] = ChallengeTally.ratings_version + 1
    return (update(ChallengeTally)
            .where(ChallengeTally.challenge_id == bindparam("tally_challenge_id"))
            .values(values))


@cache
def _rater_statements() -> dict:
    """A person's count of rated pitches on a challenge: made, removed, or moved by a
    bound `change`; built once."""
    where = (ChallengeRater.challenge_id == bindparam("rater_challenge_id"),
             ChallengeRater.user_id == bindparam("rater_user_id"))
    return {"first": insert(ChallengeRater).values(
                challenge_id=bindparam("rater_challenge_id"),
                user_id=bindparam("rater_user_id"), ratings=1),
            "last": delete(ChallengeRater).where(*where),
            "more": update(ChallengeRater).where(*where)
            .values(ratings=ChallengeRater.ratings + bindparam("change"))}


def count_rater(challenge_id: int, user_id: int, ratings_before: int | None,
                delta: int) -> int:
    """Keep a person's count of rated pitches on a challenge, in one statement, from what
    it was (None: no row); returns the change of the challenge's raters."""
    params = {"rater_challenge_id": challenge_id, "rater_user_id": user_id, "change": delta}
    if delta > 0 and ratings_before is None:
        which, raters = "first", 1
    elif delta < 0 and ratings_before == 1:
        which, raters = "last", -1
    else:
        which, raters = "more", 0
    rows.run(_rater_statements()[which], params)
    return raters


def remove_ratings(user_id: int, ratings) -> None:
    """Take one person's ratings (rows with id, pitch_id, challenge_id, pitch_status,
    is_panel, stars, excluded_reason) out of every tally, challenge by challenge in
    ascending order (the lock order), and delete them."""
    by_challenge = defaultdict(list)
    for rating in ratings:
        by_challenge[rating.challenge_id].append(rating)
    for challenge_id in sorted(by_challenge):
        lock_challenge(challenge_id)
        changes = Changes()
        for rating in by_challenge[challenge_id]:
            changes.rating(rating.pitch_id, submitted=rating.pitch_status == "submitted",
                           is_panel=rating.is_panel, stars=rating.stars,
                           reason=rating.excluded_reason, delta=-1)
        changes.raters(-1)
        changes.write(challenge_id)
        db.session.execute(delete(ChallengeRater).where(
            ChallengeRater.challenge_id == challenge_id, ChallengeRater.user_id == user_id),
            execution_options=NO_SYNC)
    db.session.execute(delete(Rating).where(Rating.id.in_([r.id for r in ratings])),
                       execution_options=NO_SYNC)


def pitch_withdrawn(pitch: Pitch) -> None:
    """Take a withdrawn pitch's counted ratings out of its challenge's totals (it no longer
    counts), read after the lock so no rating slips between."""
    lock_challenge(pitch.challenge_id)
    tally = db.session.execute(select(PitchTally.public_count, PitchTally.public_sum,
                                      PitchTally.panel_count)
                               .where(PitchTally.pitch_id == pitch.id)).first()
    changes = Changes()
    if tally is not None:
        changes.challenge.update({"rating_count": -tally.public_count,
                                  "rating_sum": -tally.public_sum,
                                  "panel_rating_count": -tally.panel_count})
    changes.write(pitch.challenge_id)


def move_ratings_between_panel_and_public(challenge: Challenge, user_id: int, *,
                                          to_panel: bool) -> None:
    """Re-tally one person's ratings on a challenge when they join or leave its panel."""
    lock_challenge(challenge.id)
    ratings = db.session.scalars(
        select(Rating).join(Pitch, Pitch.id == Rating.pitch_id)
        .where(Pitch.challenge_id == challenge.id, Rating.user_id == user_id,
               Rating.is_panel.is_not(to_panel))
        .order_by(Rating.pitch_id)).all()
    if not ratings:
        return
    statuses = dict(db.session.execute(select(Pitch.id, Pitch.status).where(
        Pitch.id.in_([rating.pitch_id for rating in ratings]))).all())
    changes = Changes()
    for rating in ratings:
        # An excluded rating stays in its excluded tally, which is not split by panel.
        if rating.excluded_reason is None:
            submitted = statuses[rating.pitch_id] == "submitted"
            changes.rating(rating.pitch_id, submitted=submitted, is_panel=rating.is_panel,
                           stars=rating.stars, reason=None, delta=-1)
            changes.rating(rating.pitch_id, submitted=submitted, is_panel=to_panel,
                           stars=rating.stars, reason=None, delta=1)
        rating.is_panel = to_panel
    changes.write(challenge.id)


# ---- re-judging ratings when the facts the rules read change --------------------------------

def judged_ratings(challenge: Challenge, user_ids=None) -> list[tuple]:
    """(rating, reason now) for the challenge's ratings, or those of these people."""
    standing = policy.standing_of(challenge, user_ids)
    statement = (select(Rating.id, Rating.pitch_id, Rating.user_id, Rating.stars,
                        Rating.is_panel, Rating.excluded_reason, Rating.account_age_hours,
                        Pitch.status.label("pitch_status"))
                 .join(Pitch, Pitch.id == Rating.pitch_id)
                 .where(Pitch.challenge_id == challenge.id).order_by(Rating.id))
    if user_ids is not None:
        statement = statement.where(Rating.user_id.in_(user_ids))
    return [(rating, policy.exclusion_reason(standing, rating.user_id, rating.pitch_id,
                                             rating.account_age_hours))
            for rating in db.session.execute(statement)]


def set_reasons(changed: list[tuple]) -> None:
    by_reason: dict[str | None, list[int]] = defaultdict(list)
    for rating, reason in changed:
        by_reason[reason].append(rating.id)
    for reason, ids in by_reason.items():
        for start in range(0, len(ids), 500):
            db.session.execute(update(Rating).where(Rating.id.in_(ids[start:start + 500]))
                               .values(excluded_reason=reason), execution_options=NO_SYNC)


def reassess(challenge: Challenge, user_ids=None) -> int:
    """Re-judge the challenge's ratings (all, or these people's) by voting.policy, moving
    each whose verdict changed between counted and excluded tallies; returns how many
    moved. The work is one challenge's ratings at most; the caller commits."""
    if not policy.judges_ratings(challenge):
        return 0
    if user_ids is not None:
        user_ids = sorted(set(user_ids))
        if not user_ids:
            return 0
    lock_challenge(challenge.id)  # nobody rates meanwhile
    changed = [(rating, reason) for rating, reason in judged_ratings(challenge, user_ids)
               if reason != rating.excluded_reason]
    if not changed:
        return 0
    changes = Changes()
    for rating, reason in changed:
        for verdict, delta in ((rating.excluded_reason, -1), (reason, 1)):
            changes.rating(rating.pitch_id, submitted=rating.pitch_status == "submitted",
                           is_panel=rating.is_panel, stars=rating.stars, reason=verdict,
                           delta=delta)
    changes.write(challenge.id)
    set_reasons(changed)
    _expire_loaded(challenge.id, set(), {rating.id for rating, _ in changed})
    return len(changed)


def _expire_loaded(challenge_id: int, pitch_ids: set, rating_ids: set = frozenset()) -> None:
    """Rows changed by UPDATE statements are read afresh next time they are used."""
    for loaded in list(db.session.identity_map.values()):
        if ((isinstance(loaded, ChallengeTally) and loaded.challenge_id == challenge_id)
                or (isinstance(loaded, PitchTally) and loaded.pitch_id in pitch_ids)
                or (isinstance(loaded, Rating) and loaded.id in rating_ids)):
            db.session.expire(loaded)
