"""Two owners removing each other at once leave one owner (PostgreSQL: real row locks)."""
from functools import partial

import pytest

from tests.conftest import DATABASE_URL
from tests.factories import Client, ok
from tests.parallel import in_parallel

pytestmark = pytest.mark.skipif(not DATABASE_URL.startswith("postgresql"),
                                reason="needs PostgreSQL's concurrent sessions")






def test_two_owners_removing_each_other_at_once_always_leave_one_owner(make, wide_app):
    for _ in range(20):
        org = make.supplier()
        second = make.member(org, "co-owner", role="owner")
        first = Client(wide_app, org.owner.token)
        other = Client(wide_app, second.token)
        responses = in_parallel([
            partial(first.delete, f"/organisations/{org.id}/members/{second.id}"),
            partial(other.delete, f"/organisations/{org.id}/members/{org.owner.id}")])
        # The second to get the lock is either no longer an owner (403) or would be
        # removing the last one (409); either way it changes nothing.
        statuses = sorted(r.status_code for r in responses)
        assert statuses in ([204, 403], [204, 409]), statuses
        members = ok(first.get(f"/organisations/{org.id}"))["members"]
        assert [m["role"] for m in members] == ["owner"]
