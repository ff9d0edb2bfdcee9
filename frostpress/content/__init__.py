"""The content model: files in ``content/`` → validated posts and pages → an index."""

from frostpress.content.index import SiteIndex
from frostpress.content.loader import ContentLoader
from frostpress.content.models import Page, Post, Term

__all__ = ["ContentLoader", "Page", "Post", "SiteIndex", "Term"]
