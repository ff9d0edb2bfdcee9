"""The example theme is readable: text colours meet WCAG AA in light and dark."""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO

CSS = (REPO / "site" / "static" / "css" / "site.css").read_text()


def _variables(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", block))


def _schemes() -> dict[str, dict[str, str]]:
    light = _variables(CSS.split("@media (prefers-color-scheme: dark)")[0])
    dark_block = CSS.split("@media (prefers-color-scheme: dark)")[1].split("}\n}")[0]
    return {"light": light, "dark": {**light, **_variables(dark_block)}}


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    ("text", "background"),
    [
        ("fg", "bg"),
        ("muted", "bg"),
        ("accent", "bg"),
        ("accent-visited", "bg"),
        ("fg", "surface"),
        ("muted", "surface"),
        ("accent", "surface"),
        ("fg", "note"),
        ("fg", "warn"),
    ],
)
def test_text_colours_meet_wcag_aa(scheme: str, text: str, background: str) -> None:
    colours = _schemes()[scheme]
    ratio = contrast(colours[text], colours[background])
    assert ratio >= 4.5, f"{scheme}: --{text} on --{background} is {ratio:.2f}:1"


def test_contrast_formula_matches_known_values() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_comment_errors_are_readable_in_both_schemes() -> None:
    """The widget's one colour of its own: error text, in light and in dark."""
    widget = (REPO / "site" / "static" / "css" / "comments.css").read_text()
    light = re.search(r"\.comment-error \{ color: (#[0-9a-f]{6})", widget)
    dark = re.search(r"dark\) \{ \.comment-error \{ color: (#[0-9a-f]{6})", widget)
    assert light and dark
    schemes = _schemes()
    assert contrast(light.group(1), schemes["light"]["bg"]) >= 4.5
    assert contrast(dark.group(1), schemes["dark"]["bg"]) >= 4.5
