"""Entry point: `flask --app wsgi ...` and `gunicorn wsgi:app`."""
import gc

from exchange import create_app

app = create_app()
# What the start built (modules, mappers, schemas, compiled statements: some 140,000
# objects) lives as long as the worker; frozen, the collector's full passes skip it and
# scan only what requests left behind. A full pass over it took about 60 ms, long enough
# to show in the ranking's p99 (16-19 ms against 13-14 ms frozen, in the first 4 s of
# wrk at 16 connections after a start, on the bench data of a million ratings).
gc.freeze()
