"""site/site.toml: defaults, validation, environment overrides, absolute paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from frostpress.config import SiteConfig, load_config
from frostpress.errors import ConfigError


def write_toml(root: Path, text: str) -> Path:
    path = root / "site" / "site.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load(root: Path, text: str, **kwargs) -> SiteConfig:
    write_toml(root, text)
    kwargs.setdefault("environ", {})
    return load_config(root, **kwargs)


def test_empty_file_gives_defaults(tmp_path: Path) -> None:
    config = load(tmp_path, "")
    assert config.title == "A frostpress blog"
    assert config.base_url == "http://localhost:8000/"
    assert config.base_path == "/"
    assert config.timezone == "UTC"
    assert (config.per_page, config.feed_items, config.related_posts, config.words_per_minute) == (
        10,
        20,
        3,
        220,
    )
    assert (config.pygments_light, config.pygments_dark) == ("friendly", "monokai")
    assert config.drafts is False and config.sidecar_url == "" and config.extra == {}


def test_values_are_read_from_every_table(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        """
[site]
title = "Notes"
author = "Ada"
base_url = "https://example.org/blog/"
timezone = "Europe/London"
mastodon = "@ada@example.social"

[paging]
per_page = 5
related_posts = 0

[highlight]
pygments_dark = "dracula"
""",
    )
    assert (config.title, config.author) == ("Notes", "Ada")
    assert config.base_path == "/blog/"
    assert config.tz.key == "Europe/London"
    assert (config.per_page, config.related_posts) == (5, 0)
    assert config.pygments_dark == "dracula"
    assert config.extra == {"mastodon": "@ada@example.social"}


def test_missing_site_toml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"not found; a site needs site/site\.toml"):
        load_config(tmp_path, environ={})


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("[site\ntitle = 'x'\n", 1),
        ("[site]\ntitle = unquoted\n", 2),
        ("[site]\ntitle = 'a'\ntitle = 'b'\n", 3),
    ],
)
def test_bad_toml_names_its_line(tmp_path: Path, text: str, line: int) -> None:
    path = write_toml(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path, environ={})
    assert str(info.value).startswith(f"{path.resolve()}:{line}: not valid TOML: ")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('[site]\nbase_url = "https://example.org"', "base_url must end with '/'"),
        ('[site]\nbase_url = "https://example.org/blog"', "base_url must end with '/'"),
        ('[site]\nbase_url = "ftp://example.org/"', "base_url must be an absolute http(s) URL"),
        ('[site]\nbase_url = "/blog/"', "base_url must be an absolute http(s) URL"),
        ('[site]\nbase_url = "https:///"', "base_url must be an absolute http(s) URL"),
        ('[site]\ntimezone = "Mars/Olympus_Mons"', "unknown timezone 'Mars/Olympus_Mons'"),
        ('[site]\ntimezone = "../../etc/passwd"', "unknown timezone"),
        ('[site]\ntimezone = ""', "unknown timezone"),
        ("[paging]\nper_page = 0", "per_page must be at least 1"),
        ("[paging]\nper_page = -3", "per_page must be at least 1"),
        ("[paging]\nfeed_items = 0", "feed_items must be at least 1"),
        ("[paging]\nwords_per_minute = 0", "words_per_minute must be at least 1"),
        ("[paging]\nrelated_posts = -1", "related_posts"),
        ('[paging]\nper_page = "5"', "'per_page' must be a int, not '5'"),
        ("[paging]\nper_page = true", "'per_page' must be a int, not True"),
        ("[paging]\nper_page = 2.5", "'per_page' must be a int"),
        ("[site]\ntitle = 3", "'title' must be a str, not 3"),
        ("[build]\noutput_dir = 1", "'output_dir' must be a str"),
        ('[highlight]\npygments_light = "Not A Style"', "pygments_light must be a Pygments style"),
        ('[site]\nsidecar_url = "api.example.org"', "sidecar_url must be empty (same origin)"),
    ],
)
def test_invalid_values_are_rejected(tmp_path: Path, text: str, fragment: str) -> None:
    path = write_toml(tmp_path, text + "\n")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path, environ={})
    message = str(info.value)
    assert message.startswith(f"{path.resolve()}: ")
    assert fragment in message


def test_unknown_timezone_suggests_an_iana_name(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"use an IANA name such as 'Europe/London'"):
        load(tmp_path, '[site]\ntimezone = "London"\n')


# -- environment ------------------------------------------------------------------------


def test_env_overrides_base_url(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        '[site]\nbase_url = "https://example.org/"\n',
        environ={"FROSTPRESS_BASE_URL": "https://deploy-preview-7.example.net/x/"},
    )
    assert config.base_url == "https://deploy-preview-7.example.net/x/"
    assert config.base_path == "/x/"


def test_empty_env_value_is_ignored(tmp_path: Path) -> None:
    config = load(
        tmp_path, '[site]\nbase_url = "https://example.org/"\n', environ={"FROSTPRESS_BASE_URL": ""}
    )
    assert config.base_url == "https://example.org/"


def test_env_override_is_validated_too(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="base_url must end with '/'"):
        load(tmp_path, "", environ={"FROSTPRESS_BASE_URL": "https://preview.example.net"})


def test_env_sidecar_url(tmp_path: Path) -> None:
    config = load(tmp_path, "", environ={"FROSTPRESS_SIDECAR_URL": "https://api.example.org"})
    assert config.sidecar_url == "https://api.example.org"


def test_process_environment_is_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FROSTPRESS_BASE_URL", "https://from-env.example/")
    write_toml(tmp_path, "")
    assert load_config(tmp_path).base_url == "https://from-env.example/"


def test_keyword_overrides_win_over_environment(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        "",
        environ={"FROSTPRESS_BASE_URL": "https://env.example/"},
        base_url="https://kw.example/",
        drafts=True,
    )
    assert config.base_url == "https://kw.example/" and config.drafts is True


# -- paths ---------------------------------------------------------------------------------


def test_every_path_is_absolute_even_from_a_relative_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_toml(tmp_path / "blog", '[build]\noutput_dir = "public"\ncache_dir = "../cache"\n')
    monkeypatch.chdir(tmp_path)
    config = load_config("blog", environ={})
    root = (tmp_path / "blog").resolve()
    assert config.root == root
    assert config.content_dir == root / "content"
    assert config.output_dir == root / "public"
    assert config.cache_dir == tmp_path.resolve() / "cache"
    assert config.site_dir == root / "site"
    for path in (
        config.root,
        config.content_dir,
        config.output_dir,
        config.cache_dir,
        config.site_dir,
        config.templates_dir,
        config.static_dir,
        config.posts_dir,
        config.pages_dir,
        config.media_dir,
    ):
        assert path.is_absolute(), path
    assert config.posts_dir == root / "content" / "posts"
    assert config.templates_dir == root / "site" / "templates"


def test_path_overrides_are_made_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_toml(tmp_path, "")
    monkeypatch.chdir(tmp_path)
    config = load_config(".", environ={}, output_dir="out", cache_dir=tmp_path / "c")
    assert config.output_dir == tmp_path.resolve() / "out"
    assert config.cache_dir == (tmp_path / "c").resolve()


def test_with_options_returns_a_changed_copy(tmp_path: Path) -> None:
    config = load(tmp_path, "")
    changed = config.with_options(drafts=True)
    assert changed.drafts is True and config.drafts is False
    assert changed.root == config.root


def test_a_missing_front_end_package_fails_the_build_not_the_config(tmp_path: Path) -> None:
    """The sidecar reads site.toml too and must start without node_modules; a build
    must not publish a page that asks for a file it lacks."""
    from frostpress.web.assets import AssetManifest

    root = tmp_path / "blog"
    toml = root / "site" / "site.toml"
    toml.parent.mkdir(parents=True)
    toml.write_text('[assets.vendor]\n"js/lib.js" = "node_modules/lib/dist/lib.min.js"\n')
    config = load_config(root, environ={})
    assert config.vendor == {"js/lib.js": root / "node_modules/lib/dist/lib.min.js"}
    with pytest.raises(ConfigError, match=r"'js/lib.js'.*does not exist.*npm ci"):
        AssetManifest.scan(config)
