"""Fixtures: an app on a schema built by the migrations, clean data per test, and a
signed-in client per role.

TEST_DATABASE_URL picks the database (default: a SQLite file in a temporary folder);
`make test` runs the suite once on SQLite and once on a throwaway PostgreSQL cluster.
"""
import os
import tempfile
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, text

from exchange import create_app
from exchange.extensions import db
from tests.contract import served_document
from tests.factories import Factory

ROOT = Path(__file__).resolve().parent.parent
# The live server and the browser of the pages' tests.
pytest_plugins = ["tests.browser"]


def _database_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    folder = tempfile.mkdtemp(prefix="exchange-tests-")
    return f"sqlite:///{folder}/test.db"


DATABASE_URL = _database_url()


def alembic_config(url: str = DATABASE_URL) -> Config:
    config = Config(toml_file=str(ROOT / "pyproject.toml"))
    config.attributes["database_url"] = url
    return config


def reset_schema(url: str) -> None:
    """Drop everything, so the session starts from an empty database."""
    engine = create_engine(url)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        else:
            tables = connection.execute(text(
                "SELECT name FROM sqlite_master WHERE type='table'")).scalars().all()
            connection.execute(text("PRAGMA foreign_keys=OFF"))
            for table in tables:
                connection.execute(text(f'DROP TABLE IF EXISTS "{table}"'))
    engine.dispose()


TEST_SETTINGS = {
    "TESTING": True,
    "SQLALCHEMY_DATABASE_URI": DATABASE_URL,
    "RATELIMIT_ENABLED": False,
    # Fast hashing keeps the suite quick; production uses scrypt.
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    "SECRET_KEY": "test-secret",
    # No background writer of view counts per test app: tests flush them when they look
    # (exchange.views.flush); tests/test_view_counts.py tests the writer itself.
    "VIEW_FLUSH_SECONDS": 0,
    # The live ranking's figures of certainty always current (tests/voting/test_certainty_api.py
    # tests holding them).
    "CERTAINTY_REFRESH_SECONDS": 0,
    # Every answer exact at once; tests/voting/test_certainty_api.py tries the background.
    "CERTAINTY_IN_BACKGROUND": False,
}


@pytest.fixture(scope="session")
def migrated():
    """The schema, built once per run by the migrations (never create_all)."""
    reset_schema(DATABASE_URL)
    command.upgrade(alembic_config(), "head")
    yield DATABASE_URL


def _clean(app) -> None:
    with app.app_context():
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as connection:
            if db.engine.dialect.name == "postgresql":
                connection.execute(text(
                    "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) +
                    " RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    connection.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture
def app(migrated):
    app = create_app(dict(TEST_SETTINGS))
    yield app
    _clean(app)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def wide_app(app):
    """The same database, with a pool big enough for many threads at once
    (tests/parallel.py)."""
    wide = create_app(TEST_SETTINGS | {"SQLALCHEMY_ENGINE_OPTIONS": {
        "pool_size": 50, "max_overflow": 10}})
    yield wide
    with wide.app_context():
        db.engine.dispose()


@pytest.fixture
def make(app):
    """Factory functions with sensible defaults and **overrides (see tests/factories.py)."""
    return Factory(app)


@pytest.fixture
def anon(make):
    return make.anonymous()


@pytest.fixture
def citizen(make):
    return make.user("citizen")


@pytest.fixture
def admin(make):
    return make.user("admin", is_admin=True)


@pytest.fixture
def council(make, admin):
    """A verified council with one officer (its owner)."""
    return make.council(admin=admin)


@pytest.fixture
def officer(council):
    return council.owner


@pytest.fixture
def supplier_org(make):
    return make.supplier()


@pytest.fixture
def supplier(supplier_org):
    return supplier_org.owner


@pytest.fixture
def challenge(make, council):
    """An open challenge of the council."""
    return make.challenge(council, "open")


@pytest.fixture
def pitch(make, challenge, supplier_org):
    """The supplier's pitch to the open challenge."""
    return make.pitch(challenge["id"], supplier_org)


@pytest.fixture
def quick_commits(app):
    """Skip SQLite's fsync on each commit: the test database is thrown away anyway, and the
    seed commits a few hundred times (once per rating, as the API would)."""
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect",
                         lambda connection, _record: connection.execute("PRAGMA synchronous=OFF"))
            db.engine.dispose()
    return app


@pytest.fixture(scope="session")
def openapi_document() -> dict:
    """The OpenAPI document as the app serves it at /openapi.json."""
    return served_document()
