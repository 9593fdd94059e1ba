"""Profiles: the workspace's Ideal Customer Profiles."""

import reflex as rx

from updoot_app.components.layout import app_shell, link_button, page_header
from updoot_app.components.review_prompts import review_prompts
from updoot_app.components.tier_counts import tier_counts
from updoot_app.state.profiles.profiles_state import ProfilesState
from updoot_app.state.profiles.review_state import ReviewPromptsState


def icp_card(row: dict) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.link(rx.heading(row["name"], size="4", as_="h2"), href=f"/profiles/{row['id']}"),
                rx.spacer(),
                rx.badge(row["active"], color_scheme=rx.cond(row["active"] == "active",
                                                             "green", "gray")),
                width="100%", align="center",
            ),
            rx.text(row["kind"], " · version ", row["version"], " · ", row["personas"],
                    " personas", size="2", color_scheme="gray"),
            rx.text("Best match for ", rx.text.strong(row["a"]), " tier-A and ",
                    rx.text.strong(row["b"]), " tier-B companies", size="2"),
            spacing="2", width="100%",
        ),
        width="100%",
    )


def template_card(t: dict) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(t["name"], size="3", as_="h3"),
            rx.text(t["description"], size="2", color_scheme="gray"),
            link_button("Start from this template", variant="soft", id="template-" + t["key"],
                        href="/profiles/new?template=" + t["key"]),
            spacing="2",
        ),
        width="100%",
    )


def profiles() -> rx.Component:
    return app_shell(
        page_header(
            "Profiles", "Who you sell to: each ICP scores every company.",
            rx.cond(ProfilesState.can_edit,
                    link_button(rx.icon("plus", size=16), "New ICP", id="new-icp",
                                href="/profiles/new")),
            link_button(rx.icon("trophy", size=16), "Start from your best customers",
                        variant="soft", id="start-from-best", href="/profiles/suggest"),
        ),
        review_prompts(ReviewPromptsState.review_rows),
        rx.card(rx.vstack(rx.text("Companies by fit tier (best match across active ICPs)",
                                  size="2", weight="medium"),
                          tier_counts(ProfilesState.workspace_tiers), spacing="2"),
                width="100%"),
        rx.cond(
            ProfilesState.icp_rows.length() > 0,
            rx.grid(rx.foreach(ProfilesState.icp_rows, icp_card),
                    columns=rx.breakpoints(initial="1", md="2"), spacing="4", width="100%"),
            rx.callout("No ICP yet: companies are not scored. Create one, or start from a "
                       "template.", icon="info", width="100%"),
        ),
        rx.heading("Templates", size="4", as_="h2"),
        rx.grid(rx.foreach(ProfilesState.templates, template_card),
                columns=rx.breakpoints(initial="1", md="2"), spacing="4", width="100%"),
    )
