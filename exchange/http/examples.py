"""Examples for the OpenAPI document, taken from the demo data in `seed/`.

Each one is what the seeded exchange says about Lambeth's budget-cuts challenge, Yoosk's
pitch to it, Devon's meals-on-wheels ranking and their neighbours (ids as a fresh
`flask --app wsgi seed` assigns them; times fixed, as they depend on when the seed ran).
They sit on the component schemas by name (see ExamplesPlugin in exchange.http.openapi),
and tests/test_openapi_examples.py checks each against its schema and against the seeded
API, so an example cannot drift from what the API really answers.
"""
import copy

PUBLISHED = "2026-11-04T09:30:00Z"
SUBMITTED = "2026-10-06T11:02:00Z"

LAMBETH = {"id": 1, "name": "Lambeth Council"}
YOOSK = {"id": 8, "name": "Yoosk"}
PRIYA = {"id": 2, "display_name": "Priya Shah"}


def histogram(one, two, three, four, five) -> dict:
    return {"1": one, "2": two, "3": three, "4": four, "5": five}


# Accounts --------------------------------------------------------------------------------

REGISTER_IN = {"email": "amara.okoye@example.org", "password": "a long passphrase",
               "display_name": "Amara Okoye"}
LOGIN_IN = {"email": "officer@lambeth.example", "password": "exchange-demo",
            "remember": False}
USER_OUT = {"id": 2, "email": "officer@lambeth.example", "display_name": "Priya Shah",
            "is_admin": False, "created_at": "2026-09-01T08:00:00Z"}
MEMBERSHIP_OUT = {"organisation_id": 1, "organisation_name": "Lambeth Council",
                  "kind": "council", "organisation_status": "verified", "role": "owner"}
ME_OUT = {**USER_OUT, "memberships": [MEMBERSHIP_OUT]}
PANEL_SEAT_OUT = {"challenge_id": 1,
                  "title": "Give residents a real say in where the budget cuts fall",
                  "status": "shortlisted", "council": {"id": 1, "name": "Lambeth Council"}}
# Priya sits on the panel of each Lambeth challenge as its officer; she has no invitation
# to answer (see INVITATION_OUT for one).
ME_DETAIL_OUT = {**ME_OUT, "panels": [PANEL_SEAT_OUT], "invitations": []}
PASSWORD_CHANGE_IN = {"current_password": "exchange-demo",
                      "new_password": "a longer passphrase", "revoke_tokens": False}
TOKEN_IN = {"name": "Lambeth budget dashboard"}
TOKEN_OUT = {"id": 1, "name": "Lambeth budget dashboard", "prefix": "oix_yfsjA3ni",
             "created_at": "2026-09-02T10:00:00Z"}
CSRF_OUT = {"csrf_token": "IjQ2ZjMxYjVkYzA5ZTRlNjM4ZjE5YjFhNzE0NzZjNGM5NTJmZTE4YWIi.ZxP3bA."
                         "m1y8k2V7QmJp5H2dV0zqkXyJwSg"}
NEW_TOKEN_OUT = {**TOKEN_OUT, "token": "oix_yfsjA3nijpbrwl002D5LpFo-PyVUUO7MrYJPu5pIe2M"}

# Organisations ---------------------------------------------------------------------------

ORGANISATION_IN = {
    "name": "Lambeth Council", "kind": "council", "website": "https://lambeth.example",
    "description": "Inner-London borough running a co-operative council: residents help "
                   "design the services they use."}
ORGANISATION_OUT = {**ORGANISATION_IN, "id": 1, "status": "verified",
                    "created_at": "2026-09-01T08:00:00Z",
                    "verified_at": "2026-09-01T12:00:00Z"}
MEMBER_IN = {"email": "comms@lambeth.example", "role": "member"}
MEMBER_OUT = {"user_id": 3, "display_name": "Tom Reilly", "role": "member",
              "joined_at": "2026-09-01T12:30:00Z"}
# Priya invites Lambeth's communications team; the answer would be the same had nobody
# registered that email, or had they already belonged.
INVITATION_SENT_OUT = {"id": 3, "organisation_id": 1, "email": "comms@lambeth.example",
                       "role": "member", "status": "pending",
                       "created_at": "2026-11-05T10:00:00Z"}
# Tom's invitation to Lambeth, as he sees it, after he accepted it.
INVITATION_OUT = {"id": 1, "organisation": LAMBETH, "kind": "council", "role": "member",
                  "status": "accepted", "invited_by": PRIYA,
                  "created_at": "2026-09-01T12:00:00Z",
                  "responded_at": "2026-09-01T12:30:00Z"}
MEMBERSHIP_PERIOD_OUT = {"organisation": LAMBETH, "role": "member",
                         "joined_at": "2026-09-01T12:30:00Z", "left_at": None}
ORGANISATION_DETAIL_OUT = {
    **ORGANISATION_OUT,
    "members": [{"user_id": 2, "display_name": "Priya Shah", "role": "owner",
                 "joined_at": "2026-09-01T08:00:00Z"}, MEMBER_OUT]}

# Challenges ------------------------------------------------------------------------------

CHALLENGE_IN = {
    "council_id": 1,
    "title": "Give residents a real say in where the budget cuts fall",
    "summary": "We must save £30m over three years. Help us find a way for residents to "
               "weigh the choices with us, not just comment on them afterwards.",
    "description": "Every year we run a budget consultation and every year the same few "
                   "hundred people answer it. We want tools that let thousands of residents "
                   "understand the trade-offs (libraries or street cleaning? fewer buildings "
                   "or fewer staff?) and tell us what they would protect. Anything we use "
                   "must work on a phone and in our libraries.",
    "deadline": "2026-11-03T17:00:00Z",
    "tags": ["budget", "consultation", "engagement"],
    "shortlist_size": 2, "min_ratings": 3, "prior_weight": 5.0, "method": "bayesian",
    "panel_weight": 0.0, "min_account_age_hours": 0,
}
CHALLENGE_PATCH = {"deadline": "2026-11-03T17:00:00Z", "shortlist_size": 2}
CHALLENGE_OUT = {
    **{key: value for key, value in CHALLENGE_IN.items() if key != "council_id"},
    "id": 1, "council": LAMBETH, "status": "shortlisted",
    "pitch_count": 4, "rating_count": 42, "comment_count": 14, "view_count": 0,
    "created_at": "2026-09-15T09:00:00Z", "updated_at": PUBLISHED,
    "status_changed_at": PUBLISHED,
    # Shortlisted, not closed yet: once closed it says "shortlisted" (or "cancelled").
    "outcome": None,
    # As a signed-out reader gets it: nothing to offer.
    "can": {"edit": False, "delete": False, "move_to": [], "publish_shortlist": False,
            "submit_pitch": False, "manage_panel": False},
}
STATUS_IN = {"status": "voting"}
PANEL_IN = {"email": "expert@ageing-well.example"}
JOAN = {"id": 16, "display_name": "Dr Joan Whitfield"}
PANEL_MEMBER_OUT = {"challenge_id": 3, "user": JOAN, "created_at": "2026-10-20T09:00:00Z",
                    "conflicts": []}
# Devon's expert declares that she advised Uservoice on its pitch to the same challenge.
CONFLICTS_IN = {"pitch_ids": [12]}
PANEL_CONFLICT_OUT = {"pitch_id": 12,
                      "title": "Menu and delivery-time voting for recipients and families",
                      "declared_at": "2026-10-22T09:00:00Z", "declared_by": JOAN}
PANEL_CONFLICTS_OUT = {"challenge_id": 3, "user": {**JOAN}, "conflicts": [PANEL_CONFLICT_OUT]}
STATS_OUT = {"challenge_id": 1, "views": 0, "pitches": 4, "ratings": 42, "raters": 28,
             "comments": 14, "panel_ratings": 4}

# Pitches ---------------------------------------------------------------------------------

PITCH_IN = {
    "supplier_id": 8,
    "title": "Budget Q&A: residents ask, cabinet members answer in public",
    "summary": "A month of open questions on the budget, answered on the record by the "
               "cabinet member responsible.",
    "description": "Residents post and vote up questions; the most wanted get a written or "
                   "video answer within a week. Everything stays public, so the next year's "
                   "consultation starts from what was said.",
    "video_url": "https://video.example/yoosk/budget-qa",
    "pricing": "freemium",
    "price_note": "Free for one campaign; £4,500 a year for unlimited campaigns.",
    "tags": ["q-and-a", "transparency"],
}
PITCH_PATCH = {"price_note": "Free for one campaign; £4,500 a year for unlimited campaigns."}
PUBLIC_TALLY = {"count": 16, "sum": 70, "mean": 4.375, "histogram": histogram(0, 2, 1, 2, 11)}
PANEL_TALLY = {"count": 2, "sum": 9, "mean": 4.5, "histogram": histogram(0, 0, 0, 1, 1)}
TALLY = {"public": PUBLIC_TALLY, "panel": PANEL_TALLY}
PITCH_OUT = {
    **{key: value for key, value in PITCH_IN.items() if key != "supplier_id"},
    "id": 1, "challenge_id": 1, "supplier": YOOSK, "status": "submitted",
    "shortlisted": True, "view_count": 1, "comment_count": 3,
    "submitted_at": SUBMITTED, "updated_at": SUBMITTED, "withdrawn_at": None,
    "tally": TALLY,
    "rank": 1, "score": 0.8129251700680271, "eligible": True, "excluded_reasons": [],
    "my_rating": None,
    # As a signed-out reader gets it: nothing to offer.
    "can": {"edit": False, "withdraw": False, "rate": False, "comment": False},
}

# Voting ----------------------------------------------------------------------------------

RATING_IN = {"stars": 4}
RATING_OUT = {"pitch_id": 1, "stars": 4, "is_panel": False,
              "created_at": "2026-10-21T19:15:00Z", "updated_at": "2026-10-21T19:15:00Z",
              "excluded_reason": None}
NONE_EXCLUDED = {"conflict_of_interest": 0, "new_account": 0}

MEALS_M = 3.8205128205128207
RANKING_ENTRY = {
    "pitch_id": 9, "title": "Meal-sharing circles run by neighbours",
    "supplier": {"id": 11, "name": "Quiet Riots"}, "submitted_at": SUBMITTED,
    "rank": 1, "eligible": True, "would_be_shortlisted": True, "excluded_reasons": [],
    "n": 17, "S": 69, "mean": 4.0588235294117645, "histogram": histogram(0, 3, 0, 7, 7),
    "m": MEALS_M, "C": 5.0, "public_score": 0.5897007098262422,
    "panel_count": 2, "panel_mean": 4.5, "panel_score": 0.875,
    "combined": 0.7323503549131212, "panel_gap": 0.875 - 0.5897007098262422,
    "excluded": NONE_EXCLUDED, "integrity_flags": [],
    # The example ranking has what-if overrides in its query: nothing is simulated.
    "p_top_k": None, "score_interval": None,
}
EXCLUDED_ENTRY = {
    "pitch_id": 11, "title": "A day on the round: a film with the drivers",
    "supplier": {"id": 12, "name": "Best Before Media"}, "submitted_at": SUBMITTED,
    "rank": None, "eligible": False, "would_be_shortlisted": False,
    "excluded_reasons": ["no_panel_rating"],
    "n": 8, "S": 26, "mean": 3.25, "histogram": histogram(0, 2, 2, 4, 0),
    "m": MEALS_M, "C": 5.0, "public_score": 0.2152125268244419,
    "panel_count": 0, "panel_mean": None, "panel_score": None,
    "combined": 0.10760626341222095, "panel_gap": None, "excluded": NONE_EXCLUDED,
    "integrity_flags": [], "p_top_k": None, "score_interval": None,
}
RANKING_OUT = {
    "challenge_id": 3, "method": "wilson", "panel_weight": 0.5, "min_ratings": 3,
    "prior_weight": 5.0, "shortlist_size": 3, "m": MEALS_M,
    "panel_agreement": {"kendall_tau": 1.0, "pitches_compared": 3}, "certainty": None,
    "entries": [RANKING_ENTRY, EXCLUDED_ENTRY],
}

BUDGET_M = 3.857142857142857
SEAL_OUT = {
    "format": "oix-snapshot/2",
    "sha256": "5d0c7e3a9b12f4e86a1c0d9b7e2f5a34c8e1b6d0a9f3c2e7b5d4a1f0e9c8b7a6",
    "previous_sha256": "0000000000000000000000000000000000000000000000000000000000000000",
    "previous_challenge_id": None,
    "record_sha256": "9f2c4e0b7a61d3f85e0c2b9d4a7f1e36c8b5d2a0f9e4c7b1a3d6f8e2c5b9a0d4",
    "record_rows": 52, "key_id": "6b1f0e9d2c3a4b5c",
    "signature": "m2Qk7yY0v6wH1bq3Jc9oXg5rT8uE4nL2pZs6fA0dV1iK3hW7jR9eC5tB8xM4yN6q"
                 "P0zU2aS1gD3fH5jK7lQ9wE==",
}
# How sure the published ranking was: seeded by the record's hash, so the figures differ
# from one run of the demo data to the next (its raters' pseudonyms are salted).
CERTAINTY_OUT = {
    "draws": 2000, "seed": 11823544470916130611, "record_sha256": SEAL_OUT["record_sha256"],
    "ratings_version": 58, "current": True,
}
SCORE_INTERVAL = {"low": 0.6610732487081, "high": 0.8371180530190}
SHORTLIST_OUT = {
    "challenge_id": 1, "seal": SEAL_OUT, "method": "bayesian", "panel_weight": 0.0,
    "min_ratings": 3, "prior_weight": 5.0, "shortlist_size": 2, "m": BUDGET_M,
    "panel_agreement": {"kendall_tau": 1 / 3, "pitches_compared": 3},
    "certainty": CERTAINTY_OUT, "published_at": PUBLISHED, "published_by": PRIYA, "shortlisted_pitch_ids": [1, 2],
    "entries": [{
        "pitch_id": 1, "title": PITCH_IN["title"], "supplier": YOOSK,
        "submitted_at": SUBMITTED, "rank": 1, "eligible": True, "shortlisted": True,
        "excluded_reasons": [], "n": 16, "S": 70, "mean": 4.375,
        "histogram": PUBLIC_TALLY["histogram"], "m": BUDGET_M, "C": 5.0,
        "public_score": 0.8129251700680271, "panel_count": 2, "panel_mean": 4.5,
        "panel_score": 0.875, "combined": 0.8129251700680271,
        "panel_gap": 0.875 - 0.8129251700680271, "excluded": NONE_EXCLUDED,
        "integrity_flags": [], "p_top_k": 0.9995, "score_interval": SCORE_INTERVAL,
    }],
}
SHORTLIST_ENTRY_OUT = SHORTLIST_OUT["entries"][0]
# Lambeth's integrity report: no pitch of the demo data goes past a threshold. Pitch 1 is
# far from the rest of the challenge (0.58) but not past 0.7, and its ratings came over
# weeks, never two within ten minutes.
INTEGRITY_RULES = {"burst_ratings": 20, "burst_minutes": 10, "new_account_share": 0.5,
                   "cluster_share": 0.5, "one_sided_distance": 0.7, "min_ratings": 10}
INTEGRITY_PITCH = {
    "pitch_id": 1, "title": PITCH_IN["title"], "ratings": 16, "excluded": 0,
    "histogram": PUBLIC_TALLY["histogram"], "new_accounts": 0, "new_account_share": 0.0,
    "busiest_window": 1, "busiest_window_start": "2026-10-21T19:15:00Z",
    "largest_cluster": 0, "largest_cluster_share": 0.0, "shared_networks": 0,
    "distance": 0.5817307692307692, "flags": [],
}
INTEGRITY_OUT = {
    "challenge_id": 1, "opened_at": "2026-09-15T09:30:00Z", "rules": INTEGRITY_RULES,
    "ratings": 42, "histogram": histogram(0, 5, 10, 13, 14), "pitches": [INTEGRITY_PITCH],
}

# Discussion ------------------------------------------------------------------------------

COMMENT_IN = {"body": "Would the answers be from the councillors themselves or from "
                      "officers writing for them?", "parent_id": None}
COMMENT_PATCH = {"body": COMMENT_IN["body"]}
COMMENT_OUT = {
    "id": 1, "pitch_id": 1, "parent_id": None,
    "author": {"id": 18, "display_name": "Amara Okoye", "roles": []},
    "flagged_by_me": False, "body": COMMENT_IN["body"], "status": "visible", "deleted": False, "withheld": False, "reply_count": 2,
    "flag_count": None, "created_at": "2026-10-08T18:40:00Z", "edited_at": None,
    # As a signed-out reader gets it: nothing to offer.
    "can": {"edit": False, "delete": False, "flag": False, "reply": False, "moderate": False},
}
FLAG_IN = {"reason": "Names a member of staff who is not part of the discussion."}
FLAG_OUT = {"id": 1, "comment_id": 1, "reason": FLAG_IN["reason"],
            "created_at": "2026-10-09T08:00:00Z"}
MODERATION_IN = {"action": "hide"}

# The moderators' queue: the comment above, once flagged.
FLAGGED_COMMENT_OUT = {
    "comment": {**COMMENT_OUT, "flag_count": 1,
                # As the council's officer sees it in their queue.
                "can": {"edit": False, "delete": False, "flag": True, "reply": True,
                        "moderate": True}},
    "flag_count": 1,
    "reasons": [{"reason": FLAG_IN["reason"], "count": 1}],
    "last_flagged_at": "2026-10-09T08:00:00Z",
}

# The audit trail and a challenge's life -------------------------------------------------

OPENED = {"changes": {"status": {"before": "draft", "after": "open"}}}
AUDIT_EVENT_OUT = {
    "id": 23, "action": "challenge.status_changed", "actor": PRIYA,
    "subject_type": "challenge", "subject_id": 1, "challenge_id": 1, "detail": OPENED,
    "created_at": "2026-09-15T09:00:00Z",
}
CHALLENGE_EVENT_OUT = {"id": 23, "event": "opened", "created_at": "2026-09-15T09:00:00Z",
                       "by": LAMBETH, **OPENED}

# Personal data ---------------------------------------------------------------------------

ERASURE_IN = {"password": "a long passphrase"}
OWN_COMMENT_OUT = {
    "id": 1, "pitch_id": 1, "parent_id": None, "body": COMMENT_IN["body"],
    "status": "visible", "deleted": False, "created_at": "2026-10-08T18:40:00Z",
    "edited_at": None,
}
EXPORT_TOKEN_OUT = {**TOKEN_OUT, "revoked_at": None}
# What Tom Reilly, a Lambeth officer who sits on its panels, gets back.
EXPORT_OUT = {
    "exported_at": "2026-11-05T10:00:00Z",
    "account": {"id": 3, "email": "digital@lambeth.example", "display_name": "Tom Reilly",
                "is_admin": False, "created_at": "2026-09-01T08:00:00Z"},
    "memberships": [{**MEMBERSHIP_OUT, "role": "member"}],
    "membership_history": [MEMBERSHIP_PERIOD_OUT],
    "invitations": [INVITATION_OUT],
    "ratings": [
        {"pitch_id": 1, "stars": 5, "is_panel": True, "created_at": "2026-10-21T19:15:00Z",
         "updated_at": "2026-10-21T19:15:00Z", "excluded_reason": None},
        {"pitch_id": 3, "stars": 3, "is_panel": True, "created_at": "2026-10-21T19:20:00Z",
         "updated_at": "2026-10-21T19:20:00Z", "excluded_reason": None}],
    "comments": [],
    "flags": [],
    "tokens": [{"id": 5, "name": "Lambeth casework app", "prefix": "oix_Qm3rT8ka",
                "created_at": "2026-11-05T09:55:00Z", "revoked_at": None}],
}

# Problems --------------------------------------------------------------------------------

PROBLEM = {
    "type": "urn:exchange:problem:validation", "title": "Invalid fields", "status": 422,
    "detail": "Invalid value for: stars.",
    "errors": {"stars": ["Must be greater than or equal to 1 and less than or equal to 5."]},
}

def _problem(slug: str, title: str, status: int, detail: str, **members) -> dict:
    return {"type": f"urn:exchange:problem:{slug}", "title": title, "status": status,
            "detail": detail, **members}


# One example for each error status, shown on its response.
PROBLEM_BY_STATUS = {
    400: _problem("malformed-json", "Bad request", 400,
                  "The request body is not valid JSON. Expecting value: line 1 column 1.",
                  errors={"json": ["Expecting value: line 1 column 1."]}),
    401: _problem("not-signed-in", "Not signed in", 401, "Sign in to do this."),
    403: _problem("not-allowed", "Not allowed", 403,
                  "Only officers of the challenge's council may do this."),
    404: _problem("not-found", "Not found", 404, "No such challenge."),
    405: _problem("method-not-allowed", "Method not allowed", 405,
                  "This address does not accept DELETE; the Allow header lists the methods "
                  "it does."),
    409: _problem("conflict", "Conflict", 409, "A challenge cannot go from draft to voting.",
                  errors={"status": ["Allowed from draft: closed, open."]},
                  allowed=["closed", "open"]),
    412: _problem("precondition-failed", "Precondition failed", 412,
                  "The resource changed since you read it; fetch it again and retry."),
    413: _problem("too-large", "Request Entity Too Large", 413,
                  "The data value transmitted exceeds the capacity limit."),
    414: _problem("uri-too-long", "Request-URI Too Long", 414,
                  "The length of the requested URL exceeds the capacity limit for this "
                  "server."),
    415: _problem("unsupported-media-type", "Unsupported Media Type", 415,
                  "Send the body as application/json."),
    422: PROBLEM,
    428: _problem("precondition-required", "Precondition Required", 428,
                  "This request is required to be conditional; try using \"If-Match\"."),
    429: _problem("rate-limited", "Too many requests", 429,
                  "10 per 1 minute; try again in 42 seconds."),
    500: _problem("internal", "Internal server error", 500,
                  "Something went wrong on our side."),
    503: _problem("unavailable", "Service unavailable", 503,
                  "The database cannot be reached; try again in a few seconds."),
}

RECORD_PITCH = {"id": 1, "status": "submitted", "submitted_at": SUBMITTED}
RECORD_OUT = {"challenge_id": 1, "status": "shortlisted", "method": "bayesian",
              "prior_weight": 5.0, "min_ratings": 3, "panel_weight": 0.0, "shortlist_size": 2,
              "pitches": [RECORD_PITCH], "rows": 52,
              "sha256": "9f2c4e0b7a61d3f85e0c2b9d4a7f1e36c8b5d2a0f9e4c7b1a3d6f8e2c5b9a0d4"}

BY_SCHEMA = {
    "RegisterIn": REGISTER_IN, "LoginIn": LOGIN_IN, "UserOut": USER_OUT,
    "MembershipOut": MEMBERSHIP_OUT, "MeOut": ME_OUT, "PasswordChangeIn": PASSWORD_CHANGE_IN,
    "MeDetailOut": ME_DETAIL_OUT, "PanelSeatOut": PANEL_SEAT_OUT,
    "TokenIn": TOKEN_IN,
    "TokenOut": TOKEN_OUT, "NewTokenOut": NEW_TOKEN_OUT, "CsrfOut": CSRF_OUT,
    "OrganisationIn": ORGANISATION_IN, "OrganisationOut": ORGANISATION_OUT,
    "OrganisationDetailOut": ORGANISATION_DETAIL_OUT, "MemberIn": MEMBER_IN,
    "MemberOut": MEMBER_OUT, "InvitationSentOut": INVITATION_SENT_OUT,
    "InvitationOut": INVITATION_OUT, "MembershipPeriodOut": MEMBERSHIP_PERIOD_OUT,
    "ChallengeIn": CHALLENGE_IN, "ChallengePatch": CHALLENGE_PATCH,
    "ChallengeOut": CHALLENGE_OUT, "StatusIn": STATUS_IN, "PanelIn": PANEL_IN,
    "ChallengeCan": CHALLENGE_OUT["can"],
    "PanelMemberOut": PANEL_MEMBER_OUT, "StatsOut": STATS_OUT,
    "ConflictsIn": CONFLICTS_IN, "PanelConflictOut": PANEL_CONFLICT_OUT,
    "PanelConflictsOut": PANEL_CONFLICTS_OUT,
    "PitchIn": PITCH_IN, "PitchPatch": PITCH_PATCH, "PitchOut": PITCH_OUT,
    "PitchCan": PITCH_OUT["can"],
    "Tally": TALLY, "TallyPart": PUBLIC_TALLY, "Summary": LAMBETH, "UserRef": PRIYA,
    "RatingIn": RATING_IN, "RatingOut": RATING_OUT, "RankingEntry": RANKING_ENTRY,
    "ShortlistEntryOut": SHORTLIST_ENTRY_OUT,
    "RankingOut": RANKING_OUT, "ShortlistOut": SHORTLIST_OUT,
    "IntegrityRules": INTEGRITY_RULES, "IntegrityPitch": INTEGRITY_PITCH,
    "IntegrityOut": INTEGRITY_OUT, "RecordOut": RECORD_OUT, "RecordPitch": RECORD_PITCH, "SealOut": SEAL_OUT,
    "CertaintyOut": CERTAINTY_OUT, "ScoreInterval": SCORE_INTERVAL,
    "PanelAgreement": RANKING_OUT["panel_agreement"],
    "CommentIn": COMMENT_IN, "CommentPatch": COMMENT_PATCH, "CommentOut": COMMENT_OUT,
    "CommentAuthorOut": COMMENT_OUT["author"],
    "CommentCan": COMMENT_OUT["can"],
    "FlagIn": FLAG_IN, "FlagOut": FLAG_OUT, "ModerationIn": MODERATION_IN,
    "FlaggedCommentOut": FLAGGED_COMMENT_OUT, "FlagReasonOut": FLAGGED_COMMENT_OUT["reasons"][0],
    "AuditEventOut": AUDIT_EVENT_OUT, "ChallengeEventOut": CHALLENGE_EVENT_OUT,
    "ErasureIn": ERASURE_IN, "OwnCommentOut": OWN_COMMENT_OUT,
    "ExportTokenOut": EXPORT_TOKEN_OUT, "ExportOut": EXPORT_OUT,
    "Problem": PROBLEM,
}
# A page of each list: its first item, and the cursor for the next page.
PAGES = {
    "ChallengeOutPage": CHALLENGE_OUT, "PitchOutPage": PITCH_OUT,
    "CommentOutPage": COMMENT_OUT, "OrganisationOutPage": ORGANISATION_OUT,
    "PanelMemberOutPage": PANEL_MEMBER_OUT, "TokenOutPage": TOKEN_OUT,
    "InvitationOutPage": INVITATION_OUT, "FlaggedCommentOutPage": FLAGGED_COMMENT_OUT,
    "AuditEventOutPage": AUDIT_EVENT_OUT, "ChallengeEventOutPage": CHALLENGE_EVENT_OUT,
}
NEXT_CURSOR = "WyIyMDI2LTA5LTE1VDA5OjAwOjAwIiwxXQ"


def example_for(schema_name: str) -> dict | None:
    """The example of a component schema (a copy, so YAML needs no anchors), or None."""
    if schema_name in PAGES:
        return copy.deepcopy({"items": [PAGES[schema_name]], "next_cursor": NEXT_CURSOR})
    return copy.deepcopy(BY_SCHEMA.get(schema_name))
