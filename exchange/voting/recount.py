"""Recounting every tally from the ratings, for `flask reconcile-tallies` (and a bulk load).

Set-based, so that a million ratings recount in seconds and in little memory: the counts
come from GROUP BY queries (a few rows per pitch), only the ratings the rules could exclude
are re-judged (by the code of `tallies.reassess`), and repairs are written in bulk (one
executemany per table, one INSERT ... SELECT for the raters).
"""
from collections import defaultdict

from sqlalchemy import delete, func, insert, or_, select, update

from exchange.challenges import lifecycle
from exchange.challenges.models import Challenge
from exchange.extensions import db
from exchange.pitches.models import Pitch
from exchange.voting import policy
from exchange.voting.models import (
    EXCLUSION_REASONS,
    ChallengeRater,
    ChallengeTally,
    PitchTally,
    Rating,
)
from exchange.voting.tallies import (
    NO_SYNC,
    add_ratings,
    create_missing,
    judged_ratings,
    set_reasons,
)

TALLY_FIELDS = [f"{kind}_{part}" for kind in ("public", "panel")
                for part in ("count", "sum", "1", "2", "3", "4", "5")]
EXCLUDED_FIELDS = [f"excluded_{reason}" for reason in EXCLUSION_REASONS]
CHALLENGE_FIELDS = ["rating_count", "rating_sum", "panel_rating_count", "rater_count"]
JUDGED_AT_ONCE = 500  # people whose ratings on one challenge are re-judged per pass


def recount(fix: bool = False) -> list[str]:
    """Compare every rating's exclusion reason with the rules, and every counted and
    excluded tally with the ratings (a missing tally row is drift too); return the drift
    found, repairing it if `fix`."""
    drift = _missing_rows(fix)
    drift += _recount_reasons(fix)
    expected = _expected_pitch_tallies()
    stored = _stored_pitch_tallies()  # read once: the two passes repair different columns
    drift += _recount_counted(stored, expected, fix)
    drift += _recount_excluded(stored, expected, fix)
    if fix and drift:
        _rebuild_challenge_raters()
        # Ratings were changed by something other than the rating paths: nothing cached
        # from them can be trusted.
        db.session.execute(update(ChallengeTally).values(
            ratings_version=ChallengeTally.ratings_version + 1), execution_options=NO_SYNC)
        db.session.commit()
    return drift


def _missing_rows(fix: bool) -> list[str]:
    drift = [f"challenge {challenge_id} has no tally row" for challenge_id in db.session.scalars(
        select(Challenge.id).where(~select(ChallengeTally.challenge_id).where(
            ChallengeTally.challenge_id == Challenge.id).exists()).order_by(Challenge.id))]
    drift += [f"pitch {pitch_id} has no tally row" for pitch_id in db.session.scalars(
        select(Pitch.id).where(~select(PitchTally.pitch_id).where(
            PitchTally.pitch_id == Pitch.id).exists()).order_by(Pitch.id))]
    if fix and drift:
        create_missing()
        db.session.flush()
    return drift


def _recount_reasons(fix: bool) -> list[str]:
    """Re-judge the ratings of every challenge that takes ratings. A challenge past voting
    is not re-judged: its ratings' reasons stand as they were when it stopped taking
    ratings (what happens later, such as someone joining a supplier, does not reach back),
    so there is nothing the rules could correct there.

    Only the ratings the rules could exclude (`policy.may_be_excluded_in_sql`) or that are
    stored as excluded are judged, by the same code as `reassess`, a challenge and a few
    hundred people at a time: every other rating counts, as it is stored."""
    judged = (select(Pitch.challenge_id, Rating.user_id)
              .join(Pitch, Pitch.id == Rating.pitch_id)
              .join(Challenge, Challenge.id == Pitch.challenge_id)
              .where(Challenge.status.in_(sorted(lifecycle.ACCEPTS_RATINGS)),
                     or_(Rating.excluded_reason.is_not(None), policy.may_be_excluded_in_sql()))
              .distinct())
    people: dict[int, list[int]] = defaultdict(list)
    for challenge_id, user_id in db.session.execute(judged):
        people[challenge_id].append(user_id)
    drift: list[str] = []
    for challenge_id in sorted(people):
        challenge = db.session.get(Challenge, challenge_id)
        if not policy.judges_ratings(challenge):
            continue
        user_ids = sorted(people.pop(challenge_id))
        wrong = []
        for start in range(0, len(user_ids), JUDGED_AT_ONCE):
            wrong += [(rating, reason) for rating, reason in
                      judged_ratings(challenge, user_ids[start:start + JUDGED_AT_ONCE])
                      if reason != rating.excluded_reason]
        wrong.sort(key=lambda judged_rating: judged_rating[0].id)
        drift += [f"rating {rating.id} (pitch {rating.pitch_id}, user {rating.user_id}) "
                  f"excluded_reason: stored {rating.excluded_reason}, judged {reason}"
                  for rating, reason in wrong]
        if fix:
            set_reasons(wrong)
    return drift


def _expected_pitch_tallies() -> dict[int, dict]:
    """Every rated pitch's tally as its ratings say, counted and excluded, from one
    GROUP BY (at most a dozen rows per pitch, whatever its number of ratings)."""
    expected: dict[int, dict] = {}
    groups = db.session.execute(
        select(Rating.pitch_id, Rating.is_panel, Rating.stars, Rating.excluded_reason,
               func.count())
        .group_by(Rating.pitch_id, Rating.is_panel, Rating.stars, Rating.excluded_reason))
    for pitch_id, is_panel, stars, reason, n in groups:
        tally = expected.get(pitch_id)
        if tally is None:
            tally = expected[pitch_id] = dict.fromkeys(TALLY_FIELDS + EXCLUDED_FIELDS, 0)
        add_ratings(tally, is_panel, stars, reason, n)
    return expected


def _stored_pitch_tallies():
    columns = [getattr(PitchTally, name) for name in TALLY_FIELDS + EXCLUDED_FIELDS]
    return db.session.execute(select(PitchTally.pitch_id, PitchTally.challenge_id, *columns)
                              .order_by(PitchTally.pitch_id)).all()


def _compare(what: str, stored, want: dict, fields, label=None) -> list[str]:
    """Drift lines for the fields of one stored row that differ from `want`."""
    return [f"{what} {(label or str)(field)}: stored {getattr(stored, field)}, "
            f"counted {want[field]}"
            for field in fields if getattr(stored, field) != want[field]]


def _recount_counted(stored, expected: dict[int, dict], fix: bool) -> list[str]:
    drift: list[str] = []
    zero = dict.fromkeys(TALLY_FIELDS + EXCLUDED_FIELDS, 0)
    challenge_totals: dict[int, dict] = {}
    submitted = set(db.session.scalars(select(Pitch.id).where(Pitch.status == "submitted")))
    repairs = []
    for tally in stored:
        want = expected.get(tally.pitch_id, zero)
        found = _compare(f"pitch {tally.pitch_id}", tally, want, TALLY_FIELDS)
        if found:
            drift += found
            repairs.append({"pitch_id": tally.pitch_id,
                            **{field: want[field] for field in TALLY_FIELDS}})
        totals = challenge_totals.setdefault(tally.challenge_id,
                                             dict.fromkeys(CHALLENGE_FIELDS, 0))
        if tally.pitch_id in submitted:
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
    challenge_repairs = []
    stored_challenges = db.session.execute(
        select(ChallengeTally.challenge_id,
               *[getattr(ChallengeTally, name) for name in CHALLENGE_FIELDS])
        .order_by(ChallengeTally.challenge_id))
    for tally in stored_challenges:
        want = challenge_totals.get(tally.challenge_id, dict.fromkeys(CHALLENGE_FIELDS, 0))
        found = _compare(f"challenge {tally.challenge_id}", tally, want, CHALLENGE_FIELDS)
        if found:
            drift += found
            challenge_repairs.append({"challenge_id": tally.challenge_id, **want})
    if fix:
        _write_in_bulk(PitchTally, repairs)
        _write_in_bulk(ChallengeTally, challenge_repairs)
    return drift


def _recount_excluded(stored, expected: dict[int, dict], fix: bool) -> list[str]:
    drift: list[str] = []
    zero = dict.fromkeys(EXCLUDED_FIELDS, 0)
    repairs = []
    for tally in stored:
        want = expected.get(tally.pitch_id, zero)
        found = _compare(f"pitch {tally.pitch_id}", tally, want, EXCLUDED_FIELDS,
                         label=lambda field: field.replace("_", " ", 1))
        if found:
            drift += found
            repairs.append({"pitch_id": tally.pitch_id,
                            **{field: want[field] for field in EXCLUDED_FIELDS}})
    if fix:
        _write_in_bulk(PitchTally, repairs)
    return drift


def _write_in_bulk(table, rows: list[dict]) -> None:
    """One UPDATE by primary key per row, sent as executemany batches."""
    for start in range(0, len(rows), 5000):
        db.session.execute(update(table), rows[start:start + 5000])


def _rebuild_challenge_raters() -> None:
    """Rewrite who rated on each challenge, for the challenges where it differs from the
    ratings only: rewriting a million rows takes PostgreSQL about twenty seconds (two
    foreign keys and two indexes per row), comparing them one or two."""
    expected = (select(Pitch.challenge_id, Rating.user_id, func.count().label("ratings"))
                .join(Rating, Rating.pitch_id == Pitch.id)
                .group_by(Pitch.challenge_id, Rating.user_id))
    in_key_order = (Pitch.challenge_id, Rating.user_id)  # the primary key's index grows at its end
    if db.session.scalar(select(ChallengeRater.challenge_id).limit(1)) is None:
        # Nothing stored yet (a bulk load): nothing to compare, everything to write.
        db.session.execute(insert(ChallengeRater).from_select(
            ["challenge_id", "user_id", "ratings"], expected.order_by(*in_key_order)),
            execution_options=NO_SYNC)
        return
    stored = select(ChallengeRater.challenge_id, ChallengeRater.user_id, ChallengeRater.ratings)
    drifted: set[int] = set()
    for difference in (expected.except_(stored), stored.except_(expected)):
        found = difference.subquery()
        drifted.update(db.session.scalars(select(found.c.challenge_id).distinct()))
    drifted_ids = sorted(drifted)
    for start in range(0, len(drifted_ids), 500):
        ids = drifted_ids[start:start + 500]
        db.session.execute(delete(ChallengeRater).where(ChallengeRater.challenge_id.in_(ids)),
                           execution_options=NO_SYNC)
        db.session.execute(insert(ChallengeRater).from_select(
            ["challenge_id", "user_id", "ratings"],
            expected.where(Pitch.challenge_id.in_(ids)).order_by(*in_key_order)),
            execution_options=NO_SYNC)
