"""The schema comes only from the migrations, and they describe exactly the models."""
import tempfile

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from exchange.extensions import db
from tests.conftest import DATABASE_URL, alembic_config, reset_schema


def _scratch_url() -> str:
    """A database of its own, so upgrading and downgrading never disturbs the other tests."""
    if DATABASE_URL.startswith("postgresql"):
        from sqlalchemy import text

        admin = create_engine(DATABASE_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("DROP DATABASE IF EXISTS exchange_migrations"))
            connection.execute(text("CREATE DATABASE exchange_migrations"))
        admin.dispose()
        return DATABASE_URL.rsplit("/", 1)[0] + "/exchange_migrations"
    return f"sqlite:///{tempfile.mkdtemp(prefix='exchange-migrations-')}/m.db"


def test_there_is_a_single_head():
    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1


def test_upgrade_from_empty_matches_the_models_and_downgrade_to_base_works(app):
    url = _scratch_url()
    reset_schema(url)
    config = alembic_config(url)
    command.upgrade(config, "head")
    engine = create_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []
    command.downgrade(config, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    command.upgrade(config, "head")
    assert "ratings" in inspect(engine).get_table_names()
    engine.dispose()
