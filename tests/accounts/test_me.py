"""GET /auth/me shows, beside the account and its memberships, the panels the person sits on
and the invitations awaiting their answer."""
from tests.contract import statements_of_get
from tests.factories import ok


def _council_summary(client, council) -> dict:
    organisation = ok(client.get(f"/organisations/{council.id}"))
    return {"id": organisation["id"], "name": organisation["name"]}


def test_an_invited_expert_with_a_pending_invitation_sees_both(make, council, challenge):
    expert = make.user("expert")
    ok(council.owner.post(f"/challenges/{challenge['id']}/panel",
                          json={"user_id": expert.id}), 201)
    supplier = make.supplier()
    ok(supplier.owner.post(f"/organisations/{supplier.id}/members",
                           json={"email": expert.email, "role": "member"}), 202)
    me = ok(expert.get("/auth/me"))
    assert me["panels"] == [{"challenge_id": challenge["id"], "title": challenge["title"],
                             "status": "open", "council": _council_summary(expert, council)}]
    pending = ok(expert.get("/auth/me/invitations?status=pending"))["items"]
    assert len(pending) == 1
    assert me["invitations"] == pending
    assert me["memberships"] == []


def test_an_officer_sits_on_every_panel_of_their_council(make, council, officer):
    opened = make.challenge(council, "open")
    draft = make.challenge(council, "draft")
    elsewhere = make.challenge(make.council(), "open")
    me = ok(officer.get("/auth/me"))
    assert [(seat["challenge_id"], seat["status"]) for seat in me["panels"]] == [
        (opened["id"], "open"), (draft["id"], "draft")]
    assert elsewhere["id"] not in [seat["challenge_id"] for seat in me["panels"]]


def test_someone_with_neither_sees_empty_lists(citizen):
    me = ok(citizen.get("/auth/me"))
    assert (me["panels"], me["invitations"]) == ([], [])
    assert me["id"] == citizen.id


def test_answered_invitations_are_not_listed(make, council):
    person = make.user("person")
    for _ in range(2):
        ok(council.owner.post(f"/organisations/{council.id}/members",
                              json={"email": person.email, "role": "member"}), 202)
    # The second invitation withdrew the first; declining it leaves none pending.
    pending = ok(person.get("/auth/me"))["invitations"]
    assert [invitation["status"] for invitation in pending] == ["pending"]
    ok(person.post(f"/auth/me/invitations/{pending[0]['id']}/decline"))
    assert ok(person.get("/auth/me"))["invitations"] == []


def test_an_unverified_councils_members_sit_on_no_panel(make):
    pending_council = make.council(verified=False)
    assert ok(pending_council.owner.get("/auth/me"))["panels"] == []


def test_signed_out_visitors_have_no_me(anon):
    response = anon.get("/auth/me")
    assert response.status_code == 401


def test_me_reads_in_a_fixed_number_of_statements(app, make, council, officer):
    few, _ = statements_of_get(app, officer, "/auth/me")
    for _ in range(3):
        make.challenge(council, "open")
    for _ in range(3):
        supplier = make.supplier()
        ok(supplier.owner.post(f"/organisations/{supplier.id}/members",
                               json={"email": officer.email, "role": "member"}), 202)
    many, me = statements_of_get(app, officer, "/auth/me")
    assert (len(me["panels"]), len(me["invitations"])) == (3, 3)
    assert many == few, many
