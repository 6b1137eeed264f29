"""A database that cannot be reached answers 503 with Retry-After, never a 500.

SQLAlchemy reports every database error through its engine's `handle_error` event; the
connection-level ones are turned here, and only here, into the domain error `Unavailable`,
which the usual handler in http/errors.py answers as problem+json. Everything else (an
integrity error, a bad query: a bug) goes on as before and still answers 500, so a fault
of ours is never passed off as the database's.

pool_pre_ping (config.py) tests each pooled connection before use and replaces dead ones,
so when the database returns the next request simply connects again: no restart needed.
"""
import logging

from apispec import BasePlugin
from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import InterfaceError, OperationalError

from exchange.errors import Unavailable
from exchange.extensions import db

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5

# SQLSTATEs PostgreSQL sends when the connection itself fails: class 08 (connection
# exception), and the server shutting down or starting up (57P01-57P03). Other
# OperationalErrors (deadlock, serialization failure, statement timeout) are not outages.
CONNECTION_SQLSTATE_CLASS = "08"
SERVER_GOING_AWAY = {"57P01", "57P02", "57P03"}


def is_database_unreachable(context: ExceptionContext) -> bool:
    """True when the error says the database cannot be reached, not that a statement failed.

    - `is_disconnect`: the dialect recognised a dropped connection (psycopg: the connection
      is closed or broken);
    - no connection yet: connecting failed (psycopg reports a refused connection as an
      OperationalError without SQLSTATE; SQLite one it cannot open the same way);
    - a SQLSTATE of a connection failure or of a server going away.
    """
    if context.is_disconnect:
        return True
    error = context.sqlalchemy_exception
    if context.connection is None and isinstance(error, OperationalError | InterfaceError):
        return True
    sqlstate = getattr(context.original_exception, "sqlstate", None) or ""
    return sqlstate.startswith(CONNECTION_SQLSTATE_CLASS) or sqlstate in SERVER_GOING_AWAY


def _translate(context: ExceptionContext) -> None:
    # A failed pre-ping is the pool finding a dead connection: it reconnects by itself.
    if context.is_pre_ping or not is_database_unreachable(context):
        return
    log.warning("Database unavailable: %s", context.original_exception)
    raise Unavailable(
        f"The database is unavailable; try again in {RETRY_AFTER_SECONDS} seconds.",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def init_outage(app: Flask) -> None:
    """Listen for database errors on this app's engines."""
    with app.app_context():
        for engine in db.engines.values():
            event.listen(engine, "handle_error", _translate)


class OutagePlugin(BasePlugin):
    """Documents the 503 (with Retry-After) that any operation answers while the database
    is unreachable."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        for operation in (operations or {}).values():
            operation.setdefault("responses", {})["503"] = "SERVICE_UNAVAILABLE"
