"""accountant invoices: credit notes, seller and buyer tax IDs, tax-inclusive prices, tax reasons

New tables ``credit_notes`` and ``credit_note_lines``; new columns on
``billing_settings`` (credit-note prefix, seller legal name, tax ID, registration
number, country, reverse charge), ``companies`` (tax ID, billing address),
``quotes`` and ``invoices`` (prices include tax, buyer tax ID and address),
``invoices.amount_credited``, ``tax_reason`` on every kind of line and
``payments.credit_note_id`` (a refund is a negative payment on a credit note).

Only ADD COLUMN, never a batch "move and copy": on SQLite a rebuild of a table
drops its triggers (see 0010_auth_epoch and 0009_deal_fit), and existing rows
keep their numbers and totals untouched. So the new NOT NULL columns carry a
server default for the rows already there, and ``payments.credit_note_id`` has
no foreign key (adding one on SQLite needs the rebuild).

Revision ID: 0013_accountant_invoices
Revises: 0012_reminders_recurring
Create Date: 2026-12-06 13:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import updoot_app.models.types

revision: str = '0013_accountant_invoices'
down_revision: str | None = '0012_reminders_recurring'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REVERSE_CHARGE_REASON = "Reverse charge: VAT to be accounted for by the recipient"


def _add_text(table: str, name: str, length: int, default: str = "") -> None:
    op.add_column(table, sa.Column(name, sqlmodel.sql.sqltypes.AutoString(length=length),
                                   nullable=False, server_default=default))


def _add_flag(table: str, name: str) -> None:
    op.add_column(table, sa.Column(name, sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def _line_columns() -> list[sa.Column]:
    money = updoot_app.models.types.Money
    return [
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('product_id', sa.Integer(), nullable=True),
        sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column('quantity', money(), nullable=False),
        sa.Column('unit_price', money(), nullable=False),
        sa.Column('discount_pct', money(), nullable=False),
        sa.Column('tax_rate', money(), nullable=False),
        sa.Column('tax_reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    ]


def upgrade() -> None:
    money = updoot_app.models.types.Money
    _add_text('billing_settings', 'credit_note_prefix', 12, 'CN')
    _add_text('billing_settings', 'legal_name', 200)
    _add_text('billing_settings', 'tax_id', 40)
    _add_text('billing_settings', 'registration_number', 60)
    _add_text('billing_settings', 'country', 2)
    _add_flag('billing_settings', 'reverse_charge')
    _add_text('billing_settings', 'reverse_charge_reason', 200, REVERSE_CHARGE_REASON)
    op.add_column('companies', sa.Column('tax_id', sqlmodel.sql.sqltypes.AutoString(length=40),
                                         nullable=True))
    _add_text('companies', 'billing_address', 500)
    for table in ('quotes', 'invoices'):
        _add_flag(table, 'prices_include_tax')
        _add_text(table, 'buyer_tax_id', 40)
        _add_text(table, 'buyer_address', 500)
    op.add_column('invoices', sa.Column('amount_credited', money(), nullable=False,
                                        server_default='0'))
    for table in ('quote_lines', 'invoice_lines'):
        _add_text(table, 'tax_reason', 200)
    op.add_column('payments', sa.Column('credit_note_id', sa.Integer(), nullable=True))
    op.create_index(op.f('ix_payments_credit_note_id'), 'payments', ['credit_note_id'])

    op.create_table(
        'credit_notes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('workspace_id', sa.Integer(), nullable=False),
        sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('invoice_id', sa.Integer(), nullable=False),
        sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column('issue_date', sa.Date(), nullable=False),
        sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column('subtotal', money(), nullable=False),
        sa.Column('discount_total', money(), nullable=False),
        sa.Column('tax_total', money(), nullable=False),
        sa.Column('total', money(), nullable=False),
        sa.Column('amount_refunded', money(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['created_by'], ['users.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('workspace_id', 'number', name='uq_credit_notes_ws_number'),
    )
    op.create_index(op.f('ix_credit_notes_workspace_id'), 'credit_notes', ['workspace_id'])
    op.create_index(op.f('ix_credit_notes_invoice_id'), 'credit_notes', ['invoice_id'])
    op.create_index(op.f('ix_credit_notes_issue_date'), 'credit_notes', ['issue_date'])
    op.create_table(
        'credit_note_lines',
        *_line_columns(),
        sa.Column('credit_note_id', sa.Integer(), nullable=False),
        sa.Column('invoice_line_id', sa.Integer(), nullable=False),
        sa.Column('net', money(), nullable=False),
        sa.Column('tax', money(), nullable=False),
        sa.ForeignKeyConstraint(['credit_note_id'], ['credit_notes.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['invoice_line_id'], ['invoice_lines.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['product_id'], ['products.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_credit_note_lines_credit_note_id'), 'credit_note_lines',
                    ['credit_note_id'])
    op.create_index(op.f('ix_credit_note_lines_invoice_line_id'), 'credit_note_lines',
                    ['invoice_line_id'])


def downgrade() -> None:
    op.drop_table('credit_note_lines')
    op.drop_table('credit_notes')
    op.drop_index(op.f('ix_payments_credit_note_id'), table_name='payments')
    # DROP COLUMN (SQLite 3.35+) rebuilds nothing, so no trigger is lost here either.
    op.drop_column('payments', 'credit_note_id')
    for table in ('quote_lines', 'invoice_lines'):
        op.drop_column(table, 'tax_reason')
    op.drop_column('invoices', 'amount_credited')
    for table in ('quotes', 'invoices'):
        for name in ('buyer_address', 'buyer_tax_id', 'prices_include_tax'):
            op.drop_column(table, name)
    for name in ('billing_address', 'tax_id'):
        op.drop_column('companies', name)
    for name in ('reverse_charge_reason', 'reverse_charge', 'country', 'registration_number',
                 'tax_id', 'legal_name', 'credit_note_prefix'):
        op.drop_column('billing_settings', name)
