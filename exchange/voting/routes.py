"""Endpoints for ratings, the live ranking, the shortlist and the challenge's panel."""
from flask import Response, request, stream_with_context

from exchange.challenges import service as challenges
from exchange.http import limits
from exchange.http.auth import optional_user, signed_in_user
from exchange.http.conditional import tagged_json
from exchange.http.openapi import ExchangeBlueprint
from exchange.http.pagination import PageArgs, envelope, link_header, page_of
from exchange.voting import integrity, panel, record, schemas, service, shortlists
from exchange.voting.live_ranking import live as tagged_live_ranking

blp = ExchangeBlueprint("voting", __name__,
                        description="Ratings, ranking, shortlists and challenges' panels")


@blp.put("/pitches/<int:pitch_id>/rating")
@blp.signed_in
@limits.per_account_and_network("rating")
@blp.arguments(schemas.RatingIn)
@blp.response(200, schemas.RatingOut)
@blp.problems(403, 404, 409, 429)
def rate(body, pitch_id):
    """Give or change your rating: 1-5 whole stars, one per person per pitch."""
    return service.rate(signed_in_user(), pitch_id, body["stars"], request.remote_addr)


@blp.get("/pitches/<int:pitch_id>/rating")
@blp.signed_in
@blp.response(200, schemas.RatingOut)
@blp.problems(404)
def own_rating(pitch_id):
    """Your rating of this pitch."""
    return service.own_rating(signed_in_user(), pitch_id)


@blp.delete("/pitches/<int:pitch_id>/rating")
@blp.signed_in
@limits.per_account_and_network("rating")
@blp.response(204)
@blp.problems(403, 404, 409, 429)
def unrate(pitch_id):
    """Take back your rating while the challenge takes ratings."""
    service.unrate(signed_in_user(), pitch_id, request.remote_addr)


@blp.get("/challenges/<int:challenge_id>/ranking")
@blp.arguments(schemas.RankingArgs, location="query")
@blp.response(200, schemas.RankingOut)
@blp.problems(404)
def live_ranking(args, challenge_id):
    """The live ranking, every pitch with its working; query values override the settings."""
    ranking = tagged_live_ranking(optional_user(), challenge_id, args)
    return tagged_json(ranking.tag, lambda: ranking.body(schemas.render_ranking))


@blp.post("/challenges/<int:challenge_id>/shortlist")
@blp.signed_in
@blp.response(201, schemas.ShortlistOut)
@blp.problems(403, 404, 409)
def publish_shortlist(challenge_id):
    """Freeze the ranking as the shortlist (officers, from voting); the challenge moves on."""
    return shortlists.publish(signed_in_user(), challenge_id)


@blp.get("/challenges/<int:challenge_id>/shortlist")
@blp.response(200, schemas.ShortlistOut)
@blp.problems(404)
def published_shortlist(challenge_id):
    """The published shortlist, unchanged since it was frozen."""
    return shortlists.published(optional_user(), challenge_id)


@blp.get("/challenges/<int:challenge_id>/integrity")
@blp.signed_in
@blp.response(200, schemas.IntegrityOut)
@blp.problems(403, 404)
def integrity_report(challenge_id):
    """Each pitch's integrity signals and flags, by the published rules (officers, admins)."""
    return integrity.report(signed_in_user(), challenge_id)


@blp.post("/challenges/<int:challenge_id>/panel")
@blp.signed_in
@blp.arguments(schemas.PanelIn)
@blp.response(201, schemas.PanelMemberOut)
@blp.problems(403, 404, 409)
def invite_panel_member(body, challenge_id):
    """Invite an expert onto the panel by `user_id` or `email` (officers)."""
    return panel.invite(signed_in_user(), challenge_id, user_id=body.get("user_id"),
                        email=body.get("email"))


@blp.get("/challenges/<int:challenge_id>/panel")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(schemas.PanelMemberOut))
@blp.problems(404)
def list_panel(args, challenge_id):
    """The invited experts (the council's officers sit on the panel too)."""
    challenge = challenges.get_visible(challenge_id, optional_user())
    page = panel.page_of_members(challenge, args["limit"], args["cursor"])
    return envelope(page), link_header(page)


@blp.delete("/challenges/<int:challenge_id>/panel/<int:user_id>")
@blp.signed_in
@blp.response(204)
@blp.problems(403, 404, 409)
def remove_panel_member(challenge_id, user_id):
    """Remove an invited expert (officers); their ratings count as public again."""
    panel.remove(signed_in_user(), challenge_id, user_id)


@blp.post("/challenges/<int:challenge_id>/panel/<int:user_id>/conflicts")
@blp.signed_in
@blp.arguments(schemas.ConflictsIn)
@blp.response(200, schemas.PanelConflictsOut)
@blp.problems(403, 404, 409)
def declare_panel_conflicts(body, challenge_id, user_id):
    """Declare a panel member's conflicts of interest (the member, or officers for them).

    Their ratings of those pitches are kept and excluded (`conflict_of_interest`). Declaring
    adds to what was declared; a repeat changes nothing. The answer lists every conflict the
    member declared. Once the challenge is shortlisted or closed the panel is fixed: 409.
    """
    return panel.declare_conflicts(signed_in_user(), challenge_id, user_id, body["pitch_ids"])


@blp.get("/challenges/<int:challenge_id>/panel/<int:user_id>/conflicts")
@blp.response(200, schemas.PanelConflictsOut)
@blp.problems(404)
def list_panel_conflicts(challenge_id, user_id):
    """The conflicts of interest a panel member declared."""
    return panel.visible_conflicts(optional_user(), challenge_id, user_id)


@blp.delete("/challenges/<int:challenge_id>/panel/<int:user_id>/conflicts/<int:pitch_id>")
@blp.signed_in
@blp.response(204)
@blp.problems(403, 404, 409)
def withdraw_panel_conflict(challenge_id, user_id, pitch_id):
    """Withdraw one declared conflict of interest (the member, or officers for them).

    For a mistaken declaration: their rating of that pitch is no longer excluded for it.
    404 when no such conflict is declared; 409 once the challenge is shortlisted or closed.
    """
    panel.withdraw_conflict(signed_in_user(), challenge_id, user_id, pitch_id)


@blp.get("/challenges/<int:challenge_id>/record")
@blp.response(200, schemas.RecordOut)
@blp.problems(404)
def rating_record(challenge_id):
    """The rating record's settings, pitches, row count and SHA-256 (anyone who may see the
    challenge)."""
    return record.summary(optional_user(), challenge_id)


def streamed_doc(content_type: str, description: str) -> dict:
    """How a streamed download is documented: its body, and no ETag (exchange/http/openapi)."""
    return {"x-streamed": True, "responses": {"200": {"description": description, "content": {
        content_type: {"schema": {"type": "string"}}}}}}


@blp.get("/challenges/<int:challenge_id>/ratings.jsonl")
@blp.doc(**streamed_doc("application/jsonl", (
    "The canonical rating record: one JSON object per line (rater, pitch_id, stars, role, "
    "counted, excluded_reason, time), keys sorted, in pitch then rating order.")))
@blp.problems(404)
def rating_record_jsonl(challenge_id):
    """Every rating of the challenge, pseudonymous, as JSON Lines (streamed)."""
    return streamed(record.jsonl(record.visible(optional_user(), challenge_id)),
                    "application/jsonl", f"challenge-{challenge_id}-ratings.jsonl")


@blp.get("/challenges/<int:challenge_id>/ratings.csv")
@blp.doc(**streamed_doc("text/csv", (
    "The rating record as CSV: the same rows and columns as ratings.jsonl, with a header.")))
@blp.problems(404)
def rating_record_csv(challenge_id):
    """Every rating of the challenge, pseudonymous, as CSV (streamed)."""
    return streamed(record.csv(record.visible(optional_user(), challenge_id)),
                    "text/csv; charset=utf-8", f"challenge-{challenge_id}-ratings.csv")


def streamed(lines, mimetype: str, filename: str) -> Response:
    """A download sent as it is read, the request's database session kept open till the end."""
    response = Response(stream_with_context(lines), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
