"""E-invoices: the Factur-X / ZUGFeRD XML (UN/CEFACT CII) of an invoice or a
credit note, and that XML embedded in its PDF with the `factur-x` library.

The XML is built from the same dict as the screen, the PDF and the API
(`invoice_dict`, `credit_note_dict`, with the seller from `parties`), so its
amounts are the same strings to the cent. The profile is EN 16931 when the
data allows it (both parties' countries known), BASIC otherwise; every XML is
checked against the library's own XSD of that profile before it leaves here.
The PDF is fpdf2's, not a certified PDF/A-3: the library adds the attachment
and the XMP metadata Factur-X readers look for.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from facturx import generate_from_binary, xml_check_xsd
from lxml import etree
from sqlmodel import Session

from updoot_app.services.billing import documents, invoices, money, parties
from updoot_app.services.platform.errors import ValidationError

NS = {"rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
      "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
      "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
      "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"}
GUIDELINES = {"en16931": "urn:cen.eu:en16931:2017",
              "basic": "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic"}
TYPE_CODES = {"invoice": "380", "credit_note": "381"}  # UNTDID 1001


# --- building blocks ------------------------------------------------------------------------

def _el(parent, tag: str, text: object = None, **attrs) -> etree._Element:
    prefix, name = tag.split(":")
    node = etree.SubElement(parent, f"{{{NS[prefix]}}}{name}", **attrs)
    if text is not None:
        node.text = str(text)
    return node


def _date(parent, tag: str, iso: str, kind: str = "udt") -> None:
    holder = _el(parent, tag)
    _el(holder, f"{kind}:DateTimeString", date.fromisoformat(iso).strftime("%Y%m%d"),
        format="102")


def _amount(value, currency: str) -> str:
    return money.money_text(Decimal(value), currency)


def _category(rate: Decimal, reason: str) -> str:
    """UNTDID 5305: standard rate, reverse charge, exempt (with a reason) or zero-rated."""
    if rate:
        return "S"
    if "reverse charge" in reason.lower():
        return "AE"
    return "E" if reason else "Z"


def level_for(data: dict) -> str:
    seller, buyer = data["seller"], data["buyer"]
    return "en16931" if seller["country"] and buyer["country"] else "basic"


def _party(parent, tag: str, party: dict, registration: str = "") -> None:
    node = _el(parent, tag)
    _el(node, "ram:Name", party.get("legal_name") or party["name"] or "Unknown")
    if registration:
        _el(_el(node, "ram:SpecifiedLegalOrganization"), "ram:ID", registration)
    lines = [line for line in party["address"].splitlines() if line.strip()]
    if lines or party["country"]:
        address = _el(node, "ram:PostalTradeAddress")
        for i, line in enumerate(lines[:3]):
            _el(address, ("ram:LineOne", "ram:LineTwo", "ram:LineThree")[i], line.strip())
        _el(address, "ram:CountryID", party["country"] or "ZZ")
    if party["tax_id"]:
        _el(_el(node, "ram:SpecifiedTaxRegistration"), "ram:ID", party["tax_id"],
            schemeID="VA")


# --- the XML --------------------------------------------------------------------------------

def cii_xml(kind: str, data: dict) -> bytes:
    """The CII XML of an invoice or credit-note dict (with "seller"), XSD-checked."""
    cur = data["currency"]
    level = level_for(data)
    root = etree.Element(f"{{{NS['rsm']}}}CrossIndustryInvoice", nsmap=NS)
    context = _el(root, "rsm:ExchangedDocumentContext")
    _el(_el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID",
        GUIDELINES[level])
    head = _el(root, "rsm:ExchangedDocument")
    _el(head, "ram:ID", data["number"])
    _el(head, "ram:TypeCode", TYPE_CODES[kind])
    _date(head, "ram:IssueDateTime", data["issue_date"])
    note = data.get("reason") if kind == "credit_note" else data.get("notes")
    if note:
        _el(_el(head, "ram:IncludedNote"), "ram:Content", note)

    deal = _el(root, "rsm:SupplyChainTradeTransaction")
    reasons: dict[Decimal, str] = {}
    for i, line in enumerate(data["lines"], start=1):
        rate = Decimal(line["tax_rate"])
        reasons.setdefault(rate, line.get("tax_reason") or "")
        item = _el(deal, "ram:IncludedSupplyChainTradeLineItem")
        _el(_el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", i)
        _el(_el(item, "ram:SpecifiedTradeProduct"), "ram:Name", line["description"])
        quantity = Decimal(line["quantity"])
        net_price = (Decimal(line["net"]) / quantity).quantize(Decimal("0.0001"))
        _el(_el(_el(item, "ram:SpecifiedLineTradeAgreement"), "ram:NetPriceProductTradePrice"),
            "ram:ChargeAmount", net_price)
        _el(_el(item, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity",
            line["quantity"], unitCode="C62")
        settle = _el(item, "ram:SpecifiedLineTradeSettlement")
        tax = _el(settle, "ram:ApplicableTradeTax")
        _el(tax, "ram:TypeCode", "VAT")
        _el(tax, "ram:CategoryCode", _category(rate, line.get("tax_reason") or ""))
        _el(tax, "ram:RateApplicablePercent", money.percent_text(rate))
        _el(_el(settle, "ram:SpecifiedTradeSettlementLineMonetarySummation"),
            "ram:LineTotalAmount", _amount(line["net"], cur))

    agreement = _el(deal, "ram:ApplicableHeaderTradeAgreement")
    _party(agreement, "ram:SellerTradeParty", data["seller"],
           data["seller"]["registration_number"])
    _party(agreement, "ram:BuyerTradeParty", data["buyer"])
    _el(deal, "ram:ApplicableHeaderTradeDelivery")
    settlement = _el(deal, "ram:ApplicableHeaderTradeSettlement")
    _el(settlement, "ram:InvoiceCurrencyCode", cur)
    for row in data["taxes"]:
        rate = Decimal(row["rate"])
        reason = reasons.get(rate, "")
        tax = _el(settlement, "ram:ApplicableTradeTax")
        _el(tax, "ram:CalculatedAmount", _amount(row["tax"], cur))
        _el(tax, "ram:TypeCode", "VAT")
        if _category(rate, reason) in ("AE", "E"):
            _el(tax, "ram:ExemptionReason", reason)
        _el(tax, "ram:BasisAmount", _amount(row["base"], cur))
        _el(tax, "ram:CategoryCode", _category(rate, reason))
        _el(tax, "ram:RateApplicablePercent", money.percent_text(rate))
    if kind == "invoice":
        _date(_el(settlement, "ram:SpecifiedTradePaymentTerms"), "ram:DueDateDateTime",
              data["due_date"])
    paid = Decimal(data.get("amount_paid", 0)) + Decimal(data.get("amount_credited", 0))
    due = Decimal(data["total"]) - paid if kind == "invoice" else Decimal(data["total"])
    sums = _el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(sums, "ram:LineTotalAmount", _amount(data["net_total"], cur))
    _el(sums, "ram:TaxBasisTotalAmount", _amount(data["net_total"], cur))
    _el(sums, "ram:TaxTotalAmount", _amount(data["tax_total"], cur), currencyID=cur)
    _el(sums, "ram:GrandTotalAmount", _amount(data["total"], cur))
    if kind == "invoice":
        _el(sums, "ram:TotalPrepaidAmount", _amount(paid, cur))
    _el(sums, "ram:DuePayableAmount", _amount(due, cur))
    if kind == "credit_note":
        ref = _el(settlement, "ram:InvoiceReferencedDocument")
        _el(ref, "ram:IssuerAssignedID", data["invoice_number"])
        _date(ref, "ram:FormattedIssueDateTime", data["invoice_issue_date"], kind="qdt")
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    xml_check_xsd(xml, flavor="factur-x", level=level)  # raises on a schema error
    return xml


def embed(pdf_bytes: bytes, xml: bytes) -> bytes:
    """The PDF with the XML attached as factur-x.xml (and Factur-X metadata)."""
    return generate_from_binary(pdf_bytes, xml, flavor="factur-x", level="autodetect",
                                check_xsd=False)  # checked when it was built


def invoice_xml(session: Session, workspace_id: int, invoice_id: object) -> tuple[bytes, str]:
    """(XML, file name) of a finalised invoice: a draft has no number, so no e-invoice."""
    invoice = invoices.get_invoice(session, workspace_id, invoice_id)
    if invoice.number is None:
        raise ValidationError("status", "A draft has no e-invoice: send it first.")
    data = invoices.invoice_dict(session, invoice)
    data["seller"] = parties.seller_dict(session, documents.get_settings(session, workspace_id))
    return cii_xml("invoice", data), f"{invoice.number}.xml"
