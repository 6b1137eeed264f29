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
    _utc,
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


class PitchCan(Plain):
    edit = fields.Boolean(required=True, metadata={"description": "PATCH would be allowed."})
    withdraw = fields.Boolean(required=True, metadata={
        "description": "POST .../withdraw would be allowed."})
    rate = fields.Boolean(required=True, metadata={
        "description": "PUT .../rating would be accepted (it may still be excluded from the "
                       "ranking, with its reason)."})
    comment = fields.Boolean(required=True, metadata={
        "description": "POST .../comments would be taken."})


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
    # The pitch's standing in the live ranking (GET /challenges/{id}/ranking), and the
    # caller's stars: a voting page needs no request per pitch.
    rank = fields.Integer(required=True, allow_none=True, metadata={
        "description": "Its place among the eligible pitches of the live ranking (1 is "
                       "best); null when not eligible or withdrawn."})
    score = fields.Float(required=True, allow_none=True, metadata={
        "description": "Its combined score in the live ranking (0-1, the ranking's "
                       "`combined`); null when withdrawn."})
    eligible = fields.Boolean(required=True, metadata={
        "description": "Whether the live ranking counts it for the shortlist."})
    excluded_reasons = fields.List(fields.String(), required=True, metadata={
        "description": "Why the live ranking leaves it out, as the ranking says "
                       "(`too_few_ratings`, `no_panel_rating`), or `withdrawn`; empty when "
                       "eligible."})
    my_rating = fields.Integer(required=True, allow_none=True, metadata={
        "description": "The caller's stars (1-5) on this pitch, counted or not; null when "
                       "signed out or not rated."})
    can = fields.Nested(PitchCan, required=True, metadata={
        "description": "What the caller may do to it now, by the rules that decide each "
                       "action (signed out: nothing)."})


def _tally_part(values, kind: str) -> dict:
    count, total = values[f"{kind}_count"], values[f"{kind}_sum"]
    return {"count": count, "sum": total, "mean": (total / count) if count else None,
            "histogram": {"1": values[f"{kind}_1"], "2": values[f"{kind}_2"],
                          "3": values[f"{kind}_3"], "4": values[f"{kind}_4"],
                          "5": values[f"{kind}_5"]}}


def pitch_document(values, tags: list[str], standing: dict) -> dict:
    """PitchOut's dump of one pitch read as a plain row (pitches.service's SHOWN columns,
    supplier and tally columns) with its standing: the same document, made without
    marshmallow's per-field work (tests/pitches/test_one_pitch.py compares the bytes in
    every state)."""
    return {
        "id": values["id"], "challenge_id": values["challenge_id"],
        "supplier": {"id": values["supplier_id"], "name": values["supplier_name"]},
        "title": values["title"], "summary": values["summary"],
        "description": values["description"], "video_url": values["video_url"],
        "pricing": values["pricing"], "price_note": values["price_note"],
        "tags": tags,
        "status": values["status"], "shortlisted": bool(values["shortlisted"]),
        "view_count": values["view_count"], "comment_count": values["comment_count"],
        "submitted_at": _utc(values["submitted_at"], None),
        "updated_at": _utc(values["updated_at"], None),
        "withdrawn_at": _utc(values["withdrawn_at"], None),
        "tally": NO_RATINGS if values["tallied"] is None else {
            "public": _tally_part(values, "public"), "panel": _tally_part(values, "panel")},
        "rank": standing["rank"], "score": standing["score"], "eligible": standing["eligible"],
        "excluded_reasons": standing["excluded_reasons"], "my_rating": standing["my_rating"],
    }


class PitchListArgs(PageArgs):
    sort = fields.String(load_default="new",
                         validate=validate.OneOf(["new", "score", "most_rated"]),
                         metadata={"description": "`new` (latest first), `score` (the "
                                                  "live ranking's order: eligible pitches "
                                                  "by rank, then the rest), "
                                                  "`most_rated` (most public ratings first)."})
    status = fields.String(load_default="submitted", validate=validate.OneOf(STATUSES))
