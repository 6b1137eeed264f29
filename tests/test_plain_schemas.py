"""Plain schemas (exchange/http/schemas.py) dump the hot wire formats without marshmallow's
per-field machinery, and give exactly what marshmallow's dump gives."""
from datetime import datetime
from types import SimpleNamespace

from marshmallow import Schema, fields

from exchange.discussion.schemas import CommentOut
from exchange.http.schemas import Plain, Summary, UtcDateTime
from exchange.voting.schemas import RatingOut


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
    flag = fields.Boolean(allow_none=True)
    flags = fields.List(fields.Boolean())

    def double(self, obj):
        return int(self.get_attribute(obj, "id", None)) * 2


def test_a_plain_schema_dumps_every_kind_of_field_as_marshmallow_does():
    thing = SimpleNamespace(id="41", name=5, when=datetime(2030, 5, 6, 7, 8, 9, 999),
                            ratio=1, owner=SimpleNamespace(id=3, name="Lambeth"),
                            owners=[{"id": 4, "name": "Camden"}], tags=["care", "budget"],
                            hidden=9, flag=1, flags=[True, 0, "yes"])
    assert Shape().dump(thing) == {
        "id": 41, "name": "5", "when": "2030-05-06T07:08:09Z", "ratio": 1.0,
        "owner": {"id": 3, "name": "Lambeth"}, "owners": [{"id": 4, "name": "Camden"}],
        "tags": ["care", "budget"], "shown_as": 9, "doubled": 82, "fallback": 7,
        "flag": 1, "flags": [True, 0, "yes"]}
    assert Shape().dump(thing) == Schema.dump(Shape(), thing)


def test_a_plain_schema_leaves_out_what_is_missing_and_keeps_what_is_none():
    assert Shape().dump({"id": 2, "name": None, "when": None, "owner": None,
                         "flag": None}) == {
        "id": 2, "name": None, "when": None, "owner": None, "doubled": 4, "fallback": 7,
        "flag": None}


def test_a_plain_schema_dumps_many():
    assert Summary(many=True).dump([{"id": 1, "name": "A"}, SimpleNamespace(id=2, name="B")]) \
        == [{"id": 1, "name": "A"}, {"id": 2, "name": "B"}]
    assert Summary().dump([], many=True) == []


def test_the_written_answers_of_a_comment_and_a_rating_are_what_marshmallow_writes():
    """The answers to posting a comment and to rating are Plain: the same documents."""
    when = datetime(2031, 2, 3, 4, 5, 6)
    can = {"edit": True, "delete": True, "flag": False, "reply": True, "moderate": False}
    shown = {"id": 7, "pitch_id": 3, "parent_id": None,
             "author": {"id": 2, "display_name": "Ann", "roles": ["officer", "panel"]},
             "flagged_by_me": False, "body": "Useful.", "status": "visible", "deleted": False,
             "withheld": False, "reply_count": 1, "flag_count": None, "created_at": when,
             "edited_at": None, "can": can}
    withheld = shown | {"author": None, "body": None, "status": "hidden", "withheld": True,
                        "flag_count": 2, "edited_at": when}
    threaded = shown | {"replies": [withheld, shown | {"replies": []}]}
    for comment in (shown, withheld, threaded):
        assert CommentOut().dump(comment) == Schema.dump(CommentOut(), comment)
    assert CommentOut().dump(threaded)["replies"][0]["created_at"] == "2031-02-03T04:05:06Z"
    rating = {"pitch_id": 3, "stars": 4, "is_panel": True, "created_at": when,
              "updated_at": when, "excluded_reason": "new_account"}
    assert RatingOut().dump(rating) == Schema.dump(RatingOut(), rating) == rating | {
        "created_at": "2031-02-03T04:05:06Z", "updated_at": "2031-02-03T04:05:06Z"}
