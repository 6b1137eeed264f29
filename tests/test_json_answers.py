"""Every JSON answer is written by orjson (exchange/http/json.py), meaning what Flask's own
encoder wrote: these are the values whose spelling could differ."""
import dataclasses
import json
import uuid
from datetime import date, datetime
from decimal import Decimal

from exchange.http.json import OrjsonProvider


def _answer(app, document) -> bytes:
    """The body of a JSON answer (jsonify) of `document`, without its closing newline."""
    with app.test_request_context():
        body = app.json.response(document).get_data()
    assert body.endswith(b"\n")
    return body[:-1]


@dataclasses.dataclass
class Rated:
    stars: int
    at: datetime


def test_the_app_writes_json_with_orjson(app):
    assert isinstance(app.json, OrjsonProvider)


def test_times_decimals_uuids_and_dataclasses_read_as_flask_wrote_them(app):
    written = _answer(app, {
        "at": datetime(2026, 1, 2, 3, 4, 5), "on": date(2026, 1, 2),
        "price": Decimal("1.50"), "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "rated": Rated(4, datetime(2026, 1, 2, 3, 4, 5))})
    assert written == (
        b'{"at":"Fri, 02 Jan 2026 03:04:05 GMT","on":"Fri, 02 Jan 2026 00:00:00 GMT",'
        b'"price":"1.50","id":"12345678-1234-5678-1234-567812345678",'
        b'"rated":{"stars":4,"at":"Fri, 02 Jan 2026 03:04:05 GMT"}}')


def test_keys_keep_the_order_of_the_document_unless_sorting_is_asked(app):
    assert _answer(app, {"b": 1, "a": {"d": 2, "c": 3}}) == b'{"b":1,"a":{"d":2,"c":3}}'
    app.json.sort_keys = True
    try:
        assert _answer(app, {"b": 1, "a": {"d": 2, "c": 3}}) == b'{"a":{"c":3,"d":2},"b":1}'
    finally:
        app.json.sort_keys = False


def test_integers_beyond_64_bits_are_written_exactly(app):
    with app.test_request_context():
        response = app.json.response({"big": 2**70, "small": -(2**64)})
    assert response.get_data() == b'{"big":1180591620717411303424,"small":-18446744073709551616}\n'


def test_non_ascii_is_utf_8_and_reads_back_the_same(app):
    with app.test_request_context():
        response = app.json.response({"title": "Café für alle – 東京"})
    assert response.mimetype == "application/json"
    assert "Café für alle – 東京".encode() in response.get_data()
    assert json.loads(response.get_data()) == {"title": "Café für alle – 東京"}


def test_a_lone_surrogate_is_escaped_as_before(app):
    with app.test_request_context():
        assert app.json.response({"text": "a\ud800"}).get_data() == b'{"text":"a\\ud800"}\n'


def test_keys_that_are_not_strings_are_written_as_the_json_module_writes_them(app):
    assert _answer(app, {1: "one", 2: "two"}) == b'{"1":"one","2":"two"}'


def test_nan_and_infinity_are_written_as_null_which_json_allows(app):
    # The json module wrote NaN and Infinity, which are not JSON.
    assert _answer(app, [float("nan"), float("inf"), -float("inf"), 0.5]) == \
        b"[null,null,null,0.5]"


def test_what_neither_encoder_knows_is_still_a_type_error(app):
    try:
        _answer(app, {"value": object()})
    except TypeError:
        pass
    else:
        raise AssertionError("an object() was written")


def test_dumps_stays_the_json_modules(app):
    with app.app_context():
        assert app.json.dumps({"b": "é", "a": 1}) == '{"b": "\\u00e9", "a": 1}'


def test_a_challenge_titled_in_any_language_reads_back_as_posted(make, council, anon):
    made = make.challenge(council, "open", title="Équipements für Schulen – 東京")
    listed = anon.get("/challenges").get_json()["items"][0]
    assert listed["title"] == made["title"] == "Équipements für Schulen – 東京"
    assert "東京".encode() in anon.get(f"/challenges/{made['id']}").get_data()
