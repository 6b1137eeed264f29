"""GET /auth/me/export: one document with everything a person made, or that is about them."""
from tests.factories import ok

PASSWORD = "correct horse"  # every factory-made person's password


def _is_utc_time(value) -> bool:
    return isinstance(value, str) and value.endswith("Z") and "T" in value


def test_the_export_holds_account_memberships_invitations_ratings_comments_flags_tokens(
        make, council, supplier_org):
    me = make.user("exported", display_name="Ada Export")
    challenge = make.challenge(council, "open")
    rival, third = make.supplier(), make.supplier()
    first = make.pitch(challenge["id"], supplier_org)
    second = make.pitch(challenge["id"], third)
    make.pitch(challenge["id"], rival)
    # Memberships: joined the rival supplier, then left it; joined the council for good.
    left = ok(rival.owner.post(f"/organisations/{rival.id}/members",
                               json={"email": me.email}), 202)
    ok(me.post(f"/auth/me/invitations/{left['id']}/accept"))
    assert me.delete(f"/organisations/{rival.id}/members/{me.id}").status_code == 204
    joined = ok(council.owner.post(f"/organisations/{council.id}/members",
                                   json={"email": me.email, "role": "owner"}), 202)
    ok(me.post(f"/auth/me/invitations/{joined['id']}/accept"))
    waiting = ok(supplier_org.owner.post(f"/organisations/{supplier_org.id}/members",
                                         json={"email": me.email}), 202)
    # Ratings, comments (one hidden by a moderator), a flag, two tokens (one revoked).
    stranger = make.user("stranger")
    ok(stranger.put(f"/pitches/{first['id']}/rating", json={"stars": 2}))
    rated_first = ok(me.put(f"/pitches/{first['id']}/rating", json={"stars": 4}))
    rated_second = ok(me.put(f"/pitches/{second['id']}/rating", json={"stars": 1}))
    said = ok(me.post(f"/pitches/{first['id']}/comments", json={"body": "Who runs it?"}), 201)
    hidden = ok(me.post(f"/pitches/{second['id']}/comments",
                        json={"body": "Rude words", "parent_id": None}), 201)
    ok(council.owner.post(f"/comments/{hidden['id']}/moderation", json={"action": "hide"}))
    theirs = ok(stranger.post(f"/pitches/{first['id']}/comments", json={"body": "Spam"}), 201)
    flag = ok(me.post(f"/comments/{theirs['id']}/flags", json={"reason": "Advertising"}), 201)
    kept = ok(me.post("/auth/tokens", json={"name": "dashboard"}), 201)
    dropped = ok(me.post("/auth/tokens", json={"name": "old script"}), 201)
    assert me.delete(f"/auth/tokens/{dropped['id']}").status_code == 204

    export = ok(me.get("/auth/me/export"))

    assert set(export) == {"exported_at", "account", "memberships", "membership_history",
                           "invitations", "ratings", "comments", "flags", "tokens"}
    assert _is_utc_time(export["exported_at"])
    account = export["account"]
    assert {k: v for k, v in account.items() if k != "created_at"} == {
        "id": me.id, "email": me.email, "display_name": "Ada Export", "is_admin": False}
    assert "password" not in str(export) and "hash" not in str(export)
    council_name = ok(me.get(f"/organisations/{council.id}"))["name"]
    rival_name = ok(me.get(f"/organisations/{rival.id}"))["name"]
    supplier_name = ok(me.get(f"/organisations/{supplier_org.id}"))["name"]
    assert export["memberships"] == [{
        "organisation_id": council.id, "organisation_name": council_name, "kind": "council",
        "organisation_status": "verified", "role": "owner"}]

    history = export["membership_history"]
    assert [(h["organisation"], h["role"], h["left_at"] is None) for h in history] == [
        ({"id": rival.id, "name": rival_name}, "member", False),
        ({"id": council.id, "name": council_name}, "owner", True)]
    assert all(_is_utc_time(h["joined_at"]) for h in history)
    assert _is_utc_time(history[0]["left_at"])

    invitations = export["invitations"]
    assert [(i["id"], i["organisation"], i["kind"], i["role"], i["status"])
            for i in invitations] == [
        (left["id"], {"id": rival.id, "name": rival_name}, "supplier", "member", "accepted"),
        (joined["id"], {"id": council.id, "name": council_name}, "council", "owner",
         "accepted"),
        (waiting["id"], {"id": supplier_org.id, "name": supplier_name}, "supplier", "member",
         "pending")]
    assert [i["invited_by"]["id"] for i in invitations] == [
        rival.owner.id, council.owner.id, supplier_org.owner.id]
    assert invitations[2]["responded_at"] is None

    assert export["ratings"] == [rated_first, rated_second]
    # An owner of the council: panel. Once of a rival pitching here: kept, excluded.
    assert [(r["pitch_id"], r["stars"], r["is_panel"], r["excluded_reason"])
            for r in export["ratings"]] == [
        (first["id"], 4, True, "conflict_of_interest"),
        (second["id"], 1, True, "conflict_of_interest")]

    assert export["comments"] == [
        {"id": said["id"], "pitch_id": first["id"], "parent_id": None, "body": "Who runs it?",
         "status": "visible", "deleted": False, "created_at": said["created_at"],
         "edited_at": None},
        {"id": hidden["id"], "pitch_id": second["id"], "parent_id": None,
         "body": "Rude words", "status": "hidden", "deleted": False,
         "created_at": hidden["created_at"], "edited_at": None}]
    assert export["flags"] == [{"id": flag["id"], "comment_id": theirs["id"],
                                "reason": "Advertising", "created_at": flag["created_at"]}]

    tokens = export["tokens"]
    assert [(t["name"], t["revoked_at"] is None) for t in tokens] == [
        ("tests", True), ("dashboard", True), ("old script", False)]
    assert [t["id"] for t in tokens[1:]] == [kept["id"], dropped["id"]]
    assert tokens[1]["prefix"] == kept["prefix"] and tokens[1]["created_at"] == kept[
        "created_at"]
    assert all(set(t) == {"id", "name", "prefix", "created_at", "revoked_at"} for t in tokens)
    assert kept["token"] not in str(export)


def test_the_export_is_only_ever_the_callers_own(make, anon):
    assert anon.get("/auth/me/export").status_code == 401
    quiet = make.user("quiet")
    export = ok(quiet.get("/auth/me/export"))
    assert export["account"]["id"] == quiet.id
    assert (export["memberships"], export["membership_history"], export["invitations"],
            export["ratings"], export["comments"], export["flags"]) == ([], [], [], [], [], [])
    assert [t["name"] for t in export["tokens"]] == ["tests"]
