"""Public landing page: what Updoot does, sign up, try the demo."""

import reflex as rx

from updoot_app.components.layout import color_mode_button, link_button, logo
from updoot_app.state.identity.auth_state import AuthState

FEATURES = (
    ("target", "Ideal Customer Profile", "Define who you sell to; every lead gets a fit score "
     "that explains itself."),
    ("kanban", "Fit-scored pipeline", "Companies, contacts and deals on a kanban board, with a "
     "fit badge on every card."),
    ("swords", "Battlecards", "Know each competitor on each deal, and your win rate against "
     "them."),
    ("receipt", "Quotes to cash", "Quotes, invoices, payments and PDFs, with money rounded "
     "right."),
    ("chart-line", "Is the ICP working?", "Goals and KPIs by fit tier show whether your "
     "targeting pays off."),
)


def feature(icon: str, title: str, text: str) -> rx.Component:
    return rx.card(
        rx.vstack(rx.icon(icon, size=24, color=rx.color("accent", 10)),
                  rx.heading(title, size="4", as_="h2"), rx.text(text, color_scheme="gray", size="2"),
                  spacing="2"),
        width="100%",
    )


def landing() -> rx.Component:
    return rx.box(
        rx.el.header(rx.hstack(
            logo(), rx.spacer(), color_mode_button(),
            link_button("Log in", variant="soft", href="/login"),
            padding="1rem", align="center", width="100%",
        )),
        rx.el.main(rx.vstack(
            rx.heading("Know who to sell to. Turn it into revenue.", size="8",
                       text_align="center"),
            rx.text(
                "Updoot takes a small business from its Ideal Customer Profile and buyer "
                "personas, through a pipeline where every lead shows how well it fits, to "
                "quotes, invoices and the KPIs that show whether your targeting works.",
                size="4", color_scheme="gray", text_align="center", max_width="720px",
            ),
            rx.hstack(
                link_button("Sign up", size="4", id="cta-signup", href="/signup"),
                rx.button("Try the demo", size="4", variant="outline", id="cta-demo",
                          on_click=AuthState.try_demo, loading=AuthState.busy),
                spacing="3", wrap="wrap", justify="center",
            ),
            rx.text("The demo is a private workspace with sample data; no sign-up needed.",
                    size="2", color_scheme="gray"),
            rx.grid(*[feature(*f) for f in FEATURES], columns=rx.breakpoints(
                initial="1", sm="2", md="3"), spacing="4", width="100%", padding_top="2rem"),
            spacing="5", align="center", padding="2rem 1rem", max_width="1100px",
            margin="0 auto",
        )),
    )
