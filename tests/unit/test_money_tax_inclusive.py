"""Prices that include tax: net and tax derived per line with the same half-up
rounding; the worked example entered both ways, to the cent; properties over
random lines in JPY, USD and KWD for both price modes; and a line credited in
random pieces adds up to exactly that line."""

from __future__ import annotations

from decimal import Decimal as D
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from updoot_app.services.billing import money
from updoot_app.services.billing.credit_note_reads import Credited
from updoot_app.services.billing.credit_notes import _amounts

EXAMPLE = [  # docs/architecture.md, "Money"
    {"quantity": D("3"), "unit_price": D("19.99"), "discount_pct": D("10"), "tax_rate": D("20")},
    {"quantity": D("1"), "unit_price": D("2.675"), "discount_pct": D("0"), "tax_rate": D("0")},
    {"quantity": D("0.5"), "unit_price": D("10.01"), "discount_pct": D("0"), "tax_rate": D("20")},
]


def test_worked_example_entered_both_ways():
    without = money.document_totals(EXAMPLE, "USD")
    assert (without.net_total, without.tax_total, without.total) == (D("61.66"), D("11.79"),
                                                                     D("73.45"))
    # The same prices read as including tax: the client pays 53.97 + 2.68 + 5.01.
    inclusive = money.document_totals(EXAMPLE, "USD", prices_include_tax=True)
    assert [(a.net, a.tax) for a in inclusive.lines] == [
        (D("44.97"), D("9.00")), (D("2.68"), D("0.00")), (D("4.17"), D("0.84"))]
    assert (inclusive.net_total, inclusive.tax_total, inclusive.total) == (
        D("51.82"), D("9.84"), D("61.66"))
    # Entered with tax-inclusive prices (19.99 × 1.2 = 23.988, 10.01 × 1.2 = 12.012), the
    # rounding happens on what the client pays, so tax is 11.80 and the total 73.46:
    # one cent apart from the tax-exclusive entry, each to the cent.
    grossed = [{**line, "unit_price": line["unit_price"] * (100 + line["tax_rate"]) / 100}
               for line in EXAMPLE]
    both = money.document_totals(grossed, "USD", prices_include_tax=True)
    assert [(a.net, a.tax) for a in both.lines] == [
        (D("53.97"), D("10.80")), (D("2.68"), D("0.00")), (D("5.01"), D("1.00"))]
    assert (both.net_total, both.tax_total, both.total) == (D("61.66"), D("11.80"),
                                                            D("73.46"))
    assert [(r.rate, r.base, r.tax) for r in both.taxes] == [
        (D("0"), D("2.68"), D("0.00")), (D("20"), D("58.98"), D("11.80"))]


amounts = st.decimals(min_value=D("0"), max_value=D("100000"), places=4)
quantities = st.decimals(min_value=D("0.0001"), max_value=D("10000"), places=4)
percents = st.decimals(min_value=D("0"), max_value=D("100"), places=2)
currencies = st.sampled_from(["JPY", "USD", "KWD"])
line_st = st.fixed_dictionaries({"quantity": quantities, "unit_price": amounts,
                                 "discount_pct": percents, "tax_rate": percents})


@settings(max_examples=200, deadline=None)
@given(st.lists(line_st, min_size=1, max_size=8), currencies, percents, st.booleans())
def test_both_modes_add_up_to_the_cent(lines, currency, doc_discount, inclusive):
    t = money.document_totals(lines, currency, doc_discount, prices_include_tax=inclusive)
    q = money.quantum(currency)
    assert t.total == t.net_total + t.tax_total == sum(a.net + a.tax for a in t.lines)
    assert t.tax_total == sum(r.tax for r in t.taxes)
    assert t.net_total == sum(r.base for r in t.taxes)
    assert t.subtotal - t.discount_total == t.net_total
    for line, a in zip(lines, t.lines, strict=True):
        assert a.net == a.net.quantize(q) and a.tax == a.tax.quantize(q)
        assert 0 <= a.net <= a.gross and a.tax >= 0
        raw = (line["quantity"] * line["unit_price"] * (100 - line["discount_pct"]) / 100
               * (100 - doc_discount) / 100)
        if inclusive:  # what the client pays is the rounded price, tax inside it
            assert a.net + a.tax == money.round_money(raw, currency)
            assert a.tax == money.round_money(
                (a.net + a.tax) * line["tax_rate"] / (100 + line["tax_rate"]), currency)
        else:
            assert a.net == money.round_money(raw, currency)
            assert a.tax == money.round_money(a.net * line["tax_rate"] / 100, currency)


@settings(max_examples=100, deadline=None)
@given(line_st, currencies, percents, st.booleans(), st.data())
def test_a_line_credited_in_pieces_adds_up_exactly(line, currency, doc_discount, inclusive,
                                                   data):
    invoice = SimpleNamespace(currency=currency, discount_pct=doc_discount,
                              prices_include_tax=inclusive)
    row = SimpleNamespace(**line)
    whole = money.line_amounts(row.quantity, row.unit_price, row.discount_pct, row.tax_rate,
                               currency, doc_discount, prices_include_tax=inclusive)
    done = Credited()
    left = row.quantity
    for i in range(5):  # up to four pieces, then the rest
        if left <= 0:
            break
        piece = left if i == 4 else data.draw(st.decimals(min_value=D("0.0001"),
                                                          max_value=left, places=4))
        a = _amounts(invoice, row, piece, done)
        done = Credited(done.quantity + piece, done.net + a.net, done.tax + a.tax)
        left -= piece
    assert (done.net, done.tax) == (whole.net, whole.tax)
