"""Long builds show progress: one updating line on a terminal, plain lines in logs."""

from __future__ import annotations

import io

from frostpress.build.progress import Progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_terminal_gets_one_line_that_updates_in_place() -> None:
    out = _Terminal()
    progress = Progress(out, interval=0)
    for done in range(1, 101):
        progress("render", done, 100)
    text = out.getvalue()
    assert text.count("\r") == 100 and text.endswith("Rendering Markdown: 100/100 (100%)\n")


def test_logs_get_a_line_when_a_stage_starts_and_ends() -> None:
    out = io.StringIO()
    progress = Progress(out)
    for done in range(1, 101):
        progress("render", done, 100)
    for done in range(1, 201):
        progress("write", done, 200)
    assert out.getvalue().splitlines() == [
        "Rendering Markdown: 1/100 started",
        "Rendering Markdown: 100/100 done",
        "Writing pages: 1/200 started",
        "Writing pages: 200/200 done",
    ]


def test_small_jobs_print_nothing() -> None:
    out = io.StringIO()
    progress = Progress(out)
    for done in range(1, 11):
        progress("write", done, 10)
    assert out.getvalue() == ""
