"""When each demo event happened: a history over the weeks before the data is loaded.

Every challenge has `days_ago` for each status it reached (`posted` is its creation as a
draft). Pitches arrive while it is open, ratings come after a pitch is submitted and before
the challenge stops taking them, comments after the pitch and before the challenge closes
(or the pitch is withdrawn), each reply after what it answers. The demo loader runs each
event with the app's clock set to its moment (exchange.clock.set_to), so the services make
it by the same rules as a live one.
"""
import random
from datetime import datetime, timedelta

from exchange.clock import utcnow

SEED = 2014
HOUR = timedelta(hours=1)
# People and organisations arrive first, over a few days, well before any challenge.
PEOPLE_DAYS_AGO = (84, 76)


class Timeline:
    """The moments of one load: fixed once, so every event is placed against one `now`."""

    def __init__(self, now: datetime | None = None):
        self.now = (now or utcnow()).replace(second=0, microsecond=0)

    def days_ago(self, days: float) -> datetime:
        return self.now - timedelta(days=days)

    def person(self, index: int, count: int) -> datetime:
        """When the index-th of `count` people registered."""
        first, last = PEOPLE_DAYS_AGO
        return self.days_ago(first - (first - last) * index / max(count - 1, 1))

    def statuses(self, spec: dict) -> dict[str, datetime]:
        """The moment of each status the challenge reached, and `posted`."""
        return {status: self.days_ago(days) for status, days in spec["days_ago"].items()}

    def end_of_pitches(self, moments: dict[str, datetime]) -> datetime:
        """Pitches are taken until the challenge leaves open (or until now)."""
        return _first_after_open(moments, ("voting", "closed")) or self.now - HOUR

    def end_of_ratings(self, moments: dict[str, datetime]) -> datetime:
        """Ratings are taken while open or voting."""
        return _first_after_open(moments, ("shortlisted", "closed")) or self.now - HOUR

    def end_of_comments(self, moments: dict[str, datetime]) -> datetime:
        """Comments are taken until the challenge closes."""
        return moments.get("closed") or self.now - HOUR


def _first_after_open(moments: dict[str, datetime], statuses) -> datetime | None:
    found = [moments[status] for status in statuses if status in moments]
    return min(found) if found else None


def spread(key: str, count: int, start: datetime, end: datetime) -> list[datetime]:
    """`count` moments between start and end, in order, the same on every load; each at a
    whole minute, as people act."""
    rng = random.Random(f"{SEED}:times:{key}")
    span = max((end - start).total_seconds() - 120, 60.0)  # never past `end`
    seconds = sorted(rng.uniform(0, span) for _ in range(count))
    return [(start + timedelta(seconds=s)).replace(second=0, microsecond=0) + timedelta(
        minutes=1) for s in seconds]


def between(start: datetime, end: datetime, share: float) -> datetime:
    """The moment `share` of the way from start to end, at a whole minute."""
    return (start + (end - start) * share).replace(second=0, microsecond=0)
