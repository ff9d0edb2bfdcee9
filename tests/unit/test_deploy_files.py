"""The container files stay in step with deploy/ and the code.

No container engine runs here, so these read Dockerfile and
docker-compose.yml and hold them to what the tests run and what the sidecar
requires: the same command as tests/sidecar/sidecars.py starts, the same
nginx template (deploy/nginx.conf), ports that agree, and every setting
production refuses to start without.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from sidecar.config import settings_from_env
from sidecar.gunicorn_config import command
from tests.conftest import REPO
from tests.servers import deploy_renderer
from tests.sidecar.edge import sidecar_argv

SIDECARS = ("sidecar-a", "sidecar-b")
TUNING = ("--bind", "--graceful-timeout")  # options the deployment chooses for itself
# What an operator puts in .env (docker-compose.yml's head says which).
DOTENV = {
    "SIDECAR_HOST": "sidecar.example.org",
    "PUBLIC_URL": "https://blog.example",
    "SITE_ORIGIN": "https://blog.example",
    "SECRET_KEY": "s" * 64,
    "POSTGRES_PASSWORD": "pw",
    "MAIL_SERVER": "smtp.example.org",
}


def _instructions() -> list[tuple[str, str]]:
    """The Dockerfile's final stage as (INSTRUCTION, arguments), continuations joined."""
    text = (REPO / "Dockerfile").read_text()
    joined = re.sub(r"\\\n", " ", text)
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    last = max(i for i, (word, _) in enumerate(found) if word == "FROM")
    return found[last:]


def _one(word: str) -> str:
    values = [rest for w, rest in _instructions() if w == word]
    assert len(values) == 1, f"{word}: {values}"
    return values[0]


def _image_command() -> list[str]:
    command: list[str] = json.loads(_one("CMD"))
    return command


def _bind_port() -> int:
    command = _image_command()
    return int(command[command.index("--bind") + 1].rpartition(":")[2])


def _interpolate(value: Any, env: dict[str, str]) -> Any:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?message}, from ``env``."""
    if isinstance(value, dict):
        return {k: _interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [_interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def one(match: re.Match[str]) -> str:
        name, how, rest = match.group(1), match.group(2), match.group(3)
        if env.get(name):
            return env[name]
        if how == ":?":
            raise KeyError(f"{name}: {rest}")
        return rest or ""

    return re.sub(r"\$\{([A-Z_]+)(?:(:[-?])([^}]*))?\}", one, value)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    services: dict[str, Any] = _interpolate(loaded["services"], DOTENV)
    return services


def _without(argv: list[str], options: tuple[str, ...]) -> list[str]:
    kept, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg in options:
            skip = True
        else:
            kept.append(arg)
    return kept


def test_the_image_runs_the_command_the_tests_run() -> None:
    """``frostpress-sidecar`` runs what the tests start, but for where it listens
    and how long it waits for requests in flight (the tests stop fast)."""
    tests = sidecar_argv()
    image = _image_command()
    assert image[0] == "frostpress-sidecar", image
    served = command(*image[1:], python=tests[0])  # what frostpress-sidecar executes
    assert tests[tests.index("--bind") + 1].startswith("127.0.0.1:")  # the tests' loopback
    assert served[served.index("--bind") + 1].startswith("0.0.0.0:")  # reachable from nginx
    assert _without(served, TUNING) == _without(tests, TUNING)


def test_the_image_is_slim_runs_as_another_user_and_checks_its_health() -> None:
    assert _instructions()[0][1].startswith("python:") and "-slim" in _instructions()[0][1]
    words = [w for w, _ in _instructions()]
    user = _one("USER")
    assert user not in ("root", "0") and words.index("USER") < words.index("CMD")
    health = _one("HEALTHCHECK")
    assert f"http://127.0.0.1:{_bind_port()}/api/health" in health
    assert "pip install" in " ".join(rest for w, rest in _instructions() if w == "RUN")


def test_every_file_the_image_copies_is_sent_to_the_builder() -> None:
    ignored = {
        line.strip()
        for line in (REPO / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    text = (REPO / "Dockerfile").read_text()
    sources = [
        part
        for line in text.splitlines()
        if line.startswith("COPY ") and "--from" not in line
        for part in line.split()[1:-1]
    ]
    assert sources
    for source in sources:
        assert (REPO / source).exists(), source
        assert source.split("/")[0] not in ignored, source


def test_the_compose_sidecars_run_the_image_and_start_after_the_migration(
    compose: dict[str, Any],
) -> None:
    for name in SIDECARS:
        service = compose[name]
        assert service["build"] == "." and "command" not in service  # the image's CMD
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert compose["migrate"]["command"] == ["flask", "--app", "sidecar", "db", "upgrade"]
    assert compose["migrate"]["build"] == "."


def test_compose_sets_every_setting_production_requires(
    compose: dict[str, Any], tmp_path: Path
) -> None:
    for name in (*SIDECARS, "migrate"):
        environ = compose[name]["environment"]
        assert environ["SIDECAR_ENV"] == "production"
        settings = settings_from_env(environ, tmp_path)  # raises on anything missing
        assert settings["TRUSTED_PROXIES"] == 1
        database = urlsplit(environ["DATABASE_URL"])
        postgres = compose["postgres"]["environment"]
        assert (database.hostname, database.username, database.password, database.path) == (
            "postgres", postgres["POSTGRES_USER"], postgres["POSTGRES_PASSWORD"],
            "/" + postgres["POSTGRES_DB"],
        )  # fmt: skip
        assert urlsplit(environ["REDIS_URL"]).hostname in compose
        # nginx pins Host to its server name: the sidecar must answer for it.
        assert (
            compose["nginx"]["environment"]["FROSTPRESS_SERVER_NAME"] in settings["TRUSTED_HOSTS"]
        )


def test_a_missing_secret_stops_compose_rather_than_starting_without_it() -> None:
    loaded = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    for name in ("SECRET_KEY", "POSTGRES_PASSWORD", "PUBLIC_URL", "SITE_ORIGIN", "SIDECAR_HOST"):
        with pytest.raises(KeyError, match=name):
            _interpolate(loaded["services"], {k: v for k, v in DOTENV.items() if k != name})


def test_compose_nginx_serves_deploy_nginx_conf_in_front_of_the_sidecars(
    compose: dict[str, Any],
) -> None:
    nginx = compose["nginx"]
    mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in nginx["volumes"]}
    assert mounts["/etc/nginx/templates/default.conf.template"] == "./deploy/nginx.conf"
    renderer = deploy_renderer()
    environ = nginx["environment"]
    placeholders = set(renderer.PLACEHOLDER.findall(renderer.TEMPLATE.read_text()))
    assert placeholders == {k for k in environ if k.startswith("FROSTPRESS_")}
    assert environ["NGINX_ENVSUBST_FILTER"] == "FROSTPRESS_"  # nginx's own $variables stay
    # The upstreams are the sidecars, on the port the image binds, as render.py writes them.
    expected = renderer.upstream_lines([f"{name}:{_bind_port()}" for name in SIDECARS])
    assert environ["FROSTPRESS_UPSTREAMS"].split() == expected.split()
    assert set(SIDECARS) <= set(nginx["depends_on"])
    # It publishes the port it listens on.
    port = environ["FROSTPRESS_LISTEN"].split()[0]
    assert f"{port}:{port}" in nginx["ports"]
    rendered = renderer.render(
        environ["FROSTPRESS_SERVER_NAME"], environ["FROSTPRESS_LISTEN"],
        [f"{name}:{_bind_port()}" for name in SIDECARS],
    )  # fmt: skip
    assert "${" not in rendered
    assert mounts["/etc/nginx/frostpress-tls"] == "./deploy/tls"
    assert (REPO / "deploy" / "tls").is_dir()


def test_the_readme_starts_each_process_as_the_image_does() -> None:
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index("## Deploying the sidecar on its own host") :]
    section = section[: section.index("\n## ")]
    found = re.search(r"/opt/frostpress/bin/frostpress-sidecar ((?:[^'\\]|\\\n)+)'", section)
    assert found, "the README no longer shows the frostpress-sidecar command"
    readme_args = found.group(1).replace("\\\n", " ").split()
    image = _image_command()
    assert _without(readme_args, ("--bind",)) == _without(image[1:], ("--bind",))
    assert readme_args[readme_args.index("--bind") + 1].startswith("127.0.0.1:")


def _locations(conf: str) -> dict[str, str]:
    """Each ``location ... { ... }`` block of the nginx template, by its match, whole:
    with the blocks inside it (an ``if``), up to its own closing brace."""
    body = "\n".join(line.split("#", 1)[0] for line in conf.splitlines())
    found = {}
    for start in re.finditer(r"location\s+([^{\s]+)\s*\{", body):
        depth, end = 1, start.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(body[end], 0)
            end += 1
        found[start.group(1)] = body[start.end() : end - 1]
    return found


def test_every_location_sends_the_forwarded_headers_nginx_sets() -> None:
    """A location with a ``proxy_set_header`` of its own inherits none of the
    server's: it would pass the client's X-Forwarded-For and Host through to a
    sidecar that trusts one proxy. So they are set once, for every location."""
    conf = (REPO / "deploy" / "nginx.conf").read_text()
    locations = _locations(conf)
    assert {"/", "/socket.io/", "@keyed_retry"} <= set(locations)
    overriding = {where for where, block in locations.items() if "proxy_set_header" in block}
    assert overriding == set()
    assert re.search(r"^\s*proxy_set_header X-Forwarded-For\s+\$remote_addr;", conf, re.M)


@pytest.mark.parametrize(("listen", "warned"), [("443 ssl", False), ("8443", True)])
def test_render_says_when_a_listen_value_means_plain_http(
    listen: str, warned: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--listen 8443`` is an easy slip for ``8443 ssl``: nginx would then answer
    plain HTTP on a port meant for TLS, with the certificate included unused."""
    renderer = deploy_renderer()
    argv = [
        "--server-name",
        "sidecar.example.org",
        "--listen",
        listen,
        "--upstream",
        "127.0.0.1:8001",
    ]
    assert renderer.main(argv) == 0
    out, err = capsys.readouterr()
    assert f"listen {listen};" in out
    assert ("plain HTTP" in err) is warned
