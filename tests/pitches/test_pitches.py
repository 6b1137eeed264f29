import pytest

from exchange import views
from tests.factories import ok


def test_supplier_pitches_to_an_open_challenge(challenge, supplier_org):
    pitch = ok(supplier_org.owner.post(f"/challenges/{challenge['id']}/pitches", json={
        "supplier_id": supplier_org.id, "title": "Budget simulator", "summary": "Try cuts",
        "pricing": "freemium", "price_note": "Free for 3 months",
        "video_url": "https://video.example/pitch", "tags": ["budget"]}), 201)
    assert pitch["status"] == "submitted" and pitch["shortlisted"] is False
    assert pitch["supplier"]["id"] == supplier_org.id
    assert pitch["tally"]["public"] == {"count": 0, "sum": 0, "mean": None, "histogram": {
        "1": 0, "2": 0, "3": 0, "4": 0, "5": 0}}


def test_who_may_not_pitch(make, council, challenge, supplier_org, citizen):
    other_supplier = make.supplier()
    attempts = [
        (citizen, supplier_org.id, 403),                 # not a member
        (other_supplier.owner, supplier_org.id, 403),    # member of another supplier
        (council.owner, council.id, 422),                # a council is not a supplier
    ]
    for person, supplier_id, status in attempts:
        response = person.post(f"/challenges/{challenge['id']}/pitches", json={
            "supplier_id": supplier_id, "title": "T", "summary": "S", "pricing": "free"})
        assert response.status_code == status, (person, status)
    assert ok(citizen.get(f"/challenges/{challenge['id']}/pitches"))["items"] == []
    assert ok(citizen.get(f"/challenges/{challenge['id']}"))["pitch_count"] == 0


@pytest.mark.parametrize("state", ["voting", "closed"])
def test_pitches_are_accepted_only_while_open(make, council, supplier_org, state):
    challenge = make.challenge(council, state)
    response = supplier_org.owner.post(f"/challenges/{challenge['id']}/pitches", json={
        "supplier_id": supplier_org.id, "title": "T", "summary": "S", "pricing": "free"})
    assert response.status_code == 409
    assert ok(council.owner.get(f"/challenges/{challenge['id']}/pitches"))["items"] == []


def test_drafts_cannot_be_pitched_to_by_outsiders(make, council, supplier_org):
    draft = make.challenge(council, "draft")
    response = supplier_org.owner.post(f"/challenges/{draft['id']}/pitches", json={
        "supplier_id": supplier_org.id, "title": "T", "summary": "S", "pricing": "free"})
    assert response.status_code == 404


def test_reading_a_pitch_counts_a_view_of_the_pitch_alone(app, make, challenge,
                                                          supplier_org, anon):
    pitch = make.pitch(challenge["id"], supplier_org)
    ok(anon.get(f"/pitches/{pitch['id']}"))
    ok(anon.get(f"/pitches/{pitch['id']}"))
    views.flush(app)
    assert ok(anon.get(f"/pitches/{pitch['id']}"))["view_count"] == 2
    assert ok(anon.get(f"/challenges/{challenge['id']}/stats"))["views"] == 0


def test_supplier_members_edit_while_open(make, council, challenge, supplier_org):
    colleague = make.member(supplier_org)
    pitch = make.pitch(challenge["id"], supplier_org)
    edited = ok(colleague.patch(f"/pitches/{pitch['id']}", json={
        "title": "Better title", "pricing": "paid", "tags": ["care", "care"]}))
    assert (edited["title"], edited["pricing"], edited["tags"]) == ("Better title", "paid",
                                                                    ["care"])
    make.move(council, challenge["id"], "voting")
    late = colleague.patch(f"/pitches/{pitch['id']}", json={"title": "Too late"})
    assert late.status_code == 409
    assert ok(colleague.get(f"/pitches/{pitch['id']}"))["title"] == "Better title"


def test_supplier_cannot_edit_or_withdraw_another_suppliers_pitch(make, challenge,
                                                                   supplier_org, citizen,
                                                                   officer):
    pitch = make.pitch(challenge["id"], supplier_org)
    rival = make.supplier().owner
    for person in (rival, citizen, officer):
        assert person.patch(f"/pitches/{pitch['id']}", json={"title": "X"}).status_code == 403
        assert person.post(f"/pitches/{pitch['id']}/withdraw").status_code == 403
    after = ok(citizen.get(f"/pitches/{pitch['id']}"))
    assert (after["title"], after["status"]) == (pitch["title"], "submitted")


def test_withdrawing_takes_the_pitch_out_of_counts_and_cannot_happen_twice(
        make, challenge, supplier_org, citizen):
    pitch = make.pitch(challenge["id"], supplier_org)
    ok(citizen.put(f"/pitches/{pitch['id']}/rating", json={"stars": 5}))
    withdrawn = ok(supplier_org.owner.post(f"/pitches/{pitch['id']}/withdraw"))
    assert withdrawn["status"] == "withdrawn" and withdrawn["withdrawn_at"]
    stats = ok(citizen.get(f"/challenges/{challenge['id']}/stats"))
    assert (stats["pitches"], stats["ratings"]) == (0, 0)
    assert supplier_org.owner.post(f"/pitches/{pitch['id']}/withdraw").status_code == 409
    assert supplier_org.owner.patch(f"/pitches/{pitch['id']}",
                                    json={"title": "Back"}).status_code == 409
    listed = ok(citizen.get(f"/challenges/{challenge['id']}/pitches"))["items"]
    assert listed == []
    withdrawn_list = ok(citizen.get(f"/challenges/{challenge['id']}/pitches?status=withdrawn"))
    assert [p["id"] for p in withdrawn_list["items"]] == [pitch["id"]]


def test_bad_pitch_bodies_are_422_and_create_nothing(challenge, supplier_org):
    base = {"supplier_id": supplier_org.id, "title": "T", "summary": "S", "pricing": "free"}
    bad = [
        {k: v for k, v in base.items() if k != "title"}, base | {"pricing": "cheap"},
        base | {"supplier_id": "1"}, base | {"supplier_id": None}, base | {"title": "x" * 201},
        base | {"video_url": "ftp://x.example/v"}, base | {"video_url": "not a url"},
        base | {"tags": [1]}, base | {"shortlisted": True}, base | {"summary": ""},
        base | {"supplier_id": 2**40},
    ]
    for body in bad:
        response = supplier_org.owner.post(f"/challenges/{challenge['id']}/pitches", json=body)
        assert response.status_code == 422, body
        assert response.get_json()["errors"], body
    assert ok(supplier_org.owner.get(f"/challenges/{challenge['id']}/pitches"))["items"] == []


def test_pitch_list_sorts_and_pages(make, challenge, supplier_org, anon):
    pitches = [make.pitch(challenge["id"], supplier_org)["id"] for _ in range(5)]
    raters = [make.user("rater") for _ in range(3)]
    for n, rater in enumerate(raters):
        ok(rater.put(f"/pitches/{pitches[1]}/rating", json={"stars": 5}))
        if n < 2:
            ok(rater.put(f"/pitches/{pitches[3]}/rating", json={"stars": 2}))
    new = [p["id"] for p in ok(anon.get(f"/challenges/{challenge['id']}/pitches"))["items"]]
    assert new == list(reversed(pitches))
    rated = ok(anon.get(f"/challenges/{challenge['id']}/pitches?sort=most_rated"))["items"]
    assert [p["id"] for p in rated][:2] == [pitches[1], pitches[3]]
    assert rated[0]["tally"]["public"]["count"] == 3
    for sort in ("new", "most_rated", "score"):
        seen, cursor = [], None
        while True:
            page = ok(anon.get(f"/challenges/{challenge['id']}/pitches?sort={sort}&limit=2" +
                               (f"&cursor={cursor}" if cursor else "")))
            seen += [p["id"] for p in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert sorted(seen) == sorted(pitches), sort
    scored = ok(anon.get(f"/challenges/{challenge['id']}/pitches?sort=score"))["items"]
    assert scored[0]["id"] == pitches[1] and scored[-1]["id"] == pitches[3]
