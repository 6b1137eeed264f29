"""sealed snapshots

Published shortlists gain their seal (exchange/voting/snapshots.py): the hash and row count
of the rating record they were computed from, the hash of their canonical JSON, the hash of
the snapshot published before them (unique: the chain cannot fork) and its challenge, and
the Ed25519 key id
and signature. `signing_keys` keeps every public key the exchange has signed with.
Snapshots published before this stay unsealed (null).

Revision ID: 8a3f5d2c6e41
Revises: 1e9884d7b396
Create Date: 2026-11-24 05:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = '8a3f5d2c6e41'
down_revision = '1e9884d7b396'
branch_labels = None
depends_on = None


COLUMNS = (("record_sha256", sa.String(length=64)), ("record_rows", sa.Integer()),
           ("sha256", sa.String(length=64)), ("previous_sha256", sa.String(length=64)),
           ("previous_challenge_id", sa.Integer()),
           ("key_id", sa.String(length=16)), ("signature", sa.String(length=100)))


def upgrade():
    op.create_table(
        "signing_keys",
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("algorithm", sa.String(length=16), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("first_used_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_signing_keys")),
    )
    # Plain ADD COLUMN and unique indexes: no batch rebuild of `shortlists`, whose DROP on
    # SQLite would cascade to shortlist_entries.
    for name, kind in COLUMNS:
        op.add_column("shortlists", sa.Column(name, kind, nullable=True))
    op.create_index("ix_shortlists_sha256", "shortlists", ["sha256"], unique=True)
    op.create_index("ix_shortlists_previous_sha256", "shortlists", ["previous_sha256"],
                    unique=True)


def downgrade():
    op.drop_index("ix_shortlists_previous_sha256", table_name="shortlists")
    op.drop_index("ix_shortlists_sha256", table_name="shortlists")
    for name, _ in reversed(COLUMNS):
        # Native DROP COLUMN (SQLite 3.35+), again no rebuild of the table.
        op.execute(f"ALTER TABLE shortlists DROP COLUMN {name}")
    op.drop_table("signing_keys")
