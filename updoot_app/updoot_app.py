"""The Reflex app: routes, on_load guards, API mount. Wiring only."""

import reflex as rx

from updoot_app import gc_tuning
from updoot_app.api.app import create_api
from updoot_app.frontend_paths import api_beside, html_without_slash
from updoot_app.jobs import beside_server
from updoot_app.jobs import tasks as _job_tasks  # noqa: F401 - the queue takes mail, archives, webhooks
from updoot_app.pages.companies import companies_page
from updoot_app.pages.company_detail import company_detail
from updoot_app.pages.company_import import company_import_page
from updoot_app.pages.competitor_compare import competitor_compare
from updoot_app.pages.competitor_detail import competitor_detail
from updoot_app.pages.competitors import competitors_page
from updoot_app.pages.dashboard import dashboard
from updoot_app.pages.deal_competitors import deal_competitors_page
from updoot_app.pages.deal_detail import deal_detail
from updoot_app.pages.goals import goals_page
from updoot_app.pages.invite import invite
from updoot_app.pages.invoice_detail import invoice_detail
from updoot_app.pages.invoices import invoices_page
from updoot_app.pages.landing import landing
from updoot_app.pages.login import login
from updoot_app.pages.persona_insights import persona_insights
from updoot_app.pages.pipeline import pipeline
from updoot_app.pages.pipeline_stages import pipeline_stages
from updoot_app.pages.profile_detail import profile_detail
from updoot_app.pages.profile_suggest import profile_suggest
from updoot_app.pages.profile_wizard import profile_wizard
from updoot_app.pages.profiles import profiles
from updoot_app.pages.public_quote import public_quote
from updoot_app.pages.quote_editor import quote_editor
from updoot_app.pages.quotes import quotes_page
from updoot_app.pages.recurring_invoices import recurring_invoices
from updoot_app.pages.reminder_settings import reminder_settings
from updoot_app.pages.settings import settings
from updoot_app.pages.settings_email import settings_email
from updoot_app.pages.settings_integrations import settings_integrations
from updoot_app.pages.signup import signup
from updoot_app.pages.today import today_page
from updoot_app.state.app_state import AppState
from updoot_app.state.billing.billing_settings_state import BillingSettingsState
from updoot_app.state.billing.invoices_state import InvoiceDetailState, InvoicesState
from updoot_app.state.billing.public_quote_state import PublicQuoteState
from updoot_app.state.billing.quotes_state import QuoteEditorState, QuotesState
from updoot_app.state.competitors.competitors_state import (
    CompareState,
    CompetitorDetailState,
    CompetitorsState,
)
from updoot_app.state.competitors.deal_competitors_page_state import DealPageState
from updoot_app.state.crm.companies_state import CompaniesState
from updoot_app.state.crm.company_import_state import CompanyImportState
from updoot_app.state.crm.company_state import CompanyState
from updoot_app.state.crm.deal_state import DealState
from updoot_app.state.crm.pipeline_state import PipelineState
from updoot_app.state.crm.record_follow_ups_state import (
    CompanyFollowUpsState,
    DealFollowUpsState,
)
from updoot_app.state.crm.stages_state import StagesState
from updoot_app.state.crm.today_state import TodayState
from updoot_app.state.identity.auth_state import AuthState
from updoot_app.state.identity.settings_state import SettingsState
from updoot_app.state.integrations.webhooks_state import WebhooksState
from updoot_app.state.kpis.dashboard_state import DashboardState
from updoot_app.state.kpis.goals_state import GoalsState
from updoot_app.state.mail.document_mail_state import DocumentMailState
from updoot_app.state.mail.email_settings_state import EmailSettingsState
from updoot_app.state.mail.recurring_state import RecurringState, RepeatState
from updoot_app.state.mail.reminders_state import ReminderSettingsState
from updoot_app.state.profiles.icp_suggest_state import IcpBacktestState, IcpSuggestState
from updoot_app.state.profiles.icp_wizard_state import IcpWizardState
from updoot_app.state.profiles.persona_insights_state import PersonaInsightsState
from updoot_app.state.profiles.profiles_state import IcpDetailState, ProfilesState
from updoot_app.state.profiles.review_state import ReviewPromptsState
from updoot_app.state.profiles.trigger_windows_state import TriggerWindowsState

app = rx.App(
    # The API beside the pages (its paths go straight to it), and /login served as
    # login.html rather than redirected to /login/, as nginx does (frontend_paths.py:
    # both make a cold first load's many asset requests cheaper).
    api_transformer=[api_beside(create_api()), html_without_slash],
    stylesheets=["/kanban.css", "/theme.css"],
    head_components=[rx.el.meta(name="viewport", content="width=device-width, initial-scale=1")],
)

app.add_page(landing, route="/", title="Updoot — know who to sell to")
app.add_page(login, route="/login", title="Log in · Updoot", on_load=AuthState.clear)
app.add_page(signup, route="/signup", title="Sign up · Updoot", on_load=AuthState.clear)
app.add_page(invite, route="/invite/[token]", title="Join a workspace · Updoot",
             on_load=AuthState.load_invite)
app.add_page(dashboard, route="/dashboard", title="Dashboard · Updoot",
             on_load=DashboardState.load)
app.add_page(today_page, route="/today", title="Today · Updoot", on_load=TodayState.load)
app.add_page(goals_page, route="/goals", title="Goals · Updoot",
             on_load=GoalsState.load)
app.add_page(settings, route="/settings", title="Settings · Updoot",
             on_load=[SettingsState.load, BillingSettingsState.load])
app.add_page(settings_email, route="/settings/email", title="Email · Updoot",
             on_load=EmailSettingsState.load)
app.add_page(settings_integrations, route="/settings/integrations",
             title="Integrations · Updoot", on_load=WebhooksState.load)
app.add_page(profiles, route="/profiles", title="Profiles · Updoot",
             on_load=[ProfilesState.load, ReviewPromptsState.load])
app.add_page(profile_suggest, route="/profiles/suggest",
             title="Start from your best customers · Updoot", on_load=IcpSuggestState.load)
app.add_page(persona_insights, route="/personas/[persona_id]", title="Persona · Updoot",
             on_load=PersonaInsightsState.load)
app.add_page(profile_wizard, route="/profiles/new", title="New profile · Updoot",
             on_load=[AppState.load_shell, IcpWizardState.load, TriggerWindowsState.load])
app.add_page(profile_wizard, route="/profiles/[icp_id]/edit", title="Edit profile · Updoot",
             on_load=[AppState.load_shell, IcpWizardState.load, TriggerWindowsState.load])
app.add_page(profile_detail, route="/profiles/[icp_id]", title="Profile · Updoot",
             on_load=[IcpDetailState.load, IcpBacktestState.load])
app.add_page(companies_page, route="/companies", title="Companies · Updoot",
             on_load=CompaniesState.load)
app.add_page(company_import_page, route="/companies/import", title="Import companies · Updoot",
             on_load=[AppState.load_shell, CompanyImportState.load])
app.add_page(company_detail, route="/companies/[company_id]", title="Company · Updoot",
             on_load=[CompanyState.load, CompanyFollowUpsState.load])
app.add_page(pipeline, route="/pipeline", title="Pipeline · Updoot",
             on_load=PipelineState.load)
app.add_page(pipeline_stages, route="/pipeline/stages", title="Pipeline stages · Updoot",
             on_load=StagesState.load)
app.add_page(deal_detail, route="/deals/[deal_id]", title="Deal · Updoot",
             on_load=[DealState.load, DealFollowUpsState.load])
app.add_page(competitors_page, route="/competitors", title="Competitors · Updoot",
             on_load=CompetitorsState.load)
app.add_page(competitor_compare, route="/competitors/compare", title="Compare · Updoot",
             on_load=CompareState.load)
app.add_page(competitor_detail, route="/competitors/[competitor_id]",
             title="Battlecard · Updoot",
             on_load=CompetitorDetailState.load)
app.add_page(deal_competitors_page, route="/deals/[deal_id]/competitors",
             title="Deal competitors · Updoot",
             on_load=DealPageState.load)
app.add_page(quotes_page, route="/quotes", title="Quotes · Updoot",
             on_load=QuotesState.load)
app.add_page(quote_editor, route="/quotes/[quote_id]", title="Quote · Updoot",
             on_load=[QuoteEditorState.load, DocumentMailState.load])
app.add_page(invoices_page, route="/invoices", title="Invoices · Updoot",
             on_load=InvoicesState.load)
app.add_page(recurring_invoices, route="/invoices/recurring",
             title="Recurring invoices · Updoot", on_load=RecurringState.load)
app.add_page(invoice_detail, route="/invoices/[invoice_id]", title="Invoice · Updoot",
             on_load=[InvoiceDetailState.load, RepeatState.load, DocumentMailState.load])
app.add_page(reminder_settings, route="/settings/reminders", title="Reminders · Updoot",
             on_load=ReminderSettingsState.load)
app.add_page(public_quote, route="/q/[token]", title="Quote", on_load=PublicQuoteState.load)


async def _tune_gc() -> None:
    """Once this worker is up (see gc_tuning: collection pauses set the p95)."""
    gc_tuning.tune()


app.register_lifespan_task(_tune_gc)
app.register_lifespan_task(beside_server.lifespan)
