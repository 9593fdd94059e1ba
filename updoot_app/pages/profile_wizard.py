"""The guided ICP wizard: one step per screen, live preview beside it."""

import reflex as rx

from updoot_app.components.fit_badge import TIER_COLORS
from updoot_app.components.focus import focus_when_drawn
from updoot_app.components.forms import form_error, label, labelled_by
from updoot_app.components.icp_backtest import backtest_tables
from updoot_app.components.layout import app_shell, link_button, page_header
from updoot_app.components.stat import named_progress
from updoot_app.components.tier_counts import tier_counts
from updoot_app.components.trigger_windows import trigger_windows_editor
from updoot_app.services.profiles.wizard_draft import CRITERIA
from updoot_app.state.profiles.icp_wizard_state import STEPS
from updoot_app.state.profiles.icp_wizard_state import IcpWizardState as W
from updoot_app.state.profiles.trigger_windows_state import TriggerWindowsState
from updoot_app.state.profiles.wizard_backtest_state import WizardBacktestState as WB

# The name of each criterion, as the review step's weight table shows it.
CRITERION_LABELS = {key: text for key, _field, _values, text in CRITERIA}


def weight_input(key: str) -> rx.Component:
    """The weight of one criterion: the visible label says "Weight", the
    accessible name which criterion (a step may show several weights)."""
    return rx.hstack(
        label("Weight", f"weight-{key}"),
        rx.input(type="number", min=0, max=100, width="90px",
                 default_value=W.weights[key].to_string(),
                 key=W.weights[key].to_string() + key, on_blur=W.set_weight(key),
                 id=f"weight-{key}", aria_label=f"Weight of {CRITERION_LABELS[key]}"),
        rx.text("of 100", size="1", color_scheme="gray"),
        align="center",
    )


def tag_input(key: str, text: str, placeholder: str, hint: str = "") -> rx.Component:
    return rx.vstack(
        label(text, f"add-{key}"),
        rx.form(
            rx.hstack(
                rx.input(name="value", placeholder=placeholder, id=f"add-{key}", flex="1",
                         min_width="0"),
                rx.button("Add", type="submit", variant="soft", id=f"add-{key}-button",
                          aria_label=f"Add to {text}"),
                width="100%",
            ),
            on_submit=W.add_value(key),
            reset_on_submit=True,
            width="100%",
        ),
        rx.cond(hint != "", rx.text(hint, size="1", color_scheme="gray")),
        rx.flex(
            rx.foreach(
                W.draft[key],
                lambda v: rx.badge(
                    v,
                    # A real button (a bare icon with on_click is no Tab stop); once
                    # it is gone with its tag, the focus goes back to the field.
                    rx.el.button(rx.icon("x", size=12, aria_hidden="true"), type="button",
                                 class_name="tag-remove", aria_label="Remove " + v,
                                 on_click=[W.remove_value(key, v),
                                           focus_when_drawn(f"add-{key}")]),
                    size="2", variant="surface",
                ),
            ),
            # spacing, Radix's gap token: rx.flex(gap="2") is CSS "gap: 2", no gap at all.
            spacing="2", wrap="wrap", id=f"values-{key}",
        ),
        spacing="2", width="100%",
    )


def number_field(key: str, text: str, placeholder: str = "", name: str = "") -> rx.Component:
    """`name`, when given, is the accessible name: what the short visible
    label ("At least") bounds."""
    return rx.vstack(
        label(text, f"field-{key}"),
        rx.input(default_value=W.texts[key], key=W.texts[key] + key, on_blur=W.set_text(key),
                 placeholder=placeholder, id=f"field-{key}", inputmode="numeric",
                 **({"aria_label": name} if name else {})),
        spacing="1",
    )


def step_start() -> rx.Component:
    return rx.vstack(
        rx.text("Name your profile and say whom it describes.", color_scheme="gray"),
        rx.vstack(
            label("Name", "field-name"),
            rx.input(default_value=W.texts["name"], key=W.texts["name"] + "name",
                     on_blur=W.set_text("name"), placeholder="e.g. Mid-market security buyers",
                     id="field-name", width="100%"),
            spacing="1", width="100%",
        ),
        rx.text("Kind", size="2", weight="medium", id="kind-label"),
        rx.radio_group.root(
            rx.flex(
                rx.radio_group.item(value="b2b", id="kind-b2b",
                                    aria_labelledby=labelled_by("kind-b2b")),
                label("B2B companies", "kind-b2b", size=None, weight=None),
                rx.radio_group.item(value="b2c", id="kind-b2c",
                                    aria_labelledby=labelled_by("kind-b2c")),
                label("B2C individuals", "kind-b2c", size=None, weight=None),
                spacing="2", align="center",
            ),
            value=W.kind, on_change=W.set_kind, aria_labelledby="kind-label",
        ),
        rx.callout(
            rx.hstack(rx.text("Not sure where to start? Use the cybersecurity template: "
                              "tech and finance companies of 500–2,000 people in North "
                              "America and Europe."),
                      rx.button("Use template", size="1", id="use-template",
                                on_click=W.use_template("cybersecurity")),
                      wrap="wrap", align="center"),
            icon="sparkles", width="100%",
        ),
        rx.callout(
            rx.hstack(rx.text("Or let your sales history draft it: what your best customers "
                              "have in common."),
                      link_button("Start from your best customers", size="1",
                                  id="wizard-start-from-best", href="/profiles/suggest"),
                      wrap="wrap", align="center"),
            icon="trophy", width="100%",
        ),
        spacing="3", width="100%",
    )


def step_industries() -> rx.Component:
    return rx.vstack(
        tag_input("industries", "Industries you sell to", "e.g. Technology",
                  "Matching is case-insensitive."),
        weight_input("w_industry"),
        spacing="4", width="100%",
    )


def step_size() -> rx.Component:
    return rx.vstack(
        rx.text("Ranges are inclusive; leave a bound empty for no limit.", color_scheme="gray"),
        rx.heading("Employees", size="3", as_="h3"),
        rx.flex(number_field("emp_min", "At least", "500", "Employees, at least"),
                number_field("emp_max", "At most", "2000", "Employees, at most"),
                spacing="3", wrap="wrap"),
        weight_input("w_employees"),
        rx.heading("Annual revenue", size="3", as_="h3"),
        rx.flex(number_field("rev_min", "At least", "10000000", "Annual revenue, at least"),
                number_field("rev_max", "At most", "", "Annual revenue, at most"),
                spacing="3", wrap="wrap"),
        weight_input("w_revenue"),
        spacing="3", width="100%",
    )


def step_geography() -> rx.Component:
    return rx.vstack(
        tag_input("geography", "Countries or regions", "e.g. Europe, DE, Canada",
                  "Regions expand to their countries."),
        rx.text("Regions: ", rx.text.span(W.region_names.join(", ")), size="1",
                color_scheme="gray"),
        weight_input("w_geography"),
        spacing="4", width="100%",
    )


def step_signals() -> rx.Component:
    return rx.vstack(
        tag_input("tech_stack", "Tech stack", "e.g. AWS"),
        weight_input("w_tech"),
        tag_input("triggers", "Purchase triggers", "e.g. data breach, new regulation"),
        weight_input("w_triggers"),
        trigger_windows_editor(TriggerWindowsState),
        tag_input("tags", "Tags", "e.g. partner referral"),
        weight_input("w_tags"),
        tag_input("pain_points", "Pain points (for your team, not scored)", "e.g. compliance"),
        spacing="4", width="100%",
    )


def step_disqualifiers() -> rx.Component:
    return rx.vstack(
        rx.text("A company that matches a disqualifier is 'not a fit', whatever its score.",
                color_scheme="gray"),
        tag_input("dq_industries", "Industries to exclude", "e.g. Government"),
        tag_input("dq_geography", "Countries or regions to exclude", "e.g. RU"),
        number_field("dq_emp_below", "Too small: fewer employees than", "e.g. 50"),
        spacing="4", width="100%",
    )


def weight_row(row: dict) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["label"]),
        rx.table.cell(rx.input(type="number", min=0, max=100, width="90px",
                               default_value=row["weight"], key=row["key"] + row["weight"],
                               on_blur=W.set_weight(row["key"]),
                               aria_label="Weight of " + row["label"])),
    )


def step_review() -> rx.Component:
    return rx.vstack(
        rx.text("Weights must add up to 100.", color_scheme="gray"),
        rx.table.root(
            rx.table.header(rx.table.row(rx.table.column_header_cell("Criterion"),
                                         rx.table.column_header_cell("Weight"))),
            rx.table.body(rx.foreach(W.weight_rows, weight_row)),
            width="100%",
        ),
        rx.hstack(
            rx.text("Total: ", rx.text.strong(W.weight_total, id="weight-total"), " / 100"),
            rx.cond(W.weight_total != 100,
                    rx.button("Rebalance to 100", variant="soft", on_click=W.rebalance,
                              id="rebalance")),
            align="center", spacing="3",
        ),
        rx.button("Save profile", size="3", on_click=W.save, id="save-icp",
                  disabled=W.weight_total != 100),
        wizard_backtest(),
        spacing="3", width="100%",
    )


def wizard_backtest() -> rx.Component:
    """Before saving: how this draft would have sorted the closed deals."""
    return rx.vstack(
        rx.button("Backtest this draft", variant="soft", on_click=WB.run_backtest,
                  id="run-backtest", disabled=W.weight_total != 100),
        form_error(WB.wb_error),
        rx.cond(WB.wb_tiers.length() > 0,
                backtest_tables(WB.wb_tiers, WB.wb_figures, "This draft", "Active profiles",
                                "wizard-backtest")),
        spacing="2", width="100%",
    )


STEP_TITLE_ID = "wizard-step-title"


def go_to(step) -> list:
    """Show `step`, then put the focus on its title: the next Tab is the step's
    first field (the button pressed may be gone, as Next is on the last step)."""
    return [W.go(step), focus_when_drawn(STEP_TITLE_ID)]


STEP_VIEWS = [step_start, step_industries, step_size, step_geography, step_signals,
              step_disqualifiers, step_review]


def stepper() -> rx.Component:
    return rx.vstack(
        rx.text("Step ", W.step + 1, " of ", len(STEPS), ": ",
                rx.text.strong(W.steps[W.step]), size="2", id="wizard-step"),
        named_progress(W.progress_percent, "Wizard progress"),
        rx.flex(
            *[rx.button(f"{i + 1}. {name}", size="1",
                        variant=rx.cond(W.step == i, "solid", "soft"),
                        aria_current=rx.cond(W.step == i, "step", "false"),
                        on_click=go_to(i))
              for i, name in enumerate(STEPS)],
            spacing="1", wrap="wrap",
        ),
        spacing="2", width="100%",
    )


def preview_panel() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Live preview", size="3", as_="h2"),
            rx.text("Your ", W.preview_total, " companies under this draft:", size="2",
                    color_scheme="gray"),
            rx.box(tier_counts(W.preview_counts), id="preview-counts"),
            rx.cond(W.preview_note != "", rx.text(W.preview_note, size="1", color="red")),
            rx.text("Weights so far: ", rx.text.strong(W.weight_total), " / 100", size="2",
                    id="running-sum"),
            rx.separator(),
            rx.text("Examples", size="2", weight="medium"),
            rx.vstack(
                rx.foreach(
                    W.preview_examples,
                    lambda e: rx.hstack(
                        rx.badge(rx.match(e["tier"], ("not_a_fit", "✕"), e["tier"]),
                                 color_scheme=rx.match(e["tier"], *TIER_COLORS.items(), "gray"),
                                 size="1"),
                        rx.text(e["name"], size="1", overflow="hidden",
                                text_overflow="ellipsis", white_space="nowrap", flex="1"),
                        rx.text(e["score"], size="1", color_scheme="gray"),
                        width="100%", spacing="2",
                    ),
                ),
                spacing="1", width="100%", max_height="360px", overflow_y="auto",
            ),
            spacing="2", width="100%",
        ),
        width="100%",
    )


def profile_wizard() -> rx.Component:
    return app_shell(
        page_header(rx.cond(W.icp_id > 0, "Edit profile", "New profile"),
                    "A guided Ideal Customer Profile: one step at a time."),
        rx.cond(W.restored, rx.callout(
            rx.hstack(rx.text("We restored your unsaved draft."),
                      rx.button("Start over", size="1", variant="soft", on_click=W.discard),
                      align="center", wrap="wrap"),
            icon="history", width="100%")),
        stepper(),
        rx.grid(
            rx.card(
                rx.vstack(
                    rx.heading(W.steps[W.step], size="4", as_="h2", id=STEP_TITLE_ID,
                               tab_index=-1, class_name="focus-target"),
                    rx.cond(W.error != "", rx.callout(W.error, icon="triangle-alert",
                                                      color_scheme="red", role="alert",
                                                      width="100%")),
                    rx.match(W.step, *[(i, view()) for i, view in enumerate(STEP_VIEWS)],
                             step_start()),
                    rx.hstack(
                        rx.button("Back", variant="soft", on_click=go_to(W.step - 1),
                                  disabled=W.step == 0, id="wizard-back"),
                        rx.spacer(),
                        rx.cond(W.step < len(STEPS) - 1,
                                rx.button("Next", on_click=go_to(W.step + 1),
                                          id="wizard-next")),
                        width="100%",
                    ),
                    spacing="4", width="100%",
                ),
                width="100%",
            ),
            preview_panel(),
            columns=rx.breakpoints(initial="1", md="3fr 2fr"),
            spacing="4", width="100%",
        ),
    )
