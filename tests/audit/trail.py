"""Reading the audit trail as the tests check it: the rows themselves, and through the API."""
from sqlalchemy import func, select

from exchange.audit import AuditEvent
from exchange.extensions import db
from tests.factories import ok


def events(app, **where) -> list[tuple]:
    """(action, actor_id, subject_type, subject_id, challenge_id, detail) of each event
    matching `where`, oldest first."""
    with app.app_context():
        rows = db.session.scalars(select(AuditEvent).filter_by(**where)
                                  .order_by(AuditEvent.id)).all()
        return [(e.action, e.actor_id, e.subject_type, e.subject_id, e.challenge_id, e.detail)
                for e in rows]


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEvent))


def every_page(client, path: str, limit: int = 100, **filters) -> list[dict]:
    """Every item of a list endpoint, following next_cursor."""
    items, cursor = [], None
    while True:
        query = filters | {"limit": limit} | ({"cursor": cursor} if cursor else {})
        page = ok(client.get(path, query_string=query))
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items
