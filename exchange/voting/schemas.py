"""The wire format of ratings, rankings, shortlists and the panel."""
from flask import current_app
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from exchange.challenges.models import METHODS
from exchange.http.schemas import Plain, StrictInteger, Summary, UserRef, UtcDateTime
from exchange.voting.integrity import FLAGS
from exchange.voting.models import EXCLUSION_REASONS


class RatingIn(Schema):
    stars = StrictInteger(required=True, validate=validate.Range(min=1, max=5),
                          metadata={"description": "Whole stars, 1 to 5."})


class RatingOut(Plain):
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


class _JsonDict(fields.Dict):
    """A dict whose keys and values are JSON already (str to int): dumped as a copy, not
    item by item (a ranking of 200 pitches has 2,800 such items). Documented as a Dict."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else dict(value)


class _JsonList(fields.List):
    """A list of JSON strings, dumped as a copy. Documented as a List."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else list(value)


class ScoreInterval(Schema):
    """The 90% interval of a pitch's score on the 0-1 scale: the 5th and 95th percentiles of
    its simulated scores."""

    low = fields.Float(required=True)
    high = fields.Float(required=True)


class _Interval(fields.Nested):
    """A ScoreInterval held as a plain dict of floats already: dumped as a copy."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else dict(value)


class EntryWorking(Schema):
    """One pitch's place and working, as a live ranking (voting/live_ranking.py) and a
    published shortlist (a ShortlistEntry row) both show it; they differ in one flag."""

    def _serialize(self, obj, *, many=False):
        # Each field's own formatting, without marshmallow's generic lookup around it:
        # entries are objects carrying every field, and that lookup was most of the cost
        # of a ranking of many pitches.
        if many and obj is not None:
            return [self._serialize(entry) for entry in obj]
        return {field.data_key or name: field._serialize(getattr(obj, field.attribute or name),
                                                         name, obj)
                for name, field in self.dump_fields.items()}

    pitch_id = fields.Integer(required=True)
    title = fields.String(required=True)
    supplier = fields.Nested(Summary, required=True)
    submitted_at = UtcDateTime(required=True)
    rank = fields.Integer(required=True, allow_none=True, metadata={
        "description": "Place among eligible pitches; null when excluded."})
    eligible = fields.Boolean(required=True)
    excluded_reasons = _JsonList(fields.String(
        validate=validate.OneOf(["too_few_ratings", "no_panel_rating"])), required=True)
    n = fields.Integer(required=True)
    S = fields.Integer(required=True)
    mean = fields.Float(required=True)
    histogram = _JsonDict(keys=fields.String(), values=fields.Integer(), required=True)
    m = fields.Float(required=True)
    C = fields.Float(required=True)
    public_score = fields.Float(required=True)
    panel_count = fields.Integer(required=True)
    panel_mean = fields.Float(required=True, allow_none=True)
    panel_score = fields.Float(required=True, allow_none=True)
    combined = fields.Float(required=True)
    integrity_flags = _JsonList(fields.String(validate=validate.OneOf(FLAGS)), required=True,
                                  metadata={"description": (
                                      "Integrity signals past their published thresholds "
                                      "(GET /challenges/{id}/integrity, docs/integrity.md): "
                                      "a reason to look, never a reason a rating is left out.")})
    panel_gap = fields.Float(required=True, allow_none=True, metadata={
        "description": "`panel_score` minus `public_score` (0-1 scale): how much more the "
                       "panel thinks of the pitch than the public; null without panel ratings."})
    p_top_k = fields.Float(required=True, allow_none=True, metadata={
        "description": "The probability that the pitch belongs in the shortlist: the share of "
                       "the simulation's draws (see `certainty`) that shortlist it. The "
                       "eligible pitches' add up to the shortlist's size (or their number, "
                       "if fewer); 0 for pitches not eligible. Null when there are no "
                       "figures: a ranking with query overrides, a pitch submitted since "
                       "the figures were computed, or none computed yet (see `certainty`)."})
    score_interval = _Interval(ScoreInterval, required=True, allow_none=True, metadata={
        "description": "The 90% interval of the pitch's score (0-1 scale, as `combined`) from "
                       "the same simulation: Dirichlet draws over its star counts with one "
                       "pseudo-count per level (docs/verifying.md). Null when `p_top_k` is."})
    excluded = _JsonDict(
        keys=fields.String(validate=validate.OneOf(EXCLUSION_REASONS)), values=fields.Integer(),
        required=True, metadata={
            "description": "Ratings kept but left out of `n`, `S`, the histogram and `m`, "
                           "counted per reason; every reason is present, 0 when none. "
                           "`conflict_of_interest`: from members of a supplier pitching on "
                           "the challenge, or a panel member's declared conflict; "
                           "`new_account`: from accounts younger than the challenge's "
                           "`min_account_age_hours` when they rated."})


class RankingEntry(EntryWorking):
    """One pitch of the live ranking: what it would be if the shortlist were published now."""

    # The live entry keeps the ranking's own name for it (RankedPitch.shortlisted); on the
    # wire `shortlisted` is only ever the published fact.
    would_be_shortlisted = fields.Boolean(required=True, attribute="shortlisted", metadata={
        "description": "Among the first `shortlist_size` eligible pitches now: it would be "
                       "shortlisted if the shortlist were published now. Not a published "
                       "fact; GET /challenges/{id}/shortlist and a pitch say `shortlisted`."})


class ShortlistEntryOut(EntryWorking):
    """One pitch of a published shortlist, as sealed in its snapshot."""

    shortlisted = fields.Boolean(required=True, metadata={
        "description": "On the published shortlist: among its first `shortlist_size` "
                       "eligible pitches when it was published."})


class RankingSettings(Schema):
    """The settings a ranking is computed by, as the ranking and the rating record show them."""

    challenge_id = fields.Integer(required=True)
    method = fields.String(required=True, validate=validate.OneOf(METHODS))
    panel_weight = fields.Float(required=True)
    min_ratings = fields.Integer(required=True)
    prior_weight = fields.Float(required=True)
    shortlist_size = fields.Integer(required=True)


class PanelAgreement(Schema):
    """The panel and the public side by side."""

    kendall_tau = fields.Float(required=True, allow_none=True, metadata={
        "description": "Kendall's tau-b between the panel's and the public's scores of the "
                       "pitches the panel rated: 1 when they order every pair alike, -1 when "
                       "they order every pair the other way; null below two such pitches or "
                       "when either side ties them all."})
    pitches_compared = fields.Integer(required=True)


class CertaintyOut(Schema):
    """What the entries' `p_top_k` and `score_interval` were computed from."""

    draws = fields.Integer(required=True, metadata={
        "description": "Draws simulated (2,000)."})
    seed = fields.Integer(required=True, metadata={
        "description": "The simulation's seed: the first 8 bytes, big-endian, of SHA-256 of "
                       "`oix-certainty:<challenge id>:<record_sha256>`, an integer below "
                       "2^64 (more than a JavaScript number holds exactly)."})
    record_sha256 = fields.String(required=True, metadata={
        "description": "SHA-256 of the rating record (ratings.jsonl) the figures come from."})
    ratings_version = fields.Integer(required=True, allow_none=True, metadata={
        "description": "The challenge's ratings version the figures were computed at."})
    current = fields.Boolean(required=True, metadata={
        "description": "False when the ratings changed since: the live ranking recomputes "
                       "the figures at most once per CERTAINTY_REFRESH_SECONDS and serves "
                       "the held ones until then (the other numbers are always current). "
                       "Always true on a published shortlist."})


class RankingOut(RankingSettings):
    m = fields.Float(required=True)
    panel_agreement = fields.Nested(PanelAgreement, required=True)
    certainty = fields.Nested(CertaintyOut, required=True, allow_none=True, metadata={
        "description": "How sure the ranking is: what the entries' `p_top_k` and "
                       "`score_interval` were computed from. Null when there are no "
                       "figures: with query overrides (method, panel_weight, min_ratings) "
                       "nothing is simulated; shortlists published before the figures "
                       "existed have none; and a live ranking has none until its first "
                       "figures are computed, off the request (CERTAINTY_IN_BACKGROUND), "
                       "usually within seconds: no reader waits on the pass over the "
                       "ratings."})
    entries = fields.List(fields.Nested(RankingEntry), required=True)


class SealOut(Schema):
    """What makes a snapshot checkable: its hash, the chain, the record, the signature."""

    format = fields.String(required=True, metadata={
        "description": "The canonical form hashed and signed (docs/verifying.md)."})
    sha256 = fields.String(required=True, metadata={
        "description": "Hex SHA-256 of the snapshot's canonical JSON."})
    previous_sha256 = fields.String(required=True, metadata={
        "description": "`sha256` of the snapshot published before it on the exchange; 64 "
                       "zeros for the first."})
    previous_challenge_id = fields.Integer(required=True, allow_none=True, metadata={
        "description": "The challenge whose snapshot that was (GET its shortlist to follow "
                       "the chain back); null for the first."})
    record_sha256 = fields.String(required=True, metadata={
        "description": "SHA-256 of the rating record (ratings.jsonl) it was computed from."})
    record_rows = fields.Integer(required=True)
    key_id = fields.String(required=True, metadata={
        "description": "The signing key, as GET /.well-known/exchange-keys lists it."})
    signature = fields.String(required=True, metadata={
        "description": "Base64 Ed25519 signature of the canonical JSON."})


class ShortlistOut(RankingOut):
    """The ranking as it was published, frozen."""

    seal = fields.Nested(SealOut, required=True, allow_none=True, metadata={
        "description": "Null on snapshots published before they were sealed."})
    published_at = UtcDateTime(required=True)
    published_by = fields.Nested(UserRef, required=True, allow_none=True, metadata={
        "description": "The officer who published it; null once their account is erased."})
    shortlisted_pitch_ids = fields.List(fields.Integer(), required=True)
    entries = fields.List(fields.Nested(ShortlistEntryOut), required=True)


class IntegrityRules(Schema):
    """The thresholds in force, as config.py read them (INTEGRITY_* settings)."""

    burst_ratings = fields.Integer(required=True, metadata={
        "description": "B: `burst` when more than B ratings of a pitch fall within W minutes."})
    burst_minutes = fields.Integer(required=True, metadata={"description": "W, in minutes."})
    new_account_share = fields.Float(required=True, metadata={
        "description": "`new_accounts` when more than this share of a pitch's ratings come "
                       "from accounts made after the challenge opened."})
    cluster_share = fields.Float(required=True, metadata={
        "description": "`network_cluster` when more than this share come from one network."})
    one_sided_distance = fields.Float(required=True, metadata={
        "description": "`one_sided` when the pitch's star distribution is further than this "
                       "(total variation distance) from the rest of the challenge's."})
    min_ratings = fields.Integer(required=True, metadata={
        "description": "A pitch with fewer public ratings than this raises no flag."})


class IntegrityPitch(Schema):
    """One submitted pitch's signals, over all its public ratings, counted and excluded."""

    pitch_id = fields.Integer(required=True)
    title = fields.String(required=True)
    ratings = fields.Integer(required=True, metadata={
        "description": "Public ratings, counted and excluded alike."})
    excluded = fields.Integer(required=True, metadata={
        "description": "How many of them are kept but excluded from the ranking."})
    histogram = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    new_accounts = fields.Integer(required=True, metadata={
        "description": "Ratings from accounts made after the challenge opened."})
    new_account_share = fields.Float(required=True)
    busiest_window = fields.Integer(required=True, metadata={
        "description": "The most ratings within any `burst_minutes` window."})
    busiest_window_start = UtcDateTime(required=True, allow_none=True, metadata={
        "description": "When the earliest such window began; null without ratings."})
    largest_cluster = fields.Integer(required=True, metadata={
        "description": "The most ratings sharing one network (a keyed hash of its /24 or "
                       "/48; never an address)."})
    largest_cluster_share = fields.Float(required=True)
    shared_networks = fields.Integer(required=True, metadata={
        "description": "Networks that more than one of the pitch's ratings came from."})
    distance = fields.Float(required=True, allow_none=True, metadata={
        "description": "Total variation distance (0 alike, 1 no star in common) between the "
                       "pitch's star distribution and the rest of the challenge's; null "
                       "when either has no ratings."})
    flags = fields.List(fields.String(validate=validate.OneOf(FLAGS)), required=True)


class IntegrityOut(Schema):
    challenge_id = fields.Integer(required=True)
    opened_at = UtcDateTime(required=True, allow_none=True, metadata={
        "description": "When the challenge first opened: accounts made later are new."})
    rules = fields.Nested(IntegrityRules, required=True)
    ratings = fields.Integer(required=True, metadata={
        "description": "Public ratings of the challenge's submitted pitches."})
    histogram = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    pitches = fields.List(fields.Nested(IntegrityPitch), required=True)


class PanelIn(Schema):
    user_id = StrictInteger(validate=validate.Range(min=1, max=2**31 - 1))
    email = fields.Email(validate=validate.Length(max=254))

    @validates_schema
    def one_of_user_id_or_email(self, data, **kwargs):
        if ("user_id" in data) == ("email" in data):
            raise ValidationError("Give exactly one of `user_id` or `email`.", "user_id")


class PanelMemberOut(Schema):
    user = fields.Nested(UserRef, required=True)
    challenge_id = fields.Integer(required=True)
    created_at = UtcDateTime(required=True)
    conflicts = fields.List(fields.Integer(), required=True, metadata={
        "description": "Ids of the pitches this member declared a conflict of interest with; "
                       "their ratings of those pitches are excluded from the ranking."})


class ConflictsIn(Schema):
    pitch_ids = fields.List(
        StrictInteger(validate=validate.Range(min=1, max=2**31 - 1)), required=True,
        validate=validate.Length(min=1, max=500), metadata={
            "description": "Pitches of this challenge the panel member has a conflict of "
                           "interest with. Added to those already declared (repeats change "
                           "nothing); one is withdrawn by DELETE on "
                           "`/challenges/{id}/panel/{user_id}/conflicts/{pitch_id}`."})


class PanelConflictOut(Schema):
    pitch_id = fields.Integer(required=True)
    title = fields.String(required=True, metadata={"description": "The pitch's title."})
    declared_at = UtcDateTime(required=True)
    declared_by = fields.Nested(UserRef, required=True, allow_none=True, metadata={
        "description": "The member themself or an officer for them; null once that account "
                       "is erased."})


class PanelConflictsOut(Schema):
    challenge_id = fields.Integer(required=True)
    user = fields.Nested(UserRef, required=True, metadata={"description": "The panel member."})
    conflicts = fields.List(fields.Nested(PanelConflictOut), required=True, metadata={
        "description": "Every conflict the member declared, by pitch id."})


_RANKING_OUT = RankingOut()


def render_ranking(ranking) -> bytes:
    """A live ranking as the JSON body RankingOut describes, ready to be kept and served."""
    return current_app.json.dumps(_RANKING_OUT.dump(ranking)).encode()


class RecordPitch(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("submitted", "withdrawn")))
    submitted_at = UtcDateTime(required=True, metadata={
        "description": "The ranking's third tie-break: earlier submission first."})


class RecordOut(RankingSettings):
    """What recounting the record needs besides its rows: the settings and the pitches, and
    the SHA-256 of the canonical record (ratings.jsonl, byte for byte)."""

    status = fields.String(required=True)
    pitches = fields.List(fields.Nested(RecordPitch), required=True)
    rows = fields.Integer(required=True, metadata={"description": "Ratings in the record."})
    sha256 = fields.String(required=True, metadata={
        "description": "Hex SHA-256 of GET .../ratings.jsonl's body."})
