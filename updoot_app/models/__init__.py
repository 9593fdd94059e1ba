"""All tables, imported here so metadata (and Alembic) sees every one."""

from updoot_app.models.account import (
    ROLES,
    ApiToken,
    AuthEpoch,
    AuthSession,
    Invite,
    LoginAttempt,
    Membership,
    User,
    Workspace,
)
from updoot_app.models.activity import Activity
from updoot_app.models.archive import ArchiveExport
from updoot_app.models.billing import (
    BillingLogo,
    BillingSettings,
    CreditNote,
    CreditNoteLine,
    DocumentCounter,
    Invoice,
    InvoiceLine,
    Payment,
    Product,
    Quote,
    QuoteLine,
)
from updoot_app.models.competitor import Competitor, DealCompetitor
from updoot_app.models.crm import (
    Company,
    Contact,
    Deal,
    DealStageChange,
    Interaction,
    Stage,
)
from updoot_app.models.deal_contacts import DealContact
from updoot_app.models.followups import (
    DEFAULT_FRESH_DAYS,
    FOLLOW_UP_KINDS,
    BuyingSignal,
    FollowUp,
    TodayDigest,
    TriggerWindow,
)
from updoot_app.models.goals import Goal
from updoot_app.models.icp import BUYING_ROLES, ICP_KINDS, Icp, IcpVersion, Persona
from updoot_app.models.mail import MailSettings, OutboxMessage
from updoot_app.models.schedules import (
    RecurringInvoice,
    RecurringRun,
    ReminderSend,
    ReminderSettings,
    ReminderStep,
)
from updoot_app.models.webhooks import Webhook, WebhookDelivery

__all__ = [
    "ArchiveExport",
    "Webhook",
    "WebhookDelivery",
    "BUYING_ROLES",
    "CreditNote",
    "CreditNoteLine",
    "DEFAULT_FRESH_DAYS",
    "FOLLOW_UP_KINDS",
    "ICP_KINDS",
    "ROLES",
    "Activity",
    "BillingLogo",
    "BillingSettings",
    "BuyingSignal",
    "DocumentCounter",
    "Invoice",
    "InvoiceLine",
    "Payment",
    "Product",
    "Quote",
    "QuoteLine",
    "RecurringInvoice",
    "RecurringRun",
    "ReminderSend",
    "ReminderSettings",
    "ReminderStep",
    "ApiToken",
    "AuthEpoch",
    "AuthSession",
    "Company",
    "Competitor",
    "Contact",
    "Deal",
    "DealContact",
    "DealCompetitor",
    "DealStageChange",
    "FollowUp",
    "Goal",
    "Icp",
    "IcpVersion",
    "Interaction",
    "Invite",
    "LoginAttempt",
    "MailSettings",
    "Membership",
    "OutboxMessage",
    "Persona",
    "Stage",
    "TodayDigest",
    "TriggerWindow",
    "User",
    "Workspace",
]
