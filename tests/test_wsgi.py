"""The served entry point (`gunicorn wsgi:app`): what it does beyond building the app."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_what_the_start_built_is_frozen_out_of_the_collectors_passes(tmp_path):
    # In a process of its own: freezing is for the whole interpreter.
    probe = ("import gc; before = gc.get_freeze_count(); import wsgi; "
             "print(before, gc.get_freeze_count(), len(gc.get_objects()))")
    env = {**os.environ, "EXCHANGE_ENV": "development",
           "DATABASE_URL": f"sqlite:///{tmp_path}/exchange.db"}
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout.split()
    before, frozen, left = map(int, out)
    assert before == 0
    assert frozen > 50_000  # the modules, mappers and schemas of the app
    assert left < frozen / 10  # what a full pass still scans
