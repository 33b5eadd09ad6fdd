# The dashboard in a container: read-only serving of the baked-in data/events.db on port 8501.
# See docs/deploy.md (build, run with a mounted database, secrets, several replicas).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY . /app

# The README's start command, split at its last `&&`: this RUN is the install part and CMD below
# is the start part (tests/test_hosting.py checks that they still match the README).
# Installed as root, so the app's code and its database are read-only to the user it runs as.
RUN python3 -m venv .venv && .venv/bin/pip install -e .

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin viewer
USER viewer

# EVENTS_DB: mount another database and point here to serve it instead of the baked-in one.
# EVENTS_READONLY=1: the file is opened immutable (no locks, nothing written beside it, works on
# a read-only filesystem); update it by replacing the file whole, never by importing into it.
ENV EVENTS_DB=/app/data/events.db \
    EVENTS_READONLY=1

EXPOSE 8501

# python:3.11-slim has no curl: ask the health endpoint with Python's standard library.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]

CMD [".venv/bin/streamlit", "run", "app.py"]
