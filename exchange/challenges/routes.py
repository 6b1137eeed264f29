"""Endpoints for challenges, their life and stats (the panel's are voting's)."""
from exchange.audit.schemas import AuditEventOut
from exchange.challenges import history, schemas, service
from exchange.http.auth import optional_user, signed_in_user
from exchange.http.conditional import if_match, tagged_document
from exchange.http.openapi import ExchangeBlueprint
from exchange.http.pagination import PageArgs, envelope, link_header, page_of

blp = ExchangeBlueprint("challenges", __name__, description="Councils' challenges")


@blp.post("/challenges")
@blp.signed_in
@blp.arguments(schemas.ChallengeIn)
@blp.response(201, schemas.ChallengeOut)
@blp.problems(403, 404)
def create_challenge(body):
    """Post a challenge as a draft (officers of a verified council)."""
    return service.create(signed_in_user(), body)


@blp.get("/challenges")
@blp.arguments(schemas.ChallengeListArgs, location="query")
@blp.response(200, page_of(schemas.ChallengeOut))
def list_challenges(args):
    """Challenges you may see; drafts only to their council's members."""
    user = optional_user()
    page = service.page_of_listing(user, args["sort"], args["limit"],
                                   args["cursor"], status=args.get("status"),
                                   tag=args.get("tag"), council_id=args.get("council_id"),
                                   q=args.get("q"))
    page.items = schemas.listed(page.items)
    service.with_hints(user, page.items)
    return envelope(page), link_header(page)


@blp.get("/challenges/<int:challenge_id>")
@blp.response(200, schemas.ChallengeOut)
@blp.problems(404)
def get_challenge(challenge_id):
    """One challenge; counts a view of it (not of its pitches)."""
    user = optional_user()
    return tagged_document(service.with_hints(
        user, [schemas.listed_one(service.view(challenge_id, user))])[0])


@blp.patch("/challenges/<int:challenge_id>")
@blp.signed_in
@blp.conditional
@blp.arguments(schemas.ChallengePatch)
@blp.response(200, schemas.ChallengeOut)
@blp.problems(403, 404, 409)
def edit_challenge(body, challenge_id):
    """Edit a challenge and its shortlist settings (officers, until it is shortlisted)."""
    return service.update(signed_in_user(), challenge_id, body,
                          precondition=if_match(schemas.ChallengeOut))


@blp.delete("/challenges/<int:challenge_id>")
@blp.signed_in
@blp.conditional
@blp.response(204)
@blp.problems(403, 404, 409)
def delete_challenge(challenge_id):
    """Delete a draft (officers); published challenges are closed instead."""
    service.delete(signed_in_user(), challenge_id, precondition=if_match(schemas.ChallengeOut))


@blp.post("/challenges/<int:challenge_id>/status")
@blp.signed_in
@blp.arguments(schemas.StatusIn)
@blp.response(200, schemas.ChallengeOut)
@blp.problems(403, 404, 409)
def move_challenge(body, challenge_id):
    """Move the challenge along draft → open → voting (→ shortlisted) → closed."""
    return service.move(signed_in_user(), challenge_id, body["status"])


@blp.get("/challenges/<int:challenge_id>/stats")
@blp.response(200, schemas.StatsOut)
@blp.problems(404)
def challenge_stats(challenge_id):
    """Live figures: views, pitches, ratings, raters, comments, panel ratings."""
    challenge = service.get_visible(challenge_id, optional_user())
    return service.stats(challenge)


@blp.get("/challenges/<int:challenge_id>/audit")
@blp.signed_in
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(AuditEventOut))
@blp.problems(403, 404)
def challenge_audit(args, challenge_id):
    """Everything recorded about the challenge, its pitches, panel and comments, newest
    first (officers of its council, admins)."""
    page = history.audit_trail(signed_in_user(), challenge_id, args["limit"], args["cursor"])
    return envelope(page), link_header(page)


@blp.get("/challenges/<int:challenge_id>/events")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(schemas.ChallengeEventOut))
@blp.problems(404)
def challenge_events(args, challenge_id):
    """The challenge's public life: opened, voting, shortlisted, closed, settings changed."""
    page = history.life_events(optional_user(), challenge_id, args["limit"], args["cursor"])
    return envelope(page), link_header(page)
