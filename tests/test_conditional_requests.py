"""ETag / If-None-Match on reads, If-Match on writes that replace a resource."""
from tests.factories import ok


def test_unchanged_resource_answers_304_and_changed_one_200(make, council, citizen):
    challenge = make.challenge(council, "open")
    first = citizen.get(f"/challenges/{challenge['id']}")
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    again = citizen.get(f"/challenges/{challenge['id']}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    ok(council.owner.patch(f"/challenges/{challenge['id']}", json={"title": "New"}))
    fresh = citizen.get(f"/challenges/{challenge['id']}", headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != etag


def test_ranking_etag_changes_when_a_rating_arrives(make, council, supplier_org, citizen):
    challenge = make.challenge(council, "open")
    pitch = make.pitch(challenge["id"], supplier_org)
    etag = citizen.get(f"/challenges/{challenge['id']}/ranking").headers["ETag"]
    assert citizen.get(f"/challenges/{challenge['id']}/ranking",
                       headers={"If-None-Match": etag}).status_code == 304
    ok(citizen.put(f"/pitches/{pitch['id']}/rating", json={"stars": 5}))
    assert citizen.get(f"/challenges/{challenge['id']}/ranking",
                       headers={"If-None-Match": etag}).status_code == 200


def test_pitch_etag_ignores_its_own_view_count(make, council, supplier_org, anon):
    challenge = make.challenge(council, "open")
    pitch = make.pitch(challenge["id"], supplier_org)
    etag = anon.get(f"/pitches/{pitch['id']}").headers["ETag"]
    assert anon.get(f"/pitches/{pitch['id']}", headers={"If-None-Match": etag}).status_code == 304


def test_two_officers_cannot_overwrite_each_other_silently(make, council):
    challenge = make.challenge(council, "open")
    colleague = make.member(council, "colleague")
    etag = council.owner.get(f"/challenges/{challenge['id']}").headers["ETag"]
    ok(colleague.patch(f"/challenges/{challenge['id']}", json={"title": "Colleague's"},
                       headers={"If-Match": etag}))
    stale = council.owner.patch(f"/challenges/{challenge['id']}", json={"title": "Mine"},
                                headers={"If-Match": etag})
    assert stale.status_code == 412
    assert stale.mimetype == "application/problem+json"
    assert ok(council.owner.get(f"/challenges/{challenge['id']}"))["title"] == "Colleague's"
    current = council.owner.get(f"/challenges/{challenge['id']}").headers["ETag"]
    ok(council.owner.patch(f"/challenges/{challenge['id']}", json={"title": "Mine"},
                           headers={"If-Match": current}))


def test_a_rating_between_read_and_write_does_not_block_the_edit(make, council, supplier_org,
                                                                 citizen):
    challenge = make.challenge(council, "open")
    pitch = make.pitch(challenge["id"], supplier_org)
    etag = supplier_org.owner.get(f"/pitches/{pitch['id']}").headers["ETag"]
    ok(citizen.put(f"/pitches/{pitch['id']}/rating", json={"stars": 3}))
    ok(supplier_org.owner.patch(f"/pitches/{pitch['id']}", json={"title": "Still mine"},
                                headers={"If-Match": etag}))
    stale = supplier_org.owner.patch(f"/pitches/{pitch['id']}", json={"title": "Again"},
                                     headers={"If-Match": etag})
    assert stale.status_code == 412
    assert ok(citizen.get(f"/pitches/{pitch['id']}"))["title"] == "Still mine"


def test_stale_if_match_on_delete_keeps_the_draft(make, council):
    draft = make.challenge(council, "draft")
    assert council.owner.delete(f"/challenges/{draft['id']}",
                                headers={"If-Match": 'W/"stale-stale"'}).status_code == 412
    assert council.owner.get(f"/challenges/{draft['id']}").status_code == 200


def test_an_edit_answers_the_new_tag_so_the_next_edit_needs_no_read(make, council,
                                                                     supplier_org):
    challenge = make.challenge(council, "open")
    pitch = make.pitch(challenge["id"], supplier_org)
    for person, path, field in ((council.owner, f"/challenges/{challenge['id']}", "title"),
                                (supplier_org.owner, f"/pitches/{pitch['id']}", "title")):
        read = person.get(path).headers["ETag"]
        first = person.patch(path, json={field: "First edit"}, headers={"If-Match": read})
        assert first.status_code == 200
        tag = first.headers["ETag"]
        assert tag != read
        # The tag a read would give now, and the one the next edit must send.
        assert person.get(path).headers["ETag"] == tag
        second = person.patch(path, json={field: "Second edit"}, headers={"If-Match": tag})
        assert second.status_code == 200, second.get_json()
        assert person.patch(path, json={field: "Late"},
                            headers={"If-Match": read}).status_code == 412
        assert ok(person.get(path))[field] == "Second edit"


def test_an_edited_comment_carries_its_tag(make, council, supplier_org, citizen):
    challenge = make.challenge(council, "open")
    pitch = make.pitch(challenge["id"], supplier_org)
    comment = ok(citizen.post(f"/pitches/{pitch['id']}/comments", json={"body": "First"}), 201)
    edited = citizen.patch(f"/comments/{comment['id']}", json={"body": "Better"})
    assert edited.status_code == 200 and edited.headers["ETag"].startswith('W/"')
    refused = citizen.patch(f"/comments/{comment['id']}", json={"body": ""})
    assert refused.status_code == 422 and "ETag" not in refused.headers
