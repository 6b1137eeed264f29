"""GET /pitches/{id}: one statement, the same bytes as the pitch list's item in every state
of a pitch, its tags in order, and a 304 that counts no view."""
import json

import pytest
from sqlalchemy import text

from exchange import views
from exchange.extensions import db
from exchange.http.conditional import etag_of
from exchange.pitches import schemas
from tests.contract import recorded_statements
from tests.factories import ok


def _as_listed(app, client, shown: dict) -> bytes:
    """The pitch as its challenge's list shows it to the same caller (rows read by
    `in_order`, dumped by PitchOut, with the caller's standing), in the bytes the app
    writes for a JSON answer."""
    listed = ok(client.get(f"/challenges/{shown['challenge_id']}/pitches?sort=score"
                           f"&status={shown['status']}&limit=100"))["items"]
    item = next(pitch for pitch in listed if pitch["id"] == shown["id"])
    with app.test_request_context():
        return app.json.response(item).get_data()


def _run(app, sql: str, **values) -> None:
    with app.app_context():
        db.session.execute(text(sql), values)
        db.session.commit()


def _answers_as_listed(app, client, pitch_id: int) -> dict:
    response = client.get(f"/pitches/{pitch_id}")
    assert response.status_code == 200
    assert response.get_data() == _as_listed(app, client, response.get_json())
    assert response.headers["ETag"] == etag_of(json.loads(response.get_data()))
    return response.get_json()


@pytest.fixture
def pitched(make, challenge, supplier_org):
    return make.pitch(challenge["id"], supplier_org, title="Café ☕ for “all”",
                      video_url="https://example.org/v", price_note="£5 a month",
                      tags=["zeta", "alpha-1", "alpha", "0day", "alpha-"])


def test_one_pitch_is_byte_for_byte_the_listed_item_in_every_state(app, make, council,
                                                                 supplier_org, pitched,
                                                                 citizen, anon):
    pitch_id = pitched["id"]
    shown = _answers_as_listed(app, anon, pitch_id)
    assert shown["tags"] == ["0day", "alpha", "alpha-", "alpha-1", "zeta"]
    assert shown["tally"]["public"]["mean"] is None

    ok(citizen.put(f"/pitches/{pitch_id}/rating", json={"stars": 4}))
    ok(make.user("second").put(f"/pitches/{pitch_id}/rating", json={"stars": 5}))
    # A panel's figures and an uneven mean, as voting would store them.
    _run(app, "UPDATE pitch_tallies SET panel_count = 3, panel_sum = 7, panel_2 = 2, "
              "panel_3 = 1 WHERE pitch_id = :id", id=pitch_id)
    shown = _answers_as_listed(app, citizen, pitch_id)
    assert shown["tally"]["public"]["count"] == 2 and shown["tally"]["panel"]["count"] == 3

    _run(app, "UPDATE pitches SET shortlisted = :yes WHERE id = :id", yes=True, id=pitch_id)
    assert _answers_as_listed(app, anon, pitch_id)["shortlisted"] is True

    # Back to what voting counted, so that withdrawing takes out what the challenge holds.
    _run(app, "UPDATE pitch_tallies SET panel_count = 0, panel_sum = 0, panel_2 = 0, "
              "panel_3 = 0 WHERE pitch_id = :id", id=pitch_id)
    ok(supplier_org.owner.post(f"/pitches/{pitch_id}/withdraw"))
    shown = _answers_as_listed(app, supplier_org.owner, pitch_id)
    assert shown["status"] == "withdrawn" and shown["withdrawn_at"].endswith("Z")

    # No tally row yet: no ratings shown.
    _run(app, "DELETE FROM pitch_tallies WHERE pitch_id = :id", id=pitch_id)
    assert _answers_as_listed(app, anon, pitch_id)["tally"] == schemas.NO_RATINGS


def test_a_pitch_without_tags_or_video_answers_as_listed(app, make, challenge, supplier_org,
                                                         anon):
    pitch = make.pitch(challenge["id"], supplier_org)
    shown = _answers_as_listed(app, anon, pitch["id"])
    assert shown["tags"] == [] and shown["video_url"] is None


def test_a_pitch_on_a_draft_challenge_shows_only_to_its_council(app, make, council,
                                                               challenge, supplier_org,
                                                               citizen, anon):
    pitch = make.pitch(challenge["id"], supplier_org, tags=["b", "a"])
    _run(app, "UPDATE challenges SET status = 'draft' WHERE id = :id", id=challenge["id"])
    for outsider in (anon, citizen, supplier_org.owner):
        assert outsider.get(f"/pitches/{pitch['id']}").status_code == 404
    assert _answers_as_listed(app, council.owner, pitch["id"])["tags"] == ["a", "b"]


def test_one_pitch_runs_one_statement_and_writes_its_view_later(app, make, pitched, anon):
    path = f"/pitches/{pitched['id']}"
    ok(anon.get(path))
    with recorded_statements(app) as seen:
        before = ok(anon.get(path))["view_count"]
    assert len(seen) == 1
    with recorded_statements(app) as flushed:
        assert views.flush(app) == 2
    assert len(flushed) == 1  # one batch of UPDATEs for every view gathered
    assert ok(anon.get(path))["view_count"] == before + 2


def test_a_not_modified_pitch_counts_no_view(app, pitched, anon):
    path = f"/pitches/{pitched['id']}"
    first = anon.get(path)
    views.flush(app)
    again = anon.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert views.flush(app) == 0
    assert ok(anon.get(path))["view_count"] == 1


def test_an_unknown_pitch_is_404_and_counts_nothing(app, anon):
    assert anon.get("/pitches/999999").status_code == 404
    assert views.flush(app) == 0
