"""Time in one place: naive UTC datetimes in the database, ISO 8601 with Z on the wire."""
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

# Set only by `set_to`, for the demo data's back-dated history; each thread has its own.
_set_to: ContextVar[datetime | None] = ContextVar("clock_set_to", default=None)


def utcnow() -> datetime:
    """Now, or the moment the clock is set to."""
    moment = _set_to.get()
    return moment if moment is not None else datetime.now(UTC).replace(tzinfo=None)


@contextmanager
def set_to(moment: datetime) -> Iterator[None]:
    """Run the block as if it were `moment`: every service and default reads it here, so a
    past event is made by the same rules as a present one."""
    token = _set_to.set(moment)
    try:
        yield
    finally:
        _set_to.reset(token)
