"""A row's tags read in the same statement as the row: one string, in tag order.

Challenges and pitches both show their tags sorted as `ORDER BY tag` sorts them. Reading
them with their row (a correlated subquery that joins them into one string) saves the
second statement a read of one row would otherwise run.
"""
from sqlalchemy import func, literal, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

# No tag holds a space (http.schemas.TAG_PATTERN).
SEPARATOR = " "


def joined(tag_column, owned_by, dialect: str):
    """A scalar subquery: the tags in `tag_column` where `owned_by` holds, as one string
    (NULL when there are none). PostgreSQL orders them as ORDER BY tag does, in the
    database's collation; SQLite cannot order an aggregate before 3.44, so `split` sorts
    them there: the same order as its ORDER BY (BINARY collation, code point order, as
    Python sorts strings)."""
    if dialect == "postgresql":
        tags = func.string_agg(tag_column, aggregate_order_by(literal(SEPARATOR), tag_column))
    else:
        tags = func.group_concat(tag_column, SEPARATOR)
    return select(tags).where(owned_by).scalar_subquery()


def split(tags: str | None, dialect: str) -> list[str]:
    """The list of tags `joined` read, in tag order."""
    if not tags:
        return []
    found = tags.split(SEPARATOR)
    if dialect != "postgresql":
        found.sort()  # see `joined`
    return found
