"""The workspace's logo on quote and invoice PDFs.

An upload is checked by decoding it with Pillow (fpdf2 draws images with
Pillow too): only a real PNG or JPEG of at most 512 KB and a sane pixel count
is taken. It is then re-encoded (EXIF rotation applied, metadata dropped,
at most MAX_SIDE pixels a side), so what is stored is an image we made, not
the bytes we were sent. Stored in the database (`BillingLogo`): the backend
workers of a scaled setup share no disk.
"""

from __future__ import annotations

import base64
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlmodel import Session

from updoot_app.models import BillingLogo
from updoot_app.models.types import utcnow
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform import activity
from updoot_app.services.platform.errors import ValidationError

MAX_LOGO_BYTES = 512 * 1024
MAX_PIXELS = 25_000_000  # decoded size cap: a small file may claim a huge canvas
MAX_SIDE = 800  # enough for ~65 mm at 300 dpi
MIN_SIDE = 100
PREVIEW_BOX = (240, 96)
FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}
NOT_AN_IMAGE = "The logo must be a PNG or JPEG image."


@dataclass(frozen=True)
class CleanLogo:
    data: bytes
    content_type: str
    width: int
    height: int


def _open(data: bytes) -> Image.Image:
    if not isinstance(data, bytes | bytearray) or not data:
        raise ValidationError("logo", "Choose a PNG or JPEG file.")
    if len(data) > MAX_LOGO_BYTES:
        raise ValidationError("logo", f"The logo is larger than {MAX_LOGO_BYTES // 1024} KB.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValidationError("logo", "The logo has too many pixels "
                                      f"({width}×{height}); use one under 5000×5000.")
            image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError("logo", NOT_AN_IMAGE) from None
    return image


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "PNG":
        image.save(out, format="PNG", optimize=True)
    else:
        image.save(out, format="JPEG", quality=88, optimize=True)
    return out.getvalue()


def clean_logo(data: bytes) -> CleanLogo:
    """The re-encoded logo, or ValidationError with a message for a person."""
    image = _open(data)
    fmt = image.format
    image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = image.convert("RGBA" if fmt == "PNG" and has_alpha else "RGB")
    side = MAX_SIDE
    while True:
        image.thumbnail((side, side))
        encoded = _encode(image, fmt)
        if len(encoded) <= MAX_LOGO_BYTES:
            return CleanLogo(encoded, FORMATS[fmt], image.width, image.height)
        if side <= MIN_SIDE:  # pragma: no cover - a 100 px image is far below the limit
            raise ValidationError("logo", "The logo is too detailed: use a simpler image.")
        side //= 2


def get_logo(session: Session, workspace_id: int) -> BillingLogo | None:
    return session.get(BillingLogo, workspace_id)


def set_logo(session: Session, principal: Principal, data: bytes) -> BillingLogo:
    """Replace the workspace's logo (owner or admin)."""
    principal.require("admin")
    clean = clean_logo(data)
    row = session.get(BillingLogo, principal.workspace_id) or BillingLogo(
        workspace_id=principal.workspace_id, content_type="", data=b"", width=0, height=0)
    row.data, row.content_type = clean.data, clean.content_type
    row.width, row.height, row.updated_at = clean.width, clean.height, utcnow()
    session.add(row)
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="billing.logo", entity_type="workspace",
                 entity_id=principal.workspace_id, summary="Changed the logo on quotes and "
                 "invoices")
    session.flush()
    return row


def remove_logo(session: Session, principal: Principal) -> bool:
    """Drop the logo (owner or admin); False when there was none."""
    principal.require("admin")
    row = session.get(BillingLogo, principal.workspace_id)
    if row is None:
        return False
    session.delete(row)
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="billing.logo_removed", entity_type="workspace",
                 entity_id=principal.workspace_id,
                 summary="Removed the logo from quotes and invoices")
    session.flush()
    return True


def preview_data_url(logo: BillingLogo | None) -> str:
    """A small PNG data URL of the logo for the settings page ("" without one)."""
    if logo is None:
        return ""
    image = Image.open(io.BytesIO(logo.data))
    image.thumbnail(PREVIEW_BOX)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")
