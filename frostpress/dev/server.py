"""``make dev``: one local origin serving ``build/``, rebuilt on every save.

The server serves the frozen files exactly as a CDN would (``/x/`` →
``x/index.html``, misses → ``404.html`` with status 404). Only while
developing, HTML responses get a small script that listens on
``/__frostpress/events`` (Server-Sent Events) and reloads the tab after each
successful rebuild, or shows the build's errors over the page. The frozen
files themselves never contain it. The sidecar joins this server later
as a :class:`Backend` answering its path prefixes on the same origin.
"""

from __future__ import annotations

import json
import mimetypes
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import make_server
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from frostpress.config import SiteConfig, load_config
from frostpress.errors import BuildFailed, FrostpressError
from frostpress.public_paths import is_sidecar_path

__all__ = ["Backend", "BuildEvents", "DevSite", "StaticSite", "run_dev", "serve_build"]

EVENTS_PATH = "/__frostpress/events"
_RELOAD_SCRIPT = """<script>/* frostpress dev: live reload */
(() => {
  const seen = %(version)d;
  const es = new EventSource(%(url)s);
  const show = (text) => {
    let box = document.getElementById("frostpress-errors");
    if (!box) {
      box = document.createElement("pre");
      box.id = "frostpress-errors";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:50vh;overflow:auto;" +
        "margin:0;padding:1rem;background:#5c0f0f;color:#fff;font:14px/1.4 monospace;z-index:99999";
      document.body.appendChild(box);
    }
    box.textContent = text;
  };
  es.addEventListener("build", (e) => {
    const data = JSON.parse(e.data);
    if (data.error) show("frostpress build failed:\\n" + data.error);
    else if (data.version !== seen) location.reload();
  });
})();
</script>"""


class BuildEvents:
    """The latest build's outcome, and a way to wait for the next one."""

    def __init__(self) -> None:
        self.version = 0
        self.error: str | None = None
        self._changed = threading.Condition()
        self.closed = False

    def publish(self, error: str | None = None) -> None:
        with self._changed:
            if error is None:
                self.version += 1
            self.error = error
            self._changed.notify_all()

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()

    def stream(self, keepalive: float = 15.0) -> Iterator[str]:
        state: tuple[int, str | None] | None = None
        while not self.closed:
            with self._changed:
                if state == (self.version, self.error):
                    self._changed.wait(keepalive)
                current = (self.version, self.error)
            if current != state:
                state = current
                payload = json.dumps({"version": current[0], "error": current[1]})
                yield f"event: build\ndata: {payload}\n\n"
            else:
                yield ": keepalive\n\n"


class StaticSite:
    """A WSGI app serving a frozen ``build/`` directory."""

    def __init__(self, root: Path, events: BuildEvents | None = None) -> None:
        self.root = root
        self.events = events

    def _file(self, path: str) -> Path | None:
        root = self.root.resolve()
        candidate = (root / path.lstrip("/")).resolve()
        if not candidate.is_relative_to(root):
            return None
        if candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None

    def _respond(self, path: Path, status: int = 200) -> Response:
        mimetype = mimetypes.guess_type(path.name)[0] or "text/plain"
        data = path.read_bytes()
        if self.events is not None and mimetype == "text/html":
            script = _RELOAD_SCRIPT % {
                "version": self.events.version,
                "url": json.dumps(EVENTS_PATH),
            }
            data = data.replace(b"</body>", script.encode() + b"</body>", 1)
        response = Response(data, status=status, mimetype=mimetype)
        response.headers["Cache-Control"] = "no-cache"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        response: Response
        if request.path == EVENTS_PATH and self.events is not None:
            response = Response(self.events.stream(), mimetype="text/event-stream")
            response.headers["Cache-Control"] = "no-cache"
        elif request.method not in ("GET", "HEAD"):
            response = Response("Method not allowed\n", status=405, mimetype="text/plain")
        else:
            found = self._file(request.path)
            if (
                found is not None
                and found.name == "index.html"
                and not request.path.endswith(("/", ".html"))
            ):
                response = redirect(request.path + "/", code=301)
            elif found is not None:
                response = self._respond(found)
            elif (missing := self._file("404.html")) is not None:
                response = self._respond(missing, status=404)
            else:
                response = Response(
                    "Not found (no build yet?)\n", status=404, mimetype="text/plain"
                )
        return response(environ, start_response)


def make_app(config: SiteConfig, events: BuildEvents | None, backend: Backend | None = None) -> Any:
    """The frozen site, and beside it (same origin) a backend for some path prefixes."""
    site = StaticSite(config.output_dir, events)
    base = config.base_path.rstrip("/")
    app: Any = site
    if base:
        app = DispatcherMiddleware(_redirect_to(base + "/"), {base: site})
    if backend is not None:
        app = _by_prefix(app, backend)
    return app


@dataclass(frozen=True)
class Backend:
    """A WSGI app that answers the paths ``owns`` says are its own, as they are (the
    sidecar's, from frostpress.public_paths), as the CDN's proxy does."""

    app: Any
    owns: Callable[[str], bool] = is_sidecar_path


def _by_prefix(site: Any, backend: Backend) -> Callable[..., Any]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO", "")
        if backend.owns(path):
            return backend.app(environ, start_response)
        return site(environ, start_response)

    return app


def _redirect_to(target: str) -> Callable[..., Any]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        return redirect(target)(environ, start_response)

    return app


class DevSite:
    """A Builder kept warm between saves, publishing each outcome to the browser."""

    def __init__(self, config: SiteConfig, *, echo: Callable[[str], None] = print) -> None:
        from frostpress.build.builder import Builder

        self.config = config
        self.events = BuildEvents()
        self.echo = echo
        self.builder = Builder(config)
        self._lock = threading.Lock()

    def rebuild(self, changed: set[str] | None = None) -> bool:
        from frostpress.build.builder import Builder

        with self._lock:
            if changed and any(Path(p).name == "site.toml" for p in changed):
                try:
                    self.config = load_config(self.config.root, drafts=self.config.drafts)
                except FrostpressError as exc:
                    self.echo(str(exc))
                    self.events.publish(str(exc))
                    return False
                self.builder = Builder(self.config)
            try:
                report = self.builder.build()
            except BuildFailed as exc:
                text = exc.report(relative_to=self.config.root)
                self.echo(f"Build failed (build/ unchanged):\n{text}")
                self.events.publish(text)
                return False
            except FrostpressError as exc:  # e.g. node_modules not installed yet
                text = exc.format(self.config.root)
                self.echo(f"Build failed (build/ unchanged): {text}")
                self.events.publish(text)
                return False
            except Exception as exc:  # keep serving the last good build
                self.echo(f"Build crashed (build/ unchanged): {exc!r}")
                self.events.publish(repr(exc))
                return False
            verb = "Rebuilt" if changed else "Built"
            self.echo(
                f"{verb} in {report.seconds * 1000:.0f} ms: {report.written} "
                f"pages written, {report.reused} unchanged."
            )
            self.events.publish()
            return True


def serve_build(
    config: SiteConfig,
    *,
    host: str,
    port: int,
    live: bool,
    events: BuildEvents | None = None,
    backend: Backend | None = None,
) -> None:
    app = make_app(config, events if live else None, backend)
    server = make_server(host, port, app, threaded=True)
    print(
        f"Serving {config.output_dir} on http://{host}:{server.port}{config.base_path}"
        "  (Ctrl+C to stop)",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        if events is not None:
            events.close()
        server.server_close()


def run_dev(config: SiteConfig, *, host: str, port: int, backend: Backend | None = None) -> None:
    from frostpress.dev.watch import Watcher

    dev = DevSite(config)
    dev.rebuild()
    watcher = Watcher([config.content_dir, config.site_dir], dev.rebuild)
    watcher.start()
    try:
        serve_build(config, host=host, port=port, live=True, events=dev.events, backend=backend)
    finally:
        watcher.stop()
