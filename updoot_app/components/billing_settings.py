"""Settings → Billing: the form for numbering, terms, address, locale, the
seller's legal details, the reverse charge and the accept-wins-the-deal switch,
and the logo upload. Read-only below admin."""

from __future__ import annotations

import reflex as rx

from updoot_app.components.forms import field, form_error, label, labelled_by, section
from updoot_app.services.billing.logo import MAX_LOGO_BYTES
from updoot_app.state.billing.billing_settings_state import BillingSettingsState as S

LOGO_UPLOAD_ID = "billing-logo"


def _key(name: str) -> rx.Var:
    return name + "-" + S.rev.to(str)


def _check(name: str, checked, control_id: str, text: str) -> rx.Component:
    return rx.text(
        rx.flex(
            rx.checkbox(name=name, default_checked=checked, key=_key(control_id),
                        disabled=~S.can_admin, id=control_id,
                        aria_labelledby=labelled_by(control_id)),
            text, spacing="2", align="center",
        ),
        as_="label", size="2", id=labelled_by(control_id),
    )


def _settings_form() -> rx.Component:
    locked = ~S.can_admin
    return rx.form(
        rx.vstack(
            rx.grid(
                field("Quote number prefix", "quote_prefix", default_value=S.quote_prefix,
                      key=_key("qp"), disabled=locked),
                field("Invoice number prefix", "invoice_prefix", default_value=S.invoice_prefix,
                      key=_key("ip"), disabled=locked),
                field("Credit note prefix", "credit_note_prefix",
                      default_value=S.credit_note_prefix, key=_key("cp"), disabled=locked),
                columns=rx.breakpoints(initial="1", sm="3"), spacing="3", width="100%",
            ),
            rx.text("Numbers look like ", S.number_example, size="1", color_scheme="gray",
                    id="number-example"),
            rx.grid(
                field("Payment terms (days)", "payment_terms_days", type="number",
                      default_value=S.payment_terms_days, key=_key("pt"), disabled=locked,
                      min=0, max=365),
                field("Locale for amounts and dates", "locale", default_value=S.locale,
                      placeholder="en_US", key=_key("lc"), disabled=locked),
                columns=rx.breakpoints(initial="1", sm="2"), spacing="3", width="100%",
            ),
            rx.vstack(
                label("Your address (on PDFs)", "billing-address"),
                rx.text_area(name="address", id="billing-address", default_value=S.address,
                             key=_key("ad"), disabled=locked, rows="3", width="100%"),
                spacing="1", width="100%",
            ),
            rx.grid(
                field("Legal name (if not the workspace name)", "legal_name",
                      default_value=S.legal_name, key=_key("ln"), disabled=locked,
                      required=False),
                field("Tax ID (VAT/GST number)", "tax_id", default_value=S.tax_id,
                      placeholder="DE123456789", key=_key("ti"), disabled=locked,
                      required=False),
                field("Registration number", "registration_number",
                      default_value=S.registration_number, key=_key("rn"), disabled=locked,
                      required=False),
                field("Country (ISO code)", "country", default_value=S.country,
                      placeholder="DE", key=_key("co"), disabled=locked, required=False),
                columns=rx.breakpoints(initial="1", sm="2"), spacing="3", width="100%",
            ),
            _check("reverse_charge", S.reverse_charge, "reverse-charge",
                   "Zero-rate buyers abroad with a tax ID (reverse charge)"),
            field("Reverse-charge wording (on the document)", "reverse_charge_reason",
                  default_value=S.reverse_charge_reason, key=_key("rr"), disabled=locked),
            _check("win_deal_on_accept", S.win_deal_on_accept, "win-deal-on-accept",
                   "Accepting a quote moves its deal to Won"),
            rx.cond(S.can_admin,
                    rx.button("Save billing settings", type="submit", id="save-billing")),
            spacing="3", width="100%", max_width="560px",
        ),
        on_submit=S.save,
        reset_on_submit=False,
    )


def _logo_block() -> rx.Component:
    return rx.vstack(
        rx.heading("Logo on quotes and invoices", size="3", as_="h3"),
        rx.cond(
            S.logo_url != "",
            rx.image(src=S.logo_url, alt="Your logo", id="logo-preview", max_height="96px",
                     max_width="240px", border="1px solid var(--gray-a5)", padding="4px",
                     border_radius="6px"),
            rx.text("No logo yet: PDFs show your workspace name only.", size="2",
                    color_scheme="gray", id="no-logo"),
        ),
        rx.cond(
            S.can_admin,
            rx.vstack(
                form_error(S.logo_error),
                rx.upload(
                    rx.vstack(rx.icon("image-up", size=24),
                              rx.text("Drop a PNG or JPEG here or click to choose one "
                                      f"(at most {MAX_LOGO_BYTES // 1024} KB)", size="2"),
                              align="center", spacing="1"),
                    id=LOGO_UPLOAD_ID,
                    accept={"image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"]},
                    multiple=False, max_files=1, max_size=MAX_LOGO_BYTES,
                    on_drop=S.upload_logo(rx.upload_files(upload_id=LOGO_UPLOAD_ID)),
                    border="1px dashed var(--gray-7)", border_radius="8px", padding="1.25rem",
                    width="100%", max_width="560px", cursor="pointer",
                ),
                rx.cond(S.logo_url != "",
                        rx.button("Remove logo", variant="soft", color_scheme="red", size="1",
                                  on_click=S.remove_logo, id="remove-logo")),
                spacing="2", width="100%",
            ),
        ),
        spacing="2", width="100%",
    )


def billing_section() -> rx.Component:
    return section(
        "Billing",
        rx.text("Numbering, payment terms and what your quote and invoice PDFs show.",
                size="2", color_scheme="gray"),
        rx.cond(~S.can_admin,
                rx.text("Only an owner or admin can change these.", size="2",
                        color_scheme="gray")),
        form_error(S.billing_error),
        _settings_form(),
        rx.divider(),
        _logo_block(),
        id="billing",
    )
