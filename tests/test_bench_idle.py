"""The benchmark's driver waits, after each warm-up, until both servers and whatever they
started are idle (bench/drive.py wait_until_idle): a warm-up request can outlive wrk (the
reference computes a ranking's figures of certainty inline, seconds at a million ratings),
and its work must not fall into the next measured round. Real processes, no server."""
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import drive

# A parent that only waits, and its child that keeps a processor busy for BUSY seconds: as a
# gunicorn master, its worker, and the work a warm-up left behind.
BUSY = 1.5
TREE = f"""
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c",
    "import time\\nend = time.monotonic() + {BUSY}\\nwhile time.monotonic() < end: pass"])
print(child.pid, flush=True)
child.wait()
time.sleep(60)
"""


def test_waits_for_a_busy_grandchild_and_not_for_an_idle_server():
    parent = subprocess.Popen([sys.executable, "-c", TREE], stdout=subprocess.PIPE, text=True)
    try:
        child = int(parent.stdout.readline())
        assert child in drive._descendants([parent.pid])
        started = time.monotonic()
        waited = drive.wait_until_idle([parent.pid])
        # Not before the child is done: it was busy for BUSY seconds from its start.
        assert time.monotonic() - started >= BUSY - 0.5
        assert waited >= BUSY - 0.5
        assert waited < drive.IDLE_MOST_SECONDS
        # Now idle: two quiet windows, no more.
        assert drive.wait_until_idle([parent.pid]) < 4 * drive.IDLE_WINDOW_SECONDS + 1.0
    finally:
        parent.kill()
        parent.wait()


def test_cpu_seconds_grow_with_work_and_ignore_gone_processes():
    spin = "import time\nend = time.monotonic() + 0.6\nwhile time.monotonic() < end: pass"
    busy = subprocess.Popen([sys.executable, "-c", spin])
    busy.wait()
    assert drive._cpu_seconds([busy.pid]) == 0  # gone: counts nothing, fails nothing
    me = drive._cpu_seconds([os.getpid()])
    sum(i * i for i in range(2_000_000))
    assert drive._cpu_seconds([os.getpid()]) > me
