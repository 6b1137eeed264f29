"""The examples in openapi.yaml are true: each fits its schema, each response example is what
the seeded exchange answers, and each request example is accepted by its operation."""
import math

from sqlalchemy import select

from exchange.accounts import service as accounts
from exchange.accounts.models import User
from exchange.extensions import db
from exchange.http import examples
from exchange.voting.models import Rating
from seed import load
from tests.contract import schema_validator
from tests.factories import Client, ok

# Values that depend on when the seed ran, or are secret, or random: compared by type only.
VOLATILE = {"created_at", "updated_at", "status_changed_at", "submitted_at", "published_at",
            "joined_at", "verified_at", "deadline", "prefix", "token", "csrf_token",
            "view_count", "views", "responded_at", "left_at", "exported_at", "revoked_at",
            "opened_at", "busiest_window_start", "declared_at", "last_flagged_at",
            # The record hash: raters are pseudonyms keyed by a salt made with the challenge,
            # and so the hashes of the snapshots and the chain; keys depend on SECRET_KEY.
            "sha256", "record_sha256", "previous_sha256", "key_id", "signature",
            # How sure a shortlist is: simulated with a seed from that record hash.
            "seed", "p_top_k", "low", "high"}
# Depends on the page size asked for: only its presence is compared.
UNCHECKED = {"next_cursor"}
# Keys that name the same object in a list of the example and of the answer.
IDENTITIES = ("id", "pitch_id", "user_id", "organisation_id")


def test_every_body_schema_has_an_example_that_fits_it(openapi_document):
    document = openapi_document
    schemas = document["components"]["schemas"]
    without = {name for name, schema in schemas.items() if "example" not in schema}
    # flask-smorest's page-number pagination component, which no operation uses.
    assert without == {"PaginationMetadata"}
    for name, schema in schemas.items():
        if "example" in schema:
            errors = [error.message for error in
                      schema_validator(document, {"$ref": f"#/components/schemas/{name}"})
                      .iter_errors(schema["example"])]
            assert not errors, (name, errors)


def test_the_generated_example_is_the_one_in_examples_py(openapi_document):
    schemas = openapi_document["components"]["schemas"]
    assert schemas["ChallengeOut"]["example"] == examples.CHALLENGE_OUT
    assert schemas["PitchOutPage"]["example"]["items"] == [examples.PITCH_OUT]


def _disagreements(example, actual, where="") -> list[str]:
    """Where `example` differs from `actual`: keys, list items by identity, exact values
    (floats to 1e-12), except VOLATILE values, which need only the same type, and UNCHECKED
    ones."""
    if isinstance(example, dict):
        if not isinstance(actual, dict):
            return [f"{where}: {actual!r} is not an object"]
        if set(example) != set(actual):
            return [f"{where}: keys {sorted(example)} != {sorted(actual)}"]
        found = []
        for key, value in example.items():
            if key in UNCHECKED:
                continue
            if key in VOLATILE:
                if (value is None) != (actual[key] is None) or (
                        value is not None and type(value) is not type(actual[key])):
                    found.append(f"{where}.{key}: {value!r} vs {actual[key]!r}")
            else:
                found += _disagreements(value, actual[key], f"{where}.{key}")
        return found
    if isinstance(example, list):
        if not isinstance(actual, list) or len(actual) < len(example):
            return [f"{where}: {actual!r} is shorter than the example"]
        found = []
        for position, item in enumerate(example):
            found += _disagreements(item, _counterpart(item, actual, position),
                                    f"{where}[{position}]")
        return found
    if isinstance(example, float) and isinstance(actual, float):
        return [] if math.isclose(example, actual, rel_tol=0, abs_tol=1e-12) else [
            f"{where}: {example!r} != {actual!r}"]
    return [] if example == actual and type(example) is type(actual) else [
        f"{where}: {example!r} != {actual!r}"]


def _counterpart(item, actual: list, position: int):
    if isinstance(item, dict):
        for key in IDENTITIES:
            if key in item:
                return next((other for other in actual if other.get(key) == item[key]), None)
    return actual[position]


def _seeded_client(app, email: str, token_name: str = "examples") -> Client:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        _, secret = accounts.create_token(user, token_name)
        return Client(app, secret, user.id, email, email)


def _rater_of(app, pitch_id: int, stars: int) -> str:
    with app.app_context():
        return db.session.scalar(
            select(User.email).join(Rating, Rating.user_id == User.id)
            .where(Rating.pitch_id == pitch_id, Rating.stars == stars,
                   Rating.is_panel.is_(False)).order_by(User.id).limit(1))


def _page_item(client: Client, path: str, item_id: int, key: str = "id") -> dict:
    page = ok(client.get(path))
    assert set(page) == {"items", "next_cursor"}
    return {"items": [next(item for item in page["items"] if item[key] == item_id)],
            "next_cursor": page["next_cursor"]}


def test_response_examples_are_what_the_seeded_exchange_answers(quick_commits):
    app = quick_commits
    with app.app_context():
        load()
    # Priya signs in with the login example and makes the exchange's first API token.
    browser = app.test_client()
    ok(browser.post("/api/v1/auth/login", json=examples.LOGIN_IN))
    csrf = ok(browser.get("/api/v1/auth/csrf"))
    token = ok(browser.post("/api/v1/auth/tokens", json=examples.TOKEN_IN,
                            headers={"X-CSRF-Token": csrf["csrf_token"]}), 201)
    priya = _seeded_client(app, "officer@lambeth.example")
    devon = _seeded_client(app, "officer@devon.example")
    rater = _seeded_client(app, _rater_of(app, 1, examples.RATING_OUT["stars"]))
    anon = Client(app)
    flag = ok(rater.post("/comments/1/flags", json=examples.FLAG_IN), 201)
    tom = _seeded_client(app, "digital@lambeth.example", "Lambeth casework app")
    amara = _seeded_client(app, "amara.okoye@residents.example")
    me = ok(priya.get("/auth/me"))
    organisation = ok(anon.get("/organisations/1"))
    tom_export = ok(tom.get("/auth/me/export"))
    invitation = ok(priya.post("/organisations/1/members", json=examples.MEMBER_IN), 202)

    answers = {
        "MeDetailOut": me,
        "MeOut": {key: value for key, value in me.items()
                  if key not in ("panels", "invitations")},
        "UserOut": {key: value for key, value in me.items()
                    if key not in ("memberships", "panels", "invitations")},
        "NewTokenOut": token,
        "CsrfOut": csrf,
        "TokenOutPage": ok(priya.get("/auth/tokens")),
        "OrganisationDetailOut": organisation,
        "OrganisationOut": {k: v for k, v in organisation.items() if k != "members"},
        "OrganisationOutPage": _page_item(anon, "/organisations?limit=100", 1),
        "ChallengeOut": ok(anon.get("/challenges/1")),
        "ChallengeOutPage": _page_item(anon, "/challenges?limit=100", 1),
        "StatsOut": ok(anon.get("/challenges/1/stats")),
        "PanelMemberOutPage": ok(devon.get("/challenges/3/panel")),
        "PitchOut": ok(anon.get("/pitches/1")),
        "PitchOutPage": _page_item(anon, "/challenges/1/pitches?limit=100", 1),
        "RatingOut": ok(rater.get("/pitches/1/rating")),
        "RankingOut": ok(anon.get("/challenges/3/ranking?method=wilson&panel_weight=0.5")),
        "ShortlistOut": ok(anon.get("/challenges/1/shortlist")),
        "IntegrityOut": ok(priya.get("/challenges/1/integrity")),
        "RecordOut": ok(anon.get("/challenges/1/record")),
        "CommentOutPage": _page_item(anon, "/pitches/1/comments?limit=100", 1),
        "FlagOut": flag,
        "Problem": rater.put("/pitches/9/rating", json={"stars": 9}).get_json(),
        "InvitationSentOut": invitation,
        "FlaggedCommentOutPage": ok(priya.get("/challenges/1/flags")),
        "AuditEventOutPage": _page_item(priya, "/challenges/1/audit?limit=100", 23),
        "ChallengeEventOutPage": _page_item(anon, "/challenges/1/events?limit=100", 23),
        "InvitationOutPage": ok(tom.get("/auth/me/invitations")),
        "ExportOut": tom_export,
        "ExportTokenOut": ok(priya.get("/auth/me/export"))["tokens"][0],
        "OwnCommentOut": next(comment for comment in ok(amara.get("/auth/me/export"))[
            "comments"] if comment["id"] == 1),
    }
    # Last, as it changes which of challenge 3's ratings count (the ranking above).
    joan = _seeded_client(app, "expert@ageing-well.example")
    answers["PanelConflictsOut"] = ok(joan.post("/challenges/3/panel/16/conflicts",
                                                json=examples.CONFLICTS_IN))
    answers["PanelConflictOut"] = answers["PanelConflictsOut"]["conflicts"][0]
    answers["InvitationOut"] = answers["InvitationOutPage"]["items"][0]
    answers["MembershipPeriodOut"] = tom_export["membership_history"][0]
    answers["TokenOut"] = answers["TokenOutPage"]["items"][0]
    answers["PanelMemberOut"] = answers["PanelMemberOutPage"]["items"][0]
    answers["CommentOut"] = answers["CommentOutPage"]["items"][0]
    answers["CommentAuthorOut"] = answers["CommentOut"]["author"]
    answers["PanelSeatOut"] = me["panels"][0]
    answers["MembershipOut"] = me["memberships"][0]
    answers["MemberOut"] = organisation["members"][1]
    answers["RankingEntry"] = answers["RankingOut"]["entries"][0]
    answers["ShortlistEntryOut"] = answers["ShortlistOut"]["entries"][0]
    answers["Tally"] = answers["PitchOut"]["tally"]
    answers["TallyPart"] = answers["Tally"]["public"]
    answers["Summary"] = answers["ChallengeOut"]["council"]
    answers["UserRef"] = answers["ShortlistOut"]["published_by"]
    answers["IntegrityRules"] = answers["IntegrityOut"]["rules"]
    answers["IntegrityPitch"] = answers["IntegrityOut"]["pitches"][0]
    answers["RecordPitch"] = answers["RecordOut"]["pitches"][0]
    answers["SealOut"] = answers["ShortlistOut"]["seal"]
    answers["CertaintyOut"] = answers["ShortlistOut"]["certainty"]
    answers["ScoreInterval"] = answers["ShortlistOut"]["entries"][0]["score_interval"]
    answers["PanelAgreement"] = answers["RankingOut"]["panel_agreement"]
    answers["FlaggedCommentOut"] = answers["FlaggedCommentOutPage"]["items"][0]
    answers["FlagReasonOut"] = answers["FlaggedCommentOut"]["reasons"][0]
    answers["AuditEventOut"] = answers["AuditEventOutPage"]["items"][0]
    answers["ChallengeEventOut"] = answers["ChallengeEventOutPage"]["items"][0]
    answers["ChallengeCan"] = answers["ChallengeOut"]["can"]
    answers["PitchCan"] = answers["PitchOut"]["can"]
    answers["CommentCan"] = answers["CommentOut"]["can"]

    response_schemas = {name for name in examples.BY_SCHEMA if not name.endswith("In")
                        and not name.endswith("Patch")} | set(examples.PAGES)
    assert set(answers) == response_schemas
    for name, answer in sorted(answers.items()):
        assert not _disagreements(examples.example_for(name), answer, name), \
            _disagreements(examples.example_for(name), answer, name)


def test_request_examples_are_accepted(make, admin):
    """Each request example, sent by someone allowed to, gets its success status."""
    officer = make.council(admin=admin).owner
    body = examples.CHALLENGE_IN | {"council_id": ok(officer.get("/auth/me"))[
        "memberships"][0]["organisation_id"]}
    challenge = ok(officer.post("/challenges", json=body), 201)
    cid = challenge["id"]
    ok(officer.patch(f"/challenges/{cid}", json=examples.CHALLENGE_PATCH))
    ok(officer.post(f"/challenges/{cid}/status", json={"status": "open"}))

    supplier = make.supplier()
    pitch = ok(supplier.owner.post(f"/challenges/{cid}/pitches", json=examples.PITCH_IN | {
        "supplier_id": supplier.id}), 201)
    ok(supplier.owner.patch(f"/pitches/{pitch['id']}", json=examples.PITCH_PATCH))
    ok(officer.post(f"/challenges/{cid}/status", json=examples.STATUS_IN))

    expert = make.user("expert")
    ok(officer.post(f"/challenges/{cid}/panel", json={"email": expert.email}), 201)
    assert set(examples.PANEL_IN) == {"email"}
    ok(expert.post(f"/challenges/{cid}/panel/{expert.id}/conflicts",
                   json=examples.CONFLICTS_IN | {"pitch_ids": [pitch["id"]]}))
    assert set(examples.CONFLICTS_IN) == {"pitch_ids"}

    citizen = make.user("citizen")
    ok(citizen.put(f"/pitches/{pitch['id']}/rating", json=examples.RATING_IN))
    comment = ok(citizen.post(f"/pitches/{pitch['id']}/comments", json=examples.COMMENT_IN),
                 201)
    ok(citizen.patch(f"/comments/{comment['id']}", json=examples.COMMENT_PATCH))
    ok(make.user("flagger").post(f"/comments/{comment['id']}/flags", json=examples.FLAG_IN),
       201)
    ok(officer.post(f"/comments/{comment['id']}/moderation", json=examples.MODERATION_IN))

    ok(Client(make.app).post("/auth/register", json=examples.REGISTER_IN), 201)
    ok(officer.post("/auth/tokens", json=examples.TOKEN_IN), 201)
    organisation = ok(officer.post("/organisations", json=examples.ORGANISATION_IN), 201)
    ok(officer.post(f"/organisations/{organisation['id']}/members", json=examples.MEMBER_IN),
       202)
    leaving = ok(Client(make.app).post("/auth/register", json=examples.REGISTER_IN | {
        "email": "leaving@example.org"}), 201)
    with make.app.app_context():
        _, secret = accounts.create_token(db.session.get(User, leaving["id"]), "leaving")
    assert Client(make.app, secret).delete("/auth/me", json=examples.ERASURE_IN
                                           ).status_code == 204
