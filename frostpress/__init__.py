"""frostpress: Markdown in git, frozen into a static site."""

from frostpress.config import SiteConfig, load_config
from frostpress.errors import BuildFailed, ContentError, FrostpressError

__version__ = "0.1.0"

__all__ = [
    "BuildFailed",
    "ContentError",
    "FrostpressError",
    "SiteConfig",
    "__version__",
    "load_config",
]
