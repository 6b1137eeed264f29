"""shortlists as domain data

A published shortlist was kept as the API's JSON (hand-formatted dates, numbers as wire
values). It becomes data: `shortlists` gains the settings it was computed with and m, and
`shortlist_entries` holds one typed row per ranked pitch. Existing snapshots are converted
into rows (those published before fair votes have no `excluded` or `integrity_flags`:
zeros and no flags); the downgrade rebuilds the JSON from the rows.

Revision ID: 1e9884d7b396
Revises: 7798a9e9375e
Create Date: 2026-11-24 00:15:53.883536
"""
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = '1e9884d7b396'
down_revision = '7798a9e9375e'
branch_labels = None
depends_on = None

SETTINGS = ("method", "panel_weight", "min_ratings", "prior_weight", "shortlist_size", "m")
REASONS = ("conflict_of_interest", "new_account")
# Entry fields kept under the same name in the JSON and the row.
SAME = ("pitch_id", "rank", "eligible", "shortlisted", "excluded_reasons", "title", "n",
        "mean", "public_score", "panel_count", "panel_mean", "panel_score", "combined",
        "integrity_flags")
TYPES = {"eligible": sa.Boolean, "shortlisted": sa.Boolean, "excluded_reasons": sa.JSON,
         "integrity_flags": sa.JSON}

shortlists = sa.table(
    "shortlists", sa.column("id", sa.Integer), sa.column("challenge_id", sa.Integer),
    sa.column("published_by_id", sa.Integer), sa.column("published_at", sa.DateTime),
    sa.column("snapshot", sa.JSON), sa.column("method", sa.String),
    sa.column("panel_weight", sa.Float), sa.column("min_ratings", sa.Integer),
    sa.column("prior_weight", sa.Float), sa.column("shortlist_size", sa.Integer),
    sa.column("m", sa.Float))
entries = sa.table(
    "shortlist_entries", sa.column("shortlist_id", sa.Integer),
    sa.column("position", sa.Integer), sa.column("supplier_id", sa.Integer),
    sa.column("supplier_name", sa.String), sa.column("submitted_at", sa.DateTime),
    sa.column("s", sa.Integer), sa.column("c", sa.Float),
    *[sa.column(f"public_{k}", sa.Integer) for k in range(1, 6)],
    *[sa.column(f"excluded_{reason}", sa.Integer) for reason in REASONS],
    *[sa.column(name, TYPES.get(name)) for name in SAME])
users = sa.table("users", sa.column("id", sa.Integer), sa.column("display_name", sa.String))


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.removesuffix("Z"))


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds") + "Z"


def _row_of(shortlist_id: int, position: int, entry: dict) -> dict:
    excluded = entry.get("excluded") or {}
    return ({name: entry[name] for name in SAME if name != "integrity_flags"}
            | {"shortlist_id": shortlist_id, "position": position,
               "supplier_id": entry["supplier"]["id"],
               "supplier_name": entry["supplier"]["name"],
               "submitted_at": _utc(entry["submitted_at"]), "s": entry["S"], "c": entry["C"],
               "integrity_flags": entry.get("integrity_flags") or []}
            | {f"public_{k}": entry["histogram"][str(k)] for k in range(1, 6)}
            | {f"excluded_{reason}": excluded.get(reason, 0) for reason in REASONS})


def _entry_of(row, m: float) -> dict:
    return ({name: row[name] for name in SAME}
            | {"supplier": {"id": row["supplier_id"], "name": row["supplier_name"]},
               "submitted_at": _iso(row["submitted_at"]), "S": row["s"], "C": row["c"],
               "m": m, "histogram": {str(k): row[f"public_{k}"] for k in range(1, 6)},
               "excluded": {reason: row[f"excluded_{reason}"] for reason in REASONS}})


def _rows_to_snapshots(connection) -> None:
    published = connection.execute(
        sa.select(shortlists, users.c.display_name)
        .outerjoin(users, users.c.id == shortlists.c.published_by_id)).mappings().all()
    for shortlist in published:
        rows = connection.execute(sa.select(entries).where(
            entries.c.shortlist_id == shortlist["id"]).order_by(entries.c.position)
        ).mappings().all()
        publisher = ({"id": shortlist["published_by_id"],
                      "display_name": shortlist["display_name"]}
                     if shortlist["published_by_id"] is not None else None)
        snapshot = ({"challenge_id": shortlist["challenge_id"]}
                    | {name: shortlist[name] for name in SETTINGS}
                    | {"entries": [_entry_of(row, shortlist["m"]) for row in rows],
                       "published_at": _iso(shortlist["published_at"]),
                       "published_by": publisher,
                       "shortlisted_pitch_ids": [row["pitch_id"] for row in rows
                                                 if row["shortlisted"]]})
        connection.execute(shortlists.update().where(shortlists.c.id == shortlist["id"])
                           .values(snapshot=snapshot))


def upgrade() -> None:
    connection = op.get_bind()
    # Read first: on SQLite, rebuilding `shortlists` (to drop `snapshot`) deletes the rows
    # that cascade from it, so the entries are written once the table is rebuilt.
    snapshots = connection.execute(sa.select(shortlists.c.id, shortlists.c.snapshot)).all()
    with op.batch_alter_table('shortlists', schema=None) as batch_op:
        batch_op.add_column(sa.Column('method', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('panel_weight', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('min_ratings', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('prior_weight', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('shortlist_size', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('m', sa.Float(), nullable=True))
    for shortlist_id, snapshot in snapshots:
        connection.execute(shortlists.update().where(shortlists.c.id == shortlist_id)
                           .values({name: snapshot[name] for name in SETTINGS}))
    with op.batch_alter_table('shortlists', schema=None) as batch_op:
        for name, kind in (('method', sa.String(length=16)), ('panel_weight', sa.Float()),
                           ('min_ratings', sa.Integer()), ('prior_weight', sa.Float()),
                           ('shortlist_size', sa.Integer()), ('m', sa.Float())):
            batch_op.alter_column(name, existing_type=kind, nullable=False)
        batch_op.create_check_constraint(
            'method', "method IN ('bayesian', 'wilson', 'mean', 'stars')")
        batch_op.drop_column('snapshot')

    op.create_table('shortlist_entries',
    sa.Column('shortlist_id', sa.Integer(), nullable=False),
    sa.Column('pitch_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('eligible', sa.Boolean(), nullable=False),
    sa.Column('shortlisted', sa.Boolean(), nullable=False),
    sa.Column('excluded_reasons', sa.JSON(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('supplier_name', sa.String(length=200), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('s', sa.Integer(), nullable=False),
    sa.Column('mean', sa.Float(), nullable=False),
    sa.Column('public_1', sa.Integer(), nullable=False),
    sa.Column('public_2', sa.Integer(), nullable=False),
    sa.Column('public_3', sa.Integer(), nullable=False),
    sa.Column('public_4', sa.Integer(), nullable=False),
    sa.Column('public_5', sa.Integer(), nullable=False),
    sa.Column('c', sa.Float(), nullable=False),
    sa.Column('public_score', sa.Float(), nullable=False),
    sa.Column('panel_count', sa.Integer(), nullable=False),
    sa.Column('panel_mean', sa.Float(), nullable=True),
    sa.Column('panel_score', sa.Float(), nullable=True),
    sa.Column('combined', sa.Float(), nullable=False),
    sa.Column('integrity_flags', sa.JSON(), nullable=False),
    sa.Column('excluded_conflict_of_interest', sa.Integer(), nullable=False),
    sa.Column('excluded_new_account', sa.Integer(), nullable=False),
    sa.CheckConstraint('n >= 0', name=op.f('ck_shortlist_entries_n')),
    sa.ForeignKeyConstraint(['pitch_id'], ['pitches.id'], name=op.f('fk_shortlist_entries_pitch_id_pitches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shortlist_id'], ['shortlists.id'], name=op.f('fk_shortlist_entries_shortlist_id_shortlists'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shortlist_id', 'pitch_id', name=op.f('pk_shortlist_entries')),
    sa.UniqueConstraint('shortlist_id', 'position', name=op.f('uq_shortlist_entries_shortlist_id_position'))
    )
    with op.batch_alter_table('shortlist_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shortlist_entries_pitch_id'), ['pitch_id'], unique=False)

    rows = [_row_of(shortlist_id, position, entry) for shortlist_id, snapshot in snapshots
            for position, entry in enumerate(snapshot["entries"], start=1)]
    if rows:
        connection.execute(entries.insert(), rows)


def downgrade() -> None:
    with op.batch_alter_table('shortlists', schema=None) as batch_op:
        batch_op.add_column(sa.Column('snapshot', sa.JSON(), nullable=True))

    _rows_to_snapshots(op.get_bind())

    with op.batch_alter_table('shortlist_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shortlist_entries_pitch_id'))
    op.drop_table('shortlist_entries')

    with op.batch_alter_table('shortlists', schema=None) as batch_op:
        batch_op.alter_column('snapshot', existing_type=sa.JSON(), nullable=False)
        batch_op.drop_constraint(batch_op.f('ck_shortlists_method'), type_='check')
        for name in ('m', 'shortlist_size', 'prior_weight', 'min_ratings', 'panel_weight',
                     'method'):
            batch_op.drop_column(name)
