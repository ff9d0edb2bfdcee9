#!/usr/bin/env python3
"""Failed logins and reset requests take as long for an unknown account as for a known one.

Prints the median time of failed logins (production argon2 settings, SQLite)
for an existing account with a wrong password and for an account that does
not exist, the same for password-reset requests, and their ratios. A ratio
near 1.0 means the form reveals nothing about which accounts exist.

    python bench/login_bench.py [--runs 25]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=25)
    args = parser.parse_args()
    from flask_migrate import upgrade

    from sidecar import create_app
    from sidecar.extensions import db
    from sidecar.models import User

    with tempfile.TemporaryDirectory() as scratch:
        app = create_app(
            {"RATELIMIT_ENABLED": False, "OUTBOX_WORKER": "off", "WTF_CSRF_ENABLED": False},
            environ={
                "FROSTPRESS_ROOT": str(REPO),
                "DATABASE_URL": f"sqlite:///{scratch}/bench.sqlite3",
            },
        )
        with app.app_context():
            upgrade()
            db.session.add(
                User(
                    email="ada@example.test",
                    username="ada",
                    password_hash=app.extensions["sidecar.hasher"].hash("right one"),
                )
            )
            db.session.commit()
        client = app.test_client()
        token = client.get("/api/csrf").get_json()["csrf_token"]

        def failed_login(login: str) -> float:
            started = time.perf_counter()
            response = client.post(
                "/api/auth/login",
                json={"login": login, "password": "wrong"},
                headers={"X-CSRFToken": token},
            )
            assert response.status_code == 401, response.get_json()
            return time.perf_counter() - started

        def reset_request(email: str) -> float:
            started = time.perf_counter()
            response = client.post("/auth/reset", data={"email": email, "csrf_token": token})
            assert response.status_code == 200, response.status_code
            return time.perf_counter() - started

        def paired(measure: Any, known: str, unknown: str) -> tuple[float, float]:
            """Medians, the two kinds interleaved so that a busy moment slows both."""
            measure(known), measure(unknown)  # warm up
            pairs = [(measure(known), measure(unknown)) for _ in range(args.runs)]
            return statistics.median(k for k, _ in pairs), statistics.median(u for _, u in pairs)

        known, unknown = paired(failed_login, "ada", "nobody")
        reset_known, reset_unknown = paired(
            reset_request, "ada@example.test", "nobody@example.test"
        )
        with app.app_context():
            db.engine.dispose()
    print(f"failed login, median of {args.runs}:")
    print(f"  existing account, wrong password  {known * 1000:7.1f} ms")
    print(f"  no such account                   {unknown * 1000:7.1f} ms")
    print(f"  ratio unknown/known               {unknown / known:7.2f}")
    print(f"password reset request, median of {args.runs}:")
    print(f"  existing account                  {reset_known * 1000:7.1f} ms")
    print(f"  no such account                   {reset_unknown * 1000:7.1f} ms")
    print(f"  ratio unknown/known               {reset_unknown / reset_known:7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
