"""SiteIndex: what is published, in which order, and how posts are grouped."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from frostpress.content.index import Paginated, SiteIndex, paginate
from frostpress.content.models import Post
from tests.conftest import NOW, Project


def slugs(posts) -> list[str]:
    return [p.slug for p in posts]


def found(index: SiteIndex, slug: str) -> Post:
    post = index.post(slug)
    assert post is not None, slug
    return post


# -- what is published ---------------------------------------------------------------


def test_drafts_are_left_out_unless_asked_for(project: Project) -> None:
    project.post(name="public.md")
    project.post(name="secret.md", draft=True)
    project.page("about")
    project.page("wip", draft=True)
    index = project.index()
    assert slugs(index.posts) == ["public"]
    assert index.post("secret") is None
    assert [p.slug for p in index.pages] == ["about"]
    with_drafts = project.index(drafts=True)
    assert sorted(slugs(with_drafts.posts)) == ["public", "secret"]
    assert found(with_drafts, "secret").draft is True
    assert sorted(p.slug for p in with_drafts.pages) == ["about", "wip"]


def test_future_posts_wait_for_their_date(project: Project) -> None:
    assert datetime(2026, 11, 1, 12, 0, tzinfo=UTC) == NOW
    # November: London is on GMT, so 12:00 London is exactly NOW.
    project.post(name="on-time.md", date="2026-11-01 12:00:00")
    project.post(name="one-second-late.md", date="2026-11-01 12:00:01")
    project.post(name="offset-earlier.md", date="2026-11-01 12:30:00+01:00")
    project.post(name="next-year.md", date="2027-01-01")
    index = project.index()
    assert sorted(slugs(index.posts)) == ["offset-earlier", "on-time"]
    assert index.post("next-year") is None


def test_future_drafts_stay_out_even_with_drafts(project: Project) -> None:
    project.post(name="later.md", date="2030-01-01", draft=True)
    assert project.index(drafts=True).posts == []


# -- order and neighbours ---------------------------------------------------------------


def test_newest_first(project: Project) -> None:
    project.post(name="middle.md", date="2026-02-01 09:00:00")
    project.post(name="oldest.md", date="2025-12-31 23:59:59")
    project.post(name="newest.md", date="2026-10-31")
    project.post(name="utc-later.md", date="2026-02-01 09:30:00+00:00")
    assert slugs(project.index().posts) == ["newest", "utc-later", "middle", "oldest"]


def test_same_date_is_ordered_by_slug(project: Project) -> None:
    for name in ("banana.md", "cherry.md", "apple.md"):
        project.post(name=name, date="2026-03-01 10:00:00")
    assert slugs(project.index().posts) == ["apple", "banana", "cherry"]


def test_newer_and_older_neighbours(project: Project) -> None:
    for month, name in ((1, "jan"), (2, "feb"), (3, "mar")):
        project.post(name=f"{name}.md", date=f"2026-0{month}-01")
    index = project.index()
    jan, feb, mar = found(index, "jan"), found(index, "feb"), found(index, "mar")
    assert (index.newer(mar), index.older(mar)) == (None, feb)
    assert (index.newer(feb), index.older(feb)) == (mar, jan)
    assert (index.newer(jan), index.older(jan)) == (feb, None)


# -- related posts -----------------------------------------------------------------------


@pytest.fixture
def tagged(project: Project) -> Project:
    project.post(name="target.md", date="2026-06-01", tags=["a", "b", "c"])
    project.post(name="two-shared.md", date="2026-01-01", tags=["a", "b"])
    project.post(name="one-mar.md", date="2026-03-01", tags=["a"])
    project.post(name="one-feb.md", date="2026-02-01", tags=["c"])
    project.post(name="one-apr.md", date="2026-04-01", tags=["b", "z"])
    project.post(name="unrelated.md", date="2026-05-01", tags=["z"])
    project.post(name="lonely.md", date="2026-05-02", tags=["solo"])
    project.post(name="untagged.md", date="2026-05-03")
    return project


def test_related_shares_most_tags_then_newest_at_most_three(tagged: Project) -> None:
    index = tagged.index()
    assert slugs(index.related(found(index, "target"))) == ["two-shared", "one-apr", "one-mar"]


def test_related_never_includes_the_post_itself(tagged: Project) -> None:
    index = tagged.index()
    for post in index.posts:
        assert post not in index.related(post)
    assert index.related(found(index, "lonely")) == ()
    assert index.related(found(index, "untagged")) == ()
    assert slugs(index.related(found(index, "unrelated"))) == ["one-apr"]


def test_related_limit_comes_from_config(tagged: Project) -> None:
    index = tagged.index(related_posts=1)
    assert slugs(index.related(found(index, "target"))) == ["two-shared"]


# -- tags and categories -----------------------------------------------------------------


def test_tags_group_posts_newest_first(project: Project) -> None:
    project.post(name="old.md", date="2026-01-01", tags=["python", "Web Dev"])
    project.post(name="new.md", date="2026-02-01", tags=["Python"])
    project.post(name="draft.md", date="2026-03-01", tags=["hidden"], draft=True)
    index = project.index()
    assert list(index.tags) == ["python", "web-dev"]  # by slug
    assert index.tags["web-dev"].name == "Web Dev"
    assert slugs(index.by_tag["python"]) == ["new", "old"]
    assert [(t.slug, n) for t, n in index.tag_counts()] == [("python", 2), ("web-dev", 1)]
    assert "hidden" not in index.tags


def test_categories_group_posts(project: Project) -> None:
    project.post(name="a.md", date="2026-01-01", category="Engineering")
    project.post(name="b.md", date="2026-02-01", category="Engineering")
    project.post(name="c.md", date="2026-03-01", category="Life & Work")
    project.post(name="d.md", date="2026-04-01")
    index = project.index()
    assert list(index.categories) == ["engineering", "life-work"]
    assert index.categories["life-work"].name == "Life & Work"
    assert slugs(index.by_category["engineering"]) == ["b", "a"]
    assert [(t.slug, n) for t, n in index.category_counts()] == [
        ("engineering", 2),
        ("life-work", 1),
    ]


# -- archive -------------------------------------------------------------------------------


def test_archive_by_year_and_month_newest_first(project: Project) -> None:
    project.post(name="dec.md", date="2025-12-15")
    project.post(name="jan-early.md", date="2026-01-01 00:30:00")
    project.post(name="jan-late.md", date="2026-01-20")
    project.post(name="mar.md", date="2026-03-05")
    archive = project.index().archive()
    assert [y.year for y in archive] == [2026, 2025]
    assert [y.count for y in archive] == [3, 1]
    assert [m.month for m in archive[0].months] == [3, 1]
    assert slugs(archive[0].months[1].posts) == ["jan-late", "jan-early"]
    assert slugs(archive[1].months[0].posts) == ["dec"]
    assert archive[1].months[0].first_day == datetime(2025, 12, 1)


def test_empty_site(project: Project) -> None:
    index = project.index()
    assert index.posts == [] and index.archive() == [] and index.tags == {}
    assert index.updated is None


# -- pagination -----------------------------------------------------------------------------


def test_paginate_empty_list_is_one_empty_page() -> None:
    assert paginate([], 5) == [Paginated([], 1, 1, 0)]
    no_posts: list[Post] = []
    [page] = paginate(no_posts, 5)
    assert not page.has_prev and not page.has_next


@pytest.mark.parametrize(
    ("count", "per_page", "sizes"),
    [
        (1, 5, [1]),
        (5, 5, [5]),
        (6, 5, [5, 1]),
        (11, 5, [5, 5, 1]),
        (3, 1, [1, 1, 1]),
    ],
)
def test_paginate_sizes(count: int, per_page: int, sizes: list[int]) -> None:
    pages = paginate(list(range(count)), per_page)
    assert [len(p.items) for p in pages] == sizes
    assert [p.number for p in pages] == list(range(1, len(sizes) + 1))
    assert all(p.pages == len(sizes) and p.total == count for p in pages)
    assert [x for p in pages for x in p.items] == list(range(count))
    assert [p.has_prev for p in pages] == [False] + [True] * (len(sizes) - 1)
    assert [p.has_next for p in pages] == [True] * (len(sizes) - 1) + [False]


# -- aliases and lookups ----------------------------------------------------------------------


def test_aliases_map_old_paths_to_slugs(project: Project) -> None:
    project.post(name="new-home.md", aliases=["/2019/05/old-title/", "/old"])
    project.post(name="other.md", aliases=["/legacy.html"])
    project.post(name="hidden.md", aliases=["/gone/"], draft=True)
    assert project.index().aliases() == {
        "/2019/05/old-title/": "new-home",
        "/old/": "new-home",
        "/legacy.html": "other",
    }


def test_pages_are_sorted_by_title_and_found_by_slug(project: Project) -> None:
    project.page("colophon", title="colophon")
    project.page("about", title="About me")
    index = project.index()
    assert [p.slug for p in index.pages] == ["about", "colophon"]
    about = index.page("about")
    assert about is not None and about.title == "About me"
    assert index.page("missing") is None


def test_updated_is_the_newest_change(project: Project) -> None:
    project.post(name="a.md", date="2026-01-01", updated="2026-09-01 08:00:00")
    project.post(name="b.md", date="2026-05-01")
    assert project.index().updated == datetime(2026, 9, 1, 7, 0, tzinfo=UTC)
