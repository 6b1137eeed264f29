"""Factory functions: people signed in by token, organisations, challenges, pitches.

Everything is made through the public API, so the fixtures exercise the same rules as
the tests. Each factory takes **overrides for the body it sends.
"""
import itertools
from dataclasses import dataclass, field

from exchange.accounts import service as accounts
from exchange.accounts.models import User
from exchange.extensions import db

API = "/api/v1"
_counter = itertools.count(1)


class Client:
    """A test client speaking to /api/v1, signed in by bearer token (or not at all)."""

    def __init__(self, app, token: str | None = None, user_id: int | None = None,
                 email: str | None = None, name: str = "anonymous"):
        self.app, self.token, self.id, self.email, self.name = app, token, user_id, email, name
        self.http = app.test_client()

    def __repr__(self):
        return f"<Client {self.name}>"

    def request(self, method: str, path: str, **kwargs):
        headers = dict(kwargs.pop("headers", {}) or {})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        url = path if path.startswith(("/healthz", "/docs", "/openapi", "/.well-known",
                                       "/embed/")) \
            else API + path
        return self.http.open(url, method=method, headers=headers, **kwargs)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


@dataclass
class Org:
    id: int
    owner: Client
    kind: str
    members: list = field(default_factory=list)


def ok(response, status: int = 200):
    assert response.status_code == status, (response.status_code, response.get_json())
    return response.get_json()


def ids_on_every_page(client, path: str, limit: int) -> list[int]:
    """The ids of a list's items, page after page of `limit` (`path` has a query already)."""
    seen, cursor = [], None
    while True:
        page = ok(client.get(f"{path}&limit={limit}" + (f"&cursor={cursor}" if cursor else "")))
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            return seen


class Factory:
    def __init__(self, app):
        self.app = app

    def anonymous(self) -> Client:
        return Client(self.app)

    def user(self, name: str = "person", *, is_admin: bool = False, **overrides) -> Client:
        n = next(_counter)
        body = {"email": f"{name}{n}@example.org", "password": "correct horse",
                "display_name": f"{name.title()} {n}"} | overrides
        client = Client(self.app, name=name)
        created = ok(client.post("/auth/register", json=body), 201)
        with self.app.app_context():
            user = db.session.get(User, created["id"])
            if is_admin:
                user.is_admin = True
                db.session.commit()
            _, secret = accounts.create_token(user, "tests")
        return Client(self.app, secret, created["id"], created["email"], name)

    def council(self, *, admin: Client | None = None, verified: bool = True,
                owner: Client | None = None, **overrides) -> Org:
        owner = owner or self.user("officer")
        body = {"name": f"Council {next(_counter)}", "kind": "council"} | overrides
        org = ok(owner.post("/organisations", json=body), 201)
        if verified:
            admin = admin or self.user("admin", is_admin=True)
            ok(admin.post(f"/organisations/{org['id']}/verify"))
        return Org(org["id"], owner, "council")

    def supplier(self, *, owner: Client | None = None, **overrides) -> Org:
        owner = owner or self.user("supplier")
        body = {"name": f"Supplier {next(_counter)}", "kind": "supplier"} | overrides
        org = ok(owner.post("/organisations", json=body), 201)
        return Org(org["id"], owner, "supplier")

    def member(self, org: Org, name: str = "member", role: str = "member") -> Client:
        """Someone invited by the organisation's owner who accepted, as members join."""
        person = self.user(name)
        invitation = ok(org.owner.post(f"/organisations/{org.id}/members",
                                       json={"email": person.email, "role": role}), 202)
        ok(person.post(f"/auth/me/invitations/{invitation['id']}/accept"))
        org.members.append(person)
        return person

    def challenge(self, council: Org, status: str = "open", **overrides) -> dict:
        body = {"council_id": council.id, "title": f"Challenge {next(_counter)}",
                "summary": "A need", "tags": ["budget"]} | overrides
        challenge = ok(council.owner.post("/challenges", json=body), 201)
        path = {"draft": [], "open": ["open"], "voting": ["open", "voting"],
                "closed": ["closed"]}[status]
        for step in path:
            challenge = ok(council.owner.post(f"/challenges/{challenge['id']}/status",
                                              json={"status": step}))
        return challenge

    def move(self, council: Org, challenge_id: int, status: str) -> dict:
        return ok(council.owner.post(f"/challenges/{challenge_id}/status",
                                     json={"status": status}))

    def pitch(self, challenge_id: int, supplier: Org, by: Client | None = None,
              **overrides) -> dict:
        body = {"supplier_id": supplier.id, "title": f"Pitch {next(_counter)}",
                "summary": "We can help", "pricing": "free"} | overrides
        return ok((by or supplier.owner).post(f"/challenges/{challenge_id}/pitches",
                                              json=body), 201)
