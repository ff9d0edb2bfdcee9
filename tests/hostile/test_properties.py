"""Properties of comment Markdown → HTML, over generated comments.

For any comment within the size limit, ``render_comment``: never raises, gives
inert HTML (tests/hostile/inert.py), and gives HTML that sanitising again
leaves unchanged (so what is stored is exactly what the sanitiser allows).
Comments are built from Markdown and HTML fragments, the hostile payloads and
random text, so the generator reaches the renderer's corners, not only noise.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sidecar.security import sanitise_comment_html
from sidecar.services.comment_rules import MAX_BODY
from sidecar.services.rendering import render_comment
from tests.hostile.inert import comment_problems
from tests.hostile.payloads import PAYLOADS
from tests.hostile.report import report  # the hostile fixture's tally: fixtures last a whole run

MARKDOWN = [
    *("*", "**", "_", "__", "`", "``", "```", "~~~", "    ", "> ", "- ", "1. ", "# ", "---"),
    *("[", "]", "(", ")", "![", "](", "<", ">", "</", "/>", "&", "&amp;", "&#x6A;", "&#106;"),
    *('"', "'", "=", "{", "}", "{.", "#", ":", "\\", "|", "\n", "\n\n", "\t", " ", "\r\n"),
    *("javascript:", "JaVaScRiPt:", "data:", "vbscript:", "https://ok.example/", "mailto:a@b.c"),
    *("<a href=", "<img src=x", " onerror=", " onclick=", "<script>", "</script>", "<svg", "<math"),
    *("<style>", "<iframe", "<!--", "-->", "<![CDATA[", "```python\n", "```{.x ", "\n```\n"),
    *("[x](", "[x][1]\n\n[1]: ", "<https://", "\u202e", "\u200b", "\u2066", "\x00", "\x0b"),
]
pieces = st.one_of(
    st.sampled_from(MARKDOWN),
    st.sampled_from(PAYLOADS),
    st.text(max_size=12),
    st.text(alphabet="<>&\"'`*_[]()!#\n :/=", max_size=12),
)
comments = st.lists(pieces, max_size=40).map("".join).filter(lambda body: len(body) <= MAX_BODY)
BOUNDED = settings(
    max_examples=400,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@BOUNDED
@given(body=comments)
def test_any_comment_renders_to_inert_html_that_sanitising_leaves_alone(body: str) -> None:
    rendered = render_comment(body)  # never raises
    problems = comment_problems(rendered)
    again = sanitise_comment_html(rendered)
    if again != rendered:
        problems.append(f"sanitising again changed it: {rendered!r} → {again!r}")
    report.add("input", 1, bool(problems), f"generated comment {body!r}: {problems}")
    assert not problems, (body, rendered, problems)
