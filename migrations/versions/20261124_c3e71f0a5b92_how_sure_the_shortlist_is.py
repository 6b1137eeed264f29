"""how sure the shortlist is

A published shortlist keeps how sure its ranking was (exchange/voting/certainty.py): per
entry the chance the pitch is shortlisted and the 90% interval of its score, and on the
shortlist the draws simulated and the ratings version it was computed at. Snapshots
published before this carry no figures (null).

Revision ID: c3e71f0a5b92
Revises: 8a3f5d2c6e41
Create Date: 2026-11-24 08:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'c3e71f0a5b92'
down_revision = '8a3f5d2c6e41'
branch_labels = None
depends_on = None


COLUMNS = {
    "shortlists": (("certainty_draws", sa.Integer()),
                   ("certainty_ratings_version", sa.Integer())),
    "shortlist_entries": (("p_top_k", sa.Float()), ("score_low", sa.Float()),
                          ("score_high", sa.Float())),
}


def upgrade():
    # Plain ADD COLUMN: no batch rebuild, whose DROP of `shortlists` on SQLite would cascade
    # to shortlist_entries.
    for table, columns in COLUMNS.items():
        for name, kind in columns:
            op.add_column(table, sa.Column(name, kind, nullable=True))


def downgrade():
    for table, columns in COLUMNS.items():
        for name, _ in reversed(columns):
            # Native DROP COLUMN (SQLite 3.35+), again no rebuild of the table.
            op.execute(f"ALTER TABLE {table} DROP COLUMN {name}")
