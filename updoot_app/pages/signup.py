"""Sign up: email, password and a workspace name."""

import reflex as rx

from updoot_app.components.forms import auth_card, field, form_error
from updoot_app.components.layout import logo
from updoot_app.services.platform.security import MIN_PASSWORD_LENGTH
from updoot_app.state.identity.auth_state import AuthState


def signup() -> rx.Component:
    return auth_card(
        logo(),
        rx.heading("Create your account", size="6"),
        form_error(AuthState.error),
        rx.form(
            rx.vstack(
                field("Your name", "name", required=False, autocomplete="name"),
                field("Email", "email", type="email", autocomplete="username"),
                field(f"Password (at least {MIN_PASSWORD_LENGTH} characters)", "password",
                      type="password", autocomplete="new-password"),
                field("Workspace name", "workspace_name", placeholder="e.g. Acme Security"),
                rx.button("Sign up", type="submit", size="3", width="100%",
                          id="signup-submit"),
                spacing="3",
            ),
            on_submit=AuthState.signup,
            reset_on_submit=False,
        ),
        rx.text("Already have an account? ", rx.link("Log in", href="/login"), size="2"),
    )
