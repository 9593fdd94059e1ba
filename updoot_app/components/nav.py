"""Navigation entries of the app shell (one place, used by sidebar and drawer)."""

NAV_ITEMS = (
    ("Today", "/today", "list-todo"),
    ("Dashboard", "/dashboard", "layout-dashboard"),
    ("Profiles", "/profiles", "target"),
    ("Companies", "/companies", "building-2"),
    ("Pipeline", "/pipeline", "kanban"),
    ("Competitors", "/competitors", "swords"),
    ("Quotes", "/quotes", "file-text"),
    ("Invoices", "/invoices", "receipt"),
    ("Recurring", "/invoices/recurring", "repeat"),
    ("Goals", "/goals", "flag"),
    ("Settings", "/settings", "settings"),
)
