"""Comment authors carry whom they speak for, as of now, and comments whether the caller
flagged them; a page of comments reads both in a fixed number of statements."""
from tests.contract import statements_of_get
from tests.discussion.state import post_comment, seen
from tests.factories import ok


def _roles(client, pitch, comment) -> list[str]:
    return seen(client, pitch, comment["id"])["author"]["roles"]


def _join(org, person) -> None:
    """`person` accepts the organisation owner's invitation, as members join."""
    invitation = ok(org.owner.post(f"/organisations/{org.id}/members",
                                   json={"email": person.email, "role": "member"}), 202)
    ok(person.post(f"/auth/me/invitations/{invitation['id']}/accept"))


def _invite_to_panel(council, challenge, person) -> None:
    ok(council.owner.post(f"/challenges/{challenge['id']}/panel",
                          json={"user_id": person.id}), 201)


def test_an_officer_of_the_owning_council_speaks_as_officer_and_panel(officer, anon, pitch):
    posted = post_comment(officer, pitch, "We will read every pitch")
    assert posted["author"]["roles"] == ["officer", "panel"]
    assert _roles(anon, pitch, posted) == ["officer", "panel"]


def test_a_member_of_the_pitchs_supplier_speaks_as_supplier(make, supplier_org, anon, pitch):
    colleague = make.member(supplier_org, "colleague")
    posted = post_comment(colleague, pitch, "Happy to demo it")
    assert posted["author"]["roles"] == ["supplier"]
    assert _roles(anon, pitch, posted) == ["supplier"]


def test_another_supplier_on_the_same_challenge_is_not_this_pitchs_supplier(
        make, challenge, anon, pitch):
    rival = make.supplier()
    make.pitch(challenge["id"], rival)
    assert post_comment(rival.owner, pitch, "Ours is cheaper")["author"]["roles"] == []


def test_an_invited_expert_speaks_as_panel(make, council, challenge, anon, pitch):
    expert = make.user("expert")
    _invite_to_panel(council, challenge, expert)
    posted = post_comment(expert, pitch, "How is the data kept?")
    assert posted["author"]["roles"] == ["panel"]
    assert _roles(anon, pitch, posted) == ["panel"]


def test_a_resident_speaks_for_nobody(citizen, anon, pitch):
    posted = post_comment(citizen, pitch)
    assert posted["author"]["roles"] == []
    assert _roles(anon, pitch, posted) == []


def test_someone_both_officer_and_supplier_member_carries_every_role(
        officer, supplier_org, anon, pitch):
    _join(supplier_org, officer)
    posted = post_comment(officer, pitch, "I declare my interest")
    assert posted["author"]["roles"] == ["officer", "supplier", "panel"]
    assert _roles(anon, pitch, posted) == ["officer", "supplier", "panel"]


def test_roles_are_as_of_now_not_when_written(make, council, challenge, anon, pitch):
    expert = make.user("expert")
    _invite_to_panel(council, challenge, expert)
    posted = post_comment(expert, pitch, "Said while on the panel")
    assert posted["author"]["roles"] == ["panel"]
    response = council.owner.delete(f"/challenges/{challenge['id']}/panel/{expert.id}")
    assert response.status_code == 204
    assert _roles(anon, pitch, posted) == []


def test_roles_show_in_edits_and_in_the_moderators_queue(officer, supplier, citizen, pitch):
    posted = post_comment(supplier, pitch, "First draft")
    edited = ok(supplier.patch(f"/comments/{posted['id']}", json={"body": "Second draft"}))
    assert edited["author"]["roles"] == ["supplier"]
    ok(citizen.post(f"/comments/{posted['id']}/flags", json={"reason": "Advertising"}), 201)
    queue = ok(officer.get(f"/challenges/{pitch['challenge_id']}/flags"))["items"]
    assert [(item["comment"]["id"], item["comment"]["author"]["roles"]) for item in queue] == [
        (posted["id"], ["supplier"])]
    hidden = ok(officer.post(f"/comments/{posted['id']}/moderation", json={"action": "hide"}))
    assert hidden["author"]["roles"] == ["supplier"]


def test_a_withheld_comment_shows_no_author_and_so_no_roles(officer, supplier, anon, pitch):
    posted = post_comment(supplier, pitch, "Call me on 0123")
    ok(officer.post(f"/comments/{posted['id']}/moderation", json={"action": "hide"}))
    assert seen(anon, pitch, posted["id"])["author"] is None
    assert seen(officer, pitch, posted["id"])["author"]["roles"] == ["supplier"]


def test_flagged_by_me_only_for_the_flagger(make, citizen, anon, pitch):
    flagger, other = make.user("flagger"), make.user("other")
    posted = post_comment(citizen, pitch, "Rude words")
    unflagged = post_comment(citizen, pitch, "Kind words")
    ok(flagger.post(f"/comments/{posted['id']}/flags", json={"reason": "Rude"}), 201)
    assert seen(flagger, pitch, posted["id"])["flagged_by_me"] is True
    assert seen(flagger, pitch, unflagged["id"])["flagged_by_me"] is False
    for client in (other, citizen, anon):
        assert seen(client, pitch, posted["id"])["flagged_by_me"] is False
    assert posted["flagged_by_me"] is False


def _comments_by_many(make, council, challenge, supplier_org, pitch, how_many: int) -> None:
    """`how_many` comments, each by someone new, of every kind in turn."""
    for n in range(how_many):
        kind = n % 4
        if kind == 0:
            author = make.member(council, "officer")
        elif kind == 1:
            author = make.member(supplier_org, "colleague")
        elif kind == 2:
            author = make.user("expert")
            _invite_to_panel(council, challenge, author)
        else:
            author = make.user("resident")
        post_comment(author, pitch, f"Comment {n}")


def test_a_page_reads_roles_and_flags_in_a_fixed_number_of_statements(
        app, make, council, challenge, supplier_org, pitch):
    reader = make.user("reader")
    path = f"/pitches/{pitch['id']}/comments?limit=100"
    _comments_by_many(make, council, challenge, supplier_org, pitch, 2)
    few, body = statements_of_get(app, reader, path)
    assert len(body["items"]) == 2
    _comments_by_many(make, council, challenge, supplier_org, pitch, 8)
    many, body = statements_of_get(app, reader, path)
    assert len(body["items"]) == 10
    assert [item["author"]["roles"] for item in body["items"][2:6]] == [
        ["officer", "panel"], ["supplier"], ["panel"], []]
    assert many == few
    threaded, body = statements_of_get(app, reader, path + "&view=thread")
    assert len(body["items"]) == 10
    # The thread view adds one statement, the replies', whatever their number.
    assert threaded == few + 1
