"""Tallies: the counts, sums and histograms of ratings kept on each pitch and challenge.

Counted ratings (excluded_reason null) are in the pitch's fourteen columns and the
challenge's totals; kept-but-excluded ones only in `excluded_tallies`, per reason. They
change only here, by relative UPDATEs in the same transaction as the rating, after the
pitch row is locked, so parallel ratings never double-count. `reassess` moves ratings
between counted and excluded when the rules' verdict on them changes; `recount` rebuilds
everything from the ratings for `flask reconcile-tallies`.
"""
from collections import Counter, defaultdict

from sqlalchemy import delete, func, select, update

from exchange import rows
from exchange.challenges.models import Challenge, ChallengeRater
from exchange.extensions import db
from exchange.pitches.models import Pitch
from exchange.voting import policy
from exchange.voting.models import EXCLUSION_REASONS, ExcludedTally, Rating


def lock_pitch(pitch_id: int) -> Pitch | None:
    """Lock one pitch row for the rest of the transaction: rating writers queue up on it."""
    return rows.lock(Pitch, pitch_id)


def _kind(is_panel: bool) -> str:
    return "panel" if is_panel else "public"


def apply(pitch: Pitch, *, is_panel: bool, stars: int, delta: int) -> None:
    """Add (delta=1) or take away (delta=-1) one rating of `stars` to the pitch's tallies."""
    kind = _kind(is_panel)
    count, total, bucket = (getattr(Pitch, f"{kind}_count"), getattr(Pitch, f"{kind}_sum"),
                            getattr(Pitch, f"{kind}_{stars}"))
    db.session.execute(
        update(Pitch).where(Pitch.id == pitch.id).values(
            {count: count + delta, total: total + delta * stars, bucket: bucket + delta}),
        execution_options={"synchronize_session": False})
    if pitch.status == "submitted":
        _apply_to_challenge(pitch.challenge_id, is_panel, delta, delta * stars)
    db.session.expire(pitch)


def apply_excluded(pitch_id: int, reason: str, delta: int) -> None:
    """Add (delta > 0) or take away (delta < 0) kept-but-excluded ratings of the pitch,
    under their reason."""
    if delta < 0:
        # An UPDATE, not an upsert: the row is there, and its CHECK (count >= 0) would
        # refuse the negative count an upsert proposes before it finds the conflict.
        db.session.execute(
            update(ExcludedTally).where(ExcludedTally.pitch_id == pitch_id,
                                        ExcludedTally.reason == reason)
            .values(count=ExcludedTally.count + delta),
            execution_options={"synchronize_session": False})
        return
    statement = rows.upsert(ExcludedTally).values(pitch_id=pitch_id, reason=reason,
                                                  count=delta)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["pitch_id", "reason"], set_={"count": ExcludedTally.count + delta}),
        execution_options={"synchronize_session": False})


def add(pitch: Pitch, *, is_panel: bool, stars: int, reason: str | None, delta: int) -> None:
    """Add (delta=1) or take away (delta=-1) one rating: to the counted tallies when `reason` is None, else to
    the excluded tally of that reason."""
    if reason is None:
        apply(pitch, is_panel=is_panel, stars=stars, delta=delta)
    else:
        apply_excluded(pitch.id, reason, delta)


def excluded_by_pitch(challenge_id: int) -> dict[int, dict[str, int]]:
    """Kept-but-excluded ratings per pitch of the challenge, every reason present (0 when
    none), in one query whatever the number of pitches."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(EXCLUSION_REASONS, 0))
    for pitch_id, reason, count in db.session.execute(
            select(ExcludedTally.pitch_id, ExcludedTally.reason, ExcludedTally.count)
            .join(Pitch, Pitch.id == ExcludedTally.pitch_id)
            .where(Pitch.challenge_id == challenge_id)):
        counts[pitch_id][reason] = count
    return counts


def _apply_to_challenge(challenge_id: int, is_panel: bool, count: int, total: int) -> None:
    values = ({Challenge.panel_rating_count: Challenge.panel_rating_count + count}
              if is_panel else
              {Challenge.rating_count: Challenge.rating_count + count,
               Challenge.rating_sum: Challenge.rating_sum + total})
    db.session.execute(update(Challenge).where(Challenge.id == challenge_id).values(values),
                       execution_options={"synchronize_session": False})


def ratings_changed(challenge_id: int) -> None:
    """Bump the challenge's ratings version: anything cached from its ratings is stale."""
    db.session.execute(update(Challenge).where(Challenge.id == challenge_id)
                       .values(ratings_version=Challenge.ratings_version + 1),
                       execution_options={"synchronize_session": False})


def count_rater(challenge_id: int, user_id: int, delta: int) -> None:
    """Keep `rater_count` = people with at least one rating on the challenge's pitches."""
    if delta > 0:
        statement = rows.upsert(ChallengeRater).values(challenge_id=challenge_id, user_id=user_id,
                                                  ratings=1)
        statement = statement.on_conflict_do_update(
            index_elements=["challenge_id", "user_id"],
            set_={"ratings": ChallengeRater.ratings + 1}).returning(ChallengeRater.ratings)
        first = db.session.execute(statement).scalar_one() == 1
        change = 1 if first else 0
    else:
        left = db.session.execute(
            update(ChallengeRater).where(ChallengeRater.challenge_id == challenge_id,
                                         ChallengeRater.user_id == user_id)
            .values(ratings=ChallengeRater.ratings - 1).returning(ChallengeRater.ratings),
            execution_options={"synchronize_session": False}).scalar_one_or_none()
        change = 0
        if left == 0:
            db.session.execute(delete(ChallengeRater).where(
                ChallengeRater.challenge_id == challenge_id, ChallengeRater.user_id == user_id,
                ChallengeRater.ratings == 0), execution_options={"synchronize_session": False})
            change = -1
    if change:
        db.session.execute(update(Challenge).where(Challenge.id == challenge_id)
                           .values(rater_count=Challenge.rater_count + change),
                           execution_options={"synchronize_session": False})


def pitch_withdrawn(pitch: Pitch) -> None:
    """Take a withdrawn pitch's ratings out of its challenge's totals (it no longer counts)."""
    _apply_to_challenge(pitch.challenge_id, False, -pitch.public_count, -pitch.public_sum)
    _apply_to_challenge(pitch.challenge_id, True, -pitch.panel_count, 0)
    ratings_changed(pitch.challenge_id)


def move_ratings_between_panel_and_public(challenge: Challenge, user_id: int, *,
                                          to_panel: bool) -> None:
    """Re-tally one person's ratings on a challenge when they join or leave its panel."""
    ratings = db.session.scalars(
        select(Rating).join(Pitch, Pitch.id == Rating.pitch_id)
        .where(Pitch.challenge_id == challenge.id, Rating.user_id == user_id,
               Rating.is_panel.is_not(to_panel))
        .order_by(Rating.pitch_id)).all()
    if ratings:
        ratings_changed(challenge.id)
    for rating in ratings:
        # An excluded rating stays in its excluded tally, which is not split by panel.
        if rating.excluded_reason is None:
            pitch = lock_pitch(rating.pitch_id)
            apply(pitch, is_panel=rating.is_panel, stars=rating.stars, delta=-1)
            apply(pitch, is_panel=to_panel, stars=rating.stars, delta=1)
        rating.is_panel = to_panel


# ---- re-judging ratings when the facts the rules read change --------------------------------

class _Moves:
    """Tally changes gathered over many ratings, written as one UPDATE per pitch."""

    def __init__(self):
        self.columns: dict[int, Counter] = defaultdict(Counter)
        self.excluded: Counter = Counter()
        self.challenge: Counter = Counter()

    def add(self, rating, reason: str | None, delta: int) -> None:
        if reason is not None:
            self.excluded[(rating.pitch_id, reason)] += delta
            return
        kind = _kind(rating.is_panel)
        columns = self.columns[rating.pitch_id]
        columns[f"{kind}_count"] += delta
        columns[f"{kind}_sum"] += delta * rating.stars
        columns[f"{kind}_{rating.stars}"] += delta
        if rating.pitch_status == "submitted":
            if rating.is_panel:
                self.challenge["panel_rating_count"] += delta
            else:
                self.challenge["rating_count"] += delta
                self.challenge["rating_sum"] += delta * rating.stars

    def write(self, challenge_id: int) -> None:
        for pitch_id in sorted(self.columns):
            values = {getattr(Pitch, name): getattr(Pitch, name) + change
                      for name, change in self.columns[pitch_id].items() if change}
            if values:
                db.session.execute(update(Pitch).where(Pitch.id == pitch_id).values(values),
                                   execution_options={"synchronize_session": False})
        for (pitch_id, reason), change in sorted(self.excluded.items()):
            if change:
                apply_excluded(pitch_id, reason, change)
        values = {getattr(Challenge, name): getattr(Challenge, name) + change
                  for name, change in self.challenge.items() if change}
        if values:
            db.session.execute(update(Challenge).where(Challenge.id == challenge_id)
                               .values(values), execution_options={"synchronize_session": False})


def _judged_ratings(challenge: Challenge, user_ids=None) -> list[tuple]:
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


def _set_reasons(changed: list[tuple]) -> None:
    by_reason: dict[str | None, list[int]] = defaultdict(list)
    for rating, reason in changed:
        by_reason[reason].append(rating.id)
    for reason, ids in by_reason.items():
        for start in range(0, len(ids), 500):
            db.session.execute(update(Rating).where(Rating.id.in_(ids[start:start + 500]))
                               .values(excluded_reason=reason),
                               execution_options={"synchronize_session": False})


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
    # Challenge before pitch, as every rating writer locks them: nobody rates meanwhile.
    rows.lock(Challenge, challenge.id)
    changed = [(rating, reason) for rating, reason in _judged_ratings(challenge, user_ids)
               if reason != rating.excluded_reason]
    moves = _Moves()
    for rating, reason in changed:
        moves.add(rating, rating.excluded_reason, -1)
        moves.add(rating, reason, 1)
    moves.write(challenge.id)
    _set_reasons(changed)
    if changed:
        ratings_changed(challenge.id)
    _expire_loaded(challenge.id, set(moves.columns), {rating.id for rating, _ in changed})
    return len(changed)


def _expire_loaded(challenge_id: int, pitch_ids: set, rating_ids: set) -> None:
    """Rows changed by UPDATE statements are read afresh next time they are used."""
    for loaded in list(db.session.identity_map.values()):
        if ((isinstance(loaded, Challenge) and loaded.id == challenge_id)
                or (isinstance(loaded, Pitch) and loaded.id in pitch_ids)
                or (isinstance(loaded, Rating) and loaded.id in rating_ids)):
            db.session.expire(loaded)


# ---- recounting, for reconcile-tallies ----------------------------------------------------

TALLY_FIELDS = [f"{kind}_{part}" for kind in ("public", "panel")
                for part in ("count", "sum", "1", "2", "3", "4", "5")]
CHALLENGE_FIELDS = ["rating_count", "rating_sum", "panel_rating_count", "rater_count"]


def _expected_pitch_tallies() -> dict[int, dict]:
    expected: dict[int, dict] = {}
    counted = db.session.execute(
        select(Rating.pitch_id, Rating.is_panel, Rating.stars, func.count())
        .where(Rating.excluded_reason.is_(None))
        .group_by(Rating.pitch_id, Rating.is_panel, Rating.stars))
    for pitch_id, is_panel, stars, n in counted:
        tally = expected.setdefault(pitch_id, dict.fromkeys(TALLY_FIELDS, 0))
        kind = _kind(is_panel)
        tally[f"{kind}_count"] += n
        tally[f"{kind}_sum"] += n * stars
        tally[f"{kind}_{stars}"] += n
    return expected


def recount(fix: bool = False) -> list[str]:
    """Compare every rating's exclusion reason with the rules, and every counted and
    excluded tally with the ratings; return the drift found, repairing it if `fix`."""
    drift = _recount_reasons(fix)
    drift += _recount_counted(fix)
    drift += _recount_excluded(fix)
    if fix and drift:
        _rebuild_challenge_raters()
        # Ratings were changed by something other than the rating paths: nothing cached
        # from them can be trusted.
        db.session.execute(update(Challenge).values(
            ratings_version=Challenge.ratings_version + 1))
        db.session.commit()
    return drift


def _recount_reasons(fix: bool) -> list[str]:
    """Re-judge the ratings of every challenge that takes ratings. A challenge past voting
    is not re-judged: its ratings' reasons stand as they were when it stopped taking
    ratings (what happens later, such as someone joining a supplier, does not reach back),
    so there is nothing the rules could correct there."""
    drift: list[str] = []
    for challenge in db.session.scalars(select(Challenge).order_by(Challenge.id)):
        if not policy.judges_ratings(challenge):
            continue
        wrong = [(rating, reason) for rating, reason in _judged_ratings(challenge)
                 if reason != rating.excluded_reason]
        drift += [f"rating {rating.id} (pitch {rating.pitch_id}, user {rating.user_id}) "
                  f"excluded_reason: stored {rating.excluded_reason}, judged {reason}"
                  for rating, reason in wrong]
        if fix:
            _set_reasons(wrong)
    return drift


def _recount_counted(fix: bool) -> list[str]:
    drift: list[str] = []
    expected = _expected_pitch_tallies()
    challenge_totals: dict[int, dict] = {}
    for pitch in db.session.scalars(select(Pitch).order_by(Pitch.id)):
        want = expected.get(pitch.id, dict.fromkeys(TALLY_FIELDS, 0))
        for field, value in want.items():
            if getattr(pitch, field) != value:
                drift.append(f"pitch {pitch.id} {field}: stored {getattr(pitch, field)}, "
                             f"counted {value}")
                if fix:
                    setattr(pitch, field, value)
        totals = challenge_totals.setdefault(pitch.challenge_id,
                                             dict.fromkeys(CHALLENGE_FIELDS, 0))
        if pitch.status == "submitted":
            totals["rating_count"] += want["public_count"]
            totals["rating_sum"] += want["public_sum"]
            totals["panel_rating_count"] += want["panel_count"]
    # rater_count is everyone who rated, excluded or not: it says how many took part.
    raters = db.session.execute(
        select(Pitch.challenge_id, func.count(func.distinct(Rating.user_id)))
        .join(Rating, Rating.pitch_id == Pitch.id).group_by(Pitch.challenge_id))
    for challenge_id, n in raters:
        challenge_totals.setdefault(challenge_id, dict.fromkeys(CHALLENGE_FIELDS, 0))[
            "rater_count"] = n
    for challenge in db.session.scalars(select(Challenge).order_by(Challenge.id)):
        want = challenge_totals.get(challenge.id, dict.fromkeys(CHALLENGE_FIELDS, 0))
        for field, value in want.items():
            if getattr(challenge, field) != value:
                drift.append(f"challenge {challenge.id} {field}: stored "
                             f"{getattr(challenge, field)}, counted {value}")
                if fix:
                    setattr(challenge, field, value)
    return drift


def _recount_excluded(fix: bool) -> list[str]:
    drift: list[str] = []
    expected = {(pitch_id, reason): n for pitch_id, reason, n in db.session.execute(
        select(Rating.pitch_id, Rating.excluded_reason, func.count())
        .where(Rating.excluded_reason.is_not(None))
        .group_by(Rating.pitch_id, Rating.excluded_reason))}
    stored = {(row.pitch_id, row.reason): row for row in db.session.scalars(
        select(ExcludedTally))}
    for key in sorted(set(expected) | set(stored)):
        have = stored[key].count if key in stored else 0
        want = expected.get(key, 0)
        if have != want:
            drift.append(f"pitch {key[0]} excluded {key[1]}: stored {have}, counted {want}")
            if fix and key in stored:
                stored[key].count = want
            elif fix:
                db.session.add(ExcludedTally(pitch_id=key[0], reason=key[1], count=want))
    return drift


def _rebuild_challenge_raters() -> None:
    db.session.execute(delete(ChallengeRater))
    rows = db.session.execute(
        select(Pitch.challenge_id, Rating.user_id, func.count())
        .join(Rating, Rating.pitch_id == Pitch.id).group_by(Pitch.challenge_id, Rating.user_id))
    db.session.add_all(ChallengeRater(challenge_id=c, user_id=u, ratings=n) for c, u, n in rows)
