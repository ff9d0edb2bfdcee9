"""Static assets with content hashes in their names, and the author's media files.

``site/static/css/site.css`` is published as ``/static/css/site.3f2a9c1b.css``
so a CDN may cache it forever; templates ask for ``asset('css/site.css')``.
The Pygments stylesheets (light, and dark under ``prefers-color-scheme``) are
generated here and fingerprinted like any other asset, and so are the files
that ``[assets.vendor]`` in site.toml brings in from ``node_modules/`` (the
Socket.IO client), so no third-party code is pasted into the repository. Media files keep their
names: authors link to them as ``/media/<name>``.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from flask import Blueprint, Response, abort, current_app, send_file

from frostpress.config import SiteConfig
from frostpress.digests import content_hash, fingerprint
from frostpress.errors import ConfigError

__all__ = ["Asset", "AssetManifest", "bp", "pygments_css"]

bp = Blueprint("assets", __name__)
PYGMENTS_CSS = "css/pygments.css"


@dataclass(frozen=True)
class Asset:
    name: str  # logical name, e.g. "css/site.css"
    published: str  # fingerprinted name, e.g. "css/site.3f2a9c1b.css"
    digest: str
    path: Path | None  # the source file, or None for generated assets
    data: bytes | None  # generated content


def pygments_css(light: str, dark: str) -> str:
    from pygments.formatters import HtmlFormatter

    light_css = HtmlFormatter(style=light).get_style_defs(".highlight")  # type: ignore[no-untyped-call]
    dark_css = HtmlFormatter(style=dark).get_style_defs(".highlight")  # type: ignore[no-untyped-call]
    dark_css = "\n".join("  " + line for line in dark_css.splitlines())
    return (
        f"/* Pygments: {light} (light), {dark} (dark) */\n{light_css}\n"
        f"@media (prefers-color-scheme: dark) {{\n{dark_css}\n}}\n"
    )


def _fingerprint(name: str, digest: str) -> str:
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}.{digest[:10]}{path.suffix}"))


class AssetManifest:
    def __init__(self, assets: dict[str, Asset]) -> None:
        self.assets = assets
        self.by_published = {a.published: a for a in assets.values()}

    @classmethod
    def scan(cls, config: SiteConfig) -> AssetManifest:
        assets: dict[str, Asset] = {}
        static = config.static_dir
        if static.is_dir():
            for path in sorted(p for p in static.rglob("*") if p.is_file()):
                if path.name.startswith("."):
                    continue
                name = path.relative_to(static).as_posix()
                digest = content_hash(path.read_bytes())
                assets[name] = Asset(name, _fingerprint(name, digest), digest, path, None)
        for name, path in config.vendor.items():
            if not path.is_file():
                raise ConfigError(
                    f"{config.site_dir / 'site.toml'}: [assets.vendor] {name!r}: {path} does "
                    "not exist; install the front-end packages with `npm ci` (make does it "
                    "for you)"
                )
            if name in assets:
                raise ConfigError(
                    f"{config.site_dir / 'site.toml'}: [assets.vendor] {name!r} is also a file "
                    "in site/static/; rename one of them"
                )
            digest = content_hash(path.read_bytes())
            assets[name] = Asset(name, _fingerprint(name, digest), digest, path, None)
        data = pygments_css(config.pygments_light, config.pygments_dark).encode()
        digest = content_hash(data)
        assets[PYGMENTS_CSS] = Asset(
            PYGMENTS_CSS, _fingerprint(PYGMENTS_CSS, digest), digest, None, data
        )
        return cls(assets)

    def published(self, name: str) -> str:
        try:
            return self.assets[name].published
        except KeyError:
            raise LookupError(f"no static asset {name!r} in site/static/") from None

    @property
    def digest(self) -> str:
        return fingerprint(*(f"{a.name}={a.digest}" for a in self.assets.values()))


def media_files(config: SiteConfig) -> Iterator[tuple[str, str]]:
    """(name relative to content/media, a cheap change stamp) for every media file."""
    media = config.media_dir
    if not media.is_dir():
        return
    for path in sorted(p for p in media.rglob("*") if p.is_file()):
        if path.name.startswith("."):
            continue
        stat = path.stat()
        yield path.relative_to(media).as_posix(), f"{stat.st_size}:{stat.st_mtime_ns}"


@bp.route("/static/<path:filename>")
def static(filename: str) -> Response:
    asset = current_app.extensions["frostpress.assets"].by_published.get(filename)
    if asset is None:
        abort(404)
    mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if asset.data is not None:
        return Response(asset.data, mimetype=mimetype)
    return send_file(asset.path, mimetype=mimetype)


@bp.route("/media/<path:filename>")
def media(filename: str) -> Response:
    config: SiteConfig = current_app.extensions["frostpress.config"]
    root = config.media_dir.resolve()
    path = (root / filename).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        abort(404)
    mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return send_file(path, mimetype=mimetype)


def generate_urls(
    config: SiteConfig, manifest: AssetManifest
) -> Iterator[tuple[str, dict[str, str], tuple[str, ...]]]:
    for asset in manifest.assets.values():
        yield "assets.static", {"filename": asset.published}, (asset.digest,)
    for name, stamp in media_files(config):
        yield "assets.media", {"filename": name}, (stamp,)
