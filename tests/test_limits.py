"""Rate limits per account and per network (exchange/http/limits.py).

The test settings turn the limiter off; each test here makes a second app on the same
database with it on and small limits (per hour, so no window ends during a test). The
people, challenges and pitches are made first, through the usual test app, and then speak
to the limited app with the same tokens from addresses chosen with REMOTE_ADDR.
"""
import pytest
from sqlalchemy import func, select

from exchange import config, create_app
from exchange.discussion.models import Comment, CommentFlag
from exchange.extensions import db
from exchange.organisations.models import Invitation
from exchange.voting.models import Rating, RatingChange
from tests.discussion.state import counts, post_comment, thread
from tests.factories import Client, ok

OFFICE = "203.0.113.10"
SAME_OFFICE = "203.0.113.200"  # another address in the same /24
ELSEWHERE = "198.51.100.7"
PROXY = "10.0.0.1"
GENEROUS = "1000 per hour"


def limited_app(**settings):
    """An app on the test database with the limiter on (memory storage, counted afresh)."""
    from tests.conftest import TEST_SETTINGS

    return create_app(TEST_SETTINGS | {"RATELIMIT_ENABLED": True} | settings)


def speaking_to(app, person, address=OFFICE, **headers) -> Client:
    """`person` (made by the factory) sending requests to `app` from `address`."""
    client = Client(app, person.token, person.id, person.email, person.name)
    client.http.environ_base["REMOTE_ADDR"] = address
    client.http.environ_base.update({f"HTTP_{k.upper()}": v for k, v in headers.items()})
    return client


def refused(response, what: str) -> dict:
    """A 429 problem+json that says what there were too many of and when to try again."""
    assert response.status_code == 429, (response.status_code, response.get_json())
    assert response.mimetype == "application/problem+json"
    assert int(response.headers["Retry-After"]) > 0
    body = response.get_json()
    assert (body["type"], body["status"]) == ("urn:exchange:problem:rate-limited", 429)
    assert body["detail"].startswith(f"Too many {what}; try again in ")
    return body


def rows(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def public_tally(client, pitch) -> tuple[int, int]:
    public = ok(client.get(f"/pitches/{pitch['id']}"))["tally"]["public"]
    return public["count"], public["sum"]


# ---- Rating ------------------------------------------------------------------------------

def test_rating_changes_past_the_account_limit_are_429_and_change_nothing(app, make, pitch):
    citizen, neighbour = make.user("citizen"), make.user("neighbour")
    limited = limited_app(RATELIMIT_RATING_PER_ACCOUNT="3 per hour",
                          RATELIMIT_RATING_PER_NETWORK=GENEROUS)
    path = f"/pitches/{pitch['id']}/rating"
    rater = speaking_to(limited, citizen)
    assert [rater.put(path, json={"stars": s}).status_code for s in (1, 2, 4)] == [200] * 3
    changes_before = rows(app, RatingChange)

    refused(rater.put(path, json={"stars": 5}), "rating changes from this account")
    # Taking a rating back is a rating change too: the same count.
    refused(rater.delete(path), "rating changes from this account")

    assert ok(citizen.get(path))["stars"] == 4
    assert public_tally(citizen, pitch) == (1, 4)
    assert (rows(app, Rating), rows(app, RatingChange)) == (1, changes_before)
    # Another account on the same network has its own count.
    ok(speaking_to(limited, neighbour).put(path, json={"stars": 5}))
    assert public_tally(citizen, pitch) == (2, 9)


def test_the_network_limit_stops_two_accounts_on_one_24_but_not_a_third_elsewhere(
        app, make, pitch):
    first, second, third = make.user("first"), make.user("second"), make.user("third")
    limited = limited_app(RATELIMIT_RATING_PER_ACCOUNT=GENEROUS,
                          RATELIMIT_RATING_PER_NETWORK="4 per hour")
    path = f"/pitches/{pitch['id']}/rating"
    one, two = speaking_to(limited, first, OFFICE), speaking_to(limited, second, SAME_OFFICE)
    statuses = [one.put(path, json={"stars": 1}).status_code,
                two.put(path, json={"stars": 2}).status_code,
                one.put(path, json={"stars": 3}).status_code,
                two.put(path, json={"stars": 4}).status_code]
    assert statuses == [200] * 4

    refused(one.put(path, json={"stars": 5}), "rating changes from this network")
    refused(two.delete(path), "rating changes from this network")
    assert public_tally(first, pitch) == (2, 7)

    ok(speaking_to(limited, third, ELSEWHERE).put(path, json={"stars": 5}))
    assert public_tally(first, pitch) == (3, 12)


def test_rating_a_whole_challenge_at_the_default_limits_is_never_stopped(
        app, make, council, supplier_org):
    """The defaults allow 60 rating changes a minute per account and ten times that per
    network: 60 pitches rated as fast as a client can send are all served."""
    challenge = make.challenge(council, "open")
    pitches = [make.pitch(challenge["id"], supplier_org) for _ in range(60)]
    citizen = make.user("citizen")
    rater = speaking_to(limited_app(), citizen)
    statuses = [rater.put(f"/pitches/{p['id']}/rating", json={"stars": 1 + i % 5}).status_code
                for i, p in enumerate(pitches)]
    assert statuses == [200] * 60
    assert public_tally(citizen, pitches[59]) == (1, 5)


# ---- Comments, flags, invitations -------------------------------------------------------

def test_comments_replies_and_edits_past_the_account_limit_are_429_and_change_nothing(
        app, make, pitch):
    citizen, neighbour = make.user("citizen"), make.user("neighbour")
    limited = limited_app(RATELIMIT_COMMENTS_PER_ACCOUNT="3 per hour",
                          RATELIMIT_COMMENTS_PER_NETWORK=GENEROUS)
    writer = speaking_to(limited, citizen)
    first = post_comment(writer, pitch, "First")
    reply = post_comment(writer, pitch, "A reply", parent=first)
    ok(writer.patch(f"/comments/{first['id']}", json={"body": "First, edited"}))

    refused(writer.post(f"/pitches/{pitch['id']}/comments", json={"body": "Fourth"}),
            "comments from this account")
    refused(writer.post(f"/pitches/{pitch['id']}/comments",
                        json={"body": "Another reply", "parent_id": first["id"]}),
            "comments from this account")
    refused(writer.patch(f"/comments/{reply['id']}", json={"body": "Edited too"}),
            "comments from this account")

    assert [(c["id"], c["body"]) for c in thread(citizen, pitch)] == [
        (first["id"], "First, edited"), (reply["id"], "A reply")]
    assert counts(citizen, pitch) == (2, 2)
    assert rows(app, Comment) == 2
    post_comment(speaking_to(limited, neighbour), pitch, "Mine is still welcome")
    assert counts(citizen, pitch) == (3, 3)


def test_comments_past_the_network_limit_are_429_but_not_from_another_network(
        app, make, pitch):
    first, second, third = make.user("first"), make.user("second"), make.user("third")
    limited = limited_app(RATELIMIT_COMMENTS_PER_ACCOUNT=GENEROUS,
                          RATELIMIT_COMMENTS_PER_NETWORK="2 per hour")
    post_comment(speaking_to(limited, first, OFFICE), pitch, "One")
    post_comment(speaking_to(limited, second, SAME_OFFICE), pitch, "Two")
    refused(speaking_to(limited, first, OFFICE).post(
        f"/pitches/{pitch['id']}/comments", json={"body": "Three"}),
        "comments from this network")
    post_comment(speaking_to(limited, third, ELSEWHERE), pitch, "Three, from elsewhere")
    assert [c["body"] for c in thread(first, pitch)] == ["One", "Two", "Three, from elsewhere"]


def test_flags_past_the_account_limit_are_429_and_change_nothing(app, make, pitch):
    author, flagger = make.user("author"), make.user("flagger")
    comments = [post_comment(author, pitch, f"Comment {n}") for n in range(3)]
    limited = limited_app(RATELIMIT_FLAGS_PER_ACCOUNT="2 per hour",
                          RATELIMIT_FLAGS_PER_NETWORK=GENEROUS)
    moderator_bait = speaking_to(limited, flagger)
    for comment in comments[:2]:
        ok(moderator_bait.post(f"/comments/{comment['id']}/flags", json={"reason": "Spam"}),
           201)

    refused(moderator_bait.post(f"/comments/{comments[2]['id']}/flags",
                                json={"reason": "Spam"}), "flags from this account")
    assert rows(app, CommentFlag) == 2


def test_invitations_past_the_account_limit_are_429_and_change_nothing(app, make,
                                                                      supplier_org):
    limited = limited_app(RATELIMIT_INVITATIONS_PER_ACCOUNT="2 per hour",
                          RATELIMIT_INVITATIONS_PER_NETWORK=GENEROUS)
    owner = speaking_to(limited, supplier_org.owner)
    path = f"/organisations/{supplier_org.id}/members"
    for n in range(2):
        ok(owner.post(path, json={"email": f"colleague{n}@example.org", "role": "member"}),
           202)

    refused(owner.post(path, json={"email": "colleague2@example.org", "role": "member"}),
            "invitations from this account")
    assert rows(app, Invitation) == 2


# ---- Signing in, registering, tokens -----------------------------------------------------

def test_sign_in_attempts_count_per_network_across_addresses(app, make):
    person = make.user("person")
    limited = limited_app(RATELIMIT_SIGN_IN_PER_NETWORK="3 per hour")
    wrong = {"email": person.email, "password": "not the password"}
    statuses = [speaking_to(limited, make.anonymous(), f"203.0.113.{n}")
                .post("/auth/login", json=wrong).status_code for n in (1, 2, 3)]
    assert statuses == [401] * 3
    refused(speaking_to(limited, make.anonymous(), "203.0.113.4").post(
        "/auth/login", json=wrong | {"password": "correct horse"}),
        "sign-in attempts from this network")
    ok(speaking_to(limited, make.anonymous(), ELSEWHERE).post(
        "/auth/login", json=wrong | {"password": "correct horse"}))


def test_sign_ups_count_per_network(app, make):
    limited = limited_app(RATELIMIT_REGISTER_PER_NETWORK="2 per hour")

    def register(n, address):
        return speaking_to(limited, make.anonymous(), address).post("/auth/register", json={
            "email": f"newcomer{n}@example.org", "password": "correct horse",
            "display_name": f"Newcomer {n}"})

    assert [register(n, f"203.0.113.{n}").status_code for n in (1, 2)] == [201, 201]
    refused(register(3, "203.0.113.3"), "sign-up attempts from this network")
    ok(register(4, ELSEWHERE), 201)
    assert make.anonymous().post("/auth/login", json={
        "email": "newcomer3@example.org", "password": "correct horse"}).status_code == 401


def test_new_api_tokens_past_the_account_limit_are_429(app, make):
    person = make.user("person")
    limited = limited_app(RATELIMIT_TOKENS_PER_ACCOUNT="2 per hour")
    client = speaking_to(limited, person)
    for n in range(2):
        ok(client.post("/auth/tokens", json={"name": f"laptop {n}"}), 201)
    refused(client.post("/auth/tokens", json={"name": "one more"}),
            "new API tokens from this account")
    assert [t["name"] for t in ok(person.get("/auth/tokens"))["items"]] == [
        "tests", "laptop 0", "laptop 1"]


# ---- Which address counts ----------------------------------------------------------------

def test_behind_one_trusted_proxy_x_forwarded_for_decides_the_network(app, make, pitch):
    first, second, third = make.user("first"), make.user("second"), make.user("third")
    limited = limited_app(TRUSTED_PROXIES=1, RATELIMIT_RATING_PER_ACCOUNT=GENEROUS,
                          RATELIMIT_RATING_PER_NETWORK="2 per hour")
    path = f"/pitches/{pitch['id']}/rating"

    def rate(person, client_address, stars):
        return speaking_to(limited, person, PROXY, X_FORWARDED_FOR=client_address).put(
            path, json={"stars": stars})

    ok(rate(first, OFFICE, 1))
    ok(rate(second, SAME_OFFICE, 2))
    refused(rate(second, SAME_OFFICE, 3), "rating changes from this network")
    ok(rate(third, ELSEWHERE, 5))  # the same proxy, another client network
    assert public_tally(first, pitch) == (3, 8)


def test_without_trusted_proxies_x_forwarded_for_is_ignored(app, make, pitch):
    first, second = make.user("first"), make.user("second")
    limited = limited_app(TRUSTED_PROXIES=0, RATELIMIT_RATING_PER_ACCOUNT=GENEROUS,
                          RATELIMIT_RATING_PER_NETWORK="2 per hour")
    path = f"/pitches/{pitch['id']}/rating"

    def rate(person, claimed_address, stars):
        return speaking_to(limited, person, OFFICE, X_FORWARDED_FOR=claimed_address).put(
            path, json={"stars": stars})

    ok(rate(first, "192.0.2.1", 1))
    ok(rate(second, "192.0.2.2", 2))
    # A forged header naming yet another network is still counted by the real address.
    refused(rate(second, ELSEWHERE, 3), "rating changes from this network")
    assert public_tally(first, pitch) == (2, 3)


def test_a_malformed_limit_stops_the_app_at_start_up(monkeypatch):
    monkeypatch.setenv("RATELIMIT_RATING_PER_ACCOUNT", "sixty a minute")
    with pytest.raises(ValueError, match="RATELIMIT_RATING_PER_ACCOUNT is not a rate limit"):
        config.from_environment()


# ---- The document ------------------------------------------------------------------------

LIMITED_OPERATIONS = [
    ("post", "/api/v1/auth/register"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/tokens"),
    ("put", "/api/v1/auth/me/password"),
    ("delete", "/api/v1/auth/me"),
    ("put", "/api/v1/pitches/{pitch_id}/rating"),
    ("delete", "/api/v1/pitches/{pitch_id}/rating"),
    ("post", "/api/v1/pitches/{pitch_id}/comments"),
    ("patch", "/api/v1/comments/{comment_id}"),
    ("post", "/api/v1/comments/{comment_id}/flags"),
    ("post", "/api/v1/organisations/{organisation_id}/members"),
]


def test_every_limited_operation_documents_its_429(openapi_document):
    documented = sorted(
        (method, path) for path, operations in openapi_document["paths"].items()
        for method, operation in operations.items()
        if isinstance(operation, dict) and "429" in operation.get("responses", {}))
    assert documented == sorted(LIMITED_OPERATIONS)
