"""SiteIndex: what a build publishes, and every lookup the views need.

Drafts (unless the build asks for them) and posts dated after ``now`` are left
out here, once, so no view can leak them. Lists are sorted deterministically
(newest first, then slug) so two builds of one commit are byte-identical.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain
from math import ceil
from operator import itemgetter
from typing import Generic, TypeVar

from frostpress.config import SiteConfig
from frostpress.content.models import Page, Post, Term
from frostpress.digests import fingerprint

__all__ = ["ArchiveMonth", "ArchiveYear", "Paginated", "SiteIndex", "page_of", "paginate"]

T = TypeVar("T")


@dataclass(frozen=True)
class Paginated(Generic[T]):
    items: Sequence[T]
    number: int  # 1-based
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def page_count(items: Sequence[object], per_page: int) -> int:
    """How many pages ``items`` fill; an empty list still has one (empty) page."""
    return max(1, ceil(len(items) / per_page))


def _page(items: Sequence[T], number: int, pages: int, per_page: int) -> Paginated[T]:
    start = (number - 1) * per_page
    return Paginated(items[start : start + per_page], number, pages, len(items))


def page_of(items: Sequence[T], number: int, per_page: int) -> Paginated[T] | None:
    """Page ``number`` (1-based) of ``items``, or None past the last page."""
    pages = page_count(items, per_page)
    return _page(items, number, pages, per_page) if 1 <= number <= pages else None


def paginate(items: Sequence[T], per_page: int) -> list[Paginated[T]]:
    """Every page of ``items``."""
    pages = page_count(items, per_page)
    return [_page(items, n, pages, per_page) for n in range(1, pages + 1)]


@dataclass(frozen=True)
class ArchiveMonth:
    year: int
    month: int
    posts: tuple[Post, ...]

    @property
    def first_day(self) -> datetime:
        return datetime(self.year, self.month, 1)


@dataclass(frozen=True)
class ArchiveYear:
    year: int
    months: tuple[ArchiveMonth, ...]

    @property
    def count(self) -> int:
        return sum(len(m.posts) for m in self.months)


@dataclass
class SiteIndex:
    config: SiteConfig
    posts: list[Post]  # published, newest first
    pages: list[Page]
    tags: dict[str, Term] = field(default_factory=dict)
    categories: dict[str, Term] = field(default_factory=dict)
    by_tag: dict[str, list[Post]] = field(default_factory=dict)
    by_category: dict[str, list[Post]] = field(default_factory=dict)
    _by_slug: dict[str, Post] = field(default_factory=dict)
    _page_by_slug: dict[str, Page] = field(default_factory=dict)
    _position: dict[str, int] = field(default_factory=dict)
    _related: dict[str, tuple[str, ...]] | None = None
    # When the first post left out for its future date comes due (drafts aside):
    # the build publishes it so a sidecar can ask for a rebuild then.
    next_due: datetime | None = None

    @classmethod
    def build(
        cls,
        posts: Sequence[Post],
        pages: Sequence[Page],
        config: SiteConfig,
        *,
        now: datetime | None = None,
    ) -> SiteIndex:
        now = now or datetime.now(UTC)
        visible = sorted(
            (p for p in posts if p.date <= now and (config.drafts or not p.draft)),
            key=lambda p: p.slug,
        )
        published = sorted(visible, key=lambda p: p.date, reverse=True)  # stable: slug A→Z
        visible_pages = sorted(
            (p for p in pages if config.drafts or not p.draft),
            key=lambda p: (p.title.lower(), p.slug),
        )
        index = cls(config, published, visible_pages)
        scheduled = [p.date for p in posts if p.date > now and (config.drafts or not p.draft)]
        index.next_due = min(scheduled, default=None)
        by_tag: dict[str, list[Post]] = defaultdict(list)
        by_category: dict[str, list[Post]] = defaultdict(list)
        for position, post in enumerate(published):
            index._by_slug[post.slug] = post
            index._position[post.slug] = position
            for tag in post.tags:
                index.tags.setdefault(tag.slug, tag)
                by_tag[tag.slug].append(post)
            if post.category is not None:
                index.categories.setdefault(post.category.slug, post.category)
                by_category[post.category.slug].append(post)
        index.tags = dict(sorted(index.tags.items()))
        index.categories = dict(sorted(index.categories.items()))
        index.by_tag = {slug: by_tag[slug] for slug in index.tags}
        index.by_category = {slug: by_category[slug] for slug in index.categories}
        index._page_by_slug = {p.slug: p for p in visible_pages}
        return index

    # -- lookups -------------------------------------------------------------------
    def post(self, slug: str) -> Post | None:
        return self._by_slug.get(slug)

    def page(self, slug: str) -> Page | None:
        return self._page_by_slug.get(slug)

    def newer(self, post: Post) -> Post | None:
        position = self._position[post.slug]
        return self.posts[position - 1] if position > 0 else None

    def older(self, post: Post) -> Post | None:
        position = self._position[post.slug]
        return self.posts[position + 1] if position + 1 < len(self.posts) else None

    def related(self, post: Post) -> tuple[Post, ...]:
        """Up to ``related_posts`` posts sharing the most tags; newest first on ties."""
        return tuple(self._by_slug[slug] for slug in self.related_slugs().get(post.slug, ()))

    def related_key(self) -> str:
        """Changes whenever related posts could: slugs, order, tags, the limit."""
        return fingerprint(
            str(self.config.related_posts),
            *(f"{post.slug}:{','.join(t.slug for t in post.tags)}" for post in self.posts),
        )

    def related_slugs(self) -> dict[str, tuple[str, ...]]:
        if self._related is None:
            self._related = self._compute_related()
        return self._related

    def use_related(self, related: dict[str, tuple[str, ...]]) -> None:
        """Adopt related posts computed for an index with the same ``related_key``."""
        self._related = related

    def _compute_related(self) -> dict[str, tuple[str, ...]]:
        limit = self.config.related_posts
        positions = {
            slug: [self._position[p.slug] for p in posts] for slug, posts in self.by_tag.items()
        }
        related: dict[str, tuple[str, ...]] = {}
        for position, post in enumerate(self.posts):
            counts = Counter(chain.from_iterable(positions[t.slug] for t in post.tags))
            counts.pop(position, None)
            # Sort by position (newest first), then stably by shared tags, both in C.
            ranked = sorted(sorted(counts.items()), key=itemgetter(1), reverse=True)
            related[post.slug] = tuple(self.posts[i].slug for i, _ in ranked[:limit])
        return related

    def tag_counts(self) -> list[tuple[Term, int]]:
        return [(term, len(self.by_tag[slug])) for slug, term in self.tags.items()]

    def category_counts(self) -> list[tuple[Term, int]]:
        return [(term, len(self.by_category[slug])) for slug, term in self.categories.items()]

    def archive(self) -> list[ArchiveYear]:
        months: dict[tuple[int, int], list[Post]] = defaultdict(list)
        for post in self.posts:
            months[(post.date.year, post.date.month)].append(post)
        years: dict[int, list[ArchiveMonth]] = defaultdict(list)
        for (year, month), posts in sorted(months.items(), reverse=True):
            years[year].append(ArchiveMonth(year, month, tuple(posts)))
        return [ArchiveYear(year, tuple(ms)) for year, ms in years.items()]

    def aliases(self) -> dict[str, str]:
        """Old path → the slug of the post that now lives elsewhere."""
        return {alias: post.slug for post in reversed(self.posts) for alias in post.aliases}

    @property
    def updated(self) -> datetime | None:
        """When the newest change happened, from the content (never the clock)."""
        return max((p.modified for p in self.posts if p.modified), default=None)
