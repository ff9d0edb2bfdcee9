"""Production entry point: ``gunicorn 'sidecar.wsgi:app'``.

Anything that must patch the standard library (gevent) goes above the import
of the app, never in the package.
"""

from sidecar import create_app

app = create_app()
