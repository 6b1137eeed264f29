from tests.factories import ok


def test_officer_posts_a_challenge_as_a_draft_with_default_settings(council):
    body = ok(council.owner.post("/challenges", json={
        "council_id": council.id, "title": "Residents' say in budget cuts",
        "summary": "Where should savings fall?", "tags": ["Budget", "budget", "consultation"],
        "deadline": "2027-01-31T12:00:00+01:00"}), 201)
    assert body["status"] == "draft"
    assert body["tags"] == ["budget", "consultation"]
    assert body["deadline"] == "2027-01-31T11:00:00Z"
    assert (body["shortlist_size"], body["min_ratings"], body["prior_weight"], body["method"],
            body["panel_weight"]) == (5, 3, 5.0, "bayesian", 0.0)
    assert body["council"]["id"] == council.id


def test_only_officers_of_a_verified_council_post_challenges(make, council, supplier_org,
                                                             citizen):
    pending = make.council(verified=False)
    attempts = [(citizen, council.id), (supplier_org.owner, council.id),
                (supplier_org.owner, supplier_org.id), (pending.owner, pending.id),
                (make.council().owner, council.id)]
    for person, council_id in attempts:
        response = person.post("/challenges", json={"council_id": council_id, "title": "T"})
        assert response.status_code == 403, (person, council_id)
    assert council.owner.post("/challenges", json={"council_id": 999999,
                                                   "title": "T"}).status_code == 404
    assert ok(council.owner.get("/challenges"))["items"] == []


def test_drafts_are_seen_only_by_their_councils_members(make, council, citizen):
    draft = make.challenge(council, "draft")
    colleague = make.member(council, "colleague")
    other_officer = make.council().owner
    for person in (council.owner, colleague):
        assert person.get(f"/challenges/{draft['id']}").status_code == 200
        assert [c["id"] for c in ok(person.get("/challenges"))["items"]] == [draft["id"]]
    for person in (citizen, other_officer, make.anonymous()):
        response = person.get(f"/challenges/{draft['id']}")
        assert response.status_code == 404
        assert ok(person.get("/challenges"))["items"] == []
        assert ok(person.get("/challenges?status=draft"))["items"] == []
        assert person.get(f"/challenges/{draft['id']}/stats").status_code == 404
        assert person.get(f"/challenges/{draft['id']}/ranking").status_code == 404
        assert person.get(f"/challenges/{draft['id']}/pitches").status_code == 404


def test_officer_edits_challenge_and_settings(make, council):
    challenge = make.challenge(council, "open")
    edited = ok(council.owner.patch(f"/challenges/{challenge['id']}", json={
        "title": "Rethinking meals on wheels", "tags": ["care"], "method": "wilson",
        "panel_weight": 0.5, "min_ratings": 0, "deadline": None}))
    assert (edited["title"], edited["tags"], edited["method"], edited["panel_weight"],
            edited["min_ratings"], edited["deadline"]) == (
        "Rethinking meals on wheels", ["care"], "wilson", 0.5, 0, None)


def test_nobody_but_the_councils_officers_edits_and_nothing_changes(make, council, citizen,
                                                                    supplier):
    challenge = make.challenge(council, "open")
    other_officer = make.council().owner
    for person in (citizen, supplier, other_officer):
        response = person.patch(f"/challenges/{challenge['id']}", json={"title": "Hijacked"})
        assert response.status_code == 403
    assert make.anonymous().patch(f"/challenges/{challenge['id']}",
                                  json={"title": "Hijacked"}).status_code == 401
    assert ok(citizen.get(f"/challenges/{challenge['id']}"))["title"] == challenge["title"]


def test_shortlisted_or_closed_challenges_are_not_edited(make, council):
    closed = make.challenge(council, "closed")
    response = council.owner.patch(f"/challenges/{closed['id']}", json={"title": "Late"})
    assert response.status_code == 409
    assert ok(council.owner.get(f"/challenges/{closed['id']}"))["title"] == closed["title"]


def test_bad_challenge_bodies_are_422_and_change_nothing(make, council):
    challenge = make.challenge(council, "open")
    bad_patches = [
        {"status": "closed"}, {"title": ""}, {"title": None}, {"title": "x" * 201},
        {"shortlist_size": 0}, {"shortlist_size": "5"}, {"shortlist_size": 2.5},
        {"shortlist_size": True}, {"panel_weight": 1.5}, {"panel_weight": "0.5"},
        {"method": "popularity"}, {"min_ratings": -1}, {"prior_weight": -1},
        {"tags": "budget"}, {"tags": ["not a tag!"]}, {"tags": ["x"] * 11},
        {"deadline": "tomorrow"}, {"deadline": "0001-01-01T00:00:00Z"}, {"unknown": 1},
        {"shortlist_size": 10**20},
    ]
    for body in bad_patches:
        response = council.owner.patch(f"/challenges/{challenge['id']}", json=body)
        assert response.status_code == 422, body
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["errors"], body
    after = ok(council.owner.get(f"/challenges/{challenge['id']}"))
    assert {k: after[k] for k in challenge if k not in ("view_count",)} == {
        k: challenge[k] for k in challenge if k not in ("view_count",)}


def test_malformed_and_non_object_json_bodies_are_4xx(council):
    for raw in ("{bad json", "[1, 2]", '"text"', "null", ""):
        response = council.owner.post("/challenges", data=raw,
                                      content_type="application/json")
        assert 400 <= response.status_code < 500, raw
        assert response.mimetype == "application/problem+json"
    assert ok(council.owner.get("/challenges"))["items"] == []


def test_only_drafts_are_deleted(make, council, citizen):
    draft = make.challenge(council, "draft")
    opened = make.challenge(council, "open")
    assert citizen.delete(f"/challenges/{draft['id']}").status_code == 404
    assert make.council().owner.delete(f"/challenges/{opened['id']}").status_code == 403
    assert council.owner.delete(f"/challenges/{opened['id']}").status_code == 409
    assert council.owner.get(f"/challenges/{opened['id']}").status_code == 200
    assert council.owner.delete(f"/challenges/{draft['id']}").status_code == 204
    assert council.owner.get(f"/challenges/{draft['id']}").status_code == 404


def test_unknown_ids_are_404_even_when_huge(anon):
    for path in ("/challenges/0", "/challenges/2147483647", "/challenges/99999999999999999999",
                 "/pitches/99999999999999", "/challenges/-1", "/challenges/abc"):
        response = anon.get(path)
        assert response.status_code == 404, path
        assert response.mimetype == "application/problem+json"
