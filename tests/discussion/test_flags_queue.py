"""The moderators' queue: a challenge's flagged comments, with their reasons and counts."""
import pytest

from tests.discussion.state import delete_comment, post_comment, problem
from tests.factories import ok
from tests.who_may_world import snapshot


def flag(client, comment, reason):
    return ok(client.post(f"/comments/{comment['id']}/flags", json={"reason": reason}), 201)


def queue(client, challenge_id, **query):
    return ok(client.get(f"/challenges/{challenge_id}/flags", query_string=query))


@pytest.fixture
def flaggers(make):
    return [make.user(f"flagger{n}") for n in range(3)]


def test_officers_see_flagged_comments_with_reasons_counted(officer, citizen, pitch, flaggers):
    quiet = post_comment(citizen, pitch, "A fair question")
    rude = post_comment(citizen, pitch, "Something rude")
    for person in flaggers[:2]:
        flag(person, rude, "Insulting")
    flag(flaggers[2], rude, "Off topic")
    page = queue(officer, pitch["challenge_id"])
    assert page["next_cursor"] is None
    [item] = page["items"]
    assert item["comment"]["id"] == rude["id"] and quiet["id"] != rude["id"]
    assert item["comment"]["body"] == "Something rude"
    assert item["flag_count"] == 3 and item["comment"]["flag_count"] == 3
    assert item["reasons"] == [{"reason": "Insulting", "count": 2},
                               {"reason": "Off topic", "count": 1}]
    assert item["last_flagged_at"].endswith("Z")
    assert "user_id" not in str(item["reasons"])


def test_hidden_comments_stay_in_the_queue_with_their_text(officer, citizen, pitch, flaggers):
    rude = post_comment(citizen, pitch, "Something rude")
    flag(flaggers[0], rude, "Insulting")
    ok(officer.post(f"/comments/{rude['id']}/moderation", json={"action": "hide"}))
    [item] = queue(officer, pitch["challenge_id"])["items"]
    assert (item["comment"]["status"], item["comment"]["body"]) == ("hidden", "Something rude")
    assert queue(officer, pitch["challenge_id"], status="visible")["items"] == []
    assert len(queue(officer, pitch["challenge_id"], status="hidden")["items"]) == 1


def test_deleted_comments_leave_the_queue(officer, citizen, pitch, flaggers):
    rude = post_comment(citizen, pitch, "Something rude")
    flag(flaggers[0], rude, "Insulting")
    delete_comment(citizen, rude)
    assert queue(officer, pitch["challenge_id"])["items"] == []


def test_only_this_challenges_comments_are_queued(make, council, officer, citizen, pitch,
                                                  supplier_org, flaggers):
    other = make.pitch(make.challenge(council, "open")["id"], supplier_org)
    flag(flaggers[0], post_comment(citizen, other, "Elsewhere"), "Spam")
    assert queue(officer, pitch["challenge_id"])["items"] == []
    assert len(queue(officer, other["challenge_id"])["items"]) == 1


def test_admins_see_the_queue(admin, citizen, pitch, flaggers):
    flag(flaggers[0], post_comment(citizen, pitch, "Spam"), "Spam")
    assert len(queue(admin, pitch["challenge_id"])["items"]) == 1


@pytest.mark.parametrize("who", ["citizen", "supplier", "other_officer", "flagger"])
def test_others_may_not_see_the_queue_and_asking_changes_nothing(make, app, who, citizen,
                                                                supplier, pitch, flaggers):
    flag(flaggers[0], post_comment(citizen, pitch, "Spam"), "Spam")
    reader = {"citizen": citizen, "supplier": supplier, "flagger": flaggers[0],
              "other_officer": make.council().owner}[who]
    before = snapshot(app)
    problem(reader.get(f"/challenges/{pitch['challenge_id']}/flags"), 403)
    assert snapshot(app) == before


def test_signed_out_is_401_and_a_draft_is_unseen(make, council, anon, citizen, pitch):
    problem(anon.get(f"/challenges/{pitch['challenge_id']}/flags"), 401)
    draft = make.challenge(council, "draft")
    problem(citizen.get(f"/challenges/{draft['id']}/flags"), 404)
    problem(citizen.get("/challenges/999999/flags"), 404)


def test_the_queue_pages_oldest_first_without_repeats(officer, citizen, pitch, flaggers):
    comments = [post_comment(citizen, pitch, f"Comment {n}") for n in range(5)]
    for comment in comments:
        flag(flaggers[0], comment, "Spam")
    path = f"/challenges/{pitch['challenge_id']}/flags"
    first = officer.get(path, query_string={"limit": 2})
    assert 'rel="next"' in first.headers["Link"]
    seen, page = [], ok(first)
    while True:
        seen += [item["comment"]["id"] for item in page["items"]]
        if page["next_cursor"] is None:
            break
        page = ok(officer.get(path, query_string={"limit": 2, "cursor": page["next_cursor"]}))
    assert seen == [c["id"] for c in comments]
