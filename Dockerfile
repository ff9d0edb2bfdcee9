# The sidecar as one process of the deployment (docker-compose.yml runs two
# behind nginx with deploy/nginx.conf). Slim, non-root, the project installed
# with pip from a wheel built here; the command is the one the tests run but
# for its bind and grace period (tests/unit/test_deploy_files.py holds them so).
FROM python:3.11-slim AS wheel
WORKDIR /src
COPY pyproject.toml README.md ./
COPY frostpress frostpress
COPY sidecar sidecar
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SIDECAR_ENV=production \
    FROSTPRESS_ROOT=/srv/frostpress \
    SIDECAR_INSTANCE=/var/lib/frostpress
RUN useradd --system --uid 10001 --user-group --home-dir /srv/frostpress \
        --shell /usr/sbin/nologin frostpress \
    && mkdir -p /srv/frostpress /var/lib/frostpress \
    && chown frostpress:frostpress /var/lib/frostpress
COPY --from=wheel /wheels /tmp/wheels
RUN pip install --no-cache-dir /tmp/wheels/*.whl && rm -rf /tmp/wheels
# Which posts exist: the blog's content and site config (compose mounts the
# checkout's own over these, read-only).
COPY content /srv/frostpress/content
COPY site /srv/frostpress/site
USER frostpress
WORKDIR /srv/frostpress
EXPOSE 8000
# As nginx asks: the sidecar's own host and https (TRUSTED_HOSTS, and production
# redirects plain http). Fails on any error status, 503 included (database down).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; r.urlopen(r.Request('http://127.0.0.1:8000/api/health', headers={'Host': os.environ['TRUSTED_HOSTS'].split(',')[0], 'X-Forwarded-Proto': 'https'}), timeout=4)"]
CMD ["frostpress-sidecar", "--bind", "0.0.0.0:8000"]
