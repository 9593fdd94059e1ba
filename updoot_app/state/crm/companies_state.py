"""The companies list: one page of rows, filtered, sorted and paged in SQL."""

from __future__ import annotations

import math

import reflex as rx

from updoot_app import db
from updoot_app.services.archive import export
from updoot_app.services.crm import companies, options
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform.errors import ValidationError
from updoot_app.state.app_state import AppState
from updoot_app.state.guard import guard

PAGE_SIZE = 25
COUNT_AHEAD = 5_000  # rows counted past the current page: beyond, "5,000+ companies"
FILTER_KEYS = ("fit_tier", "industry", "country", "owner_id", "tag", "has_open_deal")
SORTABLE = ("name", "fit_score", "employees", "annual_revenue", "country", "industry",
            "created_at")
MAX_FILTER_LEN = 200
NONE = "__all__"  # select value meaning "no filter" (Radix selects refuse "")


def _text(value: object) -> str:
    return "" if value is None else str(value)


def company_row(data: dict) -> dict[str, str]:
    """A company dict (companies.company_dict) as the text cells of a table row."""
    fit = data.get("fit") or {}
    return {
        "id": str(data["id"]),
        "name": data["name"],
        "domain": _text(data.get("domain")),
        "industry": _text(data.get("industry")),
        "employees": "" if data.get("employees") is None else f"{data['employees']:,}",
        "country": _text(data.get("country")),
        "owner": _text(data.get("owner_email")),
        "tags": ", ".join(data.get("tags") or []),
        "tier": _text(fit.get("tier")),
        "score": _text(fit.get("score")),
        "summary": _text(fit.get("summary")),
    }


class CompaniesState(AppState):
    rows: list[dict[str, str]] = []
    total: int = 0
    page: int = 1
    search: str = ""
    filters: dict[str, str] = {}
    sort: str = "name"
    direction: str = "asc"
    industries: list[str] = []
    countries: list[str] = []
    owners: list[dict[str, str]] = []
    add_open: bool = False
    add_error: str = ""
    loaded: bool = False
    more: bool = False  # the count stopped early: there are more than `total`

    @rx.var
    def page_count(self) -> int:
        return max(1, math.ceil(self.total / PAGE_SIZE)) + (1 if self.more else 0)

    @rx.var
    def page_label(self) -> str:
        pages = max(1, math.ceil(self.total / PAGE_SIZE))
        return f"Page {self.page} of {pages:,}{'+' if self.more else ''}"

    @rx.var
    def total_label(self) -> str:
        plus = "+" if self.more else ""
        return f"{self.total:,}{plus} compan{'y' if self.total == 1 and not plus else 'ies'}"

    @rx.var
    def has_filters(self) -> bool:
        return bool(self.search or any(self.filters.values()))

    # --- loading -----------------------------------------------------------------

    def _query_args(self) -> dict:
        f = self.filters
        open_deal = {"yes": True, "no": False}.get(f.get("has_open_deal", ""))
        return {"search": self.search or None, "fit_tier": f.get("fit_tier") or None,
                "industry": f.get("industry") or None, "country": f.get("country") or None,
                "owner_id": f.get("owner_id") or None, "tag": f.get("tag") or None,
                "has_open_deal": open_deal, "sort": self.sort, "direction": self.direction}

    def _fetch(self, session, p: Principal) -> None:
        args = self._query_args()

        def fetch():
            limit = self.page * PAGE_SIZE + COUNT_AHEAD
            rows, total = companies.list_companies(session, p.workspace_id, page=self.page,
                                                   page_size=PAGE_SIZE, count_limit=limit,
                                                   **args)
            return rows, int(total), limit

        rows, total, limit = fetch()
        pages = max(1, math.ceil(total / PAGE_SIZE))
        if self.page > pages:
            self.page = pages
            rows, total, limit = fetch()
        self.more = total > limit
        self.rows = [company_row(r) for r in rows]
        self.total = min(total, limit)

    def _refresh(self, p: Principal, previous: dict | None = None):
        """Fetch; on a bad filter value put the previous query back and say why."""
        try:
            with db.session_scope() as session:
                self._fetch(session, p)
        except ValidationError:
            if previous is not None:
                for key, value in previous.items():
                    setattr(self, key, value)
            raise

    def _snapshot(self) -> dict:
        return {"search": self.search, "filters": dict(self.filters), "sort": self.sort,
                "direction": self.direction, "page": self.page}

    @rx.event
    @guard("viewer", page=True)
    def load(self, p: Principal):
        """First paint: one page of rows. The filter options follow in their own event
        (they scan the workspace's companies), so a big list opens as fast as a small one."""
        self.add_error = ""
        with db.session_scope() as session:
            try:
                self._fetch(session, p)
            except ValidationError:  # a stale filter from another workspace: start over
                self.search, self.filters, self.page = "", {}, 1
                self.sort, self.direction = "name", "asc"
                self._fetch(session, p)
        self.loaded = True
        return CompaniesState.load_options

    @rx.event
    @guard("viewer")
    def load_options(self, p: Principal):
        """Choices of the industry, country and owner filters."""
        with db.session_scope() as session:
            self.industries = options.industries(session, p.workspace_id)
            self.countries = options.countries(session, p.workspace_id)
            self.owners = options.owner_emails(session, p.workspace_id)

    # --- query changes -------------------------------------------------------------

    @rx.event
    @guard("viewer")
    def set_search(self, p: Principal, value: str):
        if not isinstance(value, str):
            raise ValidationError("search", "Search must be text.")
        previous = self._snapshot()
        self.search = " ".join(value.split())[:MAX_FILTER_LEN]
        self.page = 1
        self._refresh(p, previous)

    @rx.event
    @guard("viewer")
    def search_submit(self, p: Principal, form: dict):
        value = form.get("search", "") if isinstance(form, dict) else ""
        if not isinstance(value, str):
            raise ValidationError("search", "Search must be text.")
        previous = self._snapshot()
        self.search = " ".join(value.split())[:MAX_FILTER_LEN]
        self.page = 1
        self._refresh(p, previous)

    @rx.event
    @guard("viewer")
    def set_filter(self, p: Principal, key: str, value: str):
        if key not in FILTER_KEYS:
            raise ValidationError("filter", "Unknown filter.")
        if not isinstance(value, str) or len(value) > MAX_FILTER_LEN:
            raise ValidationError(key, "Filter values are short text.")
        value = value.strip()
        if value == NONE:
            value = ""
        if key == "has_open_deal" and value not in ("", "yes", "no"):
            raise ValidationError(key, "Has open deal is yes or no.")
        previous = self._snapshot()
        self.filters = {**self.filters, key: value}
        self.page = 1
        self._refresh(p, previous)

    @rx.event
    @guard("viewer")
    def tag_submit(self, p: Principal, form: dict):
        value = form.get("tag", "") if isinstance(form, dict) else ""
        return CompaniesState.set_filter("tag", value if isinstance(value, str) else "")

    @rx.event
    @guard("viewer")
    def clear_filters(self, p: Principal):
        self.search, self.filters, self.page = "", {}, 1
        self._refresh(p)

    @rx.event
    @guard("viewer")
    def sort_by(self, p: Principal, column: str):
        if column not in SORTABLE:
            raise ValidationError("sort", "Unknown sort column.")
        previous = self._snapshot()
        if self.sort == column:
            self.direction = "desc" if self.direction == "asc" else "asc"
        else:
            self.sort = column
            self.direction = "desc" if column in ("fit_score", "employees", "annual_revenue",
                                                  "created_at") else "asc"
        self.page = 1
        self._refresh(p, previous)

    @rx.event
    @guard("viewer")
    def go_page(self, p: Principal, page: int):
        if isinstance(page, bool) or not isinstance(page, int | str):
            raise ValidationError("page", "Page must be a number.")
        try:
            number = int(page)
        except ValueError:
            raise ValidationError("page", "Page must be a number.") from None
        previous = self._snapshot()
        self.page = min(max(1, number), 1_000_000)
        self._refresh(p, previous)

    @rx.event
    @guard("viewer")
    def next_page(self, p: Principal):
        if self.more or self.page < max(1, math.ceil(self.total / PAGE_SIZE)):
            self.page += 1
            self._refresh(p)

    @rx.event
    @guard("viewer")
    def prev_page(self, p: Principal):
        if self.page > 1:
            self.page -= 1
            self._refresh(p)

    # --- add ---------------------------------------------------------------------------

    @rx.event
    @guard("member")
    def open_add(self, p: Principal, is_open: bool):
        self.add_open = bool(is_open)
        self.add_error = ""

    @rx.event
    @guard("member")
    def add_company(self, p: Principal, form: dict):
        if not isinstance(form, dict):
            self.add_error = "Fill in the company form."
            return None
        data = {k: form.get(k, "") for k in ("name", "domain", "industry", "employees",
                                             "annual_revenue", "country", "notes")}
        if any(not isinstance(v, str) for v in data.values()):
            self.add_error = "Fill in the company form."
            return None
        data = {k: v.strip() for k, v in data.items()}
        data["annual_revenue"] = data["annual_revenue"].replace(",", "") or None
        tags = form.get("tags", "")
        data["tags"] = [t.strip() for t in tags.split(",") if t.strip()] \
            if isinstance(tags, str) else []
        try:
            with db.session_scope() as session:
                company = companies.create_company(session, p, data)
                name, cid = company.name, company.id
        except ValidationError as exc:
            self.add_error = str(exc)
            return None
        self.add_open = False
        self.add_error = ""
        return [rx.toast.success(f"Added {name}."), rx.redirect(f"/companies/{cid}")]

    # --- export ------------------------------------------------------------------------

    @rx.event
    @guard("viewer")
    def export_csv(self, p: Principal, kind: str):
        if kind not in export.KINDS:
            raise ValidationError("kind", "Unknown export.")
        with db.session_scope() as session:
            data = export.export_csv(session, p, kind)
        return rx.download(data=data, filename=export.export_filename(p, kind),
                           mime_type="text/csv")
