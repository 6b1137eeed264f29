"""The wire format of pitches and their tallies."""
from marshmallow import Schema, fields, validate

from exchange.http.pagination import PageArgs
from exchange.http.schemas import (
    HttpUrl,
    Plain,
    StrictInteger,
    Summary,
    Text,
    UtcDateTime,
    tag_list,
)
from exchange.pitches.models import PRICING, STATUSES


class PitchIn(Schema):
    supplier_id = StrictInteger(required=True, validate=validate.Range(min=1, max=2**31 - 1),
                                metadata={"description": "The supplier organisation pitching."})
    title = Text(200, required=True)
    summary = Text(500, required=True)
    description = Text(20000, blank=True, load_default="")
    video_url = HttpUrl(load_default=None, allow_none=True)
    pricing = fields.String(required=True, validate=validate.OneOf(PRICING))
    price_note = Text(300, blank=True, load_default="")
    tags = tag_list(load_default=list)


class PitchPatch(Schema):
    title = Text(200)
    summary = Text(500)
    description = Text(20000, blank=True)
    video_url = HttpUrl(allow_none=True)
    pricing = fields.String(validate=validate.OneOf(PRICING))
    price_note = Text(300, blank=True)
    tags = tag_list()


class TallyPart(Plain):
    count = fields.Integer(required=True)
    sum = fields.Integer(required=True)
    mean = fields.Float(required=True, allow_none=True)
    histogram = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                            metadata={"description": "Ratings of 1 to 5 stars, keyed '1'..'5'."})


class Tally(Plain):
    public = fields.Nested(TallyPart, required=True)
    panel = fields.Nested(TallyPart, required=True)


# A pitch without its tally row yet (voting makes it on submission) shows no ratings.
NO_RATINGS = {kind: {"count": 0, "sum": 0, "mean": None,
                     "histogram": dict.fromkeys("12345", 0)} for kind in ("public", "panel")}


class TallyField(fields.Nested):
    """The pitch's tally (voting's `pitch.tally`), or no ratings while it has none."""

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(NO_RATINGS if value is None else value, attr, obj, **kwargs)


class PitchOut(Plain):
    id = fields.Integer(required=True)
    challenge_id = fields.Integer(required=True)
    supplier = fields.Nested(Summary, required=True)
    title = fields.String(required=True)
    summary = fields.String(required=True)
    description = fields.String(required=True)
    video_url = fields.String(required=True, allow_none=True)
    pricing = fields.String(required=True, validate=validate.OneOf(PRICING))
    price_note = fields.String(required=True)
    tags = fields.List(fields.String(), required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    shortlisted = fields.Boolean(required=True)
    view_count = fields.Integer(required=True, metadata={
        "description": "Views of this pitch (`GET /pitches/{id}` answered 200); counted in "
                       "batches, so a view shows within seconds."})
    comment_count = fields.Integer(required=True)
    submitted_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)
    withdrawn_at = UtcDateTime(required=True, allow_none=True)
    tally = TallyField(Tally, required=True)


class PitchListArgs(PageArgs):
    sort = fields.String(load_default="new",
                         validate=validate.OneOf(["new", "score", "most_rated"]),
                         metadata={"description": "`new` (latest first), `score` (the "
                                                  "challenge's ranking score, best first), "
                                                  "`most_rated` (most public ratings first)."})
    status = fields.String(load_default="submitted", validate=validate.OneOf(STATUSES))
