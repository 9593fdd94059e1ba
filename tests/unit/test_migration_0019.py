"""0019 (the archives of Settings → Your data) on a database with data at 0017: the
rows stay, the new table comes and goes with upgrade and downgrade, and an archive
can be asked for and made after the upgrade."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlmodel import select

from tests.unit.billing_helpers import new_invoice, principal
from updoot_app import db, migrations
from updoot_app.models import ArchiveExport, Invoice
from updoot_app.services.archive import archive_jobs
from updoot_app.services.billing import invoices


def tables() -> set[str]:
    return set(inspect(db.get_engine()).get_table_names())


def test_0019_from_0017_with_data_and_back(alice, tmp_path, monkeypatch):
    monkeypatch.setenv("UPDOOT_EXPORTS_DIR", str(tmp_path))
    monkeypatch.setattr(archive_jobs, "_dispatcher", None)
    iid = new_invoice(alice)
    invoices.finalise(principal(alice), iid)
    with db.session_scope() as s:
        archive_jobs.request_archive(s, principal(alice))
    migrations.downgrade("0017_webhooks")
    try:
        assert "archive_exports" not in tables() and "webhooks" in tables()
        migrations.upgrade("0019_archive_jobs")
    finally:
        migrations.upgrade()
    assert "archive_exports" in tables()
    with db.session_scope() as s:
        assert s.exec(select(Invoice.number).where(Invoice.id == iid)).one().startswith("INV-")
        assert s.exec(select(ArchiveExport)).all() == []   # its table was rebuilt
        requested = archive_jobs.request_archive(s, principal(alice))
    assert archive_jobs.run_archive(requested.export_id).status == "done"
