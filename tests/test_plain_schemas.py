"""Plain schemas (exchange/http/schemas.py) dump the hot wire formats without marshmallow's
per-field machinery, and give exactly what marshmallow's dump gives."""
from datetime import datetime
from types import SimpleNamespace

from marshmallow import fields

from exchange.http.schemas import Plain, Summary, UtcDateTime


class Shape(Plain):
    id = fields.Integer(required=True)
    name = fields.String(allow_none=True)
    when = UtcDateTime(allow_none=True)
    ratio = fields.Float()
    owner = fields.Nested(Summary, allow_none=True)
    owners = fields.List(fields.Nested(Summary))
    tags = fields.List(fields.String())
    shown = fields.Integer(data_key="shown_as", attribute="hidden")
    doubled = fields.Method("double")
    fallback = fields.Integer(dump_default=7)

    def double(self, obj):
        return int(self.get_attribute(obj, "id", None)) * 2


def test_a_plain_schema_dumps_every_kind_of_field_as_marshmallow_does():
    thing = SimpleNamespace(id="41", name=5, when=datetime(2030, 5, 6, 7, 8, 9, 999),
                            ratio=1, owner=SimpleNamespace(id=3, name="Lambeth"),
                            owners=[{"id": 4, "name": "Camden"}], tags=["care", "budget"],
                            hidden=9)
    assert Shape().dump(thing) == {
        "id": 41, "name": "5", "when": "2030-05-06T07:08:09Z", "ratio": 1.0,
        "owner": {"id": 3, "name": "Lambeth"}, "owners": [{"id": 4, "name": "Camden"}],
        "tags": ["care", "budget"], "shown_as": 9, "doubled": 82, "fallback": 7}


def test_a_plain_schema_leaves_out_what_is_missing_and_keeps_what_is_none():
    assert Shape().dump({"id": 2, "name": None, "when": None, "owner": None}) == {
        "id": 2, "name": None, "when": None, "owner": None, "doubled": 4, "fallback": 7}


def test_a_plain_schema_dumps_many():
    assert Summary(many=True).dump([{"id": 1, "name": "A"}, SimpleNamespace(id=2, name="B")]) \
        == [{"id": 1, "name": "A"}, {"id": 2, "name": "B"}]
    assert Summary().dump([], many=True) == []
