# syntax=docker/dockerfile:1.7
# The Spotter API: the locked dependencies (the offline embedding model among them) in a venv, run as a non-root user.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /uvx /bin/
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /src
# Dependencies get their own layer, so a change to the code does not reinstall them.
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=bind,source=uv.lock,target=uv.lock \
    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \
    uv sync --locked --no-dev --no-install-project
COPY . .
# --no-editable installs the project itself into the venv, so the runtime stage needs nothing but the venv.
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-dev --no-editable
# A missing or corrupt embedding model or tokenizer fails the build rather than the first request.
RUN /app/.venv/bin/python -c "from coach.embedder import MiniLMEmbedder; MiniLMEmbedder().embed_sync(['ready'])"

FROM ${PYTHON_IMAGE}
RUN groupadd --system --gid 10001 coach \
    && useradd --system --uid 10001 --gid coach --no-create-home --shell /usr/sbin/nologin coach \
    && mkdir /data && chown coach:coach /data
COPY --from=build /app/.venv /app/.venv
# /data holds a SQLite file only when no DATABASE_URL is given (a single-box trial); Fly runs on Postgres.
ENV PATH="/app/.venv/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    COACH_DATA_DIR=/data
WORKDIR /app
USER coach
EXPOSE 8080
CMD ["coach", "serve", "--host", "0.0.0.0", "--port", "8080"]
