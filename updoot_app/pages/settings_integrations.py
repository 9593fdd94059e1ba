"""Settings → Integrations: webhooks (add, the secret once, on/off, test, delete)
and the delivery log of one of them."""

import reflex as rx

from updoot_app.components.billing import status_badge
from updoot_app.components.forms import form_error, labelled, section
from updoot_app.components.layout import app_shell, page_header
from updoot_app.state.integrations.webhooks_state import EVENT_FIELD
from updoot_app.state.integrations.webhooks_state import WebhooksState as S


def event_choice(option: dict) -> rx.Component:
    return rx.el.label(
        rx.el.input(type="checkbox", name=EVENT_FIELD + option["value"], id=option["id"]),
        " ", option["label"],
        html_for=option["id"], style={"display": "flex", "gap": "0.4rem",
                                      "alignItems": "center", "minWidth": "16rem"},
    )


def add_section() -> rx.Component:
    return section(
        "Add a webhook",
        rx.text("Updoot POSTs a signed JSON body to this URL for each event you choose "
                "(the README says how to verify the signature).", size="2"),
        rx.form(
            rx.vstack(
                labelled("Endpoint URL", "webhook-url",
                         rx.input(name="url", id="webhook-url", type="url", required=True,
                                  placeholder="https://example.com/updoot-hooks", width="100%",
                                  key="url-" + S.form_rev.to_string())),
                rx.el.fieldset(
                    rx.el.legend("Events"),
                    rx.flex(rx.foreach(S.event_options, event_choice), wrap="wrap", spacing="2",
                            key="events-" + S.form_rev.to_string()),
                    style={"border": "none", "padding": 0},
                ),
                form_error(S.add_error),
                rx.button(rx.icon("plus", size=16), "Add webhook", type="submit",
                          id="add-webhook"),
                spacing="3", width="100%",
            ),
            on_submit=S.add, reset_on_submit=False, width="100%",
        ),
        rx.cond(S.new_secret != "", rx.callout(
            rx.vstack(
                rx.text("This webhook's signing secret. Copy it now: it is not shown again."),
                rx.code(S.new_secret, id="webhook-secret", style={"wordBreak": "break-all"}),
                rx.button("I have copied it", size="1", variant="soft",
                          on_click=S.dismiss_secret),
                spacing="2"),
            icon="key-round", color_scheme="amber", width="100%")),
        id="add-webhook-section",
    )


def hook_row(h: dict) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(h["url"], style={"wordBreak": "break-all"})),
        rx.table.cell(rx.text(h["events"], size="2")),
        rx.table.cell(rx.vstack(
            status_badge(h["status"], rx.cond(h["enabled"] != "", "green", "gray")),
            rx.cond(h["notice"] != "", rx.text(h["notice"], size="1", color_scheme="red")),
            spacing="1")),
        rx.table.cell(rx.flex(
            rx.button("Log", size="1", variant="soft", on_click=S.show_log(h["id"]),
                      aria_label="Delivery log of " + h["url"]),
            rx.button("Send test", size="1", variant="soft", on_click=S.send_test(h["id"]),
                      aria_label="Send a test event to " + h["url"]),
            rx.button(rx.cond(h["enabled"] != "", "Turn off", "Turn on"), size="1",
                      variant="soft", on_click=S.toggle(h["id"]),
                      aria_label="Turn on or off the webhook to " + h["url"]),
            rx.button("Delete", size="1", variant="soft", color_scheme="red",
                      on_click=S.delete(h["id"]), aria_label="Delete the webhook to " + h["url"]),
            spacing="2", wrap="wrap")),
        class_name="webhook-row",
    )


def hooks_section() -> rx.Component:
    return section(
        "Webhooks",
        rx.cond(S.hooks.length() > 0,
                rx.box(rx.table.root(
                    rx.table.header(rx.table.row(*[rx.table.column_header_cell(c) for c in
                                                   ("URL", "Events", "Status", "")])),
                    rx.table.body(rx.foreach(S.hooks, hook_row)), width="100%"),
                    overflow_x="auto", width="100%"),
                rx.text("No webhook yet.", size="2")),
        id="webhooks",
    )


def delivery_row(d: dict) -> rx.Component:
    return rx.table.row(
        rx.table.cell(d["when"], white_space="nowrap"),
        rx.table.cell(rx.code(d["event"])),
        rx.table.cell(status_badge(d["status"], d["color"])),
        rx.table.cell(d["code"], class_name="delivery-code"),
        rx.table.cell(d["attempts"]),
        rx.table.cell(rx.text(d["error"], size="1")),
        class_name="delivery-row",
    )


def log_section() -> rx.Component:
    return rx.cond(S.log_id != "", section(
        "Delivery log",
        rx.flex(rx.text("Newest first, to ", rx.code(S.log_url), size="2"), rx.spacer(),
                rx.button(rx.icon("refresh-cw", size=14), "Refresh", size="1", variant="ghost",
                          on_click=S.refresh, id="deliveries-refresh"),
                width="100%", align="center"),
        rx.cond(S.deliveries.length() > 0,
                rx.box(rx.table.root(
                    rx.table.header(rx.table.row(*[rx.table.column_header_cell(c) for c in
                                                   ("Created", "Event", "Status", "HTTP status",
                                                    "Attempts", "Last error")])),
                    rx.table.body(rx.foreach(S.deliveries, delivery_row)), width="100%"),
                    overflow_x="auto", width="100%"),
                rx.text("Nothing delivered yet.", size="2")),
        id="delivery-log",
    ))


def settings_integrations() -> rx.Component:
    return app_shell(
        page_header("Integrations", "Webhooks: your systems hear about deals, quotes and "
                    "invoices as they happen."),
        rx.link("← Settings", href="/settings", size="2"),
        rx.cond(S.can_admin,
                rx.fragment(add_section(), hooks_section(), log_section()),
                rx.callout("Only owners and admins manage webhooks.", icon="lock",
                           width="100%", id="webhooks-admin-only")),
    )
