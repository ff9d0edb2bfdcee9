"""Checks across files, made once every URL of the site is known.

A single file can be valid on its own and still point nowhere: an internal
link to a post that does not exist, a cover missing from ``content/media/``,
an alias that is already a page. Each problem names the file and line.
"""

from __future__ import annotations

from pathlib import Path

from frostpress.build.pages import PageSpec
from frostpress.content.frontmatter import line_of_key
from frostpress.content.index import SiteIndex
from frostpress.content.slugs import slug_from_filename
from frostpress.errors import BrokenLinkError, ContentError
from frostpress.web.views import post_path

__all__ = ["check_site"]


def check_site(index: SiteIndex, specs: list[PageSpec], failed: list[Path]) -> list[ContentError]:
    return _broken_links(index, specs, failed) + _alias_clashes(index, specs)


def _broken_links(
    index: SiteIndex, specs: list[PageSpec], failed: list[Path]
) -> list[ContentError]:
    prefix = index.config.base_path.rstrip("/")
    known = {prefix + spec.url for spec in specs}
    # A post or page that failed to load is reported already; links to it are not news.
    for path in failed:
        slug = slug_from_filename(path.stem)
        is_post = path.is_relative_to(index.config.posts_dir)
        known.add(prefix + (post_path(slug) if is_post else f"/{slug}/"))
    errors: list[ContentError] = []
    for doc in [*index.posts, *index.pages]:
        for url, line in doc.links:
            if url not in known:
                hint = (
                    f"; did you mean {url}/?"
                    if url + "/" in known
                    else ": link to an existing post (/posts/<slug>/), page or /media/ file"
                )
                errors.append(
                    BrokenLinkError(doc.source, line, f"link to {url} points nowhere{hint}")
                )
        cover = getattr(doc, "cover", None)
        if cover and prefix + cover not in known:
            line = line_of_key(doc.source, "cover")
            message = f"cover {cover} not found: put the file in content/media/"
            errors.append(BrokenLinkError(doc.source, line, message))
    return errors


def _alias_clashes(index: SiteIndex, specs: list[PageSpec]) -> list[ContentError]:
    pages = {spec.url for spec in specs if spec.endpoint != "blog.alias"}
    errors: list[ContentError] = []
    for post in index.posts:
        for alias in post.aliases:
            if alias in pages:
                line = line_of_key(post.source, "aliases")
                message = f"alias {alias} is already a page of the site: remove it from 'aliases'"
                errors.append(ContentError(post.source, line, message))
    return errors
