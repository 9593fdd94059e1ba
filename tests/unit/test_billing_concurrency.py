"""Races: many parallel conversions of one quote give one invoice; many parallel
finalisations give consecutive numbers without gaps or duplicates. Threads
against the file SQLite database and the private PostgreSQL database."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from sqlalchemy import func
from sqlmodel import select

from tests.unit.billing_helpers import accepted_quote, new_invoice, new_quote, principal
from updoot_app import db
from updoot_app.models import Invoice, InvoiceLine, Quote
from updoot_app.services.billing import invoices, quotes

THREADS = 12


def _race(fn, args_list):
    barrier = threading.Barrier(len(args_list))

    def run(args):
        barrier.wait()
        return fn(*args)

    with ThreadPoolExecutor(max_workers=len(args_list)) as pool:
        return list(pool.map(run, args_list))


def test_parallel_conversions_give_one_invoice(alice):
    p = principal(alice)
    qid = accepted_quote(alice)
    results = _race(quotes.convert_quote, [(p, qid)] * THREADS)
    assert len({invoice_id for invoice_id, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    with db.session_scope() as s:
        assert s.exec(select(func.count()).select_from(Invoice)).one() == 1
        invoice_id = results[0][0]
        assert s.exec(select(func.count()).select_from(InvoiceLine)
                      .where(InvoiceLine.invoice_id == invoice_id)).one() == 3
        assert s.get(Quote, qid).status == "converted"


def test_parallel_finalisations_are_gapless(alice):
    p = principal(alice)
    ids = [new_invoice(alice) for _ in range(THREADS)]
    # each invoice finalised twice at once, all in parallel
    results = _race(invoices.finalise, [(p, i) for i in ids] * 2)
    assert sorted(set(results)) == sorted(ids)
    with db.session_scope() as s:
        numbers = s.exec(select(Invoice.number).where(Invoice.workspace_id == alice.workspace_id)
                         ).all()
    year = date.today().year
    assert sorted(numbers) == [f"INV-{year}-{n:04d}" for n in range(1, THREADS + 1)]


def test_parallel_quote_creation_numbers_are_unique(alice):
    results = _race(new_quote, [(alice,)] * THREADS)
    with db.session_scope() as s:
        numbers = s.exec(select(Quote.number).where(Quote.id.in_(results))).all()
    year = date.today().year
    assert sorted(numbers) == [f"Q-{year}-{n:04d}" for n in range(1, THREADS + 1)]
