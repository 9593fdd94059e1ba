"""The pipeline: kanban board (drag and drop, move menu, Lost reason dialog),
filters, and a paged list view of the same deals.

Only the visible cards go to the browser (PER_COLUMN cards a column, then "Show
more" adds MORE_STEP at a time to that column),
the dragged deal's id stays on the server (`_dragged`), and a move re-reads only
the two columns it touched.
"""

from __future__ import annotations

import reflex as rx

from updoot_app import db
from updoot_app.services.crm import board_patch, deal_moves, deal_reads, options, pipeline_view
from updoot_app.services.crm.deal_moves import Moved
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform.errors import DomainError, NotFound, ValidationError
from updoot_app.services.platform.validation import clean_id
from updoot_app.services.profiles.tiers import FIT_TIERS
from updoot_app.state.app_state import AppState
from updoot_app.state.crm.follow_up_dialogs import FollowUpDialogs
from updoot_app.state.guard import guard

PER_COLUMN = 8  # a screenful: at 800 px a column shows six or seven cards
MORE_STEP = 24
MAX_PER_COLUMN = 200  # deal_reads.board's own ceiling
LIST_PAGE_SIZE = 25
FILTERS = {"fit_tier": FIT_TIERS, "owner_id": None, "persona_id": None,
           "competitor_id": None, "next_step": ("none",)}
ALL = "all"


def _filter_value(key: object, value: object) -> str:
    """A filter from the browser: a known key, and "all", a fit tier or an id."""
    if key not in FILTERS:
        raise ValidationError("filter", "Unknown filter.")
    if value in (None, "", ALL):
        return ""
    if key in ("fit_tier", "next_step"):
        if value not in FILTERS[key]:
            raise ValidationError(key, "Unknown filter value.")
        return str(value)
    return str(clean_id(value, key))


class PipelinePage(AppState):
    """The pipeline page's vars that a move leaves alone: the view, the filters and
    their options, the Lost reason dialog. A state of their own, so a move's delta
    names only PipelineState (the board) and the browser re-renders only what reads
    the board: each component that reads a state renders again whenever that
    state's delta arrives, and the filter selects, the view toggle and the dialog
    cost more than the board itself (bench/bench_browser.py, the stage move).
    The handlers are PipelineState's; they set these through inheritance."""

    view: str = "board"
    owner_options: list[dict[str, str]] = []
    persona_options: list[dict[str, str]] = []
    competitor_options: list[dict[str, str]] = []
    filters: dict[str, str] = {"fit_tier": "", "owner_id": "", "persona_id": "",
                               "competitor_id": "", "next_step": ""}
    lost_open: bool = False
    lost_error: str = ""
    lost_title: str = ""


class PipelineState(FollowUpDialogs, PipelinePage):
    columns: list[dict[str, str]] = []
    cards: dict[str, list[dict[str, str]]] = {}
    stage_options: list[dict[str, str]] = []
    list_rows: list[dict[str, str]] = []
    list_page: int = 1
    list_total: int = 0
    last_move: str = ""
    board_empty: bool = False  # BoardView.empty of the board on screen
    moving_deal: str = ""  # the deal the move menu is open for (`pick`)
    moving_title: str = ""
    moving_stage: str = ""
    _dragged: int = 0
    _limits: dict[str, int] = {}  # stage id -> cards shown, for columns grown by "Show more"
    _pending: tuple[int, int] = (0, 0)
    # What a move needs to update the board in place (services/crm/board_patch.py).
    _totals: dict[str, dict] = {}
    _currency: str = ""

    @rx.var
    def list_pages(self) -> int:
        return max(1, -(-self.list_total // LIST_PAGE_SIZE))

    def _after_change(self, p: Principal) -> None:
        """A follow-up scheduled from a card: its "no next step" flag goes."""
        self._refresh(p)

    def _filters(self) -> dict:
        return {k: v for k, v in self.filters.items() if v}

    def _load_board(self, session, p: Principal) -> None:
        self._limits = {}
        self._show(pipeline_view.board_view(session, p.workspace_id, self._filters(),
                                             PER_COLUMN))
        self.stage_options = [{"id": c["stage_id"], "name": c["name"], "kind": c["kind"]}
                              for c in self.columns]

    def _load_list(self, session, p: Principal) -> None:
        rows, total = deal_reads.list_deals(session, p.workspace_id, **self._filters(),
                                            sort="created_at", direction="desc",
                                            page=self.list_page, page_size=LIST_PAGE_SIZE)
        self.list_total = total
        if rows == [] and self.list_page > 1 and total:
            self.list_page = 1
            rows, total = deal_reads.list_deals(session, p.workspace_id, **self._filters(),
                                                page=1, page_size=LIST_PAGE_SIZE)
        self.list_rows = [pipeline_view.card(r, None) for r in rows]

    def _refresh(self, p: Principal) -> None:
        with db.session_scope() as session:
            if self.view == "list":
                self._load_list(session, p)
            else:
                self._load_board(session, p)

    def _refresh_columns(self, p: Principal, stage_ids: list[str], session=None) -> None:
        """Re-read only the columns a move touched (totals and cards), in the
        move's own transaction when it passes its session."""
        if session is None:
            with db.session_scope() as own:
                self._refresh_columns(p, stage_ids, own)
            return
        if self.view == "list":
            self._load_list(session, p)
            return
        by_limit: dict[int, list[int]] = {}
        for sid in stage_ids:
            by_limit.setdefault(self._limit(sid), []).append(int(sid))
        board = self._board()
        headers, cards, totals = board.headers, board.cards, board.totals
        for limit, ids in by_limit.items():  # usually one query set: both at the default
            part = pipeline_view.board_view(session, p.workspace_id, self._filters(), limit,
                                            only_stages=ids)
            fresh = {h["stage_id"]: h for h in part.headers}
            headers = [fresh.get(h["stage_id"], h) for h in headers]
            cards, totals = {**cards, **part.cards}, {**totals, **part.totals}
        self._show(pipeline_view.BoardView(headers, cards, totals, board.currency))

    def _limit(self, stage_id: str) -> int:
        return self._limits.get(stage_id, PER_COLUMN)

    def _board(self) -> pipeline_view.BoardView:
        """The board on screen, as plain values (no change-tracking proxies). Read
        only: the patch and the re-read build new lists and dicts, `_show` assigns."""
        return pipeline_view.BoardView(self.get_value("columns"), self.get_value("cards"),
                                       self.get_value("_totals"), self._currency)

    def _show(self, board: pipeline_view.BoardView) -> None:
        # Assign whole values: Reflex sends a var when it is set, not when a key inside
        # a dict var is replaced.
        self.columns, self.cards = board.headers, board.cards
        self._totals = board.totals
        if self._currency != board.currency:
            self._currency = board.currency
        # Set only when it changes: a plain var, not a computed one that every move
        # would recompute and send again.
        if self.board_empty != board.empty:
            self.board_empty = board.empty

    def _board_stage(self, stage_id: object) -> str:
        """A column of the board on screen, by id (a client may send anything)."""
        sid = str(clean_id(stage_id, "stage_id"))
        if self.view != "board" or all(c["stage_id"] != sid for c in self.columns):
            raise NotFound("Stage")
        return sid

    @rx.event
    @guard("viewer", page=True)
    def load(self, p: Principal):
        self.lost_open = False
        self.lost_error = ""
        self._dragged = 0
        self.list_page = 1
        with db.session_scope() as session:
            self.owner_options = options.owners(session, p.workspace_id)
            self.persona_options = options.personas(session, p.workspace_id)
            self.competitor_options = options.competitors(session, p.workspace_id)
            try:
                self._load_board(session, p)
            except NotFound:  # a persona filter that no longer exists
                self.filters = {k: "" for k in FILTERS}
                self._load_board(session, p)
            if self.view == "list":
                self._load_list(session, p)

    @rx.event
    @guard("viewer")
    def set_view(self, p: Principal, view: str | list[str]):
        if view not in ("board", "list"):
            raise ValidationError("view", "Unknown view.")
        self.view = view
        self.list_page = 1
        self._refresh(p)

    @rx.event
    @guard("viewer")
    def set_filter(self, p: Principal, key: str, value: str):
        clean = _filter_value(key, value)
        before = self.filters
        self.filters = {**self.filters, key: clean}
        self.list_page = 1
        try:
            self._refresh(p)
        except DomainError:  # e.g. another workspace's persona: keep the old filters
            self.filters = before
            raise

    @rx.event
    @guard("viewer")
    def clear_filters(self, p: Principal):
        self.filters = {k: "" for k in FILTERS}
        self.list_page = 1
        self._refresh(p)

    @rx.event
    @guard("viewer")
    def go_page(self, p: Principal, page: int):
        if isinstance(page, bool) or not isinstance(page, int):
            raise ValidationError("page", "Invalid page.")
        self.list_page = max(1, min(page, self.list_pages))
        self._refresh(p)

    @rx.event
    @guard("viewer")
    def show_more(self, p: Principal, stage_id: str):
        """Show MORE_STEP more cards in one column (the others stay as they are)."""
        sid = self._board_stage(stage_id)
        self._limits = {**self._limits,
                        sid: min(MAX_PER_COLUMN, self._limits.get(sid, PER_COLUMN) + MORE_STEP)}
        self._refresh_columns(p, [sid])

    # --- moving -------------------------------------------------------------------

    @rx.event
    @guard("member")
    def start_drag(self, p: Principal, deal_id: str):
        self._dragged = clean_id(deal_id, "deal_id")

    @rx.event
    @guard("member", writes=False)  # reads only: no SQLite write lock
    def pick(self, p: Principal, deal_id: str):
        """A card's Move button: the move menu is for this deal (its title in the
        menu, its stage greyed out); the stage picked next goes to `drop_on`."""
        with db.connection_scope() as conn:
            deal, title, stage = deal_moves.for_menu(conn, p.workspace_id, deal_id)
        self._dragged = deal
        self.moving_deal, self.moving_title, self.moving_stage = str(deal), title, str(stage)

    @rx.event
    @guard("member")
    def drop_on(self, p: Principal, stage_id: str):
        deal_id, self._dragged = self._dragged, 0
        if not deal_id:
            return None
        return self._move(p, deal_id, stage_id)

    @rx.event
    @guard("member")
    def move_to(self, p: Principal, deal_id: str, stage_id: str):
        return self._move(p, clean_id(deal_id, "deal_id"), stage_id)

    @rx.event
    @guard("viewer")
    def refill(self, p: Principal, stage_id: str):
        """After a move out of a column with cards below the fold: read that column
        again so the next card moves up into view (chained by `_after_move`)."""
        self._refresh_columns(p, [self._board_stage(stage_id)])

    def _move(self, p: Principal, deal_id: int, stage_id: object):
        """One transaction: check and move (a move to Lost opens the reason dialog
        instead); then the board is updated in place."""
        with db.connection_scope() as conn:
            plan = deal_moves.plan(conn, p.workspace_id, deal_id, stage_id)
            if plan.changes_nothing:
                return None
            if self.moving_deal:  # the menu was for this move: the next Move fills it afresh
                self.moving_deal = self.moving_title = self.moving_stage = ""
            if plan.to_kind == "lost":
                self.lost_title = plan.title
                self._pending = (plan.deal_id, plan.to_stage_id)
                self.lost_error = ""
                self.lost_open = True
                return None
            moved = deal_moves.apply(conn, p, plan)
        return self._after_move(p, moved)

    def _after_move(self, p: Principal, moved: Moved) -> list:
        """The board after a committed move: patched in place when that is exact,
        re-read otherwise; the events to send back."""
        plan = moved.plan
        events = []
        patched = board_patch.after_move(self._board(), moved, self._limit(
            str(plan.to_stage_id))) if self.view == "board" else None
        if patched is not None:
            self._show(patched.board)
            events += [PipelineState.refill(sid) for sid in patched.refill]
        else:
            self._refresh_columns(p, [str(plan.from_stage_id), str(plan.to_stage_id)])
        self.last_move = f"{plan.deal_id}:{plan.to_stage_id}"
        if plan.to_kind == "won":
            events.append(rx.toast.success("Won! The close date is recorded on the deal."))
        return events or None

    @rx.event
    @guard("member")
    def confirm_lost(self, p: Principal, form: dict):
        reason = form.get("lost_reason", "") if isinstance(form, dict) else ""
        deal_id, sid = self._pending
        if not deal_id:
            self.lost_open = False
            return None
        try:
            reason = deal_moves.asked_lost_reason(reason)
            with db.connection_scope() as conn:
                moved = deal_moves.move(conn, p, deal_id, sid, reason)
        except ValidationError as exc:
            self.lost_error = str(exc)
            return None
        self._pending = (0, 0)
        self.lost_open = False
        self.lost_error = ""
        return None if moved is None else self._after_move(p, moved)

    @rx.event
    @guard("member")
    def cancel_lost(self, p: Principal):
        self._pending = (0, 0)
        self.lost_open = False
        self.lost_error = ""

    @rx.event
    @guard("member")
    def lost_dialog_change(self, p: Principal, is_open: bool):
        if not is_open:
            self._pending = (0, 0)
            self.lost_open = False
            self.lost_error = ""
