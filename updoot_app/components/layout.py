"""The app shell: sidebar (desktop), top bar with drawer (phone), workspace
switcher, user menu and light/dark toggle.

Landmarks for assistive technology: the sidebar and the drawer are <nav>, the
top bar a <header>, the page's own content <main id="main">; "Skip to content"
is the first Tab stop and jumps there."""

from __future__ import annotations

import reflex as rx
from reflex.components.react_router.dom import ReactRouterLink

from updoot_app.components.nav import NAV_ITEMS
from updoot_app.state.app_state import AppState

SIDEBAR_WIDTH = "220px"


def logo() -> rx.Component:
    return rx.hstack(
        rx.icon("chevrons-up", size=22, color=rx.color("accent", 10)),
        rx.text("Updoot", weight="bold", size="5"),
        align="center",
        spacing="1",
    )


def nav_link(label: str, href: str, icon: str) -> rx.Component:
    active = rx.State.router.page.path == href
    return rx.link(
        rx.hstack(rx.icon(icon, size=18), rx.text(label, size="3"), align="center",
                  spacing="3"),
        href=href,
        underline="none",
        width="100%",
        padding_x="0.75rem",
        padding_y="0.5rem",
        border_radius="8px",
        color=rx.cond(active, rx.color("accent", 11), rx.color("gray", 11)),
        background=rx.cond(active, rx.color("accent", 3), "transparent"),
        _hover={"background": rx.color("gray", 3)},
        aria_current=rx.cond(active, "page", "false"),
    )


def link_button(*children, href: str | rx.Var, **props) -> rx.Component:
    """A link drawn as a button: one <a> (Radix's asChild), so one Tab stop and
    a link to assistive technology. A button inside a link would be two Tab
    stops and is not valid HTML."""
    return rx.button(ReactRouterLink.create(*children, to=href), as_child=True, **props)


def nav_links() -> rx.Component:
    return rx.vstack(*[nav_link(*item) for item in NAV_ITEMS], spacing="1", width="100%")


def main_nav(*children: rx.Component, **props) -> rx.Component:
    """The <nav> landmark around the sidebar's or the drawer's links."""
    return rx.el.nav(rx.vstack(*children, **props), aria_label="Main")


MAIN_ID = "main"


def skip_link() -> rx.Component:
    """Hidden until focused (assets/theme.css): keyboard users skip the navigation.
    It moves the focus itself: the router would take the #main link as a
    navigation and leave the focus where it was. It sits in a landmark of its own:
    the router writes its href as the page's path plus #main, which a checker
    cannot always tell from a link to another page, and every part of a page
    belongs to a landmark."""
    return rx.el.nav(
        rx.el.a(
            "Skip to content", href=f"#{MAIN_ID}", class_name="skip-link",
            on_click=rx.call_script(f"document.getElementById('{MAIN_ID}')?.focus()")
            .prevent_default,
        ),
        aria_label="Skip link",
    )


def color_mode_button() -> rx.Component:
    return rx.icon_button(
        rx.color_mode_cond(light=rx.icon("moon", size=18), dark=rx.icon("sun", size=18)),
        on_click=rx.toggle_color_mode,
        variant="ghost",
        aria_label="Toggle dark mode",
        id="color-mode-toggle",
    )


def workspace_switcher() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                rx.icon("briefcase", size=16),
                rx.text(AppState.workspace_name, max_width=["90px", "160px"],
                        overflow="hidden", text_overflow="ellipsis", white_space="nowrap"),
                rx.icon("chevron-down", size=14),
                variant="soft",
                id="workspace-switcher",
                min_width="0",
                flex_shrink="1",
            )
        ),
        rx.menu.content(
            rx.text("Workspaces", size="1", color_scheme="gray", padding_x="0.5rem"),
            rx.foreach(
                AppState.workspaces,
                lambda w: rx.menu.item(
                    rx.text(w["name"]),
                    on_click=AppState.switch_workspace(w["id"]),
                ),
            ),
            rx.menu.separator(),
            rx.menu.item("New workspace…", on_click=rx.redirect("/settings#new-workspace")),
        ),
    )


def user_menu() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.icon_button(rx.icon("circle-user", size=20), variant="ghost",
                           aria_label="User menu", id="user-menu")
        ),
        rx.menu.content(
            rx.text(AppState.user_email, size="2", padding_x="0.5rem", id="user-email"),
            rx.text(AppState.role_label, size="1", color_scheme="gray", padding_x="0.5rem"),
            rx.menu.separator(),
            rx.menu.item("Settings", on_click=rx.redirect("/settings")),
            rx.menu.item("Log out", on_click=AppState.logout, color="red", id="logout"),
        ),
    )


def mobile_drawer() -> rx.Component:
    return rx.drawer.root(
        rx.drawer.trigger(
            rx.icon_button(rx.icon("menu", size=20), variant="ghost", aria_label="Open menu",
                           id="mobile-menu")
        ),
        rx.drawer.overlay(z_index="50"),
        rx.drawer.portal(
            rx.drawer.content(
                main_nav(
                    rx.hstack(logo(), rx.spacer(),
                              rx.drawer.close(rx.icon_button(rx.icon("x"), variant="ghost",
                                                             aria_label="Close menu")),
                              width="100%"),
                    nav_links(),
                    spacing="4",
                    padding="1rem",
                    width="100%",
                ),
                background=rx.color("gray", 1),
                width="260px",
                height="100%",
                top="0",
                left="0",
                z_index="60",
            )
        ),
        direction="left",
    )


def top_bar() -> rx.Component:
    return rx.el.header(rx.hstack(
        rx.mobile_only(mobile_drawer()),
        rx.spacer(),
        rx.cond(AppState.is_demo, rx.tablet_and_desktop(
            rx.badge("Demo workspace", color_scheme="amber"))),
        workspace_switcher(),
        color_mode_button(),
        user_menu(),
        align="center",
        spacing="2",
        width="100%",
        min_width="0",
        padding_x=["0.5rem", "1rem"],
        padding_y="0.6rem",
        border_bottom=f"1px solid {rx.color('gray', 5)}",
    ), width="100%")


def sidebar() -> rx.Component:
    return rx.tablet_and_desktop(
        main_nav(
            logo(),
            nav_links(),
            spacing="5",
            padding="1rem",
            width=SIDEBAR_WIDTH,
            min_height="100vh",
            border_right=f"1px solid {rx.color('gray', 5)}",
            position="sticky",
            top="0",
        )
    )


# Two things Radix and react-dropzone leave out, put right on the DOM as pages draw
# (installed once per browser tab):
# - A Radix table scrolls sideways inside its own ScrollArea, whose viewport Radix
#   leaves out of the Tab order: on a phone a keyboard could not scroll a table
#   that has no link or button in it. Radix draws a focus ring for that viewport
#   when it is focusable, so while a table's viewport overflows it gets
#   tabindex=0 (and loses it when it fits again).
# - rx.upload's file input (react-dropzone's) takes no props of its own, so it had
#   no accessible name: it gets the dropzone's own visible instruction
#   ("Drop a CSV file here or click to choose one") as its aria-label.
A11Y_DOM_FIXES_JS = """
if (!window.__updootDomFixes) {
  window.__updootDomFixes = true;
  const mark = () => {
    for (const el of document.querySelectorAll('.rt-TableRoot .rt-ScrollAreaViewport')) {
      const overflows = el.scrollWidth > el.clientWidth + 1;
      if (overflows && !el.hasAttribute('tabindex')) el.tabIndex = 0;
      else if (!overflows && el.getAttribute('tabindex') === '0') el.removeAttribute('tabindex');
    }
    for (const input of document.querySelectorAll('.rx-Upload > input[type=file]:not([aria-label])')) {
      const text = input.parentElement.textContent.trim();
      if (text) input.setAttribute('aria-label', text);
    }
  };
  let queued = false;
  const soon = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; mark(); });
  };
  new MutationObserver(soon).observe(document.body, {childList: true, subtree: true});
  window.addEventListener('resize', soon);
  soon();
}
"""


def page_header(title: str, subtitle: str = "", *actions: rx.Component) -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.heading(title, size="7"),
            rx.cond(subtitle != "", rx.text(subtitle, color_scheme="gray")) if subtitle else
            rx.fragment(),
            spacing="1",
        ),
        rx.spacer(),
        *actions,
        width="100%",
        align="center",
        wrap="wrap",
        spacing="3",
    )


def app_shell(*children: rx.Component) -> rx.Component:
    """Every signed-in page: shell around the page's own content."""
    return rx.hstack(
        skip_link(),
        sidebar(),
        rx.vstack(
            top_bar(),
            rx.el.main(
                rx.vstack(*children, spacing="5", width="100%"),
                id=MAIN_ID,
                tab_index=-1,
                padding=["1rem", "1rem", "1.5rem 2rem"],
                width="100%",
                max_width="1200px",
            ),
            spacing="0",
            width="100%",
            min_width="0",
        ),
        spacing="0",
        width="100%",
        align="start",
        on_mount=rx.call_script(A11Y_DOM_FIXES_JS),
    )

