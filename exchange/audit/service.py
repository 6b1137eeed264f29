"""Recording changes, and reading the trail back."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from exchange.audit.models import AuditEvent
from exchange.errors import NotAllowed
from exchange.extensions import db
from exchange.http.pagination import Page, SortKey, paginate

# Newest first; ids only grow, so the order is stable under inserts.
NEWEST_FIRST = [SortKey(AuditEvent.id, True, lambda e: e.id)]


def record(actor, action: str, subject_type: str, subject_id: int, *,
           challenge_id: int | None = None, **detail) -> AuditEvent:
    """Add an audit event to the current transaction (the caller commits).

    `challenge_id` files the event under a challenge's trail; when the subject is the
    challenge itself it is the subject's id. Pass what changed as
    `changes=audit.changes(before, after)`.
    """
    if challenge_id is None and subject_type == "challenge":
        challenge_id = subject_id
    event = AuditEvent(actor_id=getattr(actor, "id", None), action=action,
                       subject_type=subject_type, subject_id=subject_id,
                       challenge_id=challenge_id, detail=_plain(detail))
    db.session.add(event)
    return event


def snapshot(thing, names) -> dict:
    """The named attributes of `thing` as JSON values, to compare after a change."""
    return {name: _plain(getattr(thing, name)) for name in names}


def changes(before: dict, after: dict) -> dict:
    """{field: {"before": ..., "after": ...}} for each field whose value differs."""
    found = {}
    for name in sorted(before.keys() | after.keys()):
        old, new = _plain(before.get(name)), _plain(after.get(name))
        if old != new:
            found[name] = {"before": old, "after": new}
    return found


def _plain(value):
    """A value as JSON keeps it: times in UTC with a Z, sets sorted, tuples as lists."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(item) for item in value)
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


# ---- reading ---------------------------------------------------------------------------------

def may_read_everything(user) -> bool:
    """Admins read the whole trail."""
    return user is not None and user.is_admin


def everything(user, *, subject_type=None, subject_id=None, actor_id=None,
               limit: int, cursor: str | None) -> Page:
    """One page of the whole trail, newest first, for an admin; NotAllowed (403) otherwise."""
    if not may_read_everything(user):
        raise NotAllowed("Only admins read the whole audit trail.")
    statement = select(AuditEvent)
    if subject_type is not None:
        statement = statement.where(AuditEvent.subject_type == subject_type)
    if subject_id is not None:
        statement = statement.where(AuditEvent.subject_id == subject_id)
    if actor_id is not None:
        statement = statement.where(AuditEvent.actor_id == actor_id)
    return present_page(paginate(statement, NEWEST_FIRST, limit, cursor))


def of_challenge(challenge_id: int, *, actions=None, limit: int, cursor: str | None) -> Page:
    """One page of the events filed under a challenge, newest first (the caller authorises)."""
    statement = select(AuditEvent).where(AuditEvent.challenge_id == challenge_id)
    if actions is not None:
        statement = statement.where(AuditEvent.action.in_(actions))
    return paginate(statement, NEWEST_FIRST, limit, cursor)


def present_page(page: Page) -> Page:
    """Each event with its actor named (null once their account is erased)."""
    page.items = [{
        "id": event.id, "action": event.action,
        "actor": None if event.actor is None else {
            "id": event.actor.id, "display_name": event.actor.display_name},
        "subject_type": event.subject_type, "subject_id": event.subject_id,
        "challenge_id": event.challenge_id, "detail": event.detail or {},
        "created_at": event.created_at,
    } for event in page.items]
    return page
