"""certainty figures shared by every server

The live ranking's figures of certainty are kept in `certainty_figures`, one row per
challenge: what they were computed from (settings, ratings version, the record's hash),
the figures themselves as JSON, and until when a server holds the claim to compute the
next ones. Every worker of every server reads them there; the simulation runs once for
the exchange instead of once per worker. Nothing to carry over: the first ranking asked
for computes them.

Revision ID: 9d2f6b1e4a07
Revises: 4b7d2e91c0a6
Create Date: 2026-11-24 17:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '9d2f6b1e4a07'
down_revision = '4b7d2e91c0a6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "certainty_figures",
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("settings", sa.String(length=400), nullable=True),
        sa.Column("ratings_version", sa.Integer(), nullable=True),
        sa.Column("record_sha256", sa.String(length=64), nullable=True),
        sa.Column("figures", sa.Text(), nullable=True),
        sa.Column("computed_at", sa.DateTime(), nullable=True),
        sa.Column("claimed_until", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenges.id"], ondelete="CASCADE",
                                name=op.f("fk_certainty_figures_challenge_id_challenges")),
        sa.PrimaryKeyConstraint("challenge_id", name=op.f("pk_certainty_figures")),
    )


def downgrade():
    op.drop_table("certainty_figures")
