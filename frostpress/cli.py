"""The ``frostpress`` command: build, check, new, serve, dev."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from frostpress.config import SiteConfig, load_config
from frostpress.content.slugs import is_safe_slug, slugify
from frostpress.errors import BuildFailed, FrostpressError

__all__ = ["main"]


def _config(root: str, drafts: bool = False, output: str | None = None) -> SiteConfig:
    overrides: dict[str, Any] = {"drafts": drafts}
    if output:
        overrides["output_dir"] = Path(output).resolve()
    return load_config(root, **overrides)


def _reported(command: Callable[..., None]) -> Callable[..., None]:
    """A command that ends a deliberate error (configuration, content, a port in
    use, a file it cannot write) with its message and status 1, never a traceback."""

    @functools.wraps(command)
    def run(root: str, **options: Any) -> None:
        try:
            command(root=root, **options)
        except FrostpressError as exc:  # (a content error is reported by the command)
            raise click.ClickException(exc.format(Path(root).resolve())) from None
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            failed = FrostpressError(f"{where}{exc.strerror or exc}")
            raise click.ClickException(failed.format(Path(root).resolve())) from None

    return run


def _fail(exc: BuildFailed, config: SiteConfig) -> None:
    noun = "problem" if len(exc.errors) == 1 else "problems"
    click.echo(exc.report(relative_to=config.root), err=True)
    click.echo(f"Build failed: {len(exc.errors)} {noun}; build/ was left as it was.", err=True)
    sys.exit(1)


@click.group()
@click.version_option(package_name="frostpress")
def main() -> None:
    """frostpress: Markdown in content/, frozen into a static site in build/."""


root_option = click.option(
    "--root",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False, exists=True),
    help="The project: the directory holding site/ and content/.",
)


@main.command()
@root_option
@click.option("--drafts", is_flag=True, help="Include drafts (marked as such on the page).")
@click.option("--output", type=click.Path(file_okay=False), help="Instead of build/.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@_reported
def build(root: str, drafts: bool, output: str | None, quiet: bool) -> None:
    """Freeze the site into build/ (replaced only if everything succeeded)."""
    from frostpress.build.builder import Builder
    from frostpress.build.progress import Progress

    config = _config(root, drafts, output)
    try:
        report = Builder(config).build(None if quiet else Progress())
    except BuildFailed as exc:
        _fail(exc, config)
    if not quiet:
        click.echo(
            f"Built {report.pages} pages into {report.output} in "
            f"{report.seconds:.2f}s ({report.written} written, {report.reused} "
            f"unchanged, {report.markdown_rendered} Markdown files rendered)."
        )


@main.command()
@root_option
@click.option("--drafts", is_flag=True, help="Check drafts too.")
@_reported
def check(root: str, drafts: bool) -> None:
    """Validate content/ and site/ and render every page, writing nothing."""
    from frostpress.build.builder import Builder

    config = _config(root, drafts=drafts)
    try:
        pages = Builder(config).check()
    except BuildFailed as exc:
        _fail(exc, config)
    click.echo(f"OK: {pages} pages, no problems.")


@main.command()
@root_option
@click.argument("title")
@click.option(
    "--date",
    "when",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%d %H:%M:%S"]),
    help="Defaults to now.",
)
@click.option("--draft", is_flag=True, help="Start it as a draft.")
@click.option(
    "--slug",
    "chosen",
    help="The URL's last part (/posts/<slug>/); default: the title, transliterated.",
)
@_reported
def new(root: str, title: str, when: datetime | None, draft: bool, chosen: str | None) -> None:
    """Create content/posts/YYYY-MM-DD-<slug>.md with its front matter filled in."""
    config = _config(root)
    when = when or datetime.now(config.tz).replace(microsecond=0, tzinfo=None)
    if chosen is not None and not is_safe_slug(chosen):
        raise click.ClickException(
            f"--slug {chosen!r}: use lower-case letters, digits and '-', e.g. --slug my-post"
        )
    slug = chosen or slugify(title)
    if not slug:
        raise click.ClickException(
            "the title needs at least one letter or digit; or choose one with --slug"
        )
    path = config.posts_dir / f"{when:%Y-%m-%d}-{slug}.md"
    if path.exists():
        raise click.ClickException(f"{path} already exists")
    path.parent.mkdir(parents=True, exist_ok=True)
    quoted = '"' + title.replace("\\", "\\\\").replace('"', '\\"') + '"'
    lines = [
        "---",
        f"title: {quoted}",
        f"date: {when:%Y-%m-%d %H:%M:%S}",
        "tags: []",
        "# category: Notes",
        "# summary: One sentence for lists and feeds.",
    ]
    if draft:
        lines.append("draft: true")
    lines += ["---", "", "Write the first paragraph here.", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    click.echo(str(path.relative_to(config.root)))


@main.command()
@root_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@_reported
def serve(root: str, host: str, port: int) -> None:
    """Serve build/ as it is (no rebuilds), as a CDN would."""
    from frostpress.dev.server import serve_build

    config = _config(root)
    serve_build(config, host=host, port=port, live=False)


@main.command()
@root_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--drafts", is_flag=True, help="Include drafts.")
@_reported
def dev(root: str, host: str, port: int, drafts: bool) -> None:
    """Build, serve, and rebuild on every save; open tabs reload themselves."""
    from frostpress.dev.server import run_dev

    run_dev(_config(root, drafts), host=host, port=port)
