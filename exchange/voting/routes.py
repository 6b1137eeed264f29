"""Endpoints for ratings, the live ranking and the shortlist."""
from flask import request

from exchange.http import limits
from exchange.http.auth import optional_user, signed_in_user
from exchange.http.conditional import tagged_json
from exchange.http.openapi import ExchangeBlueprint
from exchange.voting import integrity, schemas, service, shortlists
from exchange.voting.live_ranking import live as tagged_live_ranking

blp = ExchangeBlueprint("voting", __name__, description="Ratings, ranking and shortlists")


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
