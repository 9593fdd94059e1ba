"""Settings: workspace, members and invites, billing, API tokens, account, activity."""

import reflex as rx

from updoot_app.components.billing_settings import billing_section
from updoot_app.components.forms import field, form_error, hidden_label, label, section, select
from updoot_app.components.layout import app_shell, link_button, page_header
from updoot_app.state.identity.auth_state import AuthState
from updoot_app.state.identity.settings_state import SettingsState

ROLE_CHOICES = ["owner", "admin", "member", "viewer"]


def workspace_section() -> rx.Component:
    return section(
        "Workspace",
        rx.form(
            rx.vstack(
                field("Name", "name", id="workspace-name", default_value=SettingsState.ws_name,
                      key=SettingsState.ws_name, disabled=~SettingsState.can_admin),
                label("Currency", "workspace-currency"),
                select(SettingsState.currencies, value=SettingsState.ws_currency,
                       on_change=SettingsState.set_currency, id="workspace-currency",
                       disabled=~SettingsState.can_admin),
                field("Deals are stale after (days without activity)", "stale_after_days",
                      id="workspace-stale_after_days",
                      type="number", default_value=SettingsState.ws_stale_days,
                      key=SettingsState.ws_stale_days, disabled=~SettingsState.can_admin),
                field("Time zone (when follow-ups are due)", "time_zone",
                      id="workspace-time_zone", placeholder="e.g. Europe/Berlin",
                      default_value=SettingsState.ws_time_zone, key=SettingsState.ws_time_zone,
                      disabled=~SettingsState.can_admin),
                rx.cond(SettingsState.can_admin,
                        rx.button("Save workspace", type="submit", id="save-workspace")),
                spacing="2", width="100%", max_width="420px",
            ),
            on_submit=SettingsState.save_workspace,
            reset_on_submit=False,
        ),
        id="workspace",
    )


def member_row(m: dict) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.vstack(rx.text(m["email"]), rx.text(m["name"], size="1",
                                                                color_scheme="gray"),
                                spacing="0")),
        rx.table.cell(
            rx.cond(
                SettingsState.can_admin & (m["is_me"] == "False"),
                select(ROLE_CHOICES, value=m["role"], size="1", id="member-role-" + m["id"],
                       aria_label="Role of " + m["email"],
                       on_change=lambda role: SettingsState.change_role(m["id"], role)),
                rx.badge(m["role"]),
            )
        ),
        rx.table.cell(
            rx.cond(
                SettingsState.can_admin & (m["is_me"] == "False"),
                rx.button("Remove", size="1", color_scheme="red", variant="soft",
                          on_click=SettingsState.remove_member(m["id"])),
            )
        ),
    )


def members_section() -> rx.Component:
    return section(
        "Members",
        rx.box(
            rx.table.root(
                rx.table.header(rx.table.row(
                    rx.table.column_header_cell("Member"),
                    rx.table.column_header_cell("Role"),
                    rx.table.column_header_cell(""),
                )),
                rx.table.body(rx.foreach(SettingsState.members, member_row)),
                width="100%",
            ),
            overflow_x="auto", width="100%",
        ),
        rx.cond(
            SettingsState.can_admin,
            rx.vstack(
                rx.heading("Invite someone", size="3", as_="h3"),
                rx.form(
                    rx.flex(
                        hidden_label("Email of the person to invite", "invite-email"),
                        rx.input(name="email", type="email", placeholder="colleague@company.com",
                                 required=True, id="invite-email", flex="1", min_width="200px"),
                        select(ROLE_CHOICES[1:], name="role", default_value="member",
                               id="invite-role", aria_label="Role of the person to invite"),
                        rx.button("Create invite link", type="submit", id="invite-submit"),
                        spacing="2", wrap="wrap", width="100%",
                    ),
                    on_submit=SettingsState.invite,
                ),
                rx.cond(
                    SettingsState.invite_link != "",
                    rx.callout(
                        rx.vstack(
                            rx.text("Send this link to the person you invited (valid 7 days):"),
                            rx.code(SettingsState.invite_link, id="invite-link",
                                    word_break="break-all"),
                            spacing="1",
                        ),
                        icon="link", color_scheme="green", width="100%",
                    ),
                ),
                rx.foreach(
                    SettingsState.invites,
                    lambda i: rx.hstack(
                        rx.text(i["email"], " · ", i["role"], " · expires ", i["expires"],
                                size="2"),
                        rx.button("Revoke", size="1", variant="ghost",
                                  on_click=SettingsState.revoke_invite(i["id"])),
                        align="center",
                    ),
                ),
                spacing="2", width="100%",
            ),
        ),
    )


def token_row(t: dict) -> rx.Component:
    return rx.table.row(
        rx.table.cell(t["name"]),
        rx.table.cell(rx.code(t["prefix"])),
        rx.table.cell(t["created"]),
        rx.table.cell(t["last_used"]),
        rx.table.cell(rx.button("Revoke", size="1", color_scheme="red", variant="soft",
                                on_click=SettingsState.revoke_token(t["id"]))),
    )


def tokens_section() -> rx.Component:
    return section(
        "API tokens",
        rx.text("Tokens let scripts use the REST API at /api/v1 as you, in this workspace.",
                size="2", color_scheme="gray"),
        rx.cond(
            SettingsState.new_token != "",
            rx.callout(
                rx.vstack(
                    rx.text("Copy your new token now: it will not be shown again."),
                    rx.code(SettingsState.new_token, id="new-token", word_break="break-all"),
                    rx.button("I have copied it", size="1",
                              on_click=SettingsState.dismiss_token),
                    spacing="2",
                ),
                icon="key-round", color_scheme="green", width="100%",
            ),
        ),
        rx.cond(
            SettingsState.can_edit,
            rx.form(
                rx.flex(
                    hidden_label("Token name", "token-name"),
                    rx.input(name="name", placeholder="Token name, e.g. Zapier", required=True,
                             id="token-name", flex="1", min_width="200px"),
                    rx.button("Create token", type="submit", id="token-submit"),
                    spacing="2", wrap="wrap", width="100%",
                ),
                on_submit=SettingsState.create_token,
            ),
        ),
        rx.box(
            rx.table.root(
                rx.table.header(rx.table.row(
                    *[rx.table.column_header_cell(h) for h in
                      ("Name", "Token", "Created", "Last used", "")]
                )),
                rx.table.body(rx.foreach(SettingsState.tokens, token_row)),
                width="100%",
            ),
            overflow_x="auto", width="100%",
        ),
    )


def account_section() -> rx.Component:
    return section(
        "Your account",
        rx.text(SettingsState.user_email, size="2"),
        rx.cond(
            ~SettingsState.is_demo,
            rx.form(
                rx.vstack(
                    field("Current password", "current_password", type="password",
                          autocomplete="current-password"),
                    field("New password", "new_password", type="password",
                          autocomplete="new-password"),
                    rx.button("Change password", type="submit", id="password-submit"),
                    rx.cond(AuthState.password_message != "",
                            rx.text(AuthState.password_message, size="2")),
                    spacing="2", width="100%", max_width="420px",
                ),
                on_submit=AuthState.change_password,
                reset_on_submit=True,
            ),
        ),
    )


def new_workspace_section() -> rx.Component:
    return section(
        "New workspace",
        form_error(SettingsState.form_error),
        rx.form(
            rx.flex(
                hidden_label("Name of the new workspace", "new-workspace-name"),
                rx.input(name="name", placeholder="Workspace name", required=True, flex="1",
                         min_width="200px", id="new-workspace-name"),
                rx.button("Create and switch", type="submit"),
                spacing="2", wrap="wrap", width="100%",
            ),
            on_submit=SettingsState.new_workspace,
        ),
        id="new-workspace",
    )


def archive_section() -> rx.Component:
    return section(
        "Your data",
        rx.text("Download everything in this workspace as one zip file: every table as "
                "JSON with its ids, CSV files of companies, contacts, deals, quotes and "
                "invoices, and the logo. ", rx.code("updoot import-workspace"),
                " loads it into this or another Updoot as a new workspace. A big workspace "
                "takes a while: the archive is prepared in the background, and kept for "
                "24 hours.", size="2"),
        rx.cond(
            SettingsState.archive_busy,
            rx.vstack(
                rx.progress(value=SettingsState.archive_percent, width="100%",
                            max_width="420px", aria_label="Archive progress",
                            id="archive-progress"),
                rx.text(SettingsState.archive_text, size="2", id="archive-status",
                        role="status"),
                spacing="2", width="100%",
            ),
        ),
        rx.cond(
            SettingsState.archive_status == "failed",
            rx.callout(SettingsState.archive_text, icon="triangle-alert", color_scheme="red",
                       role="alert", width="100%", id="archive-error"),
        ),
        rx.cond(
            SettingsState.archive_url != "",
            rx.vstack(
                rx.text(SettingsState.archive_text, size="2", id="archive-ready"),
                # A file, not a page: the browser fetches it (reload_document keeps
                # React Router's client-side navigation out of the click).
                rx.button(rx.el.a(rx.icon("download", size=16), "Download archive",
                                  href=SettingsState.archive_url, download="",
                                  reload_document=True),
                          as_child=True, id="download-archive", width="fit-content"),
                spacing="2", width="100%",
            ),
        ),
        rx.button(rx.cond(SettingsState.archive_busy, "Preparing…",
                          rx.cond(SettingsState.archive_status == "", "Prepare archive",
                                  "Prepare a new archive")),
                  on_click=SettingsState.prepare_archive,
                  disabled=SettingsState.archive_busy, variant=rx.cond(
                      SettingsState.archive_url != "", "soft", "solid"),
                  id="prepare-archive", width="fit-content"),
        id="archive",
    )


def activity_section() -> rx.Component:
    return section(
        "Activity log",
        rx.box(
            rx.table.root(
                rx.table.header(rx.table.row(
                    *[rx.table.column_header_cell(h) for h in ("When", "Who", "What")]
                )),
                rx.table.body(rx.foreach(
                    SettingsState.log,
                    lambda a: rx.table.row(rx.table.cell(a["when"]), rx.table.cell(a["who"]),
                                           rx.table.cell(a["summary"])),
                )),
                width="100%",
            ),
            overflow_x="auto", width="100%",
        ),
    )


def settings() -> rx.Component:
    return app_shell(
        page_header("Settings", "Workspace, members, billing, API tokens and your account."),
        link_button(rx.icon("mail", size=16), "Email: outbox, test email and templates",
                    href="/settings/email", variant="soft", id="email-settings-link"),
        link_button(rx.icon("webhook", size=16), "Integrations: webhooks",
                    href="/settings/integrations", variant="soft",
                    id="integrations-settings-link"),
        workspace_section(),
        members_section(),
        billing_section(),
        section("Payment reminders", rx.link("Reminder schedule →", href="/settings/reminders")),
        tokens_section(),
        account_section(),
        new_workspace_section(),
        rx.cond(SettingsState.role == "owner", archive_section()),
        activity_section(),
    )
