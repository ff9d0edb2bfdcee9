"""``make dev``: the frozen site and the sidecar on one local origin.

Builds ``content/`` and watches it (the engine's dev server), creates or
upgrades the SQLite database under ``instance/`` by running the migrations,
and answers the sidecar's paths on the same origin, as the CDN's proxy does
in production. No Redis, no PostgreSQL, nothing else to start.

    python -m sidecar.dev [--root .] [--host 127.0.0.1] [--port 8000]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from frostpress.config import load_config
from frostpress.dev.server import Backend, run_dev
from frostpress.public_paths import SIDECAR_PATHS

__all__ = ["main", "make_dev_sidecar"]


def make_dev_sidecar(root: Path, origin: str, environ: dict[str, str] | None = None) -> Any:
    """The sidecar for ``make dev``: migrated SQLite, this origin allowed."""
    from flask_migrate import upgrade

    from sidecar import create_app

    env = dict(os.environ if environ is None else environ)
    env.setdefault("FROSTPRESS_ROOT", str(root))
    env.setdefault("SITE_ORIGIN", origin)
    # The confirmation page, recent comments and the comment feeds link to posts:
    # here, on this server, not at the public site of site.toml's base_url.
    env.setdefault("SITE_BASE_URL", origin + "/")
    # A newcomer's first comment needs no account: guests, held for a moderator.
    env.setdefault("GUESTS", "moderated")
    app = create_app(environ=env)
    with app.app_context():
        upgrade()
    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="site + sidecar on one local origin")
    parser.add_argument("--root", default=".", type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default=8000, type=int)
    args = parser.parse_args(argv)
    root = args.root.resolve()
    origin = f"http://{args.host}:{args.port}"
    sidecar = make_dev_sidecar(root, origin)
    print(
        f"Sidecar on {origin}{SIDECAR_PATHS[0].path}/ with its database at "
        f"{sidecar.config['SQLALCHEMY_DATABASE_URI']}.\n"
        f"Create an admin with:  FROSTPRESS_ROOT={root} "
        ".venv/bin/flask --app sidecar create-admin",
        flush=True,
    )
    run_dev(
        load_config(root),
        host=args.host,
        port=args.port,
        backend=Backend(sidecar.wsgi_app),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
