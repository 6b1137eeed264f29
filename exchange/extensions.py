"""Extensions: created here, bound to the app in create_app()."""
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names keep Alembic's autogenerate quiet and migrations portable.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


# SQLite's page cache per connection, in KiB (its default is 2 MiB). At a million ratings the
# database is some 500 MB and a rating reads index pages spread all over it: with 2 MiB
# most of them came from the operating system again (a rating's p99 in process 7.7-8.0 ms
# against 2.4-3.9 ms with 32 MiB, on the benchmark's data). Filled only as pages are read.
SQLITE_CACHE_KIB = 32 * 1024
# SQLite's own default, for a connection that reads each page once (the open data export).
SQLITE_DEFAULT_CACHE_KIB = 2000


@event.listens_for(Engine, "connect")
def _sqlite_settings(dbapi_connection, connection_record):
    """Per SQLite connection: foreign keys enforced (SQLite ignores them, and ON DELETE
    CASCADE, unless asked) and a page cache of SQLITE_CACHE_KIB."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cursor.close()
