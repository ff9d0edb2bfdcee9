"""A site on loopback serving one manifest, for the sidecar's manifest tests.

It answers ``ETag`` / ``If-None-Match`` like a CDN, and a test may make it fail,
stall or send too much. It runs in a thread of the test and stops with it.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from frostpress.public_paths import MANIFEST_PATH

__all__ = ["ManifestSite", "serving_manifest"]


@dataclass
class ManifestSite:
    url: str = ""
    body: bytes = b""
    status: int = 200  # anything else: answered with that status and no manifest
    drip: float = 0.0  # seconds between 1 KB pieces of the body
    gzip: bytes | None = None  # sent instead of the body to a reader that accepts gzip
    requests: list[str | None] = field(default_factory=list)  # If-None-Match of each GET
    not_modified: int = 0


def _handler(site: ManifestSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != MANIFEST_PATH:
                self.send_error(404)
                return
            asked = self.headers.get("If-None-Match")
            site.requests.append(asked)
            if site.status != 200:
                self.send_error(site.status)
                return
            etag = '"' + hashlib.sha256(site.body).hexdigest()[:16] + '"'
            if asked == etag:
                site.not_modified += 1
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("ETag", etag)
            if site.gzip is not None and "gzip" in self.headers.get("Accept-Encoding", ""):
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(site.gzip)))
                self.end_headers()
                self.wfile.write(site.gzip)
                return
            if not site.drip:
                self.send_header("Content-Length", str(len(site.body)))
            self.end_headers()
            if not site.drip:
                self.wfile.write(site.body)
                return
            try:
                for start in range(0, len(site.body), 1024):
                    self.wfile.write(site.body[start : start + 1024])
                    self.wfile.flush()
                    time.sleep(site.drip)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the reader gave up, as it should

        def log_message(self, *_args: Any) -> None:
            pass

    return Handler


@contextmanager
def serving_manifest(body: bytes) -> Iterator[ManifestSite]:
    site = ManifestSite(body=body)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.url = f"http://127.0.0.1:{server.server_address[1]}{MANIFEST_PATH}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
