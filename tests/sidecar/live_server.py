"""A sidecar process for tests: ``python -m tests.sidecar.live_server PORT``.

Configured from the environment like production (DATABASE_URL, REDIS_URL,
SITE_ORIGIN...), served by Flask-SocketIO's threading server on 127.0.0.1.
"""

from __future__ import annotations

import sys

from sidecar import create_app
from sidecar.extensions import socketio

if __name__ == "__main__":
    app = create_app({"ARGON2_PROFILE": "fast"})
    socketio.run(
        app,
        host="127.0.0.1",
        port=int(sys.argv[1]),
        allow_unsafe_werkzeug=True,
        use_reloader=False,
        log_output=False,
    )
