"""The Radix Themes colours Updoot draws with: one home for the list, and the
stylesheets that bring only these.

Radix's whole stylesheet (`@radix-ui/themes/styles.css`) defines every one of its
31 colour scales, light and dark, plain and wide-gamut: about 160 KB of the 800 KB
a browser must fetch, parse and match before it paints anything (the stylesheet
blocks the first paint; bench/bench_browser.py). Radix documents importing the
base tokens plus only the scales an app uses; Updoot uses the ones below.

A colour missing here draws as no colour at all (its variables are undefined), so
tests/unit/test_theme_colors.py checks that every Radix colour name written in
updoot_app/ is listed.
"""

from __future__ import annotations

ACCENT = "indigo"
GRAY = "slate"  # the gray Radix pairs with indigo ("auto"): the theme's --gray-*

# Accent and gray, then every `color_scheme` the pages, components and states name.
COLORS = (ACCENT, GRAY, "gray", "amber", "blue", "green", "orange", "purple", "red",
          "teal", "violet")

# Every scale Radix Themes 3 ships (tokens/colors/*.css).
RADIX_COLORS = frozenset((
    "gray", "mauve", "slate", "sage", "olive", "sand", "amber", "blue", "bronze",
    "brown", "crimson", "cyan", "gold", "grass", "green", "indigo", "iris", "jade",
    "lime", "mint", "orange", "pink", "plum", "purple", "red", "ruby", "sky", "teal",
    "tomato", "violet", "yellow",
))

_PACKAGE = "@radix-ui/themes"


def radix_stylesheets() -> tuple[str, ...]:
    """What `styles.css` imports, with only COLORS' scales: the scales, then the
    base tokens (which map them to --accent-* and --gray-*), components, utilities."""
    return (*(f"{_PACKAGE}/tokens/colors/{c}.css" for c in dict.fromkeys(COLORS)),
            f"{_PACKAGE}/tokens/base.css", f"{_PACKAGE}/components.css",
            f"{_PACKAGE}/utilities.css")
