"""Fill in deploy/nginx.conf's placeholders and print the result.

    python deploy/render.py --server-name sidecar.example.org --listen "443 ssl" \
        --upstream 127.0.0.1:8001 --upstream 127.0.0.1:8002 \
        > /etc/nginx/conf.d/frostpress-sidecar.conf

Only the standard library, so it runs on any host with Python. The tests
render the same template with the same function (tests/servers/nginx.py).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["TEMPLATE", "render", "upstream_lines"]

TEMPLATE = Path(__file__).resolve().parent / "nginx.conf"
PLACEHOLDER = re.compile(r"\$\{(FROSTPRESS_[A-Z_]+)\}")
# A process that refuses a connection is left alone this long before the next try.
SERVER_OPTIONS = "max_fails=1 fail_timeout=2s"


def upstream_lines(addresses: Sequence[str]) -> str:
    """``server host:port ...;`` lines for an upstream block, one per process."""
    if not addresses:
        raise ValueError("at least one sidecar process (host:port) is needed")
    for address in addresses:
        if not re.fullmatch(r"[A-Za-z0-9.-]+:\d{1,5}|\[[0-9A-Fa-f:]+\]:\d{1,5}", address):
            raise ValueError(f"an upstream is host:port, not {address!r}")
    return "\n    ".join(f"server {a} {SERVER_OPTIONS};" for a in addresses)


def render(
    server_name: str, listen: str, upstreams: Sequence[str], template: str | None = None
) -> str:
    """The template with every placeholder filled; nginx's own ``$variables`` stay."""
    if not re.fullmatch(r"[A-Za-z0-9.-]+", server_name):
        raise ValueError(f"a server name is a host name, not {server_name!r}")
    if not re.fullmatch(r"[A-Za-z0-9.:\[\] ]+", listen):
        raise ValueError(f"not a listen value: {listen!r}")
    values = {
        "FROSTPRESS_SERVER_NAME": server_name,
        "FROSTPRESS_LISTEN": listen,
        "FROSTPRESS_UPSTREAMS": upstream_lines(upstreams),
    }
    text = TEMPLATE.read_text() if template is None else template
    unknown = set(PLACEHOLDER.findall(text)) - values.keys()
    if unknown:
        raise ValueError(f"the template has placeholders render() does not know: {unknown}")
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server-name", required=True, help="the sidecar's host name")
    parser.add_argument(
        "--listen",
        default="443 ssl",
        help='e.g. "443 ssl" (the default) or "8443 ssl"; without "ssl", plain HTTP',
    )
    parser.add_argument(
        "--upstream", action="append", required=True, help="host:port of a sidecar process"
    )
    args = parser.parse_args(argv)
    try:
        sys.stdout.write(render(args.server_name, args.listen, args.upstream))
    except ValueError as error:
        parser.error(str(error))
    if "ssl" not in args.listen.split():
        # "--listen 8443" is an easy slip for "8443 ssl": say what it means.
        sys.stderr.write(
            f"render.py: --listen {args.listen!r} has no 'ssl': nginx will answer plain "
            "HTTP there (fine on loopback for a test, never on a public address)\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
