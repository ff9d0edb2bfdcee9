"""Throwaway servers for the tests, started from installed binaries on loopback."""

from tests.servers.common import START_TIMEOUT, ServerError, free_port, in_ci, require
from tests.servers.nginx import (
    NginxServer,
    deploy_renderer,
    find_nginx,
    require_nginx,
    running_nginx,
)
from tests.servers.postgres import PostgresBinaries, PostgresServer, find_postgres, running_postgres
from tests.servers.redis import RedisServer, find_redis, running_redis

__all__ = [
    "START_TIMEOUT",
    "NginxServer",
    "PostgresBinaries",
    "PostgresServer",
    "RedisServer",
    "ServerError",
    "deploy_renderer",
    "find_nginx",
    "find_postgres",
    "find_redis",
    "free_port",
    "in_ci",
    "require",
    "require_nginx",
    "running_nginx",
    "running_postgres",
    "running_redis",
]
