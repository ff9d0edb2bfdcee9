"""What the build publishes for a sidecar without a checkout: /_frostpress/posts.json."""

from __future__ import annotations

import json
from typing import Any

from frostpress.public_paths import MANIFEST_PATH
from tests.conftest import Project


def manifest(project: Project) -> tuple[bytes, dict[str, Any]]:
    project.build()
    raw = (project.config().output_dir / MANIFEST_PATH.lstrip("/")).read_bytes()
    return raw, json.loads(raw)


def test_only_published_posts_are_in_it(blog: Project) -> None:
    raw, document = manifest(blog)
    assert [p["slug"] for p in document["posts"]] == ["second", "hello"]
    hello = document["posts"][1]
    assert hello["title"] == "Hello there"
    assert hello["url"] == "https://blog.example.test/posts/hello/"
    assert hello["date"] == "2026-01-01T10:00:00+00:00"
    assert hello["tags"] == [{"slug": "python", "name": "python"}]
    assert len(hello["digest"]) >= 16
    assert "first paragraph" in hello["text"]
    for unpublished in (b"A draft", b"Not yet", b'"draft"', b'"later"'):
        assert unpublished not in raw


def test_it_says_when_a_held_back_post_comes_due_and_nothing_else_of_it(blog: Project) -> None:
    _raw, document = manifest(blog)
    assert document["next_due"] == "2099-01-01T00:00:00+00:00"


def test_it_is_dated_from_the_content_and_the_same_for_the_same_commit(blog: Project) -> None:
    first, document = manifest(blog)
    assert document["generated_at"] == "2026-02-01T09:00:00+00:00"  # the newest post
    blog._builder = None  # a fresh build, as on another machine
    again, _ = manifest(blog)
    assert again == first


def test_a_changed_post_changes_its_digest_only(blog: Project) -> None:
    _raw, before = manifest(blog)
    path = next(p for p in blog.posts.glob("*.md") if "slug: hello" in p.read_text())
    path.write_text(path.read_text() + "\nOne more line.\n")
    _raw, after = manifest(blog)
    digests = lambda d: {p["slug"]: p["digest"] for p in d["posts"]}  # noqa: E731
    assert digests(after)["hello"] != digests(before)["hello"]
    assert digests(after)["second"] == digests(before)["second"]
    assert "One more line" in after["posts"][1]["text"]
