"""The list orders of challenges and pitches that read voting's tallies.

Challenges and pitches cannot import voting, so each keeps a registry of such orders
(`COUNTED_ORDERS`) that voting fills at start-up (hooks.connect). A registry rather than
routes owned by voting: the lists stay one endpoint each, with their filters, visibility
and wire format in their own domain, and only the order that needs the tallies comes from
here.
"""
from datetime import datetime

from sqlalchemy.orm import contains_eager

from exchange.challenges.models import Challenge
from exchange.extensions import db
from exchange.http.pagination import Page, SortKey, paginate, paginate_in_memory
from exchange.pitches.models import Pitch
from exchange.voting import ranking
from exchange.voting.models import ChallengeTally, PitchTally
from exchange.voting.service import rank_pitches

# Served by ix_challenge_tallies_popular and ix_pitch_tallies_most_rated.
POPULAR = [SortKey(ChallengeTally.rating_count, True, lambda c: c.tally.rating_count),
           SortKey(ChallengeTally.challenge_id, True, lambda c: c.id)]
MOST_RATED = [SortKey(PitchTally.public_count, True, lambda p: p.tally.public_count),
              SortKey(PitchTally.pitch_id, True, lambda p: p.id)]


def challenges_by_ratings(statement):
    """A challenge listing, most counted public ratings first: (statement, sort keys)."""
    return (statement.join(ChallengeTally, ChallengeTally.challenge_id == Challenge.id)
            .options(contains_eager(Challenge.tally)), POPULAR)


def pitches_by_ratings(challenge: Challenge, statement, limit: int, cursor: str | None) -> Page:
    """One page of a pitch listing, most counted public ratings first."""
    statement = (statement.join(PitchTally, PitchTally.pitch_id == Pitch.id)
                 .where(PitchTally.challenge_id == challenge.id)
                 .options(contains_eager(Pitch.tally)))
    return paginate(statement, MOST_RATED, limit, cursor)


# The score depends on the challenge's prior mean, so pitches are ordered in memory; the
# work is one row per pitch of the challenge, whatever the number of ratings.
SCORE_KEYS = [SortKey(None, True, lambda row: row[1].combined, float),
              SortKey(None, True, lambda row: row[1].n),
              SortKey(None, False, lambda row: row[0].submitted_at, datetime),
              SortKey(None, False, lambda row: row[0].id)]


def pitches_by_score(challenge: Challenge, statement, limit: int, cursor: str | None) -> Page:
    """One page of the pitches `statement` selects, best ranking score first."""
    found = list(db.session.scalars(statement))
    _, _, entries = rank_pitches(challenge, found)
    by_id = {p.id: p for p in found}
    ordered = [(by_id[e.pitch_id], e) for e in ranking.score_order(entries)]
    page = paginate_in_memory(ordered, SCORE_KEYS, limit, cursor)
    page.items = [pitch for pitch, _ in page.items]
    return page
