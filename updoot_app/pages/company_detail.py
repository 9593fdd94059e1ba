"""One company: details, fit explanation, contacts, deals and the interaction log."""

import reflex as rx

from updoot_app.components.fit_badge import fit_badge
from updoot_app.components.follow_ups import follow_ups_card
from updoot_app.components.forms import form_error, hidden_label, label
from updoot_app.components.layout import app_shell, page_header
from updoot_app.components.signals import evidence_lines, signals_card
from updoot_app.state.crm.company_state import NO_PERSONA, CompanyState
from updoot_app.state.crm.record_follow_ups_state import CompanyFollowUpsState as F

RESULT_COLORS = {"match": "green", "miss": "red", "unknown": "gray", "disqualified": "red"}


def _input(text: str, name: str, value, placeholder: str = "", **props) -> rx.Component:
    return rx.vstack(
        label(text, f"edit-{name}"),
        rx.input(name=name, id=f"edit-{name}", default_value=value.to(str),
                 key=CompanyState.form_key.to_string() + name, placeholder=placeholder,
                 width="100%", **props),
        spacing="1", width="100%",
    )


def details_card() -> rx.Component:
    c = CompanyState.company
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Details", size="4", as_="h2"),
                form_error(CompanyState.edit_error),
                rx.grid(
                    _input("Name", "name", c["name"], required=True),
                    _input("Domain", "domain", c["domain"], "acme.io"),
                    _input("Industry", "industry", c["industry"]),
                    _input("Employees", "employees", c["employees"]),
                    _input("Annual revenue", "annual_revenue", c["annual_revenue"]),
                    _input("Country", "country", c["country"], "US"),
                    _input("Tech stack", "tech_stack", c["tech_stack"], "AWS, Okta"),
                    _input("Trigger signals", "triggers", c["triggers"], "recent funding"),
                    _input("Tags", "tags", c["tags"], "inbound"),
                    _input("Tax ID (VAT/GST number)", "tax_id", c["tax_id"], "FR12345678901"),
                    columns=rx.breakpoints(initial="1", sm="2", md="3"), spacing="3",
                    width="100%",
                ),
                rx.vstack(
                    label("Billing address (on quotes and invoices)", "edit-billing_address"),
                    rx.text_area(name="billing_address", id="edit-billing_address",
                                 default_value=c["billing_address"].to(str), rows="2",
                                 key=CompanyState.form_key.to_string() + "billing_address",
                                 width="100%"),
                    spacing="1", width="100%",
                ),
                rx.vstack(
                    label("Notes", "edit-notes"),
                    rx.text_area(name="notes", id="edit-notes", default_value=c["notes"].to(str),
                                 key=CompanyState.form_key.to_string() + "notes", width="100%"),
                    spacing="1", width="100%",
                ),
                rx.hstack(
                    rx.text("Owner: ", rx.cond(c["owner"] != "", c["owner"], "nobody"),
                            size="2", color_scheme="gray"),
                    rx.spacer(),
                    rx.cond(CompanyState.can_edit,
                            rx.button("Save", type="submit", id="save-company")),
                    width="100%", align="center",
                ),
                spacing="3", width="100%",
            ),
            on_submit=CompanyState.save,
        ),
        width="100%",
    )


def fit_row(row: dict) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["field"]),
        rx.table.cell(row["weight"], text_align="right"),
        rx.table.cell(row["points"], text_align="right"),
        rx.table.cell(rx.badge(row["result"], color_scheme=rx.match(
            row["result"], *RESULT_COLORS.items(), "gray"))),
    )


def fit_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.heading("Fit", size="4", as_="h2"),
                      fit_badge(CompanyState.fit_tier, CompanyState.fit_score,
                                CompanyState.fit_summary),
                      align="center", spacing="3"),
            rx.cond(
                CompanyState.fit_rows.length() > 0,
                rx.vstack(
                    rx.text(CompanyState.fit_summary, size="2", id="fit-summary"),
                    rx.table.root(
                        rx.table.header(rx.table.row(
                            rx.table.column_header_cell("Criterion"),
                            rx.table.column_header_cell("Weight", text_align="right"),
                            rx.table.column_header_cell("Points", text_align="right"),
                            rx.table.column_header_cell("Result"),
                        )),
                        rx.table.body(rx.foreach(CompanyState.fit_rows, fit_row)),
                        size="1", width="100%",
                    ),
                    evidence_lines(F),
                    spacing="2", width="100%",
                ),
                rx.text("Not scored yet: create an ICP under Profiles to score companies.",
                        size="2", color_scheme="gray"),
            ),
            spacing="3", width="100%",
        ),
        width="100%",
    )


def contact_item(row: dict) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(row["name"], weight="medium"),
            rx.text(row["title"], " ", row["email"], " ", row["phone"], size="1",
                    color_scheme="gray"),
            spacing="0", min_width="0",
        ),
        rx.spacer(),
        rx.cond(row["persona"] != "", rx.badge(row["persona"], variant="soft")),
        width="100%", align="center", class_name="contact-row",
    )


def contacts_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Contacts", size="4", as_="h2"),
            rx.cond(CompanyState.contact_rows.length() > 0,
                    rx.vstack(rx.foreach(CompanyState.contact_rows, contact_item),
                              spacing="2", width="100%"),
                    rx.text("No contacts yet.", size="2", color_scheme="gray")),
            rx.cond(CompanyState.can_edit, rx.form(
                rx.vstack(
                    rx.text("Add a contact", size="2", weight="medium"),
                    form_error(CompanyState.contact_error),
                    rx.grid(
                        hidden_label("First name", "contact-first-name"),
                        rx.input(name="first_name", placeholder="First name", required=True,
                                 id="contact-first-name",
                                 key=CompanyState.form_key.to_string() + "cf"),
                        hidden_label("Last name", "contact-last-name"),
                        rx.input(name="last_name", placeholder="Last name",
                                 id="contact-last-name",
                                 key=CompanyState.form_key.to_string() + "cl"),
                        hidden_label("Title", "contact-title"),
                        rx.input(name="title", placeholder="Title", id="contact-title",
                                 key=CompanyState.form_key.to_string() + "ct"),
                        hidden_label("Email", "contact-email"),
                        rx.input(name="email", placeholder="Email", id="contact-email",
                                 key=CompanyState.form_key.to_string() + "ce"),
                        hidden_label("Phone", "contact-phone"),
                        rx.input(name="phone", placeholder="Phone", id="contact-phone",
                                 key=CompanyState.form_key.to_string() + "cp"),
                        rx.select.root(
                            rx.select.trigger(placeholder="Persona", width="100%",
                                              id="contact-persona", aria_label="Persona"),
                            rx.select.content(
                                rx.select.item("No persona", value=NO_PERSONA),
                                rx.foreach(CompanyState.personas,
                                           lambda x: rx.select.item(x["name"], value=x["id"])),
                            ),
                            name="persona_id", default_value=NO_PERSONA,
                        ),
                        columns=rx.breakpoints(initial="1", sm="2"), spacing="2", width="100%",
                    ),
                    rx.button("Add contact", type="submit", variant="soft", id="add-contact"),
                    spacing="2", width="100%",
                ),
                on_submit=CompanyState.add_contact, width="100%",
            )),
            spacing="3", width="100%",
        ),
        width="100%",
    )


def deal_item(row: dict) -> rx.Component:
    return rx.hstack(
        rx.text(row["title"], weight="medium"),
        rx.spacer(),
        rx.badge(row["stage"], variant="soft"),
        rx.text(row["value"], size="2"),
        width="100%", align="center", class_name="deal-row",
    )


def deals_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.heading("Deals", size="4", as_="h2"), rx.spacer(),
                      rx.link("Open the pipeline", href="/pipeline", size="2"),
                      width="100%", align="center"),
            rx.cond(CompanyState.deal_rows.length() > 0,
                    rx.vstack(rx.foreach(CompanyState.deal_rows, deal_item), spacing="2",
                              width="100%"),
                    rx.text("No deals yet.", size="2", color_scheme="gray")),
            rx.cond(CompanyState.can_edit, rx.form(
                rx.vstack(
                    form_error(CompanyState.deal_error),
                    rx.flex(
                        hidden_label("Deal title (optional)", "new-deal-title"),
                        rx.input(name="title", placeholder="Deal title (optional)",
                                 id="new-deal-title",
                                 key=CompanyState.form_key.to_string() + "dt", flex="2 1 160px"),
                        hidden_label("Deal value", "new-deal-value"),
                        rx.input(name="value", placeholder="Value", flex="1 1 100px",
                                 id="new-deal-value",
                                 key=CompanyState.form_key.to_string() + "dv"),
                        rx.button(rx.icon("plus", size=16), "Add to pipeline", type="submit",
                                  id="add-to-pipeline"),
                        spacing="2", wrap="wrap", width="100%",
                    ),
                    spacing="2", width="100%",
                ),
                on_submit=CompanyState.add_to_pipeline, width="100%",
            )),
            spacing="3", width="100%",
        ),
        width="100%",
    )


def interaction_item(row: dict) -> rx.Component:
    return rx.hstack(
        rx.badge(row["kind"], variant="outline"),
        rx.vstack(
            rx.text(row["summary"], size="2"),
            rx.cond(row["objections"] != "",
                    rx.text("Objections: ", row["objections"], size="1")),
            rx.text(row["when"], " · ", row["who"],
                    rx.cond(row["outcome"] != "", " · " + row["outcome"], ""),
                    size="1", color_scheme="gray"),
            spacing="0", min_width="0",
        ),
        width="100%", align="start", class_name="interaction-row",
    )


def interactions_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Interactions", size="4", as_="h2"),
            rx.cond(CompanyState.can_edit, rx.form(
                rx.vstack(
                    form_error(CompanyState.log_error),
                    rx.flex(
                        rx.select.root(
                            rx.select.trigger(width="120px", id="log-kind",
                                              aria_label="Interaction kind"),
                            rx.select.content(*[rx.select.item(k.capitalize(), value=k)
                                                for k in ("call", "email", "meeting", "note")]),
                            name="kind", default_value="call",
                        ),
                        hidden_label("What happened?", "log-summary"),
                        rx.input(name="summary", placeholder="What happened?", flex="2 1 200px",
                                 id="log-summary",
                                 key=CompanyState.form_key.to_string() + "ls"),
                        hidden_label("Outcome", "log-outcome"),
                        rx.input(name="outcome", placeholder="Outcome", flex="1 1 120px",
                                 id="log-outcome",
                                 key=CompanyState.form_key.to_string() + "lo"),
                        rx.select.root(
                            rx.select.trigger(placeholder="Persona played", width="180px",
                                              id="log-persona", aria_label="Persona played"),
                            rx.select.content(
                                rx.select.item("No persona", value=NO_PERSONA),
                                rx.foreach(CompanyState.personas,
                                           lambda x: rx.select.item(x["name"], value=x["id"])),
                            ),
                            name="persona_id", default_value=NO_PERSONA,
                        ),
                        hidden_label("Objections heard (separate with ;)", "log-objections"),
                        rx.input(name="objections", placeholder="Objections heard (a; b)",
                                 flex="1 1 180px", id="log-objections",
                                 key=CompanyState.form_key.to_string() + "lj"),
                        rx.button("Log", type="submit", variant="soft", id="log-interaction"),
                        spacing="2", wrap="wrap", width="100%",
                    ),
                    spacing="2", width="100%",
                ),
                on_submit=CompanyState.log_interaction, width="100%",
            )),
            rx.cond(CompanyState.interaction_rows.length() > 0,
                    rx.vstack(rx.foreach(CompanyState.interaction_rows, interaction_item),
                              spacing="2", width="100%"),
                    rx.text("Nothing logged yet.", size="2", color_scheme="gray")),
            spacing="3", width="100%",
        ),
        width="100%",
    )


def company_detail() -> rx.Component:
    return app_shell(
        rx.link(rx.hstack(rx.icon("arrow-left", size=14), rx.text("Companies"), spacing="1",
                          align="center"), href="/companies", size="2"),
        rx.cond(
            CompanyState.not_found,
            rx.callout("This company does not exist in this workspace.", icon="info",
                       width="100%"),
            rx.vstack(
                page_header(CompanyState.company["name"].to(str)),
                rx.grid(
                    rx.vstack(details_card(), contacts_card(), spacing="4", width="100%"),
                    rx.vstack(fit_card(), signals_card(F),
                              follow_ups_card(F, F.rows, F.new_follow_up(F.company_id, "")),
                              deals_card(), interactions_card(), spacing="4", width="100%"),
                    columns=rx.breakpoints(initial="1", lg="2"), spacing="4", width="100%",
                ),
                spacing="4", width="100%",
            ),
        ),
    )
