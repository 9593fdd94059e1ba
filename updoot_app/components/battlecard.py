"""One competitor's battlecard, from a dict of strings (see `battlecard_dict` in
state/competitors/deal_competitor_panel_state.py). The `*_html` values are already
sanitised server-side by services.platform.markdown_safe (raw HTML disabled, only
http/https/mailto links), which is why they may go through rx.html."""

from __future__ import annotations

import reflex as rx

SECTIONS = (
    ("strengths", "Strengths", "thumbs-up"),
    ("weaknesses", "Weaknesses", "thumbs-down"),
    ("where_they_win", "Where they win", "trophy"),
    ("gaps", "Gaps we can own", "target"),
    ("pricing_notes", "Pricing notes", "tag"),
    ("talk_track", "Talk track & objection handling", "message-circle"),
)


# Radix resets list and paragraph styles; give rendered Markdown its bullets back.
MARKDOWN_STYLE = {
    "& ul": {"list_style_type": "disc", "padding_left": "1.25rem", "margin": "0.25rem 0"},
    "& ol": {"list_style_type": "decimal", "padding_left": "1.25rem", "margin": "0.25rem 0"},
    "& p": {"margin": "0.25rem 0"},
    "& a": {"color": "var(--accent-11)", "text_decoration": "underline"},
}


def markdown_html(html) -> rx.Component:
    return rx.html(html, class_name="battlecard-md", font_size="14px", width="100%",
                   overflow_wrap="anywhere", style=MARKDOWN_STYLE)


def section(card, key: str, title: str, icon: str) -> rx.Component:
    return rx.cond(
        card[f"{key}_html"] != "",
        rx.vstack(
            rx.hstack(rx.icon(icon, size=14), rx.text(title, size="2", weight="bold"),
                      align="center", spacing="2"),
            markdown_html(card[f"{key}_html"]),
            spacing="1", width="100%", class_name=f"battlecard-{key}",
        ),
    )


def target_line(label: str, value) -> rx.Component:
    return rx.text(rx.text.strong(label + ": "), value, size="2", overflow_wrap="anywhere")


def battlecard(card, *actions: rx.Component, link: bool = True) -> rx.Component:
    """`card` is a dict Var (or a foreach item) of strings."""
    name = rx.heading(card["name"], size="5", as_="h2")
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.vstack(
                    rx.link(name, href="/competitors/" + card["id"]) if link else name,
                    rx.cond(card["website"] != "",
                            rx.link(card["website"], href=card["website"], is_external=True,
                                    size="2", overflow_wrap="anywhere")),
                    spacing="1", min_width="0",
                ),
                rx.spacer(),
                rx.vstack(
                    rx.badge("Win rate " + card["win_label"], size="2",
                             class_name="battlecard-win-rate"),
                    rx.text(card["win_detail"], size="1", color_scheme="gray"),
                    align="end", spacing="1",
                ),
                width="100%", wrap="wrap", spacing="2",
            ),
            rx.vstack(
                target_line("Industries", card["target_industries"]),
                target_line("Company size", card["target_employees"]),
                target_line("Geography", card["target_geography"]),
                target_line("Segments", card["target_segments"]),
                spacing="0", width="100%",
            ),
            *[section(card, key, title, icon) for key, title, icon in SECTIONS],
            rx.flex(
                rx.text(card["reviewed"], size="1", color_scheme="gray"),
                rx.spacer(),
                *actions,
                width="100%", align="center", wrap="wrap", spacing="2",
            ),
            spacing="3", width="100%",
        ),
        width="100%", class_name="battlecard",
    )
