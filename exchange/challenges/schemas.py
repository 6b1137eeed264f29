"""The wire format of challenges, their settings and stats."""
from functools import cache

from marshmallow import Schema, fields, validate

from exchange.challenges import service
from exchange.challenges.models import METHODS, OUTCOMES, STATUSES
from exchange.http.pagination import PageArgs
from exchange.http.schemas import (
    Dumped,
    Plain,
    StrictFloat,
    StrictInteger,
    Summary,
    Tag,
    TallyCount,
    Text,
    UtcDateTime,
    tag_list,
)


class SettingsFields(Schema):
    shortlist_size = StrictInteger(validate=validate.Range(min=1, max=100), metadata={
        "description": "How many eligible pitches the shortlist takes."})
    min_ratings = StrictInteger(validate=validate.Range(min=0, max=10000), metadata={
        "description": "Public ratings a pitch needs to be eligible."})
    prior_weight = StrictFloat(validate=validate.Range(min=0, max=10000), metadata={
        "description": "C in the bayesian score."})
    method = fields.String(validate=validate.OneOf(METHODS))
    panel_weight = StrictFloat(validate=validate.Range(min=0, max=1), metadata={
        "description": "w: the panel's share of the combined score."})
    min_account_age_hours = StrictInteger(validate=validate.Range(min=0, max=87600), metadata={
        "description": "Ratings from accounts younger than this, in hours, when they first "
                       "rated are kept but excluded (`new_account`); changing it recounts "
                       "the challenge's tallies. 0: no minimum."})


class ChallengeIn(SettingsFields):
    council_id = StrictInteger(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    title = Text(200, required=True)
    summary = Text(500, blank=True, load_default="")
    description = Text(20000, blank=True, load_default="")
    deadline = UtcDateTime(load_default=None, allow_none=True)
    tags = tag_list(load_default=list)


class ChallengePatch(SettingsFields):
    title = Text(200)
    summary = Text(500, blank=True)
    description = Text(20000, blank=True)
    deadline = UtcDateTime(allow_none=True)
    tags = tag_list()


class ChallengeCan(Plain):
    edit = fields.Boolean(required=True, metadata={"description": "PATCH would be allowed."})
    delete = fields.Boolean(required=True, metadata={"description": "DELETE would be allowed."})
    move_to = fields.List(fields.String(validate=validate.OneOf(STATUSES)), required=True,
                          metadata={"description": "Statuses POST .../status may move it to."})
    publish_shortlist = fields.Boolean(required=True, metadata={
        "description": "POST .../shortlist would be allowed."})
    submit_pitch = fields.Boolean(required=True, metadata={
        "description": "The caller belongs to a supplier and the challenge takes pitches."})
    manage_panel = fields.Boolean(required=True, metadata={
        "description": "Inviting or removing panel members would be allowed."})


class ChallengeOut(Plain):
    id = fields.Integer(required=True)
    council = fields.Nested(Summary, required=True)
    title = fields.String(required=True)
    summary = fields.String(required=True)
    description = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    deadline = UtcDateTime(required=True, allow_none=True)
    tags = fields.List(fields.String(), required=True)
    shortlist_size = fields.Integer(required=True)
    min_ratings = fields.Integer(required=True)
    prior_weight = fields.Float(required=True)
    method = fields.String(required=True, validate=validate.OneOf(METHODS))
    panel_weight = fields.Float(required=True)
    min_account_age_hours = fields.Integer(required=True)
    pitch_count = fields.Integer(required=True)
    rating_count = TallyCount(required=True)
    comment_count = fields.Integer(required=True)
    view_count = fields.Integer(required=True, metadata={
        "description": "Views of this challenge (`GET /challenges/{id}` answered 200), not "
                       "of its pitches; counted in batches, so a view shows within seconds."})
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)
    status_changed_at = UtcDateTime(required=True)
    outcome = fields.String(required=True, allow_none=True, validate=validate.OneOf(OUTCOMES),
                            metadata={"description": (
                                "How a closed challenge ended: `shortlisted` when its "
                                "shortlist was published before it closed, `cancelled` when "
                                "it closed without one. Null on every other status.")})
    can = fields.Nested(ChallengeCan, required=True, metadata={
        "description": "What the caller may do to it now, by the rules that decide each "
                       "action (signed out: nothing)."})


@cache
def _dump_listed():
    """ChallengeOut's plan, reading a listed row (LISTED_NAMES) by index; `can` is the
    caller's, added after (service.with_hints)."""
    names = service.LISTED_NAMES
    council_id, council_name = names.index("council_id"), names.index("council_name")
    rating_count = names.index("rating_count")
    return ChallengeOut(exclude=("can",)).row_dumper(names, computed={
        "council": lambda row: {"id": row[council_id], "name": row[council_name]},
        # As TallyCount reads it: 0 while the challenge has no tally.
        "rating_count": lambda row: row[rating_count] or 0,
    })


def listed_one(row) -> dict:
    """One listed challenge (a row of LISTED_NAMES) in the wire format of ChallengeOut."""
    return _dump_listed()(row)


def listed(rows) -> Dumped:
    """Listed challenges (rows of LISTED_NAMES) in the wire format of ChallengeOut."""
    dump = _dump_listed()
    return Dumped([dump(row) for row in rows], ChallengeOut)


class ChallengeListArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(STATUSES))
    tag = Tag()
    council_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    q = fields.String(validate=validate.Length(min=1, max=100), metadata={
        "description": "Words to find in the title or summary."})
    sort = fields.String(load_default="new", validate=validate.OneOf(["new", "deadline",
                                                                       "popular"]),
                         metadata={"description": "`new` (newest first), `deadline` (soonest "
                                                  "first, none last), `popular` (most rated)."})


class StatusIn(Schema):
    status = fields.String(required=True, validate=validate.OneOf(STATUSES),
                           metadata={"description": "The status to move to; a move the life "
                                                    "forbids is 409. `shortlisted` is reached "
                                                    "only by publishing the shortlist."})


class ChallengeEventOut(Schema):
    id = fields.Integer(required=True)
    event = fields.String(required=True, validate=validate.OneOf(
        ("opened", "voting", "shortlisted", "closed", "settings_changed")))
    created_at = UtcDateTime(required=True)
    by = fields.Nested(Summary, required=True, metadata={
        "description": "The council; no person is named."})
    changes = fields.Dict(required=True, metadata={
        "description": "Each changed field (`status`, or the settings) with its `before` "
                       "and `after` values."})


class StatsOut(Schema):
    challenge_id = fields.Integer(required=True)
    views = fields.Integer(required=True, metadata={
        "description": "Views of the challenge itself (`GET /challenges/{id}` answered 200; "
                       "its pitches count their own), as its `view_count`."})
    pitches = fields.Integer(required=True, metadata={"description": "Submitted pitches."})
    ratings = fields.Integer(required=True, metadata={
        "description": "Counted public ratings of submitted pitches (not the excluded ones)."})
    raters = fields.Integer(required=True, metadata={
        "description": "Distinct people who rated any of its pitches."})
    comments = fields.Integer(required=True, metadata={
        "description": "Comments on its pitches, not deleted or hidden."})
    panel_ratings = fields.Integer(required=True, metadata={
        "description": "Counted panel ratings of submitted pitches."})
