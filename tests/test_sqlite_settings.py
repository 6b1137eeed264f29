"""Every SQLite connection the exchange opens enforces foreign keys and has the page cache
of exchange.extensions.SQLITE_CACHE_KIB (SQLite's own default, 2 MiB, is far too small for
a database of a million ratings)."""
import pytest
from sqlalchemy import text

from exchange.extensions import SQLITE_CACHE_KIB, db


def test_each_sqlite_connection_is_set_up(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's settings")
        db.engine.dispose()  # a new connection, made by the pool now
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA cache_size")).scalar() == -SQLITE_CACHE_KIB
    assert SQLITE_CACHE_KIB >= 16 * 1024
