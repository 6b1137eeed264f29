"""Publishing a challenge's shortlist, and reading it: the live ranking, frozen as data.

A shortlist keeps the settings and m it was computed with, and one ShortlistEntry per
pitch with its numbers, title and supplier as they were: what it shows never changes
after publication, whatever happens to the ratings, pitches or tallies.
"""
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from exchange import audit
from exchange.challenges import lifecycle
from exchange.challenges import service as challenges
from exchange.clock import utcnow
from exchange.errors import Conflict, NotFound
from exchange.extensions import db
from exchange.pitches.models import Pitch
from exchange.voting import live_ranking, snapshots, tallies
from exchange.voting.models import EXCLUSION_REASONS, Shortlist, ShortlistEntry


def _frozen(position: int, ranked: live_ranking.RankedPitch) -> ShortlistEntry:
    histogram = ranked.histogram
    return ShortlistEntry(
        pitch_id=ranked.pitch_id, position=position, rank=ranked.rank,
        eligible=ranked.eligible, shortlisted=ranked.shortlisted,
        excluded_reasons=list(ranked.excluded_reasons), title=ranked.title,
        supplier_id=ranked.supplier["id"], supplier_name=ranked.supplier["name"],
        submitted_at=ranked.submitted_at, n=ranked.n, S=ranked.S, mean=ranked.mean,
        **{f"public_{k}": histogram[str(k)] for k in range(1, 6)},
        C=ranked.C, public_score=ranked.public_score, panel_count=ranked.panel_count,
        panel_mean=ranked.panel_mean, panel_score=ranked.panel_score,
        combined=ranked.combined, integrity_flags=list(ranked.integrity_flags),
        **{f"excluded_{reason}": ranked.excluded[reason] for reason in EXCLUSION_REASONS})


def publish(user, challenge_id: int) -> Shortlist:
    """An officer freezes the ranking as the shortlist; the challenge becomes shortlisted."""
    challenge = challenges.get_for_officer(challenge_id, user, lock=True)
    tallies.lock_challenge(challenge.id)
    lifecycle.check_may_publish_shortlist(challenge)
    version = tallies.version_of(challenge)
    # The challenge's tally row is locked, and every rating locks it first: the tallies
    # hold still.
    ranking = live_ranking.rank(challenge)
    settings = ranking.settings
    now = utcnow()
    shortlist = Shortlist(
        challenge_id=challenge.id, published_by_id=user.id, published_at=now,
        method=settings.method, panel_weight=settings.panel_weight,
        min_ratings=settings.min_ratings, prior_weight=settings.prior_weight,
        shortlist_size=settings.shortlist_size, m=ranking.m,
        entries=[_frozen(position, ranked)
                 for position, ranked in enumerate(ranking.entries, start=1)])
    db.session.add(shortlist)
    chosen = shortlist.shortlisted_pitch_ids
    if chosen:
        db.session.execute(update(Pitch).where(Pitch.id.in_(chosen)).values(shortlisted=True),
                           execution_options={"synchronize_session": False})
    audit.record(user, "shortlist.published", "challenge", challenge.id,
                 shortlisted_pitch_ids=chosen,
                 changes=audit.changes({"status": challenge.status},
                                       {"status": "shortlisted"}))
    lifecycle.shortlist_published(challenge, now)
    snapshots.seal(shortlist, challenge, ranking, version)
    try:
        db.session.commit()
    except IntegrityError:
        # Another challenge's snapshot took the chain's head first (one successor each).
        db.session.rollback()
        raise Conflict("Another shortlist was published at the same moment; try again.") \
            from None
    return shortlist


def published(user, challenge_id: int) -> Shortlist:
    """The frozen shortlist, exactly as published; 404 before publication."""
    challenge = challenges.get_visible(challenge_id, user)
    shortlist = db.session.scalar(select(Shortlist).where(Shortlist.challenge_id == challenge.id))
    if shortlist is None:
        raise NotFound("This challenge has no published shortlist yet.")
    return shortlist
