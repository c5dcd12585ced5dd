"""Writers of one warehouse are serialised; a killed writer never leaves it locked; lock errors retry."""

import signal
import subprocess
import sys
import time

import duckdb
import pytest

from dagster_project.warehouse import connect, is_lock_error, write_lock

HOLD_LOCK = """
import sys, time
from pathlib import Path
from dagster_project.warehouse import write_lock
with write_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(600)
"""

HOLD_DUCKDB = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("open", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def start(code, *args):
    proc = subprocess.Popen([sys.executable, "-c", code, *map(str, args)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() in ("locked", "open")
    return proc


def test_second_writer_waits_and_a_killed_holder_releases_the_lock(tmp_path):
    warehouse = tmp_path / "wh.duckdb"
    holder = start(HOLD_LOCK, warehouse)
    with pytest.raises(TimeoutError):
        with write_lock(warehouse, timeout_s=1, poll_s=0.2):
            pass
    holder.send_signal(signal.SIGKILL)  # a run killed mid-build
    holder.wait()
    started = time.monotonic()
    with write_lock(warehouse, timeout_s=5, poll_s=0.2):
        pass
    assert time.monotonic() - started < 1


def test_transient_duckdb_lock_is_retried(tmp_path):
    warehouse = tmp_path / "wh.duckdb"
    duckdb.connect(str(warehouse)).close()
    holder = start(HOLD_DUCKDB, warehouse, 1.5)  # another process writes for 1.5 s
    with connect(warehouse) as con:  # retried with backoff until the holder closes
        assert con.execute("select 42").fetchone() == (42,)
    holder.wait()


def test_real_errors_are_not_retried(tmp_path):
    not_a_db = tmp_path / "garbage.duckdb"
    not_a_db.write_text("this is not a database")
    started = time.monotonic()
    with pytest.raises(duckdb.Error) as err:
        with connect(not_a_db):
            pass
    assert not is_lock_error(err.value)
    assert time.monotonic() - started < 1
