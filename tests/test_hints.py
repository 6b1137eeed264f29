"""Permission hints (`can`) say what the action would do: for every hint, every role and
every stage of a challenge's life, the hint is true exactly when the action succeeds.

The world is tests/who_may_world.py's: a council's challenge, a supplier's pitch, a comment
by its author, an expert on the panel. Each role reads its hints, then tries each action
on the world as built (Worlds puts it back whenever an action changed it), so each outcome
is the action's own. A hint says nothing about bad input: each action is sent a valid body.
"""
import pytest

from exchange.challenges.models import STATUSES
from tests.contract import recorded_statements
from tests.factories import ok
from tests.who_may_world import STAGE_ORDER, module_worlds

# signed out; a resident; a member of another supplier; an officer of another council; the
# owning council's officer; the pitch's supplier; the comment's author; the panel's expert;
# an admin.
ROLES = (None, "citizen", "supplier", "officer", "council_officer", "supplier_owner",
         "author", "expert", "admin")
NOTHING = {
    "challenge": {"edit": False, "delete": False, "move_to": [], "publish_shortlist": False,
                  "submit_pitch": False, "manage_panel": False},
    "pitch": {"edit": False, "withdraw": False, "rate": False, "comment": False},
    "comment": {"edit": False, "delete": False, "flag": False, "reply": False,
                "moderate": False},
}


@pytest.fixture(scope="module")
def worlds(migrated):
    yield from module_worlds()


def _supplier_of(client, world) -> int:
    """A supplier the caller may pitch for, or (when none) the world's, which they may not."""
    if client.token is None:
        return world.ids["supplier_id"]
    me = ok(client.get("/auth/me"))
    for membership in me["memberships"]:
        organisation = ok(client.get(f"/organisations/{membership['organisation_id']}"))
        if organisation["kind"] == "supplier":
            return organisation["id"]
    return world.ids["supplier_id"]


def _challenge_actions(world, client):
    """Each challenge hint's action, as (hint, request) pairs; move_to once per status."""
    cid = world.ids["challenge_id"]
    pitch = {"title": "Another tool", "summary": "It helps.", "pricing": "free",
             "supplier_id": _supplier_of(client, world)}
    actions = [
        ("edit", lambda c: c.patch(f"/challenges/{cid}", json={"title": "Renamed"})),
        ("delete", lambda c: c.delete(f"/challenges/{cid}")),
        ("publish_shortlist", lambda c: c.post(f"/challenges/{cid}/shortlist")),
        ("submit_pitch", lambda c: c.post(f"/challenges/{cid}/pitches", json=pitch)),
        ("manage_panel", lambda c: c.post(f"/challenges/{cid}/panel",
                                          json={"user_id": world.people["newcomer"].id})),
    ]
    actions += [(("move_to", status), lambda c, status=status: c.post(
        f"/challenges/{cid}/status", json={"status": status})) for status in STATUSES]
    return actions


def _pitch_actions(world):
    pid = world.ids["pitch_id"]
    return [
        ("edit", lambda c: c.patch(f"/pitches/{pid}", json={"title": "Renamed"})),
        ("withdraw", lambda c: c.post(f"/pitches/{pid}/withdraw")),
        ("rate", lambda c: c.put(f"/pitches/{pid}/rating", json={"stars": 2})),
        ("comment", lambda c: c.post(f"/pitches/{pid}/comments", json={"body": "Welsh?"})),
    ]


def _comment_actions(world, cid: int | None = None):
    """Each comment hint's action on the comment `cid` (the world's comment by default)."""
    pid, cid = world.ids["pitch_id"], cid or world.ids["comment_id"]
    return [
        ("edit", lambda c: c.patch(f"/comments/{cid}", json={"body": "Rewritten"})),
        ("delete", lambda c: c.delete(f"/comments/{cid}")),
        ("flag", lambda c: c.post(f"/comments/{cid}/flags", json={"reason": "Off topic"})),
        ("reply", lambda c: c.post(f"/pitches/{pid}/comments",
                                   json={"body": "Yes", "parent_id": cid})),
        ("moderate", lambda c: c.post(f"/comments/{cid}/moderation", json={"action": "hide"})),
    ]


def _hinted(can: dict, hint) -> bool:
    if isinstance(hint, tuple):  # ("move_to", status)
        return hint[1] in can["move_to"]
    return can[hint]


def _disagreements(worlds, stage, role, kind, can, actions) -> list[str]:
    """The hints of `can` whose action's outcome says otherwise, each tried on the world
    as built."""
    wrong = []
    for hint, act in actions:
        world = worlds.at(stage)
        status = act(world.client(role, worlds.app)).status_code
        if status >= 500 or _hinted(can, hint) != (status < 300):
            wrong.append(f"{kind} {hint}: hint {_hinted(can, hint)}, answer {status}")
    return wrong


def _comment_disagreements(worlds, stage, role, can, prepare) -> list[str]:
    """As _disagreements, for the comment `prepare(world)` makes ready and returns the id
    of: before each action the world is put back as built and prepared again."""
    wrong = []
    for index, (hint, _) in enumerate(_comment_actions(worlds.at(stage))):
        world = worlds.at(stage)
        _, act = _comment_actions(world, prepare(world))[index]
        status = act(world.client(role, worlds.app)).status_code
        if status >= 500 or can[hint] != (status < 300):
            wrong.append(f"comment {hint}: hint {can[hint]}, answer {status}")
    return wrong


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "signed_out")
@pytest.mark.parametrize("stage", STAGE_ORDER)
def test_every_hint_says_what_its_action_does(worlds, stage, role):
    world = worlds.at(stage)
    client = world.client(role, worlds.app)
    wrong = []
    shown = client.get(f"/challenges/{world.ids['challenge_id']}")
    if shown.status_code == 404:  # a draft, to someone not of its council: nothing to offer
        assert stage == "draft"
        return
    can = ok(shown)["can"]
    listed = ok(client.get("/challenges?limit=100"))["items"]
    assert [item["can"] for item in listed if item["id"] == world.ids["challenge_id"]] == [can]
    wrong += _disagreements(worlds, stage, role, "challenge", can,
                            _challenge_actions(world, client))
    if "pitch_id" in world.ids:
        world = worlds.at(stage)
        can = ok(client.get(f"/pitches/{world.ids['pitch_id']}"))["can"]
        listed = ok(client.get(f"/challenges/{world.ids['challenge_id']}/pitches"))["items"]
        assert [item["can"] for item in listed] == [can]
        wrong += _disagreements(worlds, stage, role, "pitch", can, _pitch_actions(world))
        world = worlds.at(stage)
        comments = ok(client.get(f"/pitches/{world.ids['pitch_id']}/comments"))["items"]
        wrong += _disagreements(worlds, stage, role, "comment", comments[0]["can"],
                                _comment_actions(world))
    assert wrong == []


def test_signed_out_readers_are_offered_nothing(worlds):
    world = worlds.at("open")
    anon = world.client(None, worlds.app)
    assert ok(anon.get(f"/challenges/{world.ids['challenge_id']}"))["can"] == \
        NOTHING["challenge"]
    assert ok(anon.get(f"/pitches/{world.ids['pitch_id']}"))["can"] == NOTHING["pitch"]
    comments = ok(anon.get(f"/pitches/{world.ids['pitch_id']}/comments"))["items"]
    assert comments[0]["can"] == NOTHING["comment"]


def test_the_owners_hints_written_out(worlds):
    """What each owner is offered on an open challenge, by hand from PRODUCT.md."""
    world = worlds.at("open")
    officer = world.client("council_officer", worlds.app)
    assert ok(officer.get(f"/challenges/{world.ids['challenge_id']}"))["can"] == {
        "edit": True, "delete": False, "move_to": ["closed", "voting"],
        "publish_shortlist": False, "submit_pitch": False, "manage_panel": True}
    supplier = world.client("supplier_owner", worlds.app)
    assert ok(supplier.get(f"/pitches/{world.ids['pitch_id']}"))["can"] == {
        "edit": True, "withdraw": True, "rate": False, "comment": True}
    author = world.client("author", worlds.app)
    comment = ok(author.get(f"/pitches/{world.ids['pitch_id']}/comments"))["items"][0]
    assert comment["can"] == {"edit": True, "delete": True, "flag": False, "reply": True,
                              "moderate": False}


def test_each_caller_has_their_own_tag_and_their_own_304(worlds):
    world = worlds.at("open")
    path = f"/pitches/{world.ids['pitch_id']}"
    supplier = world.client("supplier_owner", worlds.app)
    citizen = world.client("citizen", worlds.app)
    mine, theirs = supplier.get(path), citizen.get(path)
    assert mine.get_json()["can"] != theirs.get_json()["can"]
    assert mine.headers["ETag"] != theirs.headers["ETag"]
    assert "private" in mine.headers["Cache-Control"]
    assert {"Authorization", "Cookie"} <= set(mine.headers["Vary"].replace(" ", "").split(","))
    assert supplier.get(path, headers={"If-None-Match": mine.headers["ETag"]}).status_code == 304
    # The supplier's copy is not current for the citizen, whose hints differ.
    assert citizen.get(path, headers={"If-None-Match": mine.headers["ETag"]}).status_code == 200
    # An edit's precondition is about the pitch, whoever read it: the content half matches.
    edited = supplier.patch(path, json={"title": "Renamed"},
                            headers={"If-Match": mine.headers["ETag"]})
    assert edited.status_code == 200
    assert edited.get_json()["can"] == mine.get_json()["can"]


def _statements(app, client, path) -> int:
    """Statements of a GET once caches are warm: the live ranking's order is read once
    per ratings version, whatever asks for it first."""
    ok(client.get(path))
    with recorded_statements(app) as seen:
        ok(client.get(path))
    return len(seen)


def test_hints_cost_no_statement_per_row(worlds):
    """Hints are judged from what a page already reads: the caller's memberships, loaded
    with the sign-in, and for a page of pitches one read of the organisations they
    belonged to; a longer page runs no more statements than a shorter one."""
    world = worlds.at("open")
    app = worlds.app
    cid, pid = world.ids["challenge_id"], world.ids["pitch_id"]
    paths = {"challenges": "/challenges?limit={}",
             "pitches": f"/challenges/{cid}/pitches?limit={{}}",
             "comments": f"/pitches/{pid}/comments?limit={{}}"}
    for role in ("council_officer", "supplier_owner", "citizen"):
        client = world.client(role, app)
        short = {name: _statements(app, client, path.format(1)) for name, path in paths.items()}
        # More of everything: challenges, pitches, comments.
        council = world.people["council_officer"]
        owner = world.people["supplier_owner"]
        for n in range(3):
            ok(council.post("/challenges", json={"council_id": world.ids["council_id"],
                                                 "title": f"More {n}"}), 201)
            ok(owner.post(f"/challenges/{cid}/pitches", json={
                "supplier_id": world.ids["supplier_id"], "title": f"Tool {n}",
                "summary": "It helps.", "pricing": "free"}), 201)
            ok(world.people["author"].post(f"/pitches/{pid}/comments",
                                           json={"body": f"And {n}?"}), 201)
        long = {name: _statements(app, client, path.format(100)) for name, path in paths.items()}
        assert long == short, role
        # Signed in, a page of pitches adds the sign-in (two), the caller's stars
        # (my_rating, one) and the organisations they belonged to (one, for the hints).
        signed_out = _statements(app, world.client(None, app), paths["pitches"].format(100))
        assert long["pitches"] - signed_out <= 4, role
        world = worlds.at("open")


def test_a_closed_challenge_offers_only_what_stays_allowed(worlds):
    """Closed: nothing moves, nothing is edited or pitched or rated or discussed; an author
    may still delete their comment, and a moderator hide it (by hand from PRODUCT.md)."""
    world = worlds.at("shortlisted")
    cid, pid = world.ids["challenge_id"], world.ids["pitch_id"]
    officer = world.client("council_officer", worlds.app)
    ok(officer.post(f"/challenges/{cid}/status", json={"status": "closed"}))
    assert ok(officer.get(f"/challenges/{cid}"))["can"] == NOTHING["challenge"]
    assert ok(officer.get(f"/pitches/{pid}"))["can"] == NOTHING["pitch"]
    assert ok(officer.get(f"/pitches/{pid}/comments"))["items"][0]["can"] == {
        **NOTHING["comment"], "flag": True, "moderate": True}
    author = world.client("author", worlds.app)
    assert ok(author.get(f"/pitches/{pid}/comments"))["items"][0]["can"] == {
        **NOTHING["comment"], "delete": True}
    assert author.patch(f"/comments/{world.ids['comment_id']}",
                        json={"body": "Too late"}).status_code == 409
    assert author.delete(f"/comments/{world.ids['comment_id']}").status_code == 204


FLAGGERS = tuple(role for role in ROLES if role not in (None, "author"))


@pytest.mark.parametrize("role", FLAGGERS)
def test_a_comment_the_caller_flagged_is_not_offered_for_flagging_again(worlds, role):
    """A second flag of the same person is refused (409): once the caller has flagged a
    comment, `flag` is false wherever it is shown to them, and every hint still says what
    its action does; others who have not flagged it are still offered it."""
    world = worlds.at("open")
    pid, cid = world.ids["pitch_id"], world.ids["comment_id"]
    client = world.client(role, worlds.app)
    path = f"/pitches/{pid}/comments"
    assert ok(client.get(path))["items"][0]["can"]["flag"] is True

    def flagged_by_role(world) -> int:
        ok(world.client(role, worlds.app).post(f"/comments/{cid}/flags",
                                               json={"reason": "Off topic"}), 201)
        return cid

    flagged_by_role(world)
    shown = ok(client.get(path))["items"][0]
    assert shown["flagged_by_me"] is True
    assert shown["can"]["flag"] is False
    assert ok(client.get(f"{path}?view=thread"))["items"][0]["can"] == shown["can"]
    if role in ("council_officer", "admin"):  # the moderators' queue shows it too
        queued = ok(client.get(f"/challenges/{world.ids['challenge_id']}/flags"))["items"]
        assert [item["comment"]["can"] for item in queued] == [shown["can"]]
    other = "citizen" if role != "citizen" else "supplier"
    assert ok(world.client(other, worlds.app).get(path))["items"][0]["can"]["flag"] is True
    assert _comment_disagreements(worlds, "open", role, shown["can"], flagged_by_role) == []


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "signed_out")
def test_replies_in_the_thread_view_carry_their_hints(worlds, role):
    """`?view=thread` nests replies; each carries `can` as the flat list shows it, and
    each hint says what its action does to the reply."""
    world = worlds.at("open")
    pid, cid = world.ids["pitch_id"], world.ids["comment_id"]

    def replied(world) -> int:
        return ok(world.client("citizen", worlds.app).post(
            f"/pitches/{pid}/comments", json={"body": "And in Gaelic?", "parent_id": cid}),
            201)["id"]

    reply_id = replied(world)
    client = world.client(role, worlds.app)
    [top] = ok(client.get(f"/pitches/{pid}/comments?view=thread"))["items"]
    [nested] = top["replies"]
    flat = {comment["id"]: comment for comment in
            ok(client.get(f"/pitches/{pid}/comments"))["items"]}
    assert nested["id"] == reply_id
    assert top["can"] == flat[cid]["can"]
    assert nested["can"] == flat[reply_id]["can"]
    if role is None:
        assert nested["can"] == NOTHING["comment"]
    if role == "citizen":  # the reply's author, by hand
        assert nested["can"] == {"edit": True, "delete": True, "flag": False, "reply": True,
                                 "moderate": False}
    assert _comment_disagreements(worlds, "open", role, nested["can"], replied) == []
