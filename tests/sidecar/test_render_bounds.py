"""Rendering a comment is bounded: a short list of highlighted languages, a size
limit on what is actually parsed, and a time budget enforced by killing the
worker that overruns it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import markdown
import pytest
from flask import Flask
from pygments.lexers import get_lexer_by_name

from frostpress.content.markdown import EXTENSION_CONFIGS
from frostpress.content.typography import SmartTypography
from sidecar.security import sanitise_comment_html
from sidecar.services.comment_code import LANGUAGES, comment_language
from sidecar.services.rendering import render_comment
from tests.sidecar.conftest import ApiClient, error_of
from tests.sidecar.test_api_comments import thread
from tests.sidecar.test_sanitiser_classes import classes

CODE = 'x = call(1, "two")  # three'


def fenced(lang: str, code: str = CODE) -> str:
    return f"```{lang}\n{code}\n```"


def tokens(html: str) -> set[str]:
    return {name for tag, name in classes(html) if tag == "span"}


# -- which languages are highlighted ---------------------------------------------------------
def test_every_allowed_language_is_a_lexer_of_the_installed_pygments() -> None:
    assert 25 <= len(LANGUAGES) <= 40
    for name in LANGUAGES:
        assert name in get_lexer_by_name(name).aliases
        assert comment_language(name) == name
        assert comment_language(name.upper()) == name


@pytest.mark.parametrize(
    ("alias", "language"),
    [
        ("py", "python"),
        ("js", "javascript"),
        ("ts", "typescript"),
        ("sh", "bash"),
        ("shell", "bash"),
        ("zsh", "bash"),
        ("c++", "cpp"),
        ("golang", "go"),
        ("rs", "rust"),
        ("yml", "yaml"),
        ("udiff", "diff"),
        ("md", "markdown"),
        ("rb", "ruby"),
    ],
)
def test_the_usual_aliases_highlight_as_their_language(alias: str, language: str) -> None:
    assert comment_language(alias) == language
    assert render_comment(fenced(alias)) == render_comment(fenced(language))


@pytest.mark.parametrize(
    "body",
    [
        fenced("adl"),
        fenced("urlencoded"),
        fenced("gherkin"),
        fenced("autoit"),
        fenced("csharp"),
        fenced("{.adl}"),
        fenced("{.gherkin .python}"),
        f"~~~adl\n{CODE}\n~~~",
        f"    :::adl\n    {CODE}\n",
        f"    #!adl\n    {CODE}\n",
    ],
    ids=lambda body: body.split("\n")[0].strip(),
)
def test_any_other_language_renders_as_plain_code(app: Flask, api: ApiClient, body: str) -> None:
    plain = render_comment(fenced(""))
    assert tokens(plain) == set(), plain  # no Pygments token class at all
    assert render_comment(body) == plain
    assert "call(1, &quot;two&quot;)" in plain or 'call(1, "two")' in plain


@pytest.mark.parametrize(
    "body",
    [fenced("python"), fenced("{.python}"), f"    :::python\n    {CODE}\n", fenced("{ .py }")],
    ids=lambda body: body.split("\n")[0].strip(),
)
def test_allowed_languages_are_highlighted_however_they_are_named(body: str) -> None:
    assert {"n", "o", "mi", "s2", "c1"} <= tokens(render_comment(body))


@pytest.mark.parametrize(
    "attrs",
    [
        "style=x",
        "linenos=table",
        "linenos=inline",
        "cssclass=flash",
        "classprefix=x-",
        "filename=evil.py",
        "lineanchors=l anchorlinenos=true",
        "hl_lines='1'",
        "tabsize=100000",
        "use_pygments=false",
        "#an-id .second-class",
        "startinline=true",
    ],
)
def test_a_fence_sets_no_pygments_option(app: Flask, api: ApiClient, ada: Any, attrs: str) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a crash answers 500, as in production
    api.login(ada)
    response = api.post("/api/comments/preview", json={"body": fenced(f"{{.python {attrs}}}")})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.get_json()["body_html"] == render_comment(fenced("python"))


def stock_render(body: str) -> str:
    """Comments as Python-Markdown's own fenced_code + codehilite rendered them."""
    md = markdown.Markdown(
        extensions=["fenced_code", "codehilite", "sane_lists", SmartTypography()],
        extension_configs={"codehilite": EXTENSION_CONFIGS["codehilite"]},
        output_format="html",
    )
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return sanitise_comment_html(md.convert(body))


NORMAL = [
    "Thanks -- this *really* helped. \"Quotes\" and 'apostrophes'...",
    "1. one\n2. two\n\n- a\n- b\n\n> quoted [link](https://example.org)",
    fenced("python", "def f(x):\n\treturn x * 2  # tab-indented"),
    fenced("js", "const a = [1, 2].map((x) => x * 2);"),
    fenced("bash", "$ pip install frostpress && echo ok"),
    fenced("json", '{"a": [1, 2.5, null, true]}'),
    fenced("sql", "SELECT id FROM comments WHERE status = 'approved';"),
    fenced("yaml", "title: Hello\ntags: [a, b]"),
    fenced("diff", "--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new"),
    fenced("html", '<a href="x">y</a><script>alert(1)</script>'),
    fenced("", "plain <b>code</b> & more"),
    '~~~rust\nfn main() { println!("hi"); }\n~~~',
    "Some code:\n\n    indented = True\n\nand after.",
    "    :::python\n    import os\n",
    "Inline `code` and **bold** and ~~not strike~~.",
]


@pytest.mark.parametrize("body", NORMAL, ids=range(len(NORMAL)))
def test_normal_comments_render_as_they_did(body: str) -> None:
    assert render_comment(body) == stock_render(body)


# -- the size limit holds for what is parsed ---------------------------------------------------
@pytest.mark.parametrize(
    "body",
    ["```adl\n" + "\t" * 7985 + "x\n```", "x" + "\t" * 2500 + "y", "\ta\n" * 1600],
    ids=["the reported attack", "one long run", "many lines"],
)
def test_a_body_whose_tabs_expand_past_the_limit_is_refused(
    app: Flask, api: ApiClient, ada: Any, body: str
) -> None:
    assert len(body) <= 8000
    api.login(ada)
    for response in (
        api.post("/api/comments/preview", json={"body": body}),
        api.post("/api/posts/hello/comments", json={"body": body}),
    ):
        assert response.status_code == 422, response.get_json()
        error = error_of(response)
        assert "tabs" in error["message"] and "8000" in error["message"]
        assert "8000" in error["fields"]["body"]
    assert thread(app.test_client()) == []

    created = api.post("/api/posts/hello/comments", json={"body": "short"})
    edited = api.patch(f"/api/comments/{created.get_json()['id']}", json={"body": body})
    assert edited.status_code == 422 and "tabs" in error_of(edited)["fields"]["body"]


def test_tabs_within_the_limit_are_kept_and_rendered(api: ApiClient, ada: Any) -> None:
    api.login(ada)
    body = fenced("python", "if x:\n\treturn 1") + "\n\n" + "a\tb " * 1000  # 7,000+ parsed
    response = api.post("/api/posts/hello/comments", json={"body": body})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["body"] == body  # the source as written


# -- the time budget ------------------------------------------------------------------------------
# Java is allowed, and Pygments' Java lexer takes seconds on an unclosed character
# literal: about 2 s here, ten times the budget these tests set.
SLOW = "```java\n'" + "a " * 3990 + "\n```"


@pytest.mark.parametrize("sidecar_config", [{"COMMENT_RENDER_TIMEOUT": 0.2}])
def test_a_render_over_its_time_budget_is_refused_and_the_server_goes_on(
    app: Flask, api: ApiClient, ada: Any
) -> None:
    api.login(ada)
    for response in (
        api.post("/api/posts/hello/comments", json={"body": SLOW}),
        api.post("/api/comments/preview", json={"body": SLOW}),
    ):
        assert response.status_code == 422, response.get_json()
        error = error_of(response)
        assert error["code"] == "render_timeout"
        assert "too long to render" in error["message"]
        assert error["fields"]["body"] == "took over 0.2 s to render"
    assert thread(app.test_client()) == []

    created = api.post("/api/posts/hello/comments", json={"body": fenced("java", "int x = 1;")})
    assert created.status_code == 201, created.get_json()  # the killed worker was replaced
    assert "kt" in tokens(created.get_json()["body_html"])
    edited = api.patch(f"/api/comments/{created.get_json()['id']}", json={"body": SLOW})
    assert edited.status_code == 422 and error_of(edited)["code"] == "render_timeout"
    assert thread(api)[0]["body"] == fenced("java", "int x = 1;")  # unchanged


# The engine's build pool may have started the process's forkserver first (make
# dev builds before any comment is rendered): render workers then import the
# renderer as they start, about a second, and a killed one's replacement too.
AFTER_THE_ENGINE = f"""
import sys
from flask import Flask
from frostpress.build.parallel import WorkerPool
from sidecar.services import rendering

SLOW = {SLOW!r}

def main():
    engine = WorkerPool(2)
    engine.submit(sum, [1]).result()  # the forkserver starts, preloading the engine
    app = Flask("after-the-engine")
    app.config.update(rendering.DEFAULTS, COMMENT_RENDER_TIMEOUT=0.2)
    with app.app_context():
        for _ in range(2):  # both workers overrun and are killed
            try:
                rendering.render_comment(SLOW)
            except rendering.RenderTimeout:
                pass
        print(rendering.render_comment("*after*"))
    engine.close()

if __name__ == "__main__":
    main()
"""


def test_after_overruns_the_next_comment_waits_for_a_replacement_worker(tmp_path: Path) -> None:
    script = tmp_path / "after_the_engine.py"
    script.write_text(AFTER_THE_ENGINE)
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "<p><em>after</em></p>"
