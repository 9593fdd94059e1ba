"""Product catalog, quotes, invoices, payments and document numbering."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from updoot_app.models.types import Money, utcnow

QUOTE_STATUSES = ("draft", "sent", "accepted", "declined", "expired", "converted")
INVOICE_STATUSES = ("draft", "sent", "partially_paid", "paid", "overdue", "credited", "void")
REVERSE_CHARGE_REASON = "Reverse charge: VAT to be accounted for by the recipient"
PAYMENT_METHODS = ("bank_transfer", "card", "cash", "cheque", "other")


def _money(default: Decimal | None = Decimal("0")):
    if default is None:
        return Field(default=None, sa_column=Column(Money, nullable=True))
    return Field(default=default, sa_column=Column(Money, nullable=False))


class BillingSettings(SQLModel, table=True):
    """Per-workspace numbering prefixes and billing preferences."""

    __tablename__ = "billing_settings"
    workspace_id: int = Field(foreign_key="workspaces.id", primary_key=True, ondelete="CASCADE")
    quote_prefix: str = Field(default="Q", max_length=12)
    invoice_prefix: str = Field(default="INV", max_length=12)
    win_deal_on_accept: bool = Field(default=True)
    payment_terms_days: int = Field(default=30)
    address: str = Field(default="", max_length=500)
    locale: str = Field(default="en_US", max_length=12)
    credit_note_prefix: str = Field(default="CN", max_length=12)
    # The seller as invoicing law names it (printed on every document, and in the
    # Factur-X XML): legal name, tax ID (VAT/GST number), registration number.
    legal_name: str = Field(default="", max_length=200)
    tax_id: str = Field(default="", max_length=40)
    registration_number: str = Field(default="", max_length=60)
    country: str = Field(default="", max_length=2)
    # Zero-rate a buyer abroad with a tax ID (EU reverse charge), with this reason.
    reverse_charge: bool = Field(default=False)
    reverse_charge_reason: str = Field(default=REVERSE_CHARGE_REASON, max_length=200)


class BillingLogo(SQLModel, table=True):
    """The workspace's logo for quote and invoice PDFs: a re-encoded PNG or JPEG.

    Kept in the database, not on disk: several backend workers share no disk.
    A table of its own so that reading the billing settings never loads the bytes.
    """

    __tablename__ = "billing_logos"
    workspace_id: int = Field(foreign_key="workspaces.id", primary_key=True, ondelete="CASCADE")
    content_type: str = Field(max_length=20)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    width: int
    height: int
    updated_at: datetime = Field(default_factory=utcnow)


class DocumentCounter(SQLModel, table=True):
    """The next number per workspace, kind ("quote"/"invoice") and year.

    Taken under a row lock (PostgreSQL) or BEGIN IMMEDIATE (SQLite) in the
    transaction that stores the number, so numbers are gapless and unique.
    """

    __tablename__ = "document_counters"
    __table_args__ = (UniqueConstraint("workspace_id", "kind", "year",
                                       name="uq_document_counters_ws_kind_year"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", ondelete="CASCADE")
    kind: str = Field(max_length=10)  # "quote", "invoice", "credit"
    year: int
    next_number: int = Field(default=1)


class Product(SQLModel, table=True):
    __tablename__ = "products"
    __table_args__ = (Index("ix_products_ws_name", "workspace_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=2000)
    unit_price: Decimal = _money()
    currency: str = Field(default="USD", max_length=3)
    tax_rate: Decimal = _money()
    unit: str = Field(default="", max_length=30)
    archived: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Quote(SQLModel, table=True):
    __tablename__ = "quotes"
    __table_args__ = (UniqueConstraint("workspace_id", "number", name="uq_quotes_ws_number"),
                      Index("ix_quotes_ws_status", "workspace_id", "status"))
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True, ondelete="CASCADE")
    number: str = Field(max_length=40)
    status: str = Field(default="draft", max_length=12)
    company_id: int | None = Field(default=None, foreign_key="companies.id", index=True,
                                   ondelete="SET NULL")
    contact_id: int | None = Field(default=None, foreign_key="contacts.id", ondelete="SET NULL")
    deal_id: int | None = Field(default=None, foreign_key="deals.id", index=True,
                                ondelete="SET NULL")
    currency: str = Field(default="USD", max_length=3)
    issue_date: date
    valid_until: date
    prices_include_tax: bool = Field(default=False)
    buyer_tax_id: str = Field(default="", max_length=40)
    buyer_address: str = Field(default="", max_length=500)
    discount_pct: Decimal = _money()
    notes: str = Field(default="", max_length=5000)
    terms: str = Field(default="", max_length=5000)
    subtotal: Decimal = _money()
    discount_total: Decimal = _money()
    tax_total: Decimal = _money()
    total: Decimal = _money()
    public_token_hash: str | None = Field(
        default=None, sa_column=Column(String(64), unique=True, nullable=True, index=True))
    sent_at: datetime | None = None
    accepted_at: datetime | None = None
    accepted_by_name: str | None = Field(default=None, max_length=200)
    declined_at: datetime | None = None
    decline_reason: str | None = Field(default=None, max_length=1000)
    converted_at: datetime | None = None
    created_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


def _line_money(default: Decimal = Decimal("0")):
    """A Money column declared by type, not as a Column object: a Column can
    belong to one table only, and these fields are shared by two."""
    return Field(default=default, sa_type=Money, nullable=False)


class DocumentLineBase(SQLModel):
    """The columns a quote line and an invoice line share (no table of its own;
    the schema of both tables is unchanged by sharing them)."""

    id: int | None = Field(default=None, primary_key=True)
    position: int = Field(default=0)
    product_id: int | None = Field(default=None, foreign_key="products.id", ondelete="SET NULL")
    description: str = Field(max_length=2000)
    unit: str = Field(default="", max_length=30)
    quantity: Decimal = _line_money(Decimal("1"))
    unit_price: Decimal = _line_money()
    discount_pct: Decimal = _line_money()
    tax_rate: Decimal = _line_money()
    tax_reason: str = Field(default="", max_length=200)  # why a 0 % line is zero-rated


class QuoteLine(DocumentLineBase, table=True):
    __tablename__ = "quote_lines"
    quote_id: int = Field(foreign_key="quotes.id", index=True, ondelete="CASCADE")


class Invoice(SQLModel, table=True):
    """Stored status is draft / sent / partially_paid / paid / void; "overdue"
    is computed from the due date (see effective_status in services/billing/)."""

    __tablename__ = "invoices"
    __table_args__ = (UniqueConstraint("workspace_id", "number", name="uq_invoices_ws_number"),
                      Index("ix_invoices_ws_status", "workspace_id", "status"))
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True, ondelete="CASCADE")
    number: str | None = Field(default=None, max_length=40)
    status: str = Field(default="draft", max_length=16)
    quote_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("quotes.id", ondelete="SET NULL"),
                                       unique=True, nullable=True))
    company_id: int | None = Field(default=None, foreign_key="companies.id", index=True,
                                   ondelete="SET NULL")
    contact_id: int | None = Field(default=None, foreign_key="contacts.id", ondelete="SET NULL")
    deal_id: int | None = Field(default=None, foreign_key="deals.id", index=True,
                                ondelete="SET NULL")
    currency: str = Field(default="USD", max_length=3)
    issue_date: date
    due_date: date
    payment_terms_days: int = Field(default=30)
    prices_include_tax: bool = Field(default=False)
    buyer_tax_id: str = Field(default="", max_length=40)
    buyer_address: str = Field(default="", max_length=500)
    discount_pct: Decimal = _money()
    notes: str = Field(default="", max_length=5000)
    terms: str = Field(default="", max_length=5000)
    subtotal: Decimal = _money()
    discount_total: Decimal = _money()
    tax_total: Decimal = _money()
    total: Decimal = _money()
    amount_paid: Decimal = _money()  # payments less refunds
    amount_credited: Decimal = _money()  # the totals of its credit notes
    finalised_at: datetime | None = None
    sent_at: datetime | None = None
    voided_at: datetime | None = None
    void_reason: str | None = Field(default=None, max_length=500)
    created_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class InvoiceLine(DocumentLineBase, table=True):
    __tablename__ = "invoice_lines"
    invoice_id: int = Field(foreign_key="invoices.id", index=True, ondelete="CASCADE")


class CreditNote(SQLModel, table=True):
    """A credit note: its own gapless series, against one finalised invoice, never
    edited once issued. Its amounts are stored, not recomputed (see credit_notes.py)."""

    __tablename__ = "credit_notes"
    __table_args__ = (UniqueConstraint("workspace_id", "number", name="uq_credit_notes_ws_number"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True, ondelete="CASCADE")
    number: str = Field(max_length=40)
    invoice_id: int = Field(foreign_key="invoices.id", index=True, ondelete="CASCADE")
    currency: str = Field(default="USD", max_length=3)
    issue_date: date = Field(index=True)
    reason: str = Field(default="", max_length=1000)
    subtotal: Decimal = _money()
    discount_total: Decimal = _money()
    tax_total: Decimal = _money()
    total: Decimal = _money()
    amount_refunded: Decimal = _money()
    created_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)


class CreditNoteLine(DocumentLineBase, table=True):
    """A credited quantity of one invoice line, with the net and tax it credits."""

    __tablename__ = "credit_note_lines"
    credit_note_id: int = Field(foreign_key="credit_notes.id", index=True, ondelete="CASCADE")
    invoice_line_id: int = Field(foreign_key="invoice_lines.id", index=True, ondelete="CASCADE")
    net: Decimal = _line_money()
    tax: Decimal = _line_money()


class Payment(SQLModel, table=True):
    """A payment of an invoice; a refund is a negative one on a credit note."""

    __tablename__ = "payments"
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True, ondelete="CASCADE")
    invoice_id: int = Field(foreign_key="invoices.id", index=True, ondelete="CASCADE")
    paid_on: date = Field(index=True)
    amount: Decimal = _money()
    method: str = Field(default="bank_transfer", max_length=20)
    reference: str = Field(default="", max_length=200)
    # No foreign key: adding one to an existing SQLite table needs a batch rebuild
    # of payments; credit notes are never deleted but with their workspace.
    credit_note_id: int | None = Field(default=None, index=True)
    created_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
