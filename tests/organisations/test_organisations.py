from tests.contract import statements_of_get
from tests.factories import ok


def test_council_is_pending_until_an_admin_verifies_it(make, admin):
    owner = make.user("officer")
    council = ok(owner.post("/organisations", json={"name": "Lambeth", "kind": "council"}), 201)
    assert council["status"] == "pending"
    assert council["members"][0]["user_id"] == owner.id
    assert council["members"][0]["role"] == "owner"
    verified = ok(admin.post(f"/organisations/{council['id']}/verify"))
    assert verified["status"] == "verified" and verified["verified_at"]


def test_supplier_is_active_at_once(make):
    owner = make.user("supplier")
    supplier = ok(owner.post("/organisations", json={"name": "Yoosk", "kind": "supplier"}), 201)
    assert supplier["status"] == "active"


def test_only_admins_verify_councils(make, citizen):
    council = make.council(verified=False)
    for person in (citizen, council.owner):
        response = person.post(f"/organisations/{council.id}/verify")
        assert response.status_code == 403
    assert ok(citizen.get(f"/organisations/{council.id}"))["status"] == "pending"


def test_verifying_a_supplier_or_a_verified_council_is_a_conflict(admin, council, supplier_org):
    assert admin.post(f"/organisations/{supplier_org.id}/verify").status_code == 409
    assert admin.post(f"/organisations/{council.id}/verify").status_code == 409
    assert admin.post("/organisations/999999/verify").status_code == 404


def test_owner_invites_the_person_accepts_and_the_owner_removes_them(make, supplier_org):
    person = make.user("newbie")
    invitation = ok(supplier_org.owner.post(f"/organisations/{supplier_org.id}/members",
                                            json={"email": person.email.upper()}), 202)
    assert ok(person.get("/auth/me"))["memberships"] == []
    ok(person.post(f"/auth/me/invitations/{invitation['id']}/accept"))
    memberships = ok(person.get("/auth/me"))["memberships"]
    assert [(m["organisation_id"], m["role"]) for m in memberships] == [
        (supplier_org.id, "member")]
    assert supplier_org.owner.delete(
        f"/organisations/{supplier_org.id}/members/{person.id}").status_code == 204
    assert ok(person.get("/auth/me"))["memberships"] == []


def test_plain_members_and_outsiders_cannot_add_or_remove_members(make, supplier_org):
    plain = make.member(supplier_org)
    outsider = make.user("outsider")
    target = make.user("target")
    for person in (plain, outsider):
        response = person.post(f"/organisations/{supplier_org.id}/members",
                               json={"email": target.email})
        assert response.status_code == 403
        assert ok(target.get("/auth/me/invitations"))["items"] == []
        response = person.delete(f"/organisations/{supplier_org.id}/members/"
                                 f"{supplier_org.owner.id}")
        assert response.status_code == 403
    members = ok(outsider.get(f"/organisations/{supplier_org.id}"))["members"]
    assert sorted(m["user_id"] for m in members) == sorted([supplier_org.owner.id, plain.id])


def test_member_may_leave_but_the_last_owner_may_not(make, supplier_org):
    plain = make.member(supplier_org)
    assert plain.delete(f"/organisations/{supplier_org.id}/members/{plain.id}").status_code == 204
    owner = supplier_org.owner
    response = owner.delete(f"/organisations/{supplier_org.id}/members/{owner.id}")
    assert response.status_code == 409
    assert len(ok(owner.get(f"/organisations/{supplier_org.id}"))["members"]) == 1


def test_bad_organisation_bodies_are_422_and_create_nothing(citizen):
    bad_bodies = [
        {}, {"name": "X"}, {"name": "X", "kind": "charity"}, {"name": "", "kind": "council"},
        {"name": "   ", "kind": "council"}, {"name": "X" * 121, "kind": "council"},
        {"name": 5, "kind": "council"}, {"name": "X", "kind": "council", "owner": 1},
        {"name": "X", "kind": "supplier", "website": "javascript:alert(1)"},
    ]
    for body in bad_bodies:
        response = citizen.post("/organisations", json=body)
        assert response.status_code == 422, body
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["errors"], body
    assert ok(citizen.get("/organisations"))["items"] == []


def test_list_filters_by_kind_and_status(make, council, supplier_org):
    pending = make.council(verified=False)
    anon = make.anonymous()
    councils = ok(anon.get("/organisations?kind=council"))["items"]
    assert {o["id"] for o in councils} == {council.id, pending.id}
    pending_only = ok(anon.get("/organisations?status=pending"))["items"]
    assert [o["id"] for o in pending_only] == [pending.id]


def test_an_organisation_with_more_members_is_read_in_as_many_queries(app, make, anon):
    small, large = make.supplier(), make.supplier()
    members = [make.member(large, f"member{i}") for i in range(6)]
    few, small_body = statements_of_get(app, anon, f"/organisations/{small.id}")
    many, large_body = statements_of_get(app, anon, f"/organisations/{large.id}")
    assert (len(small_body["members"]), len(large_body["members"])) == (1, 7)
    assert few == many
    assert {m["user_id"] for m in large_body["members"]} == {
        large.owner.id, *(member.id for member in members)}
