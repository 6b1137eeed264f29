"""integrity signals kept for every server

Each pitch's own integrity signals of a challenge are kept in `integrity_signals`, one
row per challenge, with the ratings version, the rating change they are as of and a
digest of the rules they were judged by. A server that starts brings them up to date from
the changes since, instead of reading every rating of the challenge. The changes of a
challenge since a given one are found pitch by pitch, by a new index on
`rating_changes (pitch_id, id)`. Nothing to carry over: the first ranking asked for reads
the ratings and keeps what it found.

Revision ID: 5e8c1a7d3b20
Revises: 9d2f6b1e4a07
Create Date: 2026-11-24 19:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '5e8c1a7d3b20'
down_revision = '9d2f6b1e4a07'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "integrity_signals",
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("judged_by", sa.String(length=64), nullable=False),
        sa.Column("ratings_version", sa.Integer(), nullable=False),
        sa.Column("last_change", sa.Integer(), nullable=False),
        sa.Column("signals", sa.Text(), nullable=False),
        sa.Column("stored_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenges.id"], ondelete="CASCADE",
                                name=op.f("fk_integrity_signals_challenge_id_challenges")),
        sa.PrimaryKeyConstraint("challenge_id", name=op.f("pk_integrity_signals")),
    )
    op.create_index("ix_rating_changes_pitch_id", "rating_changes", ["pitch_id", "id"])


def downgrade():
    op.drop_index("ix_rating_changes_pitch_id", table_name="rating_changes")
    op.drop_table("integrity_signals")
