"""GET /challenges/{id}: one statement, the same bytes as ChallengeOut's dump of the loaded
Challenge in every state, its tags in order, and a 304 that counts no view."""
import json

from sqlalchemy import text

from exchange import views
from exchange.challenges import schemas
from exchange.challenges.models import Challenge
from exchange.extensions import db
from exchange.http.conditional import etag_of
from tests.contract import recorded_statements
from tests.factories import ok


def _as_loaded(app, challenge_id: int, can: dict) -> bytes:
    """The challenge loaded as a Challenge (council, tags, tally) and dumped by
    ChallengeOut, in the bytes the app writes for a JSON answer (`can`: the caller's
    hints, tests/test_hints.py's subject)."""
    with app.test_request_context():
        challenge = db.session.get(Challenge, challenge_id)
        challenge.can = can
        return app.json.response(schemas.ChallengeOut().dump(challenge)).get_data()


def _run(app, sql: str, **values) -> None:
    with app.app_context():
        db.session.execute(text(sql), values)
        db.session.commit()


def _answers_as_loaded(app, client, challenge_id: int) -> dict:
    response = client.get(f"/challenges/{challenge_id}")
    assert response.status_code == 200
    assert response.get_data() == _as_loaded(app, challenge_id, response.get_json()["can"])
    assert response.headers["ETag"] == etag_of(json.loads(response.get_data()))
    return response.get_json()


def test_one_challenge_is_byte_for_byte_its_loaded_dump_in_every_state(
        app, make, council, supplier_org, citizen, anon):
    draft = make.challenge(council, "draft", title="Ponts à “réparer”",
                           tags=["zeta", "alpha-1", "alpha", "0day", "alpha-"],
                           deadline="2031-05-01T12:00:00Z")
    shown = _answers_as_loaded(app, council.owner, draft["id"])
    assert shown["tags"] == ["0day", "alpha", "alpha-", "alpha-1", "zeta"]
    for outsider in (anon, citizen, supplier_org.owner):
        assert outsider.get(f"/challenges/{draft['id']}").status_code == 404

    make.move(council, draft["id"], "open")
    pitch = make.pitch(draft["id"], supplier_org)
    ok(citizen.put(f"/pitches/{pitch['id']}/rating", json={"stars": 4}))
    shown = _answers_as_loaded(app, anon, draft["id"])
    assert shown["rating_count"] == 1 and shown["pitch_count"] == 1

    make.move(council, draft["id"], "voting")
    assert _answers_as_loaded(app, citizen, draft["id"])["status"] == "voting"

    bare = make.challenge(council, "open", tags=[])
    # No tally row yet: no ratings shown.
    _run(app, "DELETE FROM challenge_tallies WHERE challenge_id = :id", id=bare["id"])
    shown = _answers_as_loaded(app, anon, bare["id"])
    assert shown["tags"] == [] and shown["rating_count"] == 0 and shown["deadline"] is None


def test_one_challenge_runs_one_statement_and_a_304_counts_no_view(app, make, council,
                                                                   anon):
    path = f"/challenges/{make.challenge(council, 'open')['id']}"
    first = anon.get(path)
    with recorded_statements(app) as seen:
        ok(anon.get(path))
    assert len(seen) == 1
    assert views.flush(app) == 2
    again = anon.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert views.flush(app) == 0
    assert anon.get("/challenges/999999").status_code == 404
    assert views.flush(app) == 0
