"""how a closed challenge ended

A closed challenge says how it ended: `outcome` is "shortlisted" when its shortlist was
published before it closed, "cancelled" when it closed without one, and null on every
other status. The closing move sets it (exchange/challenges/lifecycle.py); challenges
closed before this get it from whether a shortlist of theirs is stored.

Revision ID: 4b7d2e91c0a6
Revises: c3e71f0a5b92
Create Date: 2026-11-24 09:00:00
"""
from alembic import op

revision = '4b7d2e91c0a6'
down_revision = 'c3e71f0a5b92'
branch_labels = None
depends_on = None


def upgrade():
    # ADD COLUMN with its CHECK, written out: both databases take a column constraint there,
    # and SQLite needs no batch rebuild, whose DROP of `challenges` would cascade to every
    # table that refers to it.
    op.execute("ALTER TABLE challenges ADD COLUMN outcome VARCHAR(16) "
               "CONSTRAINT ck_challenges_outcome CHECK (outcome IN ('cancelled', 'shortlisted'))")
    op.execute("UPDATE challenges SET outcome = CASE WHEN EXISTS (SELECT 1 FROM shortlists s "
               "WHERE s.challenge_id = challenges.id) THEN 'shortlisted' ELSE 'cancelled' END "
               "WHERE status = 'closed'")


def downgrade():
    # Native DROP COLUMN (SQLite 3.35+); PostgreSQL drops the column's constraint with it.
    op.execute("ALTER TABLE challenges DROP COLUMN outcome")
