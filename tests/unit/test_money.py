"""Money rules: one half-up rounding per currency minor unit, per-line tax, exact totals."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from updoot_app.services.billing import money
from updoot_app.services.platform.errors import ValidationError


def test_design_worked_example():
    lines = [
        {"quantity": D("3"), "unit_price": D("19.99"), "discount_pct": D("10"), "tax_rate": D("20")},
        {"quantity": D("1"), "unit_price": D("2.675"), "discount_pct": D("0"), "tax_rate": D("0")},
        {"quantity": D("0.5"), "unit_price": D("10.01"), "discount_pct": D("0"), "tax_rate": D("20")},
    ]
    t = money.document_totals(lines, "USD")
    assert [a.net for a in t.lines] == [D("53.97"), D("2.68"), D("5.01")]
    assert t.tax_total == D("11.79")
    assert t.total == D("73.45")
    assert t.subtotal == D("67.66")
    assert t.discount_total == D("6.00")
    assert [(r.rate, r.base, r.tax) for r in t.taxes] == [
        (D("0"), D("2.68"), D("0.00")), (D("20"), D("58.98"), D("11.79"))]


@pytest.mark.parametrize(("amount", "currency", "expected"), [
    ("0.005", "USD", "0.01"), ("0.004999", "USD", "0.00"), ("2.675", "EUR", "2.68"),
    ("1.0049", "EUR", "1.00"), ("-0.005", "USD", "-0.01"), ("0.5", "JPY", "1"),
    ("1.4999", "JPY", "1"), ("2.5", "JPY", "3"), ("0.0005", "KWD", "0.001"),
    ("1.2344", "KWD", "1.234"), ("1.2345", "KWD", "1.235"),
])
def test_round_half_up_to_minor_unit(amount, currency, expected):
    assert str(money.round_money(D(amount), currency)) == expected


def test_minor_units():
    assert money.minor_units("JPY") == 0
    assert money.minor_units("KWD") == 3
    assert money.minor_units("EUR") == 2


def test_tax_is_per_line_not_on_the_sum():
    # two lines each with 0.005 tax: each rounds up to 0.01 -> 0.02 (not round(0.01) once)
    line = {"quantity": D("1"), "unit_price": D("0.05"), "discount_pct": D("0"),
            "tax_rate": D("10")}
    t = money.document_totals([line, line], "USD")
    assert t.tax_total == D("0.02")


def test_several_tax_rates_and_document_discount():
    lines = [
        {"quantity": D("2"), "unit_price": D("100"), "discount_pct": D("0"), "tax_rate": D("20")},
        {"quantity": D("1"), "unit_price": D("50"), "discount_pct": D("0"), "tax_rate": D("5.5")},
        {"quantity": D("1"), "unit_price": D("10"), "discount_pct": D("0"), "tax_rate": D("0")},
    ]
    t = money.document_totals(lines, "EUR", D("10"))
    assert [a.net for a in t.lines] == [D("180.00"), D("45.00"), D("9.00")]
    assert [r.tax for r in t.taxes] == [D("0.00"), D("2.48"), D("36.00")]
    assert t.total == D("272.48")
    assert t.discount_total == D("26.00")


def test_jpy_and_kwd():
    jpy = money.document_totals([{"quantity": D("3"), "unit_price": D("333.5"),
                                  "discount_pct": D("0"), "tax_rate": D("10")}], "JPY")
    assert jpy.total == D("1101") and jpy.tax_total == D("100")
    kwd = money.document_totals([{"quantity": D("1"), "unit_price": D("1.2345"),
                                  "discount_pct": D("0"), "tax_rate": D("5")}], "KWD")
    assert kwd.lines[0].net == D("1.235") and kwd.tax_total == D("0.062")


def test_full_discount_and_full_tax():
    t = money.document_totals([{"quantity": D("1"), "unit_price": D("10"),
                                "discount_pct": D("100"), "tax_rate": D("100")}], "USD")
    assert t.total == D("0.00")


@pytest.mark.parametrize("bad", ["1e308", "NaN", "nan", "Infinity", "-inf", "abc", "1,5",
                                 1.5, True, [], "  "])
def test_absurd_values_are_refused(bad):
    with pytest.raises(ValidationError) as err:
        money.clean_quantity(bad)
    assert err.value.field == "quantity" and err.value.message


def test_decimal_nan_refused():
    with pytest.raises(ValidationError, match="finite"):
        money.clean_price(D("NaN"))
    with pytest.raises(ValidationError, match="finite"):
        money.clean_price(D("Infinity"))


def test_limits():
    with pytest.raises(ValidationError, match="more than 0"):
        money.clean_quantity("0")
    with pytest.raises(ValidationError, match="more than 0"):
        money.clean_quantity("-1")
    assert money.clean_quantity("0.25") == D("0.25")
    with pytest.raises(ValidationError, match="negative"):
        money.clean_price("-0.01")
    assert money.clean_price("0") == D("0")
    with pytest.raises(ValidationError, match="between 0 and 100"):
        money.clean_percent("100.01", "discount_pct", "Discount")
    with pytest.raises(ValidationError, match="between 0 and 100"):
        money.clean_percent("-1", "discount_pct", "Discount")
    with pytest.raises(ValidationError, match="4 decimal"):
        money.clean_price("1.00001")
    with pytest.raises(ValidationError, match="too large"):
        money.clean_price("1e12")
    with pytest.raises(ValidationError, match="decimal places"):
        money.clean_amount("1.5", "amount", "Amount", "JPY")


amounts = st.decimals(min_value=D("0"), max_value=D("100000"), places=4)
quantities = st.decimals(min_value=D("0.0001"), max_value=D("10000"), places=4)
percents = st.decimals(min_value=D("0"), max_value=D("100"), places=2)
currencies = st.sampled_from(["USD", "EUR", "JPY", "KWD"])
line_st = st.fixed_dictionaries({"quantity": quantities, "unit_price": amounts,
                                 "discount_pct": percents, "tax_rate": percents})


@settings(max_examples=300, deadline=None)
@given(st.lists(line_st, min_size=1, max_size=8), currencies, percents)
def test_total_is_the_sum_of_the_rounded_lines(lines, currency, doc_discount):
    t = money.document_totals(lines, currency, doc_discount)
    q = money.quantum(currency)
    assert t.total == sum(a.net + a.tax for a in t.lines)
    assert t.tax_total == sum(r.tax for r in t.taxes)
    assert t.net_total == sum(r.base for r in t.taxes)
    assert t.subtotal - t.discount_total == t.net_total
    for a in t.lines:
        assert a.net == a.net.quantize(q) and a.tax == a.tax.quantize(q)
        assert a.net <= a.gross and a.discount >= 0
    assert t.total.as_tuple().exponent == q.as_tuple().exponent
