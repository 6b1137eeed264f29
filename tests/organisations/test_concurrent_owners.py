"""Two owners removing each other at once leave one owner (PostgreSQL: real row locks)."""
import threading
from functools import partial

import pytest

from exchange import create_app
from tests.conftest import DATABASE_URL, TEST_SETTINGS
from tests.factories import Client, ok

pytestmark = pytest.mark.skipif(not DATABASE_URL.startswith("postgresql"),
                                reason="needs PostgreSQL's concurrent sessions")


def _in_parallel(calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def wide_app(app):
    """The same database, with a pool for both threads at once."""
    wide = create_app(TEST_SETTINGS | {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 4}})
    yield wide
    from exchange.extensions import db
    with wide.app_context():
        db.engine.dispose()


def test_two_owners_removing_each_other_at_once_always_leave_one_owner(make, wide_app):
    for _ in range(20):
        org = make.supplier()
        second = make.member(org, "co-owner", role="owner")
        first = Client(wide_app, org.owner.token)
        other = Client(wide_app, second.token)
        responses = _in_parallel([
            partial(first.delete, f"/organisations/{org.id}/members/{second.id}"),
            partial(other.delete, f"/organisations/{org.id}/members/{org.owner.id}")])
        # The second to get the lock is either no longer an owner (403) or would be
        # removing the last one (409); either way it changes nothing.
        statuses = sorted(r.status_code for r in responses)
        assert statuses in ([204, 403], [204, 409]), statuses
        members = ok(first.get(f"/organisations/{org.id}"))["members"]
        assert [m["role"] for m in members] == ["owner"]
