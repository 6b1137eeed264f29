"""Alembic environment: the URL and the metadata come from the app itself."""
from alembic import context

from exchange import create_app
from exchange.extensions import db

config = context.config
# Tests hand a URL over in `attributes`; otherwise DATABASE_URL (or SQLite) as for the app.
url = config.attributes.get("database_url")
app = create_app({"SQLALCHEMY_DATABASE_URI": url} if url else None)


def run_migrations() -> None:
    with app.app_context():
        engine = db.engine
        with engine.connect() as connection:
            context.configure(connection=connection, target_metadata=db.metadata,
                              render_as_batch=engine.dialect.name == "sqlite",
                              compare_type=True)
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported; run against a database.")
run_migrations()
