"""Row-level tools every domain's writes share: locking one row, upserts, fixed IN lists.

Lock order, everywhere: challenge, then the challenge's tally (voting's: every writer of
the challenge's ratings takes it, and a rating takes nothing else), then pitch, then
comment, so two writers never wait on each other in a circle.

Rows of challenges and pitches are locked FOR NO KEY UPDATE: it keeps other writers of the
row out as FOR UPDATE would, but not the foreign-key checks (FOR KEY SHARE) of rows that
point at it. A rating, holding only its challenge's tally lock, inserts rows that point at
the pitch and the challenge; under FOR UPDATE a pitch's withdrawal (pitch locked, waiting
for the tally) and that rating (tally locked, waiting on the pitch's key) would deadlock.
"""
from sqlalchemy import literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import lazyload

from exchange.extensions import db


def upsert(model):
    """An INSERT that can say ON CONFLICT, for the database in use."""
    dialect = db.session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(model)


def lock(model, row_id: int):
    """Lock one row for the rest of the transaction and return it freshly read (or None).

    PostgreSQL takes a row lock; SQLite has no row locks, so a no-op UPDATE takes its
    database write lock instead. Either way, writers of that row queue up.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(update(model).where(model.id == row_id).values(id=model.id),
                           execution_options={"synchronize_session": False})
    return db.session.scalar(
        select(model).where(model.id == row_id).with_for_update(of=model, key_share=True)
        .options(lazyload("*")).execution_options(populate_existing=True))


def one_of(column, values):
    """`column IN (...)` over a fixed set of values, one bound value each, for statements
    built once: a plain `in_()` list is an expanding parameter, which SQLAlchemy renders
    into the SQL again on every execution."""
    return column.in_([literal(value, column.type) for value in sorted(values)])
