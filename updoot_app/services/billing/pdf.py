"""PDFs of quotes, invoices and credit notes (fpdf2).

The amounts come from the same `quote_dict` / `invoice_dict` the screen and
the API use (so from `money.document_totals`), formatted with babel for the
currency and the workspace's locale. Text is set in the bundled DejaVu Sans
(Unicode: €, ¥, ł, …); if the font files are missing, the built-in Helvetica
is used with text made latin-1 safe (€ becomes "EUR").
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path

from babel.dates import format_date
from babel.numbers import format_decimal
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from sqlmodel import Session

from updoot_app.models import BillingLogo, Workspace
from updoot_app.services.billing import (
    credit_note_reads,
    documents,
    facturx,
    invoices,
    logo,
    parties,
    quote_answers,
    quotes,
)
from updoot_app.services.platform.money_display import format_money

# The fonts ship inside the package (updoot_app/fonts), found wherever the module sits.
FONT_DIR = Path(str(resources.files("updoot_app") / "fonts"))
LOGO_MAX_W, LOGO_MAX_H = 60.0, 20.0  # mm
TITLES = {"quote": "Quote", "invoice": "Invoice", "credit_note": "Credit note"}


class _Doc(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4")
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(16, 16, 16)
        regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            self.add_font("Body", "", str(regular))
            self.add_font("Body", "B", str(bold))
            self.family_name = "Body"
            self.unicode = True
        else:  # pragma: no cover - the fonts ship with the package
            self.family_name = "Helvetica"
            self.unicode = False
        self.footer_text = ""

    def safe(self, text: object) -> str:
        value = "" if text is None else str(text)
        if self.unicode:
            return value
        value = value.replace("€", "EUR ").replace("\u00a0", " ").replace("\u202f", " ")
        return value.encode("latin-1", "replace").decode("latin-1")

    def font(self, size: float, bold: bool = False) -> None:
        self.set_font(self.family_name, "B" if bold else "", size)

    def line_text(self, text: object, size: float = 10, bold: bool = False, h: float = 5,
                  align: str = "L") -> None:
        self.font(size, bold)
        self.multi_cell(0, h, self.safe(text), align=align, new_x=XPos.LMARGIN,
                        new_y=YPos.NEXT)

    def footer(self) -> None:
        self.set_y(-12)
        self.font(8)
        self.set_text_color(120, 120, 120)
        self.cell(0, 5, self.safe(f"{self.footer_text}   ·   page {self.page_no()}/{{nb}}"),
                  align="C")
        self.set_text_color(0, 0, 0)


def _percent_text(text: str, locale: str) -> str:
    return f"{format_decimal(Decimal(text), locale=locale)} %"


def _draw_logo(pdf: _Doc, workspace_logo: BillingLogo) -> None:
    """The logo at the top left, at most LOGO_MAX_W × LOGO_MAX_H mm, aspect kept."""
    scale = min(LOGO_MAX_W / workspace_logo.width, LOGO_MAX_H / workspace_logo.height)
    w, h = workspace_logo.width * scale, workspace_logo.height * scale
    top = pdf.get_y()
    pdf.image(io.BytesIO(workspace_logo.data), x=pdf.l_margin, y=top, w=w, h=h)
    pdf.set_y(top + h + 3)


def _render(kind: str, data: dict, workspace: Workspace, settings,
            workspace_logo: BillingLogo | None = None) -> bytes:
    locale = settings.locale or "en_US"
    cur = data["currency"]

    def money_text(amount) -> str:
        return format_money(Decimal(amount), cur, locale)

    def date_text(iso: str) -> str:
        return format_date(date.fromisoformat(iso), format="medium", locale=locale)

    pdf = _Doc()
    title = TITLES[kind]
    number = data.get("number") or "Draft"
    pdf.footer_text = f"{workspace.name} — {title} {number}"
    pdf.set_title(f"{title} {number}")
    pdf.set_author(workspace.name)
    pdf.add_page()

    # Header: the sender, as invoicing law names it
    if workspace_logo is not None:
        _draw_logo(pdf, workspace_logo)
    seller = data["seller"]
    pdf.line_text(workspace.name, size=18, bold=True, h=9)
    if seller["legal_name"] != workspace.name:
        pdf.line_text(seller["legal_name"], size=9, h=4.5)
    if settings.address:
        pdf.line_text(settings.address, size=9, h=4.5)
    ids = [f"{label} {seller[key]}" for key, label in (("tax_id", "Tax ID"),
                                                        ("registration_number", "Reg. no."))
           if seller[key]]
    if ids:
        pdf.line_text("   ".join(ids), size=9, h=4.5)
    pdf.ln(4)
    pdf.line_text(f"{title.upper()} {number}", size=15, bold=True, h=8)
    pdf.line_text(f"Status: {documents.status_label(data['status'])}", size=9, h=5)
    pdf.ln(2)

    # Parties and dates, side by side
    top = pdf.get_y()
    attn = f"Attn: {data['contact_name']}" if data.get("contact_name") else ""
    buyer = data["buyer"]
    tax_id = f"Tax ID {buyer['tax_id']}" if buyer["tax_id"] else ""
    party = [t for t in (data.get("company_name"), *buyer["address"].splitlines(), tax_id,
                         attn, data.get("contact_email")) if t]
    if party:
        pdf.font(9, True)
        pdf.cell(90, 5, pdf.safe("Bill to"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.font(10)
        for text in party:
            pdf.cell(90, 5, pdf.safe(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    left_bottom = pdf.get_y()
    rows = [("Issue date", date_text(data["issue_date"]))]
    if kind == "quote":
        rows.append(("Valid until", date_text(data["valid_until"])))
    elif kind == "credit_note":
        rows.append(("Invoice", data["invoice_number"]))
        rows.append(("Invoice date", date_text(data["invoice_issue_date"])))
    else:
        rows.append(("Due date", date_text(data["due_date"])))
        if data.get("quote_number"):
            rows.append(("Quote", data["quote_number"]))
    pdf.set_xy(120, top)
    for label, value in rows:
        pdf.set_x(120)
        pdf.font(9, True)
        pdf.cell(28, 5, pdf.safe(label))
        pdf.font(10)
        pdf.cell(0, 5, pdf.safe(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(left_bottom, pdf.get_y()) + 6)

    # Lines
    pdf.font(9)
    widths = (70, 18, 28, 16, 16, 30)
    with pdf.table(col_widths=widths, text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT",
                                                  "RIGHT"),
                   line_height=5.5, first_row_as_headings=True,
                   borders_layout="HORIZONTAL_LINES") as table:
        head = table.row()
        for text in ("Description", "Qty", "Unit price", "Disc.", "Tax", "Amount"):
            head.cell(pdf.safe(text))
        for line in data["lines"]:
            row = table.row()
            desc = line["description"] + (f" ({line['unit']})" if line["unit"] else "")
            row.cell(pdf.safe(desc))
            row.cell(pdf.safe(format_decimal(Decimal(line["quantity"]), locale=locale)))
            row.cell(pdf.safe(format_decimal(Decimal(line["unit_price"]).normalize(),
                                             locale=locale, decimal_quantization=False)))
            row.cell(pdf.safe(_percent_text(line["discount_pct"], locale)
                              if Decimal(line["discount_pct"]) else "—"))
            row.cell(pdf.safe(_percent_text(line["tax_rate"], locale)))
            row.cell(pdf.safe(money_text(line["net"])))
    pdf.ln(2)
    reasons = list(dict.fromkeys(line["tax_reason"] for line in data["lines"]
                                 if line.get("tax_reason")))
    for reason in reasons:
        pdf.line_text(f"0 % tax: {reason}", size=9, h=4.5)
    if data.get("prices_include_tax"):
        pdf.line_text("Prices include tax.", size=9, h=4.5)
    pdf.ln(2)
    _tax_summary(pdf, data["taxes"], money_text, locale)

    # Totals
    def total_row(label: str, value: str, bold: bool = False) -> None:
        pdf.set_x(100)
        pdf.font(10, bold)
        pdf.cell(60, 6, pdf.safe(label))
        pdf.cell(34, 6, pdf.safe(value), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    total_row("Subtotal", money_text(data["subtotal"]))
    if Decimal(data["discount_total"]):
        total_row("Discounts", "−" + money_text(data["discount_total"]) if pdf.unicode
                  else "-" + money_text(data["discount_total"]))
        total_row("Net", money_text(data["net_total"]))
    total_row("Tax total", money_text(data["tax_total"]))
    total_row("Total credited" if kind == "credit_note" else "Total",
              money_text(data["total"]), bold=True)
    if kind == "invoice":
        if Decimal(data["amount_credited"]):
            total_row("Credited", money_text(data["amount_credited"]))
        total_row("Paid", money_text(data["amount_paid"]))
        total_row("Balance due", money_text(data["balance"]), bold=True)
    if kind == "credit_note" and Decimal(data["amount_refunded"]):
        total_row("Refunded", money_text(data["amount_refunded"]))
    pdf.ln(4)
    if kind == "credit_note":
        pdf.line_text(f"This credit note reduces invoice {data['invoice_number']} by "
                      f"{money_text(data['total'])}.", size=9)
        pdf.line_text("Reason", size=10, bold=True)
        pdf.line_text(data["reason"], size=9)
        pdf.ln(2)

    # Terms and notes
    if kind == "invoice":
        days = data["payment_terms_days"]
        pdf.line_text("Payment terms", size=10, bold=True)
        due = date_text(data["due_date"])
        pdf.line_text(f"Payment due within {days} days, by {due}." if days
                      else f"Payment due on receipt, by {due}.", size=9)
        if data.get("number"):
            pdf.line_text(f"Please quote {data['number']} with your payment.", size=9)
        pdf.ln(2)
    if kind == "quote" and data.get("accepted_by_name"):
        pdf.line_text(f"Accepted by {data['accepted_by_name']}.", size=9, bold=True)
        pdf.ln(2)
    if data.get("terms"):
        pdf.line_text("Terms", size=10, bold=True)
        pdf.line_text(data["terms"], size=9)
        pdf.ln(2)
    if data.get("notes"):
        pdf.line_text("Notes", size=10, bold=True)
        pdf.line_text(data["notes"], size=9)
    return bytes(pdf.output())


def _tax_summary(pdf: _Doc, taxes: list[dict], money_text, locale: str) -> None:
    """Base and tax for each rate: what an accountant books."""
    pdf.line_text("Tax summary", size=10, bold=True)
    pdf.font(9)
    with pdf.table(col_widths=(30, 40, 40), width=110, align="LEFT",
                   text_align=("LEFT", "RIGHT", "RIGHT"), line_height=5,
                   first_row_as_headings=True, borders_layout="HORIZONTAL_LINES") as table:
        head = table.row()
        for text in ("Rate", "Base", "Tax"):
            head.cell(pdf.safe(text))
        for tax in taxes:
            row = table.row()
            row.cell(pdf.safe(_percent_text(tax["rate"], locale)))
            row.cell(pdf.safe(money_text(tax["base"])))
            row.cell(pdf.safe(money_text(tax["tax"])))
    pdf.ln(4)


def _with_seller(session: Session, data: dict, settings) -> dict:
    return {**data, "seller": parties.seller_dict(session, settings)}


def quote_pdf(session: Session, workspace_id: int, quote_id: object) -> tuple[bytes, str]:
    """(PDF bytes, file name) of a quote of this workspace."""
    quote = quotes.get_quote(session, workspace_id, quote_id)
    return _quote_pdf(session, quote)


def _quote_pdf(session: Session, quote) -> tuple[bytes, str]:
    data = quotes.quote_dict(session, quote)
    workspace = session.get(Workspace, quote.workspace_id)
    settings = documents.get_settings(session, quote.workspace_id)
    workspace_logo = logo.get_logo(session, quote.workspace_id)
    return (_render("quote", _with_seller(session, data, settings), workspace, settings,
                    workspace_logo), f"{quote.number}.pdf")


def public_quote_pdf(session: Session, token: object) -> tuple[bytes, str]:
    return _quote_pdf(session, quote_answers.quote_by_token(session, token))


def invoice_pdf(session: Session, workspace_id: int, invoice_id: object) -> tuple[bytes, str]:
    invoice = invoices.get_invoice(session, workspace_id, invoice_id)
    data = invoices.invoice_dict(session, invoice)
    workspace = session.get(Workspace, workspace_id)
    settings = documents.get_settings(session, workspace_id)
    workspace_logo = logo.get_logo(session, workspace_id)
    name = f"{invoice.number}.pdf" if invoice.number else f"draft-invoice-{invoice.id}.pdf"
    data = _with_seller(session, data, settings)
    rendered = _render("invoice", data, workspace, settings, workspace_logo)
    if invoice.number is None:  # a draft is no invoice yet: no e-invoice inside
        return rendered, name
    return facturx.embed(rendered, facturx.cii_xml("invoice", data)), name


def credit_note_pdf(session: Session, workspace_id: int, credit_note_id: object
                    ) -> tuple[bytes, str]:
    """(PDF bytes with its Factur-X XML inside, file name) of a credit note."""
    note = credit_note_reads.get_credit_note(session, workspace_id, credit_note_id)
    settings = documents.get_settings(session, workspace_id)
    data = _with_seller(session, credit_note_reads.credit_note_dict(session, note), settings)
    rendered = _render("credit_note", data, session.get(Workspace, workspace_id), settings,
                       logo.get_logo(session, workspace_id))
    return facturx.embed(rendered, facturx.cii_xml("credit_note", data)), f"{note.number}.pdf"
