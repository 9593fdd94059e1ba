"""/q/[token]: the client's view of a sent quote, without an account: the
quote, its PDF, and accept (typed name) or decline."""

import reflex as rx

from updoot_app.components.billing import lines_block, status_badge, totals_card
from updoot_app.components.forms import form_error, hidden_label, label
from updoot_app.state.billing.public_quote_state import PublicQuoteState as S


def answer_forms() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Your answer", size="4", as_="h2"),
            rx.form(
                rx.vstack(
                    label("Type your full name to accept this quote.", "accept-name",
                          weight=None),
                    rx.input(name="name", placeholder="Your full name", required=True,
                             id="accept-name", width="100%", size="3"),
                    rx.text("By accepting you agree to the quote and its terms.", size="1",
                            color_scheme="gray"),
                    rx.button(rx.icon("check", size=16), "Accept quote", type="submit",
                              color_scheme="green", size="3", id="accept-quote"),
                    spacing="3", width="100%",
                ),
                on_submit=S.accept, width="100%",
            ),
            rx.divider(),
            rx.form(
                rx.vstack(
                    hidden_label("Reason for declining (optional)", "decline-reason"),
                    rx.input(name="reason", placeholder="Reason (optional)", width="100%",
                             id="decline-reason"),
                    rx.button("Decline", type="submit", variant="soft", color_scheme="red",
                              id="decline-quote"),
                    spacing="2", width="100%",
                ),
                on_submit=S.decline, width="100%",
            ),
            form_error(S.answer_error),
            spacing="3", width="100%",
        ),
        width="100%",
    )


def public_quote() -> rx.Component:
    v = S.view
    return rx.el.main(rx.center(
        rx.vstack(
            rx.cond(
                S.missing,
                rx.callout("This quote link is not valid any more. Ask the sender for a new "
                           "one.", icon="info", width="100%"),
                rx.vstack(
                    rx.text(v["workspace_name"], size="2", color_scheme="gray"),
                    rx.flex(rx.heading("Quote " + v["number"], size="7"),
                            status_badge(v["status_label"], v["status_color"]),
                            spacing="3", align="center", wrap="wrap"),
                    rx.text(rx.cond(v["company_name"] != "", "For " + v["company_name"] + " · ",
                                    ""),
                            "issued ", v["issue_date"], " · valid until ", v["valid_until"],
                            size="2", color_scheme="gray"),
                    rx.button(rx.icon("download", size=16), "Download PDF", variant="soft",
                              on_click=S.download_pdf, id="public-pdf"),
                    lines_block(S, S.view_lines, False),
                    rx.flex(rx.spacer(), totals_card(v, S.view_taxes), width="100%"),
                    rx.cond(v["terms"] != "", rx.text(rx.text.strong("Terms: "), v["terms"],
                                                      size="2")),
                    rx.cond(v["notes"] != "", rx.text(v["notes"], size="2")),
                    rx.match(
                        v["status"],
                        ("sent", answer_forms()),
                        ("accepted", rx.callout("Accepted by " + v["accepted_by_name"]
                                                + ". Thank you!", icon="check",
                                                color_scheme="green", width="100%",
                                                id="accepted-note")),
                        ("converted", rx.callout("Accepted by " + v["accepted_by_name"]
                                                 + ". Thank you!", icon="check",
                                                 color_scheme="green", width="100%")),
                        ("declined", rx.callout("You declined this quote.", icon="x",
                                                width="100%", id="declined-note")),
                        ("expired", rx.callout("This quote has expired.", icon="clock",
                                               color_scheme="amber", width="100%")),
                        rx.fragment(),
                    ),
                    spacing="4", width="100%",
                ),
            ),
            width="100%", max_width="760px", padding=["1rem", "1.5rem", "2rem"],
            spacing="4",
        ),
        width="100%",
    ))
