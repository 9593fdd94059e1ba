"""Steps of the keyboard-only journeys (tests/e2e/test_keyboard*.py): only
page.keyboard once the first page is open (Tab, Shift+Tab, Enter, Space, arrow
keys, typing into the focused field): no click(), no fill(), no focus().

After every step that tabs to a target, the focused element
(document.activeElement) is the one expected and shows a focus indicator."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREENSHOT_DIR
from tests.e2e.journeys import FIRST_LOAD_MS, PASSWORD, _path_is, visit

MAX_TABS = 40

# The focus indicator of the focused element, or "" when there is none: its own
# outline (Radix buttons, links, select triggers), the outline Radix draws on a
# text field's wrapper (:focus-within) or on a radio's or checkbox's ::before,
# or, for the highlighted option of an open select or menu (the focus stays in
# the list there), its accent background. An outline counts only if it is drawn:
# a style, a width and a colour that is not transparent.
FOCUS_INDICATOR_JS = """() => {
  const opaque = (c) => !!c && c !== 'transparent' && !/^rgba\\(.*,\\s*0\\)$/.test(c);
  const outline = (s) => s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
      && opaque(s.outlineColor)
    ? 'outline ' + s.outlineWidth + ' ' + s.outlineStyle + ' ' + s.outlineColor : '';
  const el = document.activeElement;
  if (!el || el === document.body) return '';
  const own = outline(getComputedStyle(el));
  if (own) return own;
  for (const pseudo of ['::before', '::after']) {
    const drawn = outline(getComputedStyle(el, pseudo));
    if (drawn) return pseudo + ' ' + drawn;
  }
  const wrapper = el.closest('.rt-TextFieldRoot, .rt-TextAreaRoot');
  if (wrapper && outline(getComputedStyle(wrapper))) {
    return 'field ' + outline(getComputedStyle(wrapper));
  }
  const item = el.matches('[data-highlighted]') ? el
    : el.querySelector('[role=option][data-highlighted], [role=menuitem][data-highlighted]');
  if (item && opaque(getComputedStyle(item).backgroundColor)) {
    return 'highlighted ' + getComputedStyle(item).backgroundColor;
  }
  return '';
}"""


def focused_matches(page: Page, selector: str) -> bool:
    return page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)",
                         selector)


def focused_description(page: Page) -> str:
    return page.evaluate("""() => { const e = document.activeElement;
        return e ? e.outerHTML.slice(0, 160) : 'nothing'; }""")


def assert_focus_visible(page: Page, what: str) -> str:
    indicator = page.evaluate(FOCUS_INDICATOR_JS)
    assert indicator, f"{what} has the focus but no visible focus indicator: " \
                      f"{focused_description(page)}"
    return indicator


def expect_focus_on(page: Page, selector: str, what: str) -> None:
    """The focus is (or arrives within the expect timeout) on `selector`, visibly."""
    expect(page.locator(selector)).to_be_focused()
    assert_focus_visible(page, what)


def shot(page: Page, name: str) -> None:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"keyboard_{name}.png"))


def tab_to(page: Page, selector: str, what: str, *, backwards: bool = False) -> None:
    """Once the element matching `selector` is on the page (as a person waits for
    a list to load before going to it), press Tab (or Shift+Tab) until it has the
    focus; then check it shows that it has."""
    expect(page.locator(selector).first).to_be_attached(timeout=FIRST_LOAD_MS)
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        if focused_matches(page, selector):
            assert_focus_visible(page, what)
            return
    pytest.fail(f"{MAX_TABS} x {key} never reached {what} ({selector}); the focus is on "
                f"{focused_description(page)}")


def type_into(page: Page, selector: str, what: str, text: str, *,
              backwards: bool = False) -> None:
    tab_to(page, selector, what, backwards=backwards)
    page.keyboard.type(text)


def replace_text(page: Page, selector: str, what: str, text: str, *,
                 backwards: bool = False) -> None:
    """Tab to a field that has a value, select it all (Ctrl+A) and type over it."""
    tab_to(page, selector, what, backwards=backwards)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def hold(page: Page, key: str, ms: int = 60) -> None:
    """Press a key as a person does, down then up a moment later. Radix's radio
    group checks the item an arrow key moves to only while the key is still
    down when the focus lands (it moves the focus a tick after keydown);
    page.keyboard.press lets go at once."""
    page.keyboard.down(key)
    page.wait_for_timeout(ms)
    page.keyboard.up(key)


def sign_up(page: Page, *, email: str, workspace: str, name: str = "Kim Keys") -> None:
    """The sign-up form with the keyboard: Tab into each field, type, Enter submits."""
    visit(page, "/signup")
    expect(page.locator('input[name="name"]')).to_be_editable(timeout=FIRST_LOAD_MS)
    type_into(page, 'input[name="name"]', "the name field", name)
    type_into(page, 'input[name="email"]', "the email field", email)
    type_into(page, 'input[name="password"]', "the password field", PASSWORD)
    type_into(page, 'input[name="workspace_name"]', "the workspace field", workspace)
    page.keyboard.press("Enter")
    expect(page).to_have_url(_path_is("/dashboard"), timeout=FIRST_LOAD_MS)
    expect(page.locator("#workspace-switcher")).to_contain_text(workspace,
                                                                timeout=FIRST_LOAD_MS)


def open_from_nav(page: Page, path: str, what: str) -> None:
    """Tab to the navigation's link to `path` and follow it with Enter."""
    tab_to(page, f'nav a[href="{path}"]', what)
    page.keyboard.press("Enter")
    expect(page).to_have_url(_path_is(path), timeout=FIRST_LOAD_MS)
