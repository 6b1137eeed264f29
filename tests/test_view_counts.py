"""Views are counted without a write on the read path: gathered per process, written in
batches (exchange/views.py). A challenge counts reads of itself, a pitch reads of itself."""
import os
import subprocess
import sys
import time

import pytest

from exchange import create_app, views
from exchange.errors import Unavailable
from exchange.pitches.models import Pitch
from tests.conftest import DATABASE_URL, ROOT, TEST_SETTINGS
from tests.contract import recorded_statements
from tests.factories import Client, ok
from tests.parallel import in_parallel

WRITES = ("INSERT", "UPDATE", "DELETE")
PATIENCE = 120  # seconds to wait for a background thread on a busy machine: not a test


def _counts(client, challenge_id: int, pitch_id: int) -> tuple[int, int, int]:
    """(the challenge's view_count, its stats' views, the pitch's view_count)."""
    return (ok(client.get(f"/challenges/{challenge_id}"))["view_count"],
            ok(client.get(f"/challenges/{challenge_id}/stats"))["views"],
            ok(client.get(f"/pitches/{pitch_id}"))["view_count"])


def test_reading_a_challenge_or_a_pitch_runs_no_write_statement(app, make, challenge,
                                                                supplier_org, citizen, anon):
    pitch = make.pitch(challenge["id"], supplier_org)
    for reader in (anon, citizen):
        for path in (f"/challenges/{challenge['id']}", f"/pitches/{pitch['id']}"):
            with recorded_statements(app) as seen:
                ok(reader.get(path))
            assert seen, path
            assert [s for s in seen if s.lstrip().upper().startswith(WRITES)] == [], path


def test_views_show_after_a_flush_each_on_what_was_read(app, make, challenge, supplier_org,
                                                        anon):
    pitch = make.pitch(challenge["id"], supplier_org)
    for _ in range(3):
        ok(anon.get(f"/pitches/{pitch['id']}"))
    ok(anon.get(f"/challenges/{challenge['id']}"))
    assert ok(anon.get(f"/pitches/{pitch['id']}"))["view_count"] == 0  # not flushed yet

    assert views.flush(app) == 5  # four reads of the pitch, one of the challenge

    # The challenge counts its own read, and none of its pitch's.
    assert _counts(anon, challenge["id"], pitch["id"]) == (1, 1, 4)
    assert views.flush(app) == 2  # _counts read the challenge and the pitch once more
    assert _counts(anon, challenge["id"], pitch["id"]) == (2, 2, 5)


def test_an_answer_of_304_counts_no_view(app, make, challenge, supplier_org, anon):
    pitch = make.pitch(challenge["id"], supplier_org)
    for path in (f"/challenges/{challenge['id']}", f"/pitches/{pitch['id']}"):
        etag = anon.get(path).headers["ETag"]
        for _ in range(3):
            assert anon.get(path, headers={"If-None-Match": etag}).status_code == 304
    assert views.flush(app) == 2  # the first read of each, nothing for the six 304s
    assert _counts(anon, challenge["id"], pitch["id"]) == (1, 1, 1)


def test_refused_and_head_reads_count_no_view(app, make, council, supplier_org, anon):
    draft = make.challenge(council, "draft")
    opened = make.challenge(council, "open")
    pitch = make.pitch(opened["id"], supplier_org)
    assert anon.get(f"/challenges/{draft['id']}").status_code == 404
    assert anon.request("HEAD", f"/pitches/{pitch['id']}").status_code == 200
    assert anon.request("HEAD", f"/challenges/{opened['id']}").status_code == 200
    assert views.flush(app) == 0
    assert ok(council.owner.get(f"/challenges/{draft['id']}"))["view_count"] == 0
    assert _counts(anon, opened["id"], pitch["id"]) == (0, 0, 0)


def test_two_app_instances_flushing_at_once_add_up_exactly(app, wide_app, make, challenge,
                                                           supplier_org):
    pitch = make.pitch(challenge["id"], supplier_org)
    one, two = Client(app), Client(wide_app)
    flushed = []
    for _ in range(5):
        for reader, pitch_reads, challenge_reads in ((one, 7, 3), (two, 5, 2)):
            for _ in range(pitch_reads):
                ok(reader.get(f"/pitches/{pitch['id']}"))
            for _ in range(challenge_reads):
                ok(reader.get(f"/challenges/{challenge['id']}"))
        flushed.append(in_parallel([lambda: views.flush(app), lambda: views.flush(wide_app)]))
    assert flushed == [[10, 7]] * 5
    # By hand: 5 rounds of 7 + 5 pitch reads and 3 + 2 challenge reads.
    assert _counts(one, challenge["id"], pitch["id"]) == (25, 25, 60)


def test_a_flush_that_fails_keeps_the_views_for_the_next_one(tmp_path):
    unreachable = create_app(TEST_SETTINGS | {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/no-such-folder/exchange.db"})
    buffer = unreachable.extensions[views.EXTENSION]
    for pitch_id in (1, 1, 2):
        buffer.add(Pitch.__table__, pitch_id)
    with pytest.raises(Unavailable):
        views.flush(unreachable)
    assert buffer.pending() == 3


@pytest.mark.skipif(not hasattr(os, "fork"), reason="gunicorn forks its workers")
def test_a_forked_worker_starts_with_an_empty_buffer_of_its_own(app, make, challenge,
                                                                supplier_org, anon):
    pitch = make.pitch(challenge["id"], supplier_org)
    ok(anon.get(f"/pitches/{pitch['id']}"))
    buffer = app.extensions[views.EXTENSION]
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the worker: report what it would write, and leave at once
        os.write(write, str(buffer.pending()).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(child, 0)
    assert os.read(read, 100) == b"0"
    os.close(read)
    assert buffer.pending() == 1  # the parent's view stays the parent's to write
    assert views.flush(app) == 1
    assert ok(anon.get(f"/pitches/{pitch['id']}"))["view_count"] == 1


def test_the_background_writer_flushes_without_being_asked(app, make, challenge,
                                                           supplier_org):
    pitch = make.pitch(challenge["id"], supplier_org)
    served = Client(create_app(TEST_SETTINGS | {"VIEW_FLUSH_SECONDS": 0.05}))
    ok(served.get(f"/pitches/{pitch['id']}"))
    ok(served.get(f"/challenges/{challenge['id']}"))
    reader = Client(app)
    deadline = time.monotonic() + PATIENCE
    while _counts(reader, challenge["id"], pitch["id"])[::2] != (1, 1):
        assert time.monotonic() < deadline, "the background writer never flushed"
        time.sleep(0.05)


def test_views_gathered_by_a_process_are_written_when_it_exits(app, make, challenge,
                                                               supplier_org, anon):
    pitch = make.pitch(challenge["id"], supplier_org)
    reads_and_exits = (
        "import sys; from exchange import create_app\n"
        "app = create_app({'TESTING': True, 'SECRET_KEY': 'x', 'VIEW_FLUSH_SECONDS': 0,\n"
        "                  'SQLALCHEMY_DATABASE_URI': sys.argv[1]})\n"
        "client = app.test_client()\n"
        "for _ in range(3):\n"
        "    assert client.get('/api/v1/pitches/' + sys.argv[2]).status_code == 200\n")
    subprocess.run([sys.executable, "-c", reads_and_exits, DATABASE_URL, str(pitch["id"])],
                   cwd=ROOT, env=os.environ | {"DATABASE_URL": DATABASE_URL}, check=True,
                   timeout=PATIENCE)
    assert ok(anon.get(f"/pitches/{pitch['id']}"))["view_count"] == 3
