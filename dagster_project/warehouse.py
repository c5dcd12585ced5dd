"""Connections to the DuckDB warehouse.

DuckDB allows one writer or several readers per file, across processes. Writers are
serialised by Dagster (pool `warehouse_writer`, limit 1); here a connection that meets a
lock held by another process is retried with backoff, and any other error is raised at once.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

log = logging.getLogger(__name__)

LOCK_RETRY_DELAYS_S = (0.5, 1, 2, 4, 8, 15, 30)


def is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "could not set lock" in text or "conflicting lock" in text or "database is locked" in text


def _connect_with_retry(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    for attempt, delay in enumerate((*LOCK_RETRY_DELAYS_S, None)):
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            con.execute("set TimeZone = 'UTC'")
            return con
        except duckdb.IOException as exc:
            if delay is None or not is_lock_error(exc):
                raise
            log.warning("Warehouse %s is locked (attempt %d); retrying in %ss", path, attempt + 1, delay)
            time.sleep(delay)
    raise AssertionError("unreachable")


@contextlib.contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = _connect_with_retry(path, read_only)
    try:
        yield con
    finally:
        con.close()


@contextlib.contextmanager
def write_lock(path: Path, timeout_s: float = 4 * 3600, poll_s: float = 2.0) -> Iterator[None]:
    """Exclusive, cross-process lock for writing one warehouse file.

    An OS file lock (flock) on `<warehouse>.lock`: every writer (loader, dbt, analyses,
    publisher) takes it, so two runs never write the same warehouse at once, whatever
    launched them. The OS releases it when the holder dies, so a killed run never leaves
    the warehouse locked. Not re-entrant: take it once per step.
    """
    import fcntl

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_file = path.with_name(path.name + ".lock")
    with open(lock_file, "a+") as handle:
        waited = 0.0
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if waited >= timeout_s:
                    raise TimeoutError(f"Another writer held {lock_file} for {waited:.0f} s") from None
                if waited % 60 < poll_s:
                    log.warning("Waiting for another writer of %s (%.0f s so far)", path, waited)
                time.sleep(poll_s)
                waited += poll_s
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
