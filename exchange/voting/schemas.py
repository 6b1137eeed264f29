"""The wire format of ratings, rankings and shortlists."""
from marshmallow import Schema, fields, validate

from exchange.challenges.models import METHODS
from exchange.http.schemas import StrictInteger, Summary, UserRef, UtcDateTime
from exchange.voting.models import EXCLUSION_REASONS


class RatingIn(Schema):
    stars = StrictInteger(required=True, validate=validate.Range(min=1, max=5),
                          metadata={"description": "Whole stars, 1 to 5."})


class RatingOut(Schema):
    pitch_id = fields.Integer(required=True)
    stars = fields.Integer(required=True)
    is_panel = fields.Boolean(required=True, metadata={
        "description": "True when the caller sits on the challenge's panel."})
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)
    excluded_reason = fields.String(
        required=True, allow_none=True, validate=validate.OneOf(EXCLUSION_REASONS),
        metadata={"description": "Null when the rating counts; otherwise why it is kept but "
                                 "left out of the ranking (see docs/fair-votes.md)."})


class RankingArgs(Schema):
    method = fields.String(validate=validate.OneOf(METHODS))
    panel_weight = fields.Float(validate=validate.Range(min=0, max=1))
    min_ratings = fields.Integer(validate=validate.Range(min=0, max=10000))


class RankingEntry(Schema):
    pitch_id = fields.Integer(required=True)
    title = fields.String(required=True)
    supplier = fields.Nested(Summary, required=True)
    submitted_at = fields.String(required=True)
    rank = fields.Integer(required=True, allow_none=True, metadata={
        "description": "Place among eligible pitches; null when excluded."})
    eligible = fields.Boolean(required=True)
    shortlisted = fields.Boolean(required=True, metadata={
        "description": "Among the first `shortlist_size` eligible pitches."})
    excluded_reasons = fields.List(fields.String(
        validate=validate.OneOf(["too_few_ratings", "no_panel_rating"])), required=True)
    n = fields.Integer(required=True)
    S = fields.Integer(required=True)
    mean = fields.Float(required=True)
    histogram = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    m = fields.Float(required=True)
    C = fields.Float(required=True)
    public_score = fields.Float(required=True)
    panel_count = fields.Integer(required=True)
    panel_mean = fields.Float(required=True, allow_none=True)
    panel_score = fields.Float(required=True, allow_none=True)
    combined = fields.Float(required=True)
    excluded = fields.Dict(
        keys=fields.String(validate=validate.OneOf(EXCLUSION_REASONS)), values=fields.Integer(),
        required=True, metadata={
            "description": "Ratings kept but left out of `n`, `S`, the histogram and `m`, "
                           "counted per reason; every reason is present, 0 when none. "
                           "`conflict_of_interest`: from members of a supplier pitching on "
                           "the challenge, or a panel member's declared conflict; "
                           "`new_account`: from accounts younger than the challenge's "
                           "`min_account_age_hours` when they rated."})


class RankingOut(Schema):
    challenge_id = fields.Integer(required=True)
    method = fields.String(required=True, validate=validate.OneOf(METHODS))
    panel_weight = fields.Float(required=True)
    min_ratings = fields.Integer(required=True)
    prior_weight = fields.Float(required=True)
    shortlist_size = fields.Integer(required=True)
    m = fields.Float(required=True)
    entries = fields.List(fields.Nested(RankingEntry), required=True)


class ShortlistOut(RankingOut):
    published_at = fields.String(required=True)
    published_by = fields.Nested(UserRef, required=True)
    shortlisted_pitch_ids = fields.List(fields.Integer(), required=True)
