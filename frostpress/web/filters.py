"""Jinja filters and globals: dates, absolute URLs, assets, JSON-LD."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import urljoin

from flask import Flask, current_app, request, url_for

__all__ = ["register"]


def cached_url_for(cache: dict[Any, str]) -> Callable[..., str]:
    """``url_for`` for templates: memoised, and absolute from ``base_url``.

    A page asks for ~30 URLs, most shared by every page, so the app keeps
    them (keyed on the script root). ``_external=True`` URLs are made from
    the site's ``base_url``, never from the request's host.
    """

    def template_url_for(endpoint: str, **values: Any) -> str:
        if values.pop("_external", False):
            return absolute(template_url_for(endpoint, **values))
        try:
            key = (request.script_root, endpoint, *values.items())
            return cache[key]
        except KeyError:
            url = cache[key] = url_for(endpoint, **values)
            return url
        except TypeError:  # unhashable values: not worth caching
            return url_for(endpoint, **values)

    return template_url_for


def display_date(value: datetime | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def rfc822(value: datetime | None) -> str:
    return format_datetime(value) if value else ""


def absolute(url: str) -> str:
    """A root-relative URL (``/blog/posts/x/``) made absolute with the site's base URL."""
    config = current_app.extensions["frostpress.config"]
    return urljoin(str(config.base_url), url)


def asset(name: str) -> str:
    published = current_app.extensions["frostpress.assets"].published(name)
    return url_for("assets.static", filename=published)


def json_ld(post: Any) -> dict[str, Any]:
    config = current_app.extensions["frostpress.config"]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title,
        "description": post.summary_text,
        "datePublished": iso(post.date),
        "dateModified": iso(post.modified),
        "wordCount": post.word_count,
        "url": absolute(url_for("blog.post", slug=post.slug)),
        "mainEntityOfPage": absolute(url_for("blog.post", slug=post.slug)),
        "keywords": [tag.name for tag in post.tags],
    }
    if config.author:
        data["author"] = {"@type": "Person", "name": config.author}
    if post.cover:
        data["image"] = absolute(url_for("assets.media", filename=post.cover[7:]))
    return data


def register(app: Flask) -> None:
    app.add_template_global(cached_url_for({}), "url_for")
    app.add_template_filter(display_date, "date")
    app.add_template_filter(iso, "iso")
    app.add_template_filter(rfc822, "rfc822")
    app.add_template_filter(absolute, "absolute")
    app.add_template_global(asset, "asset")
    app.add_template_global(json_ld, "json_ld")
