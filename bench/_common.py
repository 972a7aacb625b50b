"""Helpers shared by the benchmark scripts (run as `python bench/<name>.py`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable


def temporary_postgres(url: str, *, prefix: str) -> tuple[str, Callable[[], None]]:
    """Create a throw-away database on the server at `url`; returns its URL and a dropper."""
    import psycopg2

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    base, _, _ = url.rpartition("/")

    def run(sql: str) -> None:
        conn = psycopg2.connect(url)
        conn.autocommit = True
        try:
            conn.cursor().execute(sql)
        finally:
            conn.close()

    run(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{base}/{name}", drop


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]
