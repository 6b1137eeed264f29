"""Who reads the audit trail and the life events, what they see, and page by page."""
import json

import pytest

from tests.audit.trail import count, every_page
from tests.discussion.state import post_comment, problem
from tests.factories import ok
from tests.who_may_world import snapshot


def test_the_council_reads_its_challenges_whole_trail_newest_first(make, council, officer,
                                                                  citizen, pitch):
    comment = post_comment(citizen, pitch, "Spam")
    ok(officer.post(f"/comments/{comment['id']}/moderation", json={"action": "hide"}))
    trail = every_page(officer, f"/challenges/{pitch['challenge_id']}/audit")
    assert [(e["action"], e["subject_type"]) for e in trail] == [
        ("comment.hidden", "comment"), ("pitch.submitted", "pitch"),
        ("challenge.status_changed", "challenge"), ("challenge.created", "challenge")]
    assert trail[0]["actor"]["id"] == officer.id
    assert trail[0]["actor"]["display_name"].startswith("Officer ")
    assert trail[0]["challenge_id"] == pitch["challenge_id"]
    assert trail[0]["detail"] == {
        "pitch_id": pitch["id"], "changes": {"status": {"before": "visible", "after": "hidden"}}}


@pytest.mark.parametrize("who", ["citizen", "supplier", "other_officer"])
def test_only_the_council_and_admins_read_a_challenges_trail(make, app, who, challenge,
                                                             citizen, supplier):
    reader = {"citizen": citizen, "supplier": supplier,
              "other_officer": make.council().owner}[who]
    before = snapshot(app)
    problem(reader.get(f"/challenges/{challenge['id']}/audit"), 403)
    assert snapshot(app) == before


def test_an_admin_reads_any_challenges_trail(admin, challenge):
    trail = every_page(admin, f"/challenges/{challenge['id']}/audit")
    assert [e["action"] for e in trail] == ["challenge.status_changed", "challenge.created"]


def test_a_draft_trail_is_unseen_by_anyone_outside_its_council(make, council, citizen, admin):
    draft = make.challenge(council, "draft")
    problem(citizen.get(f"/challenges/{draft['id']}/audit"), 404)
    problem(admin.get(f"/challenges/{draft['id']}/audit"), 404)
    problem(make.anonymous().get(f"/challenges/{draft['id']}/audit"), 401)
    problem(citizen.get(f"/challenges/{draft['id']}/events"), 404)


def test_only_admins_read_the_whole_trail(app, officer, citizen, anon):
    before = snapshot(app)
    problem(officer.get("/audit"), 403)
    problem(citizen.get("/audit"), 403)
    problem(anon.get("/audit"), 401)
    assert snapshot(app) == before


def test_admins_filter_the_trail_by_subject_and_actor(make, admin, council, officer, app):
    first = make.challenge(council, "draft")
    second = make.challenge(council, "open")
    by_subject = every_page(admin, "/audit", subject_type="challenge", subject_id=second["id"])
    assert [e["action"] for e in by_subject] == ["challenge.status_changed", "challenge.created"]
    by_officer = every_page(admin, "/audit", actor_id=officer.id)
    assert {(e["subject_type"], e["subject_id"]) for e in by_officer} == {
        ("organisation", council.id), ("challenge", first["id"]), ("challenge", second["id"])}
    assert len(every_page(admin, "/audit")) == count(app)


def test_the_trail_pages_without_repeats_or_gaps_while_it_grows(make, council, officer, admin):
    challenge = make.challenge(council, "open")
    for n in range(4):
        ok(officer.patch(f"/challenges/{challenge['id']}", json={"title": f"Title {n}"}))
    path = f"/challenges/{challenge['id']}/audit"
    first = officer.get(path, query_string={"limit": 2})
    page = ok(first)
    assert len(page["items"]) == 2 and page["next_cursor"]
    assert 'rel="next"' in first.headers["Link"]
    # A change made between pages comes first in the next reading, not in this one.
    ok(officer.patch(f"/challenges/{challenge['id']}", json={"title": "Later"}))
    rest = []
    cursor = page["next_cursor"]
    while cursor:
        later = ok(officer.get(path, query_string={"limit": 2, "cursor": cursor}))
        rest += later["items"]
        cursor = later["next_cursor"]
    ids = [e["id"] for e in page["items"] + rest]
    assert ids == sorted(ids, reverse=True) and len(ids) == len(set(ids)) == 6
    assert problem(officer.get(path, query_string={"cursor": "not-ours"}), 422)


def test_the_public_sees_the_challenges_life_and_no_one_in_it(make, council, officer, citizen,
                                                             supplier_org, anon):
    challenge = make.challenge(council, "open", title="Before")
    ok(officer.patch(f"/challenges/{challenge['id']}",
                     json={"title": "Secretly renamed", "method": "wilson"}))
    make.pitch(challenge["id"], supplier_org)
    make.move(council, challenge["id"], "voting")
    make.move(council, challenge["id"], "closed")
    response = anon.get(f"/challenges/{challenge['id']}/events")
    page = ok(response)
    lambeth = {"id": council.id, "name": page["items"][0]["by"]["name"]}
    assert [(e["event"], e["by"], e["changes"]) for e in page["items"]] == [
        ("closed", lambeth, {"status": {"before": "voting", "after": "closed"}}),
        ("voting", lambeth, {"status": {"before": "open", "after": "voting"}}),
        ("settings_changed", lambeth, {"method": {"before": "bayesian", "after": "wilson"}}),
        ("opened", lambeth, {"status": {"before": "draft", "after": "open"}}),
    ]
    assert set(page["items"][0]) == {"id", "event", "created_at", "by", "changes"}
    text = json.dumps(page)
    for private in ("Secretly renamed", "Before", officer.email, "Officer "):
        assert private not in text
    assert "actor" not in text and "display_name" not in text
    assert ok(citizen.get(f"/challenges/{challenge['id']}/events")) == page
