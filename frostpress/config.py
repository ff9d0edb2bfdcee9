"""The site's configuration: ``site/site.toml`` plus environment overrides.

``site/`` holds data only and is read by path, never imported (it would clash
with the standard library's ``site`` module). Every path in a
:class:`SiteConfig` is absolute, so nothing depends on the working directory.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from frostpress.errors import ConfigError

__all__ = ["SiteConfig", "load_config"]

ENV_OVERRIDES = {
    "FROSTPRESS_BASE_URL": "base_url",
    "FROSTPRESS_SIDECAR_URL": "sidecar_url",
}

_PYGMENTS_STYLE = re.compile(r"^[a-z0-9_-]+$")
# Relative, '/'-separated; no segment starts with '.', so nothing climbs out of static/.
_ASSET_NAME = re.compile(r"^[\w-][\w.-]*(/[\w-][\w.-]*)*\.[A-Za-z0-9]+$", re.ASCII)


@dataclass(frozen=True)
class SiteConfig:
    root: Path
    title: str = "A frostpress blog"
    description: str = ""
    author: str = ""
    base_url: str = "http://localhost:8000/"
    language: str = "en"
    timezone: str = "UTC"
    sidecar_url: str = ""
    per_page: int = 10
    feed_items: int = 20
    related_posts: int = 3
    words_per_minute: int = 220
    pygments_light: str = "friendly"
    pygments_dark: str = "monokai"
    content_dir: Path = field(default=Path("content"))
    site_dir: Path = field(default=Path("site"))
    output_dir: Path = field(default=Path("build"))
    cache_dir: Path = field(default=Path(".cache"))
    drafts: bool = False
    # Files from outside site/static published as assets: logical name -> source.
    vendor: Mapping[str, Path] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def templates_dir(self) -> Path:
        return self.site_dir / "templates"

    @property
    def static_dir(self) -> Path:
        return self.site_dir / "static"

    @property
    def posts_dir(self) -> Path:
        return self.content_dir / "posts"

    @property
    def pages_dir(self) -> Path:
        return self.content_dir / "pages"

    @property
    def media_dir(self) -> Path:
        return self.content_dir / "media"

    @property
    def base_path(self) -> str:
        """The path part of ``base_url``, always ending in ``/``."""
        return urlsplit(self.base_url).path.rstrip("/") + "/"

    def with_options(self, **changes: Any) -> SiteConfig:
        return replace(self, **changes)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: not found; a site needs site/site.toml") from None
    except tomllib.TOMLDecodeError as exc:
        where = _TOML_WHERE.search(str(exc))  # "(at line 36, column 9)"
        if where is None:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        what = str(exc)[: where.start()].strip()
        raise ConfigError(
            f"{path}:{where['line']}: not valid TOML: {what} (column {where['column']})"
        ) from None


_TOML_WHERE = re.compile(r"\(at line (?P<line>\d+), column (?P<column>\d+)\)")


def _expect(table: Mapping[str, Any], key: str, kind: type, path: Path) -> Any:
    value = table[key]
    if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
        raise ConfigError(f"{path}: '{key}' must be a {kind.__name__}, not {value!r}")
    return value


def load_config(
    root: Path | str,
    *,
    environ: Mapping[str, str] | None = None,
    **overrides: Any,
) -> SiteConfig:
    """Read ``<root>/site/site.toml``, apply the environment, then ``overrides``."""
    root = Path(root).resolve()
    environ = os.environ if environ is None else environ
    path = root / "site" / "site.toml"
    data = _read_toml(path)
    site = data.get("site", {})
    paging = data.get("paging", {})
    build = data.get("build", {})
    highlight = data.get("highlight", {})
    values: dict[str, Any] = {"root": root}
    for table, keys, kind in (
        (
            site,
            ("title", "description", "author", "base_url", "language", "timezone", "sidecar_url"),
            str,
        ),
        (paging, ("per_page", "feed_items", "related_posts", "words_per_minute"), int),
        (highlight, ("pygments_light", "pygments_dark"), str),
    ):
        for key in keys:
            if key in table:
                values[key] = _expect(table, key, kind, path)
    for key in ("content_dir", "output_dir", "cache_dir"):
        if key in build:
            values[key] = Path(_expect(build, key, str, path))
    values["extra"] = {k: v for k, v in site.items() if k not in values}
    values["vendor"] = _vendor(data.get("assets", {}).get("vendor", {}), root, path)
    for variable, key in ENV_OVERRIDES.items():
        if environ.get(variable):
            values[key] = environ[variable]
    values.update(overrides)
    for key in ("content_dir", "output_dir", "cache_dir"):
        values.setdefault(key, SiteConfig.__dataclass_fields__[key].default)
        values[key] = (root / values[key]).resolve()
    values["site_dir"] = root / "site"
    config = SiteConfig(**values)
    _validate(config, path)
    return config


def _vendor(table: Any, root: Path, path: Path) -> dict[str, Path]:
    """``[assets.vendor]``: ``"js/name.js" = "node_modules/pkg/dist/file.js"``."""
    if not isinstance(table, Mapping):
        raise ConfigError(f"{path}: [assets.vendor] must be a table of name = path")
    vendor: dict[str, Path] = {}
    for name, source in table.items():
        if not isinstance(source, str) or not _ASSET_NAME.match(name):
            raise ConfigError(
                f"{path}: [assets.vendor] {name!r} must be a relative name like "
                "'js/lib.js' mapped to a path string"
            )
        # Whether it exists is the build's concern (AssetManifest.scan): the sidecar
        # reads this config too, and needs no front-end packages to run.
        vendor[name] = (root / source).resolve()
    return vendor


def _validate(config: SiteConfig, path: Path) -> None:
    parts = urlsplit(config.base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"{path}: base_url must be an absolute http(s) URL, not {config.base_url!r}"
        )
    if not config.base_url.endswith("/"):
        raise ConfigError(f"{path}: base_url must end with '/': {config.base_url!r}")
    try:
        ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{path}: unknown timezone {config.timezone!r} "
            "(use an IANA name such as 'Europe/London')"
        ) from None
    for key in ("per_page", "feed_items", "words_per_minute"):
        if getattr(config, key) < 1:
            raise ConfigError(f"{path}: {key} must be at least 1")
    if config.related_posts < 0:
        raise ConfigError(f"{path}: related_posts must be 0 or more")
    for key in ("pygments_light", "pygments_dark"):
        if not _PYGMENTS_STYLE.match(getattr(config, key)):
            raise ConfigError(f"{path}: {key} must be a Pygments style name")
    if config.sidecar_url and not config.sidecar_url.startswith(("http://", "https://")):
        raise ConfigError(
            f"{path}: sidecar_url must be empty (same origin) or an absolute http(s) URL"
        )
