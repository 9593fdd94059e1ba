"""persona insights: an interaction carries the objections heard and the persona the
contact plays

``interactions.objections`` (a JSON list of text, empty by default) and
``interactions.persona_id`` (the persona, like ``contacts.persona_id`` without a
foreign key: deleting a persona leaves the history readable), indexed with the
date for the persona's insights over the last 90 days.

Revision ID: 0016_persona_insights
Revises: 0013_accountant_invoices
Create Date: 2026-12-06 13:50:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0016_persona_insights'
down_revision: str | None = '0013_accountant_invoices'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN on both databases (no batch rebuild of the table).
    op.add_column('interactions', sa.Column('persona_id', sa.Integer(), nullable=True))
    op.add_column('interactions', sa.Column('objections', sa.JSON(), nullable=False,
                                            server_default='[]'))
    op.create_index('ix_interactions_persona', 'interactions',
                    ['workspace_id', 'persona_id', 'occurred_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_interactions_persona', table_name='interactions')
    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.drop_column('objections')
        batch_op.drop_column('persona_id')
