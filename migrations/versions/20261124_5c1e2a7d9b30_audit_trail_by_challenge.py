"""audit trail by challenge, and the moderators' queue

Each audit event may name the challenge it belongs to (`challenge_id`, indexed with `id`
for keyset pages), so a challenge's trail holds the events about its pitches, panel and
comments too. Existing events get it from their subject. An index on `actor_id` serves the
admins' filter by actor and the ON DELETE SET NULL of an erasure. A partial index finds a
challenge's flagged comments (the moderators' queue) without reading the unflagged ones.

Revision ID: 5c1e2a7d9b30
Revises: 067864f36123
Create Date: 2026-11-24 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '5c1e2a7d9b30'
down_revision = '067864f36123'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('challenge_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_audit_events_challenge', ['challenge_id', 'id'], unique=False)
        batch_op.create_index('ix_audit_events_actor', ['actor_id', 'id'], unique=False)
    op.execute("UPDATE audit_events SET challenge_id = subject_id "
               "WHERE subject_type = 'challenge'")
    op.execute("UPDATE audit_events SET challenge_id = (SELECT pitches.challenge_id "
               "FROM pitches WHERE pitches.id = audit_events.subject_id) "
               "WHERE subject_type = 'pitch'")
    op.execute("UPDATE audit_events SET challenge_id = (SELECT pitches.challenge_id "
               "FROM comments JOIN pitches ON pitches.id = comments.pitch_id "
               "WHERE comments.id = audit_events.subject_id) "
               "WHERE subject_type = 'comment'")
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index('ix_comments_flagged', ['pitch_id', 'id'], unique=False,
                              postgresql_where=sa.text('flag_count > 0'),
                              sqlite_where=sa.text('flag_count > 0'))


def downgrade() -> None:
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_flagged', postgresql_where=sa.text('flag_count > 0'),
                            sqlite_where=sa.text('flag_count > 0'))
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_actor')
        batch_op.drop_index('ix_audit_events_challenge')
        batch_op.drop_column('challenge_id')
