"""Production entry point: ``sidecar.wsgi:app``, served by gunicorn's gevent
worker as ``sidecar.gunicorn_config`` says (``frostpress-sidecar``).

The standard library is gevent-patched before anything else is imported, so
psycopg, redis-py, the outbox worker and the live channel's listener cooperate
as greenlets (psycopg chooses how it waits when it is imported). Under gunicorn
the worker has patched already and this is a no-op; it is done here too for any
other way of loading this module (``--preload``, gevent's own server). The
package and the tests never patch: ``make dev`` and the test suite run the
threading mode (``sidecar.realtime.channel.async_mode``).
"""

from gevent import monkey

monkey.patch_all()

import gc  # noqa: E402

from sidecar import create_app  # noqa: E402  (after patching, on purpose)

app = create_app()
# The app's own objects live as long as the process: kept out of the collector's
# full passes, which otherwise walk them all while every socket waits.
gc.freeze()
