"""Time in one place: naive UTC datetimes in the database, ISO 8601 with Z on the wire."""
from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)
