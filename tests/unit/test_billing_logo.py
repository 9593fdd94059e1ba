"""The workspace logo: only real PNG/JPEG files are taken, re-encoded and
shrunk; only owners and admins change it; the PDFs draw it when present."""

from __future__ import annotations

import dataclasses
import io

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlmodel import select

from tests.unit.billing_helpers import new_invoice, new_quote, principal
from updoot_app import db
from updoot_app.models import Activity
from updoot_app.services.billing import logo as billing_logo
from updoot_app.services.billing import pdf
from updoot_app.services.platform.errors import Forbidden, ValidationError


def image_bytes(fmt: str = "PNG", size=(300, 100), mode: str = "RGBA", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 30, 128) if mode == "RGBA" else (200, 30, 30)).save(
        out, format=fmt, **save)
    return out.getvalue()


def page_images(data: bytes) -> list:
    return list(PdfReader(io.BytesIO(data)).pages[0].images)


def test_png_keeps_transparency_and_is_shrunk():
    clean = billing_logo.clean_logo(image_bytes("PNG", (2000, 500)))
    assert clean.content_type == "image/png"
    assert (clean.width, clean.height) == (800, 200)
    stored = Image.open(io.BytesIO(clean.data))
    assert stored.format == "PNG" and stored.mode == "RGBA" and stored.size == (800, 200)


def test_jpeg_is_reencoded_without_its_metadata():
    exif = Image.Exif()
    exif[0x010E] = "secret description"  # ImageDescription
    raw = image_bytes("JPEG", (400, 300), mode="RGB", exif=exif.tobytes())
    clean = billing_logo.clean_logo(raw)
    assert clean.content_type == "image/jpeg" and (clean.width, clean.height) == (400, 300)
    assert b"secret description" in raw and b"secret description" not in clean.data


@pytest.mark.parametrize("data, message", [
    (b"", "Choose a PNG or JPEG file."),
    (b"hello, not an image", billing_logo.NOT_AN_IMAGE),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", billing_logo.NOT_AN_IMAGE),
    (image_bytes("GIF", mode="RGB"), billing_logo.NOT_AN_IMAGE),
    (image_bytes("PNG")[:60], billing_logo.NOT_AN_IMAGE),  # truncated
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, billing_logo.NOT_AN_IMAGE),
    (b"x" * (billing_logo.MAX_LOGO_BYTES + 1), "larger than 512 KB"),
    (image_bytes("PNG", (6000, 6000), mode="RGB"), "too many pixels"),
])
def test_bad_files_are_refused_with_a_message(data, message):
    with pytest.raises(ValidationError) as err:
        billing_logo.clean_logo(data)
    assert message in err.value.message and err.value.field == "logo"


def test_pdfs_draw_the_logo_when_there_is_one(alice, bob):
    qid, iid = new_quote(alice), new_invoice(alice)
    bob_quote = new_quote(bob)
    with db.session_scope() as s:
        assert page_images(pdf.quote_pdf(s, alice.workspace_id, qid)[0]) == []
        billing_logo.set_logo(s, principal(alice), image_bytes())
    with db.session_scope() as s:
        for data in (pdf.quote_pdf(s, alice.workspace_id, qid)[0],
                     pdf.invoice_pdf(s, alice.workspace_id, iid)[0]):
            images = page_images(data)
            assert len(images) == 1 and images[0].image.size == (300, 100)
        # the other workspace's documents are untouched
        assert page_images(pdf.quote_pdf(s, bob.workspace_id, bob_quote)[0]) == []
        assert s.exec(select(Activity.action).where(
            Activity.workspace_id == alice.workspace_id,
            Activity.action == "billing.logo")).all() == ["billing.logo"]
        assert billing_logo.remove_logo(s, principal(alice)) is True
    with db.session_scope() as s:
        assert page_images(pdf.quote_pdf(s, alice.workspace_id, qid)[0]) == []
        assert billing_logo.remove_logo(s, principal(alice)) is False


def test_replacing_keeps_one_logo_and_preview_is_small(alice):
    qid = new_quote(alice)
    with db.session_scope() as s:
        billing_logo.set_logo(s, principal(alice), image_bytes())
        billing_logo.set_logo(s, principal(alice), image_bytes("JPEG", (1600, 1600), mode="RGB"))
    with db.session_scope() as s:
        logo = billing_logo.get_logo(s, alice.workspace_id)
        assert logo.content_type == "image/jpeg" and (logo.width, logo.height) == (800, 800)
        url = billing_logo.preview_data_url(logo)
        images = page_images(pdf.quote_pdf(s, alice.workspace_id, qid)[0])
    assert [image.image.size for image in images] == [(800, 800)]
    assert url.startswith("data:image/png;base64,") and len(url) < 20_000
    assert billing_logo.preview_data_url(None) == ""


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_only_owner_or_admin_change_the_logo(alice, role):
    other = dataclasses.replace(principal(alice), role=role)
    with db.session_scope() as s:
        billing_logo.set_logo(s, principal(alice), image_bytes())
    with db.session_scope() as s, pytest.raises(Forbidden):
        billing_logo.set_logo(s, other, image_bytes("JPEG", mode="RGB"))
    with db.session_scope() as s, pytest.raises(Forbidden):
        billing_logo.remove_logo(s, other)
    with db.session_scope() as s:
        assert billing_logo.get_logo(s, alice.workspace_id).content_type == "image/png"
    admin = dataclasses.replace(principal(alice), role="admin")
    with db.session_scope() as s:
        assert billing_logo.remove_logo(s, admin) is True
