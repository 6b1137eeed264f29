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
from exchange.http.pagination import Page, SortKey, paginate, paginate_in_memory
from exchange.pitches import service as pitches
from exchange.pitches.models import Pitch
from exchange.voting import live_ranking
from exchange.voting.models import ChallengeTally, PitchTally

# Served by ix_challenge_tallies_popular and ix_pitch_tallies_most_rated.
POPULAR = [SortKey(ChallengeTally.rating_count, True, lambda row: row.rating_count),
           SortKey(ChallengeTally.challenge_id, True, lambda row: row.id)]
MOST_RATED = [SortKey(PitchTally.public_count, True, lambda p: p.tally.public_count),
              SortKey(PitchTally.pitch_id, True, lambda p: p.id)]


def challenges_by_ratings(statement):
    """A challenge listing (rows), most counted public ratings first, with its
    `rating_count` column: (statement, sort keys)."""
    return (statement.join(ChallengeTally, ChallengeTally.challenge_id == Challenge.id)
            .add_columns(ChallengeTally.rating_count), POPULAR)


def pitches_by_ratings(challenge: Challenge, status: str, limit: int,
                       cursor: str | None) -> Page:
    """One page of the challenge's pitches in `status`, most counted public ratings first."""
    statement = (pitches.listing(challenge, status).join(PitchTally, PitchTally.pitch_id == Pitch.id)
                 .where(PitchTally.challenge_id == challenge.id)
                 .options(contains_eager(Pitch.tally)))
    return paginate(statement, MOST_RATED, limit, cursor)


# The score depends on the challenge's prior mean, so the order is worked out in memory,
# once per ratings version (live_ranking.score_order, the ranking's own order: eligible
# pitches first); a page then loads only its pitches. Eligibility leads the cursor too.
SCORE_KEYS = [SortKey(None, True, lambda place: int(place.eligible)),
              SortKey(None, True, lambda place: place.combined, float),
              SortKey(None, True, lambda place: place.n),
              SortKey(None, False, lambda place: place.submitted_at, datetime),
              SortKey(None, False, lambda place: place.pitch_id)]


def pitches_by_score(challenge: Challenge, status: str, limit: int,
                     cursor: str | None) -> Page:
    """One page of the challenge's pitches in `status`, in the ranking's order."""
    page = paginate_in_memory(live_ranking.score_order(challenge, status).places, SCORE_KEYS,
                              limit, cursor)
    page.items = pitches.in_order([place.pitch_id for place in page.items])
    return page

