"""The fit badge: tier letter and score, coloured by tier, with the explanation
one tap away (a popover, so it works on touch screens too).

Takes Vars from a row dict: `tier` ("A".."D", "not_a_fit" or ""), `score`
(text) and `summary` (the one-line explanation from explanations.fit_summary).
"""

from __future__ import annotations

import reflex as rx

from updoot_app.services.profiles.tiers import TIER_LABELS, UNSCORED_LABEL

TIER_COLORS = {"A": "green", "B": "teal", "C": "amber", "D": "gray", "not_a_fit": "red"}


def _color(tier: rx.Var) -> rx.Var:
    return rx.match(tier, *[(k, v) for k, v in TIER_COLORS.items()], "gray")


def fit_label(tier: rx.Var, score: rx.Var) -> rx.Var:
    """"A · 82", "Not a fit" or "Not scored"."""
    return rx.match(
        tier,
        ("not_a_fit", TIER_LABELS["not_a_fit"]),
        ("", UNSCORED_LABEL),
        f"{tier} · {score}",
    )


def fit_button_name(tier: rx.Var, score: rx.Var) -> rx.Var:
    """The accessible name of a fit badge's button: what it shows, and what
    pressing it does ("Fit A · 82, show why")."""
    return rx.Var.create("Fit ") + fit_label(tier, score).to(str) + ", show why"


def fit_badge(tier: rx.Var, score: rx.Var, summary: rx.Var) -> rx.Component:
    badge = rx.badge(
        fit_label(tier, score),
        color_scheme=_color(tier),
        variant=rx.cond(tier == "", "outline", "soft"),
        size="2",
        class_name="fit-badge",
        cursor="pointer",
        white_space="nowrap",
    )
    return rx.popover.root(
        rx.popover.trigger(rx.el.button(badge, aria_label=fit_button_name(tier, score),
                                        type="button", class_name="fit-badge-trigger")),
        rx.popover.content(
            rx.text(rx.cond(summary != "", summary, "No active ICP scored this company yet."),
                    size="2", class_name="fit-summary"),
            max_width="360px",
        ),
    )
