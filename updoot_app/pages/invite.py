"""Accept an invite to a workspace."""

import reflex as rx

from updoot_app.components.forms import auth_card, field, form_error
from updoot_app.components.layout import logo
from updoot_app.state.identity.auth_state import AuthState


def invite() -> rx.Component:
    return auth_card(
        logo(),
        rx.cond(
            AuthState.invite_error != "",
            rx.callout(AuthState.invite_error, icon="triangle-alert", color_scheme="red"),
            rx.vstack(
                rx.heading("Join ", AuthState.invite_workspace, size="6"),
                rx.text("You were invited as ", rx.text.strong(AuthState.invite_role),
                        " with ", rx.text.strong(AuthState.invite_email), "."),
                form_error(AuthState.error),
                rx.form(
                    rx.vstack(
                        rx.cond(
                            AuthState.invite_has_account,
                            field("Your password", "password", type="password",
                                  autocomplete="current-password"),
                            rx.vstack(
                                field("Your name", "name", required=False),
                                field("Choose a password", "password", type="password",
                                      autocomplete="new-password"),
                                width="100%",
                            ),
                        ),
                        rx.button("Accept invite", type="submit", size="3", width="100%",
                                  id="invite-accept"),
                        spacing="3",
                    ),
                    on_submit=AuthState.accept_invite,
                    reset_on_submit=False,
                ),
                spacing="4",
                width="100%",
            ),
        ),
    )
