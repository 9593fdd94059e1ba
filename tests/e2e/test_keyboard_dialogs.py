"""Dialogs the state opens (no Radix trigger) give the focus back to the control
that opened them when they close, with Escape or once submitted; a removed
quote line leaves the focus on the line that takes its place (issue 18).

- move a deal to Lost with the keyboard on the pipeline: the card's Move
  button, the menu's Lost, the "Why was it lost?" dialog (Escape once, then a
  reason and Enter): the focus is on the card's Move button, in the Lost
  column once it has moved;
- schedule a follow-up from a pipeline card's "+ Next step": Escape, then
  saved; the focus is back on that button, and the deal's page lists it;
- remove quote lines: the focus goes to the next line's description, then
  to Add line once no line is left.

The demo workspace (Try the demo) and a workspace signed up with the keyboard
are the starting points; once the first page is open only page.keyboard is
used (tests/e2e/keyboard.py), and the focus indicator is checked where the
focus lands. Never on <body>.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.journeys import FIRST_LOAD_MS, try_demo, visit
from tests.e2e.keyboard import (
    assert_focus_visible,
    expect_focus_on,
    focused_description,
    focused_matches,
    open_from_nav,
    shot,
    sign_up,
    tab_to,
)

pytestmark = pytest.mark.e2e


LINE_DESCRIPTIONS = 'input[id^="line-"][id$="-description"]'


def card_in(stage: str, deal_id: str) -> str:
    return f'.kanban-column[data-stage="{stage}"] .deal-card[data-deal="{deal_id}"]'


def open_board(page: Page) -> str:
    """The demo's pipeline; the id of the first deal in the New column."""
    try_demo(page)
    visit(page, "/pipeline")
    first = page.locator('.kanban-column[data-stage="New"] .deal-card').first
    expect(first).to_be_visible(timeout=FIRST_LOAD_MS)
    return first.get_attribute("data-deal")


def not_on_body(page: Page) -> None:
    """The focus is given back (a frame or two after the dialog is gone), not left
    on the page's <body>."""
    try:
        page.wait_for_function("() => document.activeElement !== document.body",
                               timeout=5_000)
    except PlaywrightTimeout:
        pytest.fail("the focus fell to the page's <body> and stayed there")


def choose_lost(page: Page, move_button: str) -> None:
    """From the card's Move button: Enter opens the menu, Tab to Lost, Enter."""
    expect_focus_on(page, move_button, "the card's Move button")
    page.keyboard.press("Enter")
    expect(page.locator("#move-menu")).to_be_visible()
    tab_to(page, '#move-menu .move-option[data-stage="Lost"]', "the menu's Lost")
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_contain_text("Why was it lost?")
    expect_focus_on(page, "#lost-reason", "the Lost reason field")


def test_move_a_deal_to_lost_with_the_keyboard_only(page: Page):
    deal_id = open_board(page)
    lost_before = int(page.locator('.kanban-column[data-stage="Lost"] .col-count').inner_text())
    move_new = f"{card_in('New', deal_id)} .move-button"
    tab_to(page, move_new, "the first card's Move button")

    # Escape: nothing moves, the focus is back on the Move button.
    choose_lost(page, move_new)
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect_focus_on(page, move_new, "the Move button, after Escape")
    expect(page.locator(card_in("New", deal_id))).to_have_count(1)

    # Again, with a reason: Enter marks it lost; the focus follows the card.
    choose_lost(page, move_new)
    page.keyboard.type("Chose a competitor")
    shot(page, "lost_reason")
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator('.kanban-column[data-stage="Lost"] .col-count')).to_have_text(
        str(lost_before + 1))
    not_on_body(page)
    expect_focus_on(page, f"{card_in('Lost', deal_id)} .move-button",
                    "the moved card's Move button, in Lost")
    shot(page, "lost_moved")


def test_schedule_a_follow_up_from_a_pipeline_card_with_the_keyboard_only(page: Page):
    deal_id = open_board(page)
    next_step = f"{card_in('New', deal_id)} .next-step-button"
    tab_to(page, next_step, "the first card's + Next step button")
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Schedule a follow-up")
    expect_focus_on(page, "#fu-title", "the follow-up's Title")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect_focus_on(page, next_step, "the + Next step button, after Escape")

    title = f"Call back {uuid.uuid4().hex[:4]}"
    page.keyboard.press("Enter")
    expect(dialog).to_contain_text("Schedule a follow-up")
    expect_focus_on(page, "#fu-title", "the follow-up's Title")
    page.keyboard.press("Control+A")
    page.keyboard.type(title)
    shot(page, "pipeline_follow_up")
    page.keyboard.press("Enter")
    expect(dialog).to_have_count(0)
    not_on_body(page)
    expect_focus_on(page, next_step, "the + Next step button, once saved")
    expect(page.locator(card_in("New", deal_id)).locator(".no-next-step")).to_have_count(0)

    # The deal's page (its link is on the same card) lists it.
    tab_to(page, f"{card_in('New', deal_id)} .deal-link", "the card's link", backwards=True)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf".*/deals/{deal_id}$"), timeout=FIRST_LOAD_MS)
    expect(page.locator("#follow-ups")).to_contain_text(title, timeout=FIRST_LOAD_MS)


def test_removing_quote_lines_keeps_the_focus_in_the_lines(page: Page):
    sign_up(page, email=f"lines-{uuid.uuid4().hex[:8]}@example.com",
            workspace=f"Lines {uuid.uuid4().hex[:6]}")
    open_from_nav(page, "/quotes", "the Quotes link")
    tab_to(page, "#new-quote", "the New quote button")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r".*/quotes/\d+$"), timeout=FIRST_LOAD_MS)

    for n, text in enumerate(("First", "Second", "Third")):
        tab_to(page, "#add-line", "the Add line button")
        page.keyboard.press("Enter")
        expect_focus_on(page, f"#line-{n}-description", "the new line's description")
        page.keyboard.press("Control+A")
        page.keyboard.type(text)
        page.keyboard.press("Tab")   # leaves the field: the description is kept
        expect(page.locator(f"#line-{n}-description")).to_have_value(text)

    # The first line goes: the focus is on the description of the one after it.
    tab_to(page, 'button[aria-label="Remove line 1"]', "the first line's Remove button",
           backwards=True)
    page.keyboard.press("Enter")
    expect(page.locator(LINE_DESCRIPTIONS)).to_have_count(2)
    expect_focus_on(page, "#line-0-description", "the next line's description")
    expect(page.locator("#line-0-description")).to_have_value("Second")

    # The last line goes: no line after it, the focus is on Add line.
    tab_to(page, 'button[aria-label="Remove line 2"]', "the last line's Remove button")
    page.keyboard.press("Enter")
    expect(page.locator(LINE_DESCRIPTIONS)).to_have_count(1)
    expect_focus_on(page, "#add-line", "the Add line button")
    shot(page, "quote_line_removed")


def test_follow_up_and_signal_dialogs_on_a_company_page_give_the_focus_back(page: Page):
    from tests.e2e.test_keyboard_journeys import add_client, new_workspace

    company_id = add_client(new_workspace(page, "Dialog Keys"))
    visit(page, f"/companies/{company_id}")
    expect(page.locator("#record-signal")).to_be_visible(timeout=FIRST_LOAD_MS)
    dialog = page.get_by_role("dialog")

    # A new follow-up, saved with Enter: the focus is back on Add follow-up.
    tab_to(page, "#add-follow-up", "the Add follow-up button", backwards=True)
    page.keyboard.press("Enter")
    expect(dialog).to_contain_text("Schedule a follow-up")
    expect_focus_on(page, "#fu-title", "the follow-up's Title")
    page.keyboard.press("Control+A")
    page.keyboard.type("Send the case study")
    page.keyboard.press("Enter")
    expect(dialog).to_have_count(0)
    expect(page.locator(".follow-up-row")).to_contain_text("Send the case study")
    expect_focus_on(page, "#add-follow-up", "the Add follow-up button, once saved")

    # Done: Escape gives the focus back to the row's Done button; marked done, the
    # button is gone with it, and the focus is on the row's control instead.
    done = ".follow-up-row .done-button"
    tab_to(page, done, "the follow-up's Done button")
    page.keyboard.press("Enter")
    expect(dialog).to_contain_text("Send the case study")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect_focus_on(page, done, "the Done button, after Escape")
    page.keyboard.press("Enter")
    expect(dialog).to_contain_text("Send the case study")
    tab_to(page, "#finish-done", "the Mark done button")
    page.keyboard.press("Enter")
    expect(dialog).to_have_count(0)
    expect(page.locator(".follow-up-row s")).to_contain_text("Send the case study")
    not_on_body(page)
    assert focused_matches(page, ".follow-up-row button"), focused_description(page)
    assert_focus_visible(page, "a control of the follow-up rows")
    shot(page, "done_focus")

    # The buying-signal dialog: Escape, the focus is back on Record a signal.
    tab_to(page, "#record-signal", "the Record a signal button", backwards=True)
    page.keyboard.press("Enter")
    expect(dialog).to_contain_text("Record a signal")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect_focus_on(page, "#record-signal", "the Record a signal button, after Escape")


LINE_INDEX_JS = """() => { const line = document.activeElement?.closest('.today-line');
    return line ? [...document.querySelectorAll('.today-line')].indexOf(line) : -1; }"""


def test_a_follow_up_from_a_today_line_gives_the_focus_back_to_the_list(page: Page):
    try_demo(page)
    visit(page, "/today")
    expect(page.locator(".today-line .line-follow-up").first).to_be_visible(
        timeout=FIRST_LOAD_MS)
    tab_to(page, ".today-line .line-follow-up", "a line's Follow-up button")
    index = page.evaluate(LINE_INDEX_JS)
    assert index >= 0
    dialog = page.get_by_role("dialog")

    page.keyboard.press("Enter")
    expect(dialog).to_contain_text("Schedule a follow-up")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    not_on_body(page)
    assert focused_matches(page, ".today-line .line-follow-up"), focused_description(page)
    assert page.evaluate(LINE_INDEX_JS) == index
    assert_focus_visible(page, "the line's Follow-up button, after Escape")

    # Saved: the line may leave the list (its deal has a next step now); the focus
    # stays in the list, at that place, not on the page's <body>.
    page.keyboard.press("Enter")
    expect(dialog).to_contain_text("Schedule a follow-up")
    expect_focus_on(page, "#fu-title", "the follow-up's Title")
    page.keyboard.press("Control+A")
    page.keyboard.type(f"Today keys {uuid.uuid4().hex[:4]}")
    page.keyboard.press("Enter")
    expect(dialog).to_have_count(0)
    not_on_body(page)
    assert focused_matches(page, ".today-line button, .today-line a"), focused_description(page)
    lines_now = page.locator(".today-line").count()
    assert page.evaluate(LINE_INDEX_JS) == min(index, lines_now - 1)
    assert_focus_visible(page, "a control of the Today list, once saved")
    shot(page, "today_follow_up")
