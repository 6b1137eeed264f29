"""Anyone signed in flags other people's comments, once each."""
import pytest

from tests.discussion.state import delete_comment, post_comment, problem, seen
from tests.factories import ok


def flag_count(officer, pitch, comment) -> int:
    return seen(officer, pitch, comment["id"])["flag_count"]


def test_citizen_flags_a_comment(make, officer, comment, pitch):
    flagger = make.user("flagger")
    flag = ok(flagger.post(f"/comments/{comment['id']}/flags",
                           json={"reason": "  Personal attack  "}), 201)
    assert flag["comment_id"] == comment["id"] and flag["reason"] == "Personal attack"
    assert isinstance(flag["id"], int) and flag["created_at"].endswith("Z")
    assert flag_count(officer, pitch, comment) == 1
    assert seen(officer, pitch, comment["id"])["status"] == "visible"


def test_flagging_twice_conflicts_and_counts_once(make, officer, comment, pitch):
    flagger = make.user("flagger")
    ok(flagger.post(f"/comments/{comment['id']}/flags", json={"reason": "Spam"}), 201)
    problem(flagger.post(f"/comments/{comment['id']}/flags", json={"reason": "Spam again"}),
            409)
    assert flag_count(officer, pitch, comment) == 1
    ok(make.user("second").post(f"/comments/{comment['id']}/flags", json={"reason": "Spam"}),
       201)
    assert flag_count(officer, pitch, comment) == 2


def test_author_cannot_flag_their_own_comment(citizen, officer, comment, pitch):
    problem(citizen.post(f"/comments/{comment['id']}/flags", json={"reason": "Oops"}), 403)
    assert flag_count(officer, pitch, comment) == 0


def test_signed_out_visitor_cannot_flag(anon, officer, comment, pitch):
    problem(anon.post(f"/comments/{comment['id']}/flags", json={"reason": "Spam"}), 401)
    assert flag_count(officer, pitch, comment) == 0


def test_flagging_an_unknown_comment_is_not_found(citizen):
    problem(citizen.post("/comments/999999/flags", json={"reason": "Spam"}), 404)


def test_a_deleted_comment_cannot_be_flagged(citizen, make, officer, comment, pitch):
    post_comment(make.user("neighbour"), pitch, "Reply", parent=comment)
    delete_comment(citizen, comment)
    problem(make.user("flagger").post(f"/comments/{comment['id']}/flags",
                                      json={"reason": "Spam"}), 409)
    assert flag_count(officer, pitch, comment) == 0


@pytest.mark.parametrize("payload, field", [
    ({}, "reason"), ({"reason": ""}, "reason"), ({"reason": "   "}, "reason"),
    ({"reason": "x" * 501}, "reason"), ({"reason": 3}, "reason"),
    ({"reason": "Spam", "severity": "high"}, "severity"),
])
def test_bad_flags_are_refused_and_change_nothing(make, officer, comment, pitch, payload,
                                                  field):
    response = make.user("flagger").post(f"/comments/{comment['id']}/flags", json=payload)
    assert field in problem(response, 422)["errors"]
    assert flag_count(officer, pitch, comment) == 0


def test_a_reason_of_500_characters_is_accepted(make, comment):
    flag = ok(make.user("flagger").post(f"/comments/{comment['id']}/flags",
                                        json={"reason": "x" * 500}), 201)
    assert len(flag["reason"]) == 500
