"""A database that cannot be reached answers 503 with Retry-After, never a 500.

SQLAlchemy reports every database error through its engine's `handle_error` event; the
connection-level ones are turned here, and only here, into the domain error `Unavailable`,
which the usual handler in http/errors.py answers as problem+json. Everything else (an
integrity error, a bad query: a bug) goes on as before and still answers 500, so a fault
of ours is never passed off as the database's.

A pooled connection the server closed (a restart, an administrator ending it) is replaced
when it is checked out, so when the database returns the next request simply connects again:
no restart needed. The test is local, not a round trip (which pool_pre_ping would cost every
request): an idle PostgreSQL connection has nothing to read, so a socket that is readable
holds the server's goodbye or its end of file. A connection that dies while in use fails
its statement (503) and SQLAlchemy invalidates the whole pool: the rest are made anew.
"""
import logging
import select

from apispec import BasePlugin
from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError

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


def closed_by_server(dbapi_connection) -> bool:
    """Whether an idle pooled PostgreSQL connection was closed by the server, told without
    a round trip: psycopg knows it broken, or its socket has something to read."""
    if dbapi_connection.closed or dbapi_connection.broken:
        return True
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN)
    return bool(poller.poll(0))


def _replace_if_closed(dbapi_connection, _record, _proxy) -> None:
    # DisconnectionError tells the pool to drop this connection and check out another.
    if closed_by_server(dbapi_connection):
        raise DisconnectionError("The database closed this pooled connection.")


def init_outage(app: Flask) -> None:
    """Listen for database errors on this app's engines, and replace pooled PostgreSQL
    connections the server has closed as they are checked out (a SQLite file has no
    server that could close one)."""
    with app.app_context():
        for engine in db.engines.values():
            event.listen(engine, "handle_error", _translate)
            if engine.dialect.name == "postgresql":
                event.listen(engine.pool, "checkout", _replace_if_closed)


class OutagePlugin(BasePlugin):
    """Documents the 503 (with Retry-After) that any operation answers while the database
    is unreachable."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        for operation in (operations or {}).values():
            operation.setdefault("responses", {})["503"] = "SERVICE_UNAVAILABLE"
