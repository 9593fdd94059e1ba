"""The stylesheet brings only the Radix colour scales in theme_colors.COLORS, so a
colour the app names but that list lacks would draw as no colour at all: every
Radix colour name written as a string in updoot_app/ must be listed."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from updoot_app import theme_colors

APP = Path(__file__).resolve().parents[2] / "updoot_app"
RADIX_TOKENS = APP.parent / ".web" / "node_modules" / "@radix-ui" / "themes" / "tokens"


def radix_colors_named(source: str) -> set[str]:
    """The Radix colour names among the string constants of a module's source."""
    return {node.value for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and node.value in theme_colors.RADIX_COLORS}


def test_every_colour_the_app_names_is_in_the_stylesheet():
    missing = {}
    for path in sorted(APP.rglob("*.py")):
        if path.name == "theme_colors.py":  # the registry lists every Radix scale
            continue
        extra = radix_colors_named(path.read_text()) - set(theme_colors.COLORS)
        if extra:
            missing[str(path.relative_to(APP.parent))] = sorted(extra)
    assert not missing, f"Radix colours not in theme_colors.COLORS: {missing}"


def test_the_scan_finds_a_planted_colour():
    planted = 'rx.badge("x", color_scheme="tomato")\nCOLORS = {"a": "crimson", "b": "red"}'
    assert radix_colors_named(planted) == {"tomato", "crimson", "red"}
    assert not radix_colors_named('label = "Tomato soup"')


def test_stylesheets_are_the_listed_scales_then_base_components_utilities():
    sheets = theme_colors.radix_stylesheets()
    scales = [s.rsplit("/", 1)[1].removesuffix(".css") for s in sheets
              if "/tokens/colors/" in s]
    assert scales == list(dict.fromkeys(theme_colors.COLORS))
    assert set(scales) <= theme_colors.RADIX_COLORS
    assert sheets[len(scales):] == ("@radix-ui/themes/tokens/base.css",
                                    "@radix-ui/themes/components.css",
                                    "@radix-ui/themes/utilities.css")


@pytest.mark.skipif(not RADIX_TOKENS.is_dir(), reason="no frontend build (.web) here")
def test_the_installed_radix_ships_the_scales_named():
    shipped = {p.stem for p in (RADIX_TOKENS / "colors").glob("*.css")}
    assert theme_colors.RADIX_COLORS == shipped
    assert (RADIX_TOKENS / "base.css").is_file()
