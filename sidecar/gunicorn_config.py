"""gunicorn settings for the sidecar: ``gunicorn -c python:sidecar.gunicorn_config ...``.

Only logging lives here: gunicorn's own lines (its error log and the access
log) become the same one-JSON-object lines as the app's, each written once
(gunicorn's default gives its error logger a handler of its own *and* lets it
propagate to the root, so with the app's handler every line came out twice),
with token-bearing paths redacted outside development. Worker class, binds
and timeouts stay on the command line, where the README shows them.
"""

from __future__ import annotations

import os

_redact = os.environ.get("SIDECAR_ENV", "development").strip().lower() != "development"

accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms'
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "INFO", "handlers": ["json"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": True},
    },
    "handlers": {
        "json": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        }
    },
    "formatters": {"json": {"()": "sidecar.logs.JsonFormatter", "redact_secrets": _redact}},
}
