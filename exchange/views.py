"""View counts: noted by reads, gathered in each process, written in batches.

A read does not write. GET /challenges/{id} and GET /pitches/{id} only note the row they
showed (`seen`); the view is counted once the answer is known to be a 200 with a body, so a
304 Not Modified counts nothing. Counts wait in the app's buffer, one per process (a
gunicorn worker forked from a preloaded app starts with an empty buffer and its own
flusher), and `flush` writes them in one transaction of relative UPDATEs
(`view_count = view_count + n`): several workers and servers add up exactly, and no read
ever waits on a row lock.

Flushes happen every VIEW_FLUSH_SECONDS in a background thread, at process exit, and on
demand (`flush(app)`). Views noted since the last flush are lost only if the process dies
without exiting (SIGKILL, a worker timeout): at most that many seconds' worth.

This module sits below the domains: each domain passes its own model, whose table has
`id` and `view_count` columns; the buffer never imports them.
"""
import atexit
import logging
import os
import threading
import time
import weakref
from collections import Counter

from flask import Flask, current_app, g, request, request_finished
from sqlalchemy import bindparam, update
from sqlalchemy.schema import sort_tables

from exchange.extensions import db

EXTENSION = "exchange.views"
log = logging.getLogger(__name__)


def seen(model, row_id: int) -> None:
    """Note that this request shows the row; it counts as a view if the answer is a 200."""
    g.setdefault("views_seen", []).append((model.__table__, row_id))


def flush(app: Flask | None = None) -> int:
    """Write the views this process has gathered for the app; how many were written."""
    return (app or current_app).extensions[EXTENSION].flush()


class ViewBuffer:
    """One app's unwritten view counts in this process, and the thread that writes them."""

    def __init__(self, app: Flask):
        self.app = app
        self.interval = app.config["VIEW_FLUSH_SECONDS"]
        self._start_afresh()

    def _start_afresh(self) -> None:
        # Also what a forked child runs: the parent's counts are the parent's to write,
        # and a lock held by one of its threads at the fork would never be released here.
        self._lock = threading.Lock()
        self._counts: Counter = Counter()
        self._flusher_pid: int | None = None

    def add(self, table, row_id: int) -> None:
        with self._lock:
            self._counts[table, row_id] += 1
            start = self.interval > 0 and self._flusher_pid != os.getpid()
            if start:
                self._flusher_pid = os.getpid()
        if start:
            threading.Thread(target=self._flush_every_interval, daemon=True,
                             name="view-flusher").start()

    def pending(self) -> int:
        with self._lock:
            return sum(self._counts.values())

    def _take(self) -> Counter:
        with self._lock:
            counts, self._counts = self._counts, Counter()
        return counts

    def _give_back(self, counts: Counter) -> None:
        with self._lock:
            self._counts.update(counts)

    def flush(self) -> int:
        counts = self._take()
        if not counts:
            return 0
        try:
            with self.app.app_context(), db.engine.begin() as connection:
                # Tables in foreign-key order (challenges before pitches) and rows by id:
                # the lock order every write follows (exchange/rows.py), so two servers
                # flushing at once, or a flush and a rating, never wait in a circle.
                for table in sort_tables({table for table, _ in counts}):
                    rows = sorted((row_id, n) for (t, row_id), n in counts.items()
                                  if t is table)
                    connection.execute(
                        update(table).where(table.c.id == bindparam("row_id"))
                        .values(view_count=table.c.view_count + bindparam("views")),
                        [{"row_id": row_id, "views": n} for row_id, n in rows])
        except Exception:
            # Kept for the next flush: the database may be back by then.
            self._give_back(counts)
            raise
        return sum(counts.values())

    def _flush_every_interval(self) -> None:
        while True:
            time.sleep(self.interval)
            try:
                self.flush()
            except Exception as error:  # noqa: BLE001 - the thread must outlive an outage
                log.warning("View counts not written yet (%s); kept for the next flush.",
                            error.__class__.__name__)


_buffers: "weakref.WeakSet[ViewBuffer]" = weakref.WeakSet()


def _count_served_views(sender: Flask, response, **_extra) -> None:
    """After every request: count what it noted, if it answered a GET with a 200."""
    noted = g.pop("views_seen", None)
    buffer = sender.extensions.get(EXTENSION)
    if noted and buffer and request.method == "GET" and response.status_code == 200:
        for table, row_id in noted:
            buffer.add(table, row_id)


def _flush_all_at_exit() -> None:
    for buffer in list(_buffers):
        try:
            buffer.flush()
        except Exception as error:  # noqa: BLE001 - exiting anyway; say what was lost
            log.warning("%s view(s) not written at exit (%s).", buffer.pending(),
                        error.__class__.__name__)


def _start_afresh_in_child() -> None:
    for buffer in list(_buffers):
        buffer._start_afresh()


atexit.register(_flush_all_at_exit)
os.register_at_fork(after_in_child=_start_afresh_in_child)
# Sent after every after_request function, with the final response: a 304 made by
# exchange/http/conditional.py is already a 304 here, whatever the order of the hooks.
request_finished.connect(_count_served_views)


def init_views(app: Flask) -> None:
    buffer = ViewBuffer(app)
    app.extensions[EXTENSION] = buffer
    _buffers.add(buffer)
