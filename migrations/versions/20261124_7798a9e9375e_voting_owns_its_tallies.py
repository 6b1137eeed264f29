"""voting owns its tallies

The tallies of ratings leave `pitches` (fourteen columns) and `challenges` (rating totals,
raters, ratings version) for tables of voting's own: `pitch_tallies` (which also takes the
excluded counts of `excluded_tallies`, one column per reason) and `challenge_tallies`. Every
pitch and challenge gets its row, with the values it had; the downgrade moves them back.
The lists' vote-based orders get indexes on the new tables.

Revision ID: 7798a9e9375e
Revises: f650026d44d9
Create Date: 2026-11-24 00:18:35.074603
"""
from alembic import op
import sqlalchemy as sa


revision = '7798a9e9375e'
down_revision = 'f650026d44d9'
branch_labels = None
depends_on = None


HISTOGRAM = [f"{kind}_{part}" for kind in ("public", "panel")
             for part in ("count", "sum", "1", "2", "3", "4", "5")]
CHALLENGE_TOTALS = ["rating_count", "rating_sum", "panel_rating_count", "rater_count",
                    "ratings_version"]
REASONS = ("conflict_of_interest", "new_account")


def _counts(names):
    return [sa.Column(name, sa.Integer(), server_default="0", nullable=False) for name in names]


def upgrade() -> None:
    op.create_table(
        'challenge_tallies',
        sa.Column('challenge_id', sa.Integer(), nullable=False),
        *_counts(CHALLENGE_TOTALS),
        sa.CheckConstraint('rating_count >= 0 AND panel_rating_count >= 0 AND rater_count >= 0',
                           name=op.f('ck_challenge_tallies_counts')),
        sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'],
                                name=op.f('fk_challenge_tallies_challenge_id_challenges'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('challenge_id', name=op.f('pk_challenge_tallies')))
    op.create_index('ix_challenge_tallies_popular', 'challenge_tallies',
                    ['rating_count', 'challenge_id'], unique=False)
    op.create_table(
        'pitch_tallies',
        sa.Column('pitch_id', sa.Integer(), nullable=False),
        sa.Column('challenge_id', sa.Integer(), nullable=False),
        *_counts(HISTOGRAM + [f"excluded_{reason}" for reason in REASONS]),
        sa.CheckConstraint('public_count >= 0 AND panel_count >= 0 AND '
                           'excluded_conflict_of_interest >= 0 AND excluded_new_account >= 0',
                           name=op.f('ck_pitch_tallies_counts')),
        sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'],
                                name=op.f('fk_pitch_tallies_challenge_id_challenges'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['pitch_id'], ['pitches.id'],
                                name=op.f('fk_pitch_tallies_pitch_id_pitches'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('pitch_id', name=op.f('pk_pitch_tallies')))
    op.create_index('ix_pitch_tallies_most_rated', 'pitch_tallies',
                    ['challenge_id', 'public_count', 'pitch_id'], unique=False)

    # Every challenge and pitch gets its row, with the values it has now.
    totals = ", ".join(CHALLENGE_TOTALS)
    op.execute(f"INSERT INTO challenge_tallies (challenge_id, {totals}) "
               f"SELECT id, {totals} FROM challenges")
    histogram = ", ".join(HISTOGRAM)
    excluded = ", ".join(
        f"COALESCE((SELECT e.count FROM excluded_tallies e WHERE e.pitch_id = pitches.id "
        f"AND e.reason = '{reason}'), 0)" for reason in REASONS)
    op.execute(f"INSERT INTO pitch_tallies (pitch_id, challenge_id, {histogram}, "
               f"excluded_conflict_of_interest, excluded_new_account) "
               f"SELECT id, challenge_id, {histogram}, {excluded} FROM pitches")

    op.drop_table('excluded_tallies')
    with op.batch_alter_table('challenges', schema=None) as batch_op:
        batch_op.drop_index('ix_challenges_popular')
        batch_op.drop_index('ix_challenges_status_popular')
        for name in CHALLENGE_TOTALS:
            batch_op.drop_column(name)
    _drop_pitch_counts_check()
    with op.batch_alter_table('pitches', schema=None) as batch_op:
        batch_op.drop_index('ix_pitches_challenge_rated')
        for name in HISTOGRAM:
            batch_op.drop_column(name)


def _drop_pitch_counts_check() -> None:
    # PostgreSQL drops it with its columns anyway; SQLite's batch copy of the table would
    # keep it, naming columns that are gone.
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table('pitches', schema=None) as batch_op:
            batch_op.drop_constraint(op.f('ck_pitches_counts'), type_='check')
    else:
        op.drop_constraint(op.f('ck_pitches_counts'), 'pitches', type_='check')


def downgrade() -> None:
    with op.batch_alter_table('pitches', schema=None) as batch_op:
        for column in _counts(HISTOGRAM):
            batch_op.add_column(column)
    with op.batch_alter_table('challenges', schema=None) as batch_op:
        for column in _counts(CHALLENGE_TOTALS):
            batch_op.add_column(column)
    op.create_table(
        'excluded_tallies',
        sa.Column('pitch_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=30), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.CheckConstraint('count >= 0', name=op.f('ck_excluded_tallies_count')),
        sa.ForeignKeyConstraint(['pitch_id'], ['pitches.id'],
                                name=op.f('fk_excluded_tallies_pitch_id_pitches'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('pitch_id', 'reason', name=op.f('pk_excluded_tallies')))

    # The values move back; a row per reason only where some rating is excluded for it.
    for name in HISTOGRAM:
        op.execute(f"UPDATE pitches SET {name} = COALESCE((SELECT t.{name} FROM pitch_tallies t "
                   f"WHERE t.pitch_id = pitches.id), 0)")
    for name in CHALLENGE_TOTALS:
        op.execute(f"UPDATE challenges SET {name} = COALESCE((SELECT t.{name} "
                   f"FROM challenge_tallies t WHERE t.challenge_id = challenges.id), 0)")
    for reason in REASONS:
        op.execute(f"INSERT INTO excluded_tallies (pitch_id, reason, count) "
                   f"SELECT pitch_id, '{reason}', excluded_{reason} FROM pitch_tallies "
                   f"WHERE excluded_{reason} > 0")

    with op.batch_alter_table('pitches', schema=None) as batch_op:
        for name in HISTOGRAM:
            batch_op.alter_column(name, existing_type=sa.Integer(), server_default=None)
        batch_op.create_check_constraint('counts', 'public_count >= 0 AND panel_count >= 0')
        batch_op.create_index('ix_pitches_challenge_rated',
                              ['challenge_id', 'status', 'public_count', 'id'], unique=False)
    with op.batch_alter_table('challenges', schema=None) as batch_op:
        for name in CHALLENGE_TOTALS:
            batch_op.alter_column(name, existing_type=sa.Integer(), server_default=None)
        batch_op.create_index('ix_challenges_status_popular', ['status', 'rating_count', 'id'],
                              unique=False)
        batch_op.create_index('ix_challenges_popular', ['rating_count', 'id'], unique=False)

    op.drop_index('ix_pitch_tallies_most_rated', table_name='pitch_tallies')
    op.drop_table('pitch_tallies')
    op.drop_index('ix_challenge_tallies_popular', table_name='challenge_tallies')
    op.drop_table('challenge_tallies')
