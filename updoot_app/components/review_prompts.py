""""Time to review" callouts: one per ICP due for review, with the reason and a link."""

import reflex as rx


def review_prompts(rows) -> rx.Component:
    """``rows``: {"id", "name", "reason"} per ICP due for review."""
    return rx.foreach(rows, lambda r: rx.callout(
        rx.hstack(rx.text(rx.text.strong("Time to review " + r["name"] + ": "), r["reason"]),
                  rx.link("Open the profile", href="/profiles/" + r["id"], size="2"),
                  wrap="wrap", align="center", spacing="2"),
        icon="calendar-clock", color_scheme="amber", width="100%", class_name="review-prompt"))
