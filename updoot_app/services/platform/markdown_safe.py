"""Markdown to HTML that is safe to put in a page.

markdown-it-py with raw HTML disabled: any `<script>`, `<img onerror=...>` or
other tag typed into a battlecard comes out as escaped text, never as markup.
Links and autolinks are kept only when they point to http, https or mailto
(no `javascript:`, `data:`, `vbscript:`, relative or protocol-less URLs);
images are not rendered at all (no tracking pixels, no `src` tricks). Every
attribute value is escaped by markdown-it; the only attributes emitted are
`href` (checked) and the `rel`/`target` we add. The output is what the UI
shows with `rx.html`, and the API returns next to the raw text.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from markdown_it import MarkdownIt

MAX_MARKDOWN_CHARS = 5000
ALLOWED_SCHEMES = ("http", "https", "mailto")


def safe_url(url: str) -> bool:
    """True only for absolute http(s) and mailto URLs (after the browser's own
    leniencies: surrounding whitespace and control characters are refused)."""
    if not isinstance(url, str) or not url or url != url.strip():
        return False
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        return False
    if scheme in ("http", "https") and not parts.netloc:
        return False
    return True


def _make() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["image", "html_inline", "html_block"])
    md.enable(["table", "strikethrough"])
    md.validateLink = safe_url  # links failing the check stay plain text

    def link_open(renderer, tokens, idx, options, env):
        tokens[idx].attrSet("rel", "nofollow noopener noreferrer")
        tokens[idx].attrSet("target", "_blank")
        return renderer.renderToken(tokens, idx, options, env)

    md.add_render_rule("link_open", link_open)
    return md


_MD = _make()


def render(text: object) -> str:
    """HTML for `text` (Markdown); "" for empty or non-text input."""
    if not isinstance(text, str) or not text.strip():
        return ""
    return _MD.render(text[:MAX_MARKDOWN_CHARS])
