"""One table of who may do what: every route of the API, tried by every role.

WHO_MAY holds, for each route (method and path under /api/v1, as PRODUCT.md writes them;
/healthz, /docs, /openapi.json, /.well-known/exchange-keys and the pages as they are), the
status each role gets, written out by hand from PRODUCT.md's rules: 401 when signed out,
403 when signed in but not allowed, 404 for what the caller may not know exists. Every cell
is its own test. A refusal (401, 403, 404) must answer problem+json (a page: HTML) and leave every row of every table as it was; a success is
checked by its status only. A route the app serves without a row here fails
test_every_route_has_a_row, by name. ON_A_DRAFT tries the challenge's routes again on a
draft, which only its council's members may know exists.

The roles:
    signed_out  no session, no token
    citizen     a plain registered person
    supplier    the owner of another supplier organisation
    officer     the owner of another (verified) council
    pending     the owner of a council an admin has not verified yet
    owner       whoever owns what the route acts on (OWNERS below): the officer of the
                owning council for challenge routes, the supplier's owner for pitch routes
                (rating and commenting included), the author for comment routes, the
                organisation's owner for organisation routes, the person themself for
                /auth routes (their tokens, their account)
    admin       an admin, member of no organisation

Each test is tried in a world (tests/who_may_world.py) where every path parameter names a
real object in a state where the owner's action is allowed: the challenge is open unless
STAGES says otherwise, `{user_id}` is the expert on the panel or the member of the
organisation (USER_IDS), and the other `{name}` come from World.ids.

To add a route:
  1. add its row to WHO_MAY, all seven roles, in the section of its domain;
  2. if it takes a JSON body, add one to BODIES (a function of the world) that the owner's
     success needs (the same body is sent by every role);
  3. if its challenge must be at another stage than open, add it to STAGES; if its path
     has a parameter World.ids does not know, add the object to who_may_world.build;
  4. if the owner is not the one OWNERS finds by the path's prefix, add a prefix there.
A cell known to disagree with PRODUCT.md, waiting for a fix in another part of the code,
goes in KNOWN_DIFFERENCES with the reason (a strict xfail: it fails once fixed).
"""
import re

import pytest

from exchange import API_PREFIX, create_app
from tests.conftest import TEST_SETTINGS
from tests.who_may_world import STAGE_ORDER, module_worlds, snapshot

ROLES = ("signed_out", "citizen", "supplier", "officer", "pending", "owner", "admin")
REFUSALS = {401, 403, 404}
OUTSIDE_API = {"/healthz", "/docs", "/openapi.json", "/.well-known/exchange-keys",
               "/challenges/<int:challenge_id>/results", "/embed/pitches/<int:pitch_id>"}
# Pages for people among them: tests/factories.Client would put /api/v1 before their paths,
# and a refusal is an HTML page, not problem+json.
PAGES = {"/challenges/{challenge_id}/results", "/embed/pitches/{pitch_id}"}

WHO_MAY = {
    # ---- accounts: the owner is the person themself ------------------------------------
    "POST /auth/register": {
        "signed_out": 201, "citizen": 201, "supplier": 201, "officer": 201, "pending": 201,
        "owner": 201, "admin": 201},
    "POST /auth/login": {
        "signed_out": 200, "citizen": 200, "supplier": 200, "officer": 200, "pending": 200,
        "owner": 200, "admin": 200},
    "POST /auth/logout": {
        "signed_out": 204, "citizen": 204, "supplier": 204, "officer": 204, "pending": 204,
        "owner": 204, "admin": 204},
    "GET /auth/csrf": {
        "signed_out": 200, "citizen": 200, "supplier": 200, "officer": 200, "pending": 200,
        "owner": 200, "admin": 200},
    "GET /auth/me": {
        "signed_out": 401, "citizen": 200, "supplier": 200, "officer": 200, "pending": 200,
        "owner": 200, "admin": 200},
    "POST /auth/tokens": {
        "signed_out": 401, "citizen": 201, "supplier": 201, "officer": 201, "pending": 201,
        "owner": 201, "admin": 201},
    "GET /auth/tokens": {
        "signed_out": 401, "citizen": 200, "supplier": 200, "officer": 200, "pending": 200,
        "owner": 200, "admin": 200},
    # Someone else's token is not theirs to know of.
    "DELETE /auth/tokens/{token_id}": {
        "signed_out": 401, "citizen": 404, "supplier": 404, "officer": 404, "pending": 404,
        "owner": 204, "admin": 404},
    "PUT /auth/me/password": {
        "signed_out": 401, "citizen": 204, "supplier": 204, "officer": 204, "pending": 204,
        "owner": 204, "admin": 204},
    "GET /auth/me/export": {
        "signed_out": 401, "citizen": 200, "supplier": 200, "officer": 200, "pending": 200,
        "owner": 200, "admin": 200},
    # The supplier, officer and pending roles are each the last owner of an organisation:
    # they must hand it over before they go.
    "DELETE /auth/me": {
        "signed_out": 401, "citizen": 204, "supplier": 409, "officer": 409, "pending": 409,
        "owner": 204, "admin": 204},
    "GET /auth/me/invitations": {
        "signed_out": 401, "citizen": 200, "supplier": 200, "officer": 200, "pending": 200,
        "owner": 200, "admin": 200},
    # An invitation is its addressee's alone: anyone else may not know it exists.
    "POST /auth/me/invitations/{invitation_id}/accept": {
        "signed_out": 401, "citizen": 404, "supplier": 404, "officer": 404, "pending": 404,
        "owner": 200, "admin": 404},
    "POST /auth/me/invitations/{invitation_id}/decline": {
        "signed_out": 401, "citizen": 404, "supplier": 404, "officer": 404, "pending": 404,
        "owner": 200, "admin": 404},

    # ---- organisations: a pending council with one member; the owner is its owner -------
    "POST /organisations": {
        "signed_out": 401, "citizen": 201, "supplier": 201, "officer": 201, "pending": 201,
        "owner": 201, "admin": 201},
    "GET /organisations": {
        "signed_out": 200, "citizen": 200, "supplier": 200, "officer": 200, "pending": 200,
        "owner": 200, "admin": 200},
    "GET /organisations/{organisation_id}": {
        "signed_out": 200, "citizen": 200, "supplier": 200, "officer": 200, "pending": 200,
        "owner": 200, "admin": 200},
    "POST /organisations/{organisation_id}/verify": {
        "signed_out": 401, "citizen": 403, "supplier": 403, "officer": 403, "pending": 403,
        "owner": 403, "admin": 200},
    "POST /organisations/{organisation_id}/members": {
        "signed_out": 401, "citizen": 403, "supplier": 403, "officer": 403, "pending": 403,
        "owner": 202, "admin": 403},
    "DELETE /organisations/{organisation_id}/members/{user_id}": {
        "signed_out": 401, "citizen": 403, "supplier": 403, "officer": 403, "pending": 403,
        "owner": 204, "admin": 403},

    # ---- challenges: the owner is an officer of the owning council ----------------------
    "POST /challenges": {
        "signed_out": 401, "citizen": 403, "supplier": 403, "officer": 403, "pending": 403,
        "owner": 201, "admin": 403},
    "GET /challenges": {
        "signed_out": 200, "citizen": 200, "supplier": 200, "officer": 200, "pending": 200,
        "owner": 200, "admin": 200},
    "GET /challenges/{challenge_id}": {
        "signed_out": 200, "citizen": 200, "supplier": 200, "officer": 200, "pending": 200,
        "owner": 200, "admin": 200},
    "PATCH /challenges/{challenge_id}": {
        "signed_out": 401, "citizen": 403, "supplier": 403, "officer": 403, "pending": 403,
        "owner": 200, "admin": 403},
    # Only a draft is deleted, and a draft is seen only by its council's members.
    "DELETE /challenges/{challenge_id}": {
        "signed_out": 401, "citizen": 404, "supplier": 404, "officer": 404, "pending": 404,
        "owner": 204, "admin": 404},
    "POST /challenges/{challenge_id}/status": {
        "signed_out": 401, "citizen": 403, "supplier": 403, "officer": 403, "pending": 403,
        "owner": 200, "admin": 403},
    "POST /challenges/{challenge_id}/panel": {
        "signed_out": 401, "citizen": 403, "supplier": 403, "officer": 403, "pending": 403,
        "owner": 201, "admin": 403},
    "GET /challenges/{challenge_id}/panel": {
        "signed_out": 200, "citizen": 200, "supplier": 200, "officer": 200, "pending": 200,
        "owner": 200, "admin": 200},
    "DELETE /challenges/{challenge_id}/panel/{user_id}": {
        "signed_out": 401, "citizen": 403, "supplier": 403, "officer": 403, "pending": 403,
        "owner": 204, "admin": 403},
    # The panel member themself declares (tests/challenges/test_panel_conflicts.py), or the
    # owning council's officers for them; admins manage no challenge.
    "POST /challenges/{challenge_id}/panel/{user_id}/conflicts": {
        "signed_out": 401, "citizen": 403, "supplier": 403, "officer": 403, "pending": 403,
        "owner": 200, "admin": 403},
    "GET /challenges/{challenge_id}/panel/{user_id}/conflicts": {
        "signed_out": 200, "citizen": 200, "supplier": 200, "officer": 200, "pending": 200,
        "owner": 200, "admin": 200},
    "DELETE /challenges/{challenge_id}/panel/{user_id}/conflicts/{pitch_id}": {
        "signed_out": 401, "citizen": 403, "supplier": 403, "officer": 403, "pending": 403,
        "owner": 204, "admin": 403},
    "GET /challenges/{challenge_id}/stats": {
        "signed_out": 200, "citizen": 200, "supplier": 200, "officer": 200, "pending": 200,
        "owner": 200, "admin": 200},
    "GET /challenges/{challenge_id}/ranking": {
        "signed_out": 200, "citizen": 200, "supplier": 200, "officer": 200, "pending": 200,
        "owner": 200, "admin": 200},
    # The rating record is as open as the ranking it recounts.
    "GET /challenges/{challenge_id}/record": {
        "signed_out": 200, "citizen": 200, "supplier": 200, "officer": 200, "pending": 200,
        "owner": 200, "admin": 200},
    "GET /challenges/{challenge_id}/ratings.jsonl": {
        "signed_out": 200, "citizen": 200, "supplier": 200, "officer": 200, "pending": 200,
        "owner": 200, "admin": 200},
    "GET /challenges/{challenge_id}/ratings.csv": {
        "signed_out": 200, "citizen": 200, "supplier": 200, "officer": 200, "pending": 200,
        "owner": 200, "admin": 200},
    "POST /challenges/{challenge_id}/shortlist": {
        "signed_out": 401, "citizen": 403, "supplier": 403, "officer": 403, "pending": 403,
        "owner": 201, "admin": 403},
    "GET /challenges/{challenge_id}/shortlist": {
        "signed_out": 200, "citizen": 200, "supplier": 200, "officer": 200, "pending": 200,
        "owner": 200, "admin": 200},
    # Integrity signals are for the owning council's officers and admins to judge.
    "GET /challenges/{challenge_id}/integrity": {
        "signed_out": 401, "citizen": 403, "supplier": 403, "officer": 403, "pending": 403,
        "owner": 200, "admin": 200},
    # The audit trail is the council's and the admins'; the life events are everyone's.
    "GET /challenges/{challenge_id}/audit": {
        "signed_out": 401, "citizen": 403, "supplier": 403, "officer": 403, "pending": 403,
        "owner": 200, "admin": 200},
    "GET /challenges/{challenge_id}/events": {
        "signed_out": 200, "citizen": 200, "supplier": 200, "officer": 200, "pending": 200,
        "owner": 200, "admin": 200},
    # The moderators' queue: those who moderate the challenge's comments.
    "GET /challenges/{challenge_id}/flags": {
        "signed_out": 401, "citizen": 403, "supplier": 403, "officer": 403, "pending": 403,
        "owner": 200, "admin": 200},

    # ---- pitches, their ratings and comments: the owner is the supplier's owner ---------
    # Pitching for a supplier one does not belong to is refused.
    "POST /challenges/{challenge_id}/pitches": {
        "signed_out": 401, "citizen": 403, "supplier": 403, "officer": 403, "pending": 403,
        "owner": 201, "admin": 403},
    "GET /challenges/{challenge_id}/pitches": {
        "signed_out": 200, "citizen": 200, "supplier": 200, "officer": 200, "pending": 200,
        "owner": 200, "admin": 200},
    "GET /pitches/{pitch_id}": {
        "signed_out": 200, "citizen": 200, "supplier": 200, "officer": 200, "pending": 200,
        "owner": 200, "admin": 200},
    "PATCH /pitches/{pitch_id}": {
        "signed_out": 401, "citizen": 403, "supplier": 403, "officer": 403, "pending": 403,
        "owner": 200, "admin": 403},
    "POST /pitches/{pitch_id}/withdraw": {
        "signed_out": 401, "citizen": 403, "supplier": 403, "officer": 403, "pending": 403,
        "owner": 200, "admin": 403},
    # Nobody rates a pitch of their own organisation; everyone else has rated it already.
    "PUT /pitches/{pitch_id}/rating": {
        "signed_out": 401, "citizen": 200, "supplier": 200, "officer": 200, "pending": 200,
        "owner": 403, "admin": 200},
    "GET /pitches/{pitch_id}/rating": {
        "signed_out": 401, "citizen": 200, "supplier": 200, "officer": 200, "pending": 200,
        "owner": 404, "admin": 200},
    "DELETE /pitches/{pitch_id}/rating": {
        "signed_out": 401, "citizen": 204, "supplier": 204, "officer": 204, "pending": 204,
        "owner": 403, "admin": 204},
    "GET /pitches/{pitch_id}/comments": {
        "signed_out": 200, "citizen": 200, "supplier": 200, "officer": 200, "pending": 200,
        "owner": 200, "admin": 200},
    "POST /pitches/{pitch_id}/comments": {
        "signed_out": 401, "citizen": 201, "supplier": 201, "officer": 201, "pending": 201,
        "owner": 201, "admin": 201},

    # ---- comments: the owner is the author -----------------------------------------------
    "PATCH /comments/{comment_id}": {
        "signed_out": 401, "citizen": 403, "supplier": 403, "officer": 403, "pending": 403,
        "owner": 200, "admin": 403},
    # Admins moderate anywhere, deleting included.
    "DELETE /comments/{comment_id}": {
        "signed_out": 401, "citizen": 403, "supplier": 403, "officer": 403, "pending": 403,
        "owner": 204, "admin": 204},
    # Flags are for other people's words.
    "POST /comments/{comment_id}/flags": {
        "signed_out": 401, "citizen": 201, "supplier": 201, "officer": 201, "pending": 201,
        "owner": 403, "admin": 201},
    # The owning council's officers moderate (tests/discussion), and admins; not the author.
    "POST /comments/{comment_id}/moderation": {
        "signed_out": 401, "citizen": 403, "supplier": 403, "officer": 403, "pending": 403,
        "owner": 403, "admin": 200},

    # ---- the whole audit trail: admins only -----------------------------------------------
    "GET /audit": {
        "signed_out": 401, "citizen": 403, "supplier": 403, "officer": 403, "pending": 403,
        "owner": 403, "admin": 200},

    # ---- outside /api/v1 -------------------------------------------------------------------
    "GET /healthz": {
        "signed_out": 200, "citizen": 200, "supplier": 200, "officer": 200, "pending": 200,
        "owner": 200, "admin": 200},
    "GET /.well-known/exchange-keys": {
        "signed_out": 200, "citizen": 200, "supplier": 200, "officer": 200, "pending": 200,
        "owner": 200, "admin": 200},
    "GET /docs": {
        "signed_out": 200, "citizen": 200, "supplier": 200, "officer": 200, "pending": 200,
        "owner": 200, "admin": 200},
    "GET /openapi.json": {
        "signed_out": 200, "citizen": 200, "supplier": 200, "officer": 200, "pending": 200,
        "owner": 200, "admin": 200},
    "GET /challenges/{challenge_id}/results": {
        "signed_out": 200, "citizen": 200, "supplier": 200, "officer": 200, "pending": 200,
        "owner": 200, "admin": 200},
    # The rating widget: anyone who sees the pitch sees its stars (the owner, its supplier,
    # is told there why they cannot rate it).
    "GET /embed/pitches/{pitch_id}": {
        "signed_out": 200, "citizen": 200, "supplier": 200, "officer": 200, "pending": 200,
        "owner": 200, "admin": 200},
}

# The same routes on a draft, which only its council's members know exists: everyone
# else gets 404, whatever they ask (401 first, for a route that needs signing in).
ON_A_DRAFT = {
    "GET /challenges/{challenge_id}": {
        "signed_out": 404, "citizen": 404, "supplier": 404, "officer": 404, "pending": 404,
        "owner": 200, "admin": 404},
    "PATCH /challenges/{challenge_id}": {
        "signed_out": 401, "citizen": 404, "supplier": 404, "officer": 404, "pending": 404,
        "owner": 200, "admin": 404},
    "POST /challenges/{challenge_id}/status": {
        "signed_out": 401, "citizen": 404, "supplier": 404, "officer": 404, "pending": 404,
        "owner": 200, "admin": 404},
    "POST /challenges/{challenge_id}/panel": {
        "signed_out": 401, "citizen": 404, "supplier": 404, "officer": 404, "pending": 404,
        "owner": 201, "admin": 404},
    "GET /challenges/{challenge_id}/panel": {
        "signed_out": 404, "citizen": 404, "supplier": 404, "officer": 404, "pending": 404,
        "owner": 200, "admin": 404},
    "DELETE /challenges/{challenge_id}/panel/{user_id}": {
        "signed_out": 401, "citizen": 404, "supplier": 404, "officer": 404, "pending": 404,
        "owner": 204, "admin": 404},
    # A draft has no pitches yet: the owner is let in, and pitch 1 is not one of its own.
    "POST /challenges/{challenge_id}/panel/{user_id}/conflicts": {
        "signed_out": 401, "citizen": 404, "supplier": 404, "officer": 404, "pending": 404,
        "owner": 422, "admin": 404},
    "GET /challenges/{challenge_id}/panel/{user_id}/conflicts": {
        "signed_out": 404, "citizen": 404, "supplier": 404, "officer": 404, "pending": 404,
        "owner": 200, "admin": 404},
    "GET /challenges/{challenge_id}/stats": {
        "signed_out": 404, "citizen": 404, "supplier": 404, "officer": 404, "pending": 404,
        "owner": 200, "admin": 404},
    "GET /challenges/{challenge_id}/ranking": {
        "signed_out": 404, "citizen": 404, "supplier": 404, "officer": 404, "pending": 404,
        "owner": 200, "admin": 404},
    "GET /challenges/{challenge_id}/record": {
        "signed_out": 404, "citizen": 404, "supplier": 404, "officer": 404, "pending": 404,
        "owner": 200, "admin": 404},
    "GET /challenges/{challenge_id}/ratings.jsonl": {
        "signed_out": 404, "citizen": 404, "supplier": 404, "officer": 404, "pending": 404,
        "owner": 200, "admin": 404},
    "GET /challenges/{challenge_id}/ratings.csv": {
        "signed_out": 404, "citizen": 404, "supplier": 404, "officer": 404, "pending": 404,
        "owner": 200, "admin": 404},
    "GET /challenges/{challenge_id}/results": {
        "signed_out": 404, "citizen": 404, "supplier": 404, "officer": 404, "pending": 404,
        "owner": 200, "admin": 404},
    # A shortlist is published from voting (409), after the officer was let in.
    "POST /challenges/{challenge_id}/shortlist": {
        "signed_out": 401, "citizen": 404, "supplier": 404, "officer": 404, "pending": 404,
        "owner": 409, "admin": 404},
    "GET /challenges/{challenge_id}/shortlist": {
        "signed_out": 404, "citizen": 404, "supplier": 404, "officer": 404, "pending": 404,
        "owner": 404, "admin": 404},
    "GET /challenges/{challenge_id}/integrity": {
        "signed_out": 401, "citizen": 404, "supplier": 404, "officer": 404, "pending": 404,
        "owner": 200, "admin": 404},
    "GET /challenges/{challenge_id}/audit": {
        "signed_out": 401, "citizen": 404, "supplier": 404, "officer": 404, "pending": 404,
        "owner": 200, "admin": 404},
    "GET /challenges/{challenge_id}/events": {
        "signed_out": 404, "citizen": 404, "supplier": 404, "officer": 404, "pending": 404,
        "owner": 200, "admin": 404},
    "GET /challenges/{challenge_id}/flags": {
        "signed_out": 401, "citizen": 404, "supplier": 404, "officer": 404, "pending": 404,
        "owner": 200, "admin": 404},
    # Here the owner is the supplier's owner, who does not see the draft either.
    "GET /challenges/{challenge_id}/pitches": {
        "signed_out": 404, "citizen": 404, "supplier": 404, "officer": 404, "pending": 404,
        "owner": 404, "admin": 404},
    "POST /challenges/{challenge_id}/pitches": {
        "signed_out": 401, "citizen": 404, "supplier": 404, "officer": 404, "pending": 404,
        "owner": 404, "admin": 404},
}

# Cells where the code disagrees with PRODUCT.md today, in organisations/ (whose policy
# decides membership), each with the reason.
KNOWN_DIFFERENCES: dict[tuple[str, str], str] = {}

# Who "owner" is: the first prefix of the path that matches (the last one always does).
OWNERS = (
    ("/challenges/{challenge_id}/pitches", "supplier_owner"),
    ("/pitches/", "supplier_owner"),
    ("/comments/", "author"),
    ("/challenges", "council_officer"),
    ("/organisations", "organisation_owner"),
    ("/", "person"),
)

# Routes whose challenge is not simply open.
STAGES = {
    "DELETE /challenges/{challenge_id}": "draft",
    "POST /challenges/{challenge_id}/shortlist": "voting",
    "GET /challenges/{challenge_id}/shortlist": "shortlisted",
}

# Whose id `{user_id}` is, by path.
USER_IDS = {
    "/challenges/{challenge_id}/panel/{user_id}": "expert",
    "/challenges/{challenge_id}/panel/{user_id}/conflicts": "expert",
    "/challenges/{challenge_id}/panel/{user_id}/conflicts/{pitch_id}": "expert",
    "/organisations/{organisation_id}/members/{user_id}": "member",
}

PASSWORD = "correct horse"  # every person the factories register has it

BODIES = {
    "POST /auth/register": lambda world: {
        "email": "someone.new@example.org", "password": PASSWORD, "display_name": "Someone"},
    "POST /auth/login": lambda world: {
        "email": world.people["person"].email, "password": PASSWORD},
    "POST /auth/tokens": lambda world: {"name": "laptop"},
    "PUT /auth/me/password": lambda world: {
        "current_password": PASSWORD, "new_password": "a quite different passphrase"},
    "DELETE /auth/me": lambda world: {"password": PASSWORD},
    "POST /organisations": lambda world: {"name": "Fresh Supplier", "kind": "supplier"},
    "POST /organisations/{organisation_id}/members": lambda world: {
        "email": world.people["newcomer"].email, "role": "member"},
    "POST /challenges": lambda world: {
        "council_id": world.ids["council_id"], "title": "Another need", "summary": "Soon"},
    "PATCH /challenges/{challenge_id}": lambda world: {"title": "A clearer need"},
    "POST /challenges/{challenge_id}/status": lambda world: {"status": "closed"},
    "POST /challenges/{challenge_id}/panel": lambda world: {
        "user_id": world.people["newcomer"].id},
    # The world's expert declared a conflict with its pitch already (who_may_world.build).
    "POST /challenges/{challenge_id}/panel/{user_id}/conflicts": lambda world: {
        "pitch_ids": [world.ids.get("pitch_id", 1)]},
    "POST /challenges/{challenge_id}/pitches": lambda world: {
        "supplier_id": world.ids["supplier_id"], "title": "A second idea",
        "summary": "Also free", "pricing": "free"},
    "PATCH /pitches/{pitch_id}": lambda world: {"title": "A sharper idea"},
    "PUT /pitches/{pitch_id}/rating": lambda world: {"stars": 2},
    "POST /pitches/{pitch_id}/comments": lambda world: {"body": "Is it accessible?"},
    "PATCH /comments/{comment_id}": lambda world: {"body": "How does it handle Gaelic?"},
    "POST /comments/{comment_id}/flags": lambda world: {"reason": "Off topic"},
    "POST /comments/{comment_id}/moderation": lambda world: {"action": "hide"},
}


def served_routes() -> list[str]:
    """Every route the app serves (method and path), HEAD and OPTIONS aside."""
    app = create_app(dict(TEST_SETTINGS))
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(API_PREFIX + "/"):
            path = rule.rule.removeprefix(API_PREFIX)
        elif rule.rule in OUTSIDE_API:
            path = rule.rule
        else:
            continue
        path = re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", path)
        routes |= {f"{method} {path}" for method in rule.methods - {"HEAD", "OPTIONS"}}
    return sorted(routes)


SERVED = served_routes()


def test_every_route_has_a_row():
    missing = [route for route in SERVED if route not in WHO_MAY]
    assert not missing, ("Routes without a row in WHO_MAY (tests/test_who_may.py says how "
                         "to add one): " + "; ".join(missing))


@pytest.mark.parametrize("table", [WHO_MAY, ON_A_DRAFT], ids=["WHO_MAY", "ON_A_DRAFT"])
def test_every_row_is_a_served_route_with_every_role(table):
    stale = [route for route in table if route not in SERVED]
    assert not stale, "Rows for routes the app does not serve: " + "; ".join(stale)
    incomplete = [route for route, row in table.items() if set(row) != set(ROLES)]
    assert not incomplete, "Rows without exactly the seven roles: " + "; ".join(incomplete)


def _stage(route: str) -> str:
    return STAGES.get(route, "open")


def _cells(table: dict, stage=_stage):
    """(route, role) for every cell of `table`, grouped by the stage of their world; in a
    route, refusals first: they leave the world as it was, so only successes cost a restore."""
    routes = sorted((r for r in SERVED if r in table),
                    key=lambda r: STAGE_ORDER.index(stage(r)))
    for route in routes:
        row = table[route]
        for role in sorted(row, key=lambda role: (row[role] not in REFUSALS,
                                                  ROLES.index(role))):
            reason = KNOWN_DIFFERENCES.get((route, role))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(route, role, id=f"{route} as {role}", marks=marks)


@pytest.fixture(scope="module")
def worlds(migrated):
    yield from module_worlds()


def _owner(path: str) -> str:
    return next(person for prefix, person in OWNERS if path.startswith(prefix))


def _url(world, path: str) -> str:
    values = dict(world.ids)
    if path in USER_IDS:
        values["user_id"] = world.people[USER_IDS[path]].id
    return path.format(**values)


def _changed_tables(worlds) -> list[str]:
    now = snapshot(worlds.app)
    return [name for name, rows in now.items() if rows != worlds.rows.get(name)]


@pytest.mark.parametrize(("route", "role"), list(_cells(WHO_MAY)))
def test_who_may(worlds, route, role):
    _try(worlds.at(_stage(route)), worlds, route, role, WHO_MAY[route][role])


@pytest.mark.parametrize(("route", "role"), list(_cells(ON_A_DRAFT, lambda route: "draft")))
def test_who_may_on_a_draft(worlds, route, role):
    _try(worlds.at("draft"), worlds, route, role, ON_A_DRAFT[route][role])


def _try(world, worlds, route: str, role: str, expected: int) -> None:
    """Send the route as `role`: the status must be `expected`, and a refusal changes nothing."""
    method, path = route.split(" ", 1)
    person = {"signed_out": None, "owner": _owner(path)}.get(role, role)
    client = world.client(person, worlds.app)
    body = BODIES.get(route)
    if path in PAGES:
        headers = {"Authorization": f"Bearer {client.token}"} if client.token else {}
        response = client.http.open(_url(world, path), method=method, headers=headers)
    else:
        response = client.request(method, _url(world, path),
                                  **({"json": body(world)} if body else {}))
    assert response.status_code == expected, (
        f"{route} as {role}: expected {expected}, got {response.status_code}: "
        f"{response.get_data(as_text=True)[:300]}")
    if expected in REFUSALS:
        assert response.mimetype == ("text/html" if path in PAGES
                                     else "application/problem+json")
        changed = _changed_tables(worlds)
        assert not changed, f"{route} refused to {role} yet changed: {', '.join(changed)}"

