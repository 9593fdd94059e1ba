"""Log in."""

import reflex as rx

from updoot_app.components.forms import auth_card, field, form_error
from updoot_app.components.layout import logo
from updoot_app.state.identity.auth_state import AuthState


def login() -> rx.Component:
    return auth_card(
        logo(),
        rx.heading("Log in", size="6"),
        form_error(AuthState.error),
        rx.form(
            rx.vstack(
                field("Email", "email", type="email", autocomplete="username"),
                field("Password", "password", type="password",
                      autocomplete="current-password"),
                rx.button("Log in", type="submit", size="3", width="100%", id="login-submit"),
                spacing="3",
            ),
            on_submit=AuthState.login,
            reset_on_submit=False,
        ),
        rx.text("New here? ", rx.link("Create an account", href="/signup"), " or ",
                rx.link("try the demo", on_click=AuthState.try_demo, href="#"), ".", size="2"),
    )
