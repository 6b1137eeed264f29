"""Endpoints for challenges, their life, panel and stats."""
from exchange.audit.schemas import AuditEventOut
from exchange.challenges import history, panel, schemas, service
from exchange.http.auth import optional_user, signed_in_user
from exchange.http.conditional import if_match
from exchange.http.openapi import ExchangeBlueprint
from exchange.http.pagination import PageArgs, envelope, link_header, page_of, paginate

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
    statement = service.listing(optional_user(), status=args.get("status"),
                                tag=args.get("tag"), council_id=args.get("council_id"),
                                q=args.get("q"))
    page = paginate(statement, service.SORTS[args["sort"]], args["limit"], args["cursor"])
    return envelope(page), link_header(page)


@blp.get("/challenges/<int:challenge_id>")
@blp.response(200, schemas.ChallengeOut)
@blp.problems(404)
def get_challenge(challenge_id):
    """One challenge; counts a view of it (not of its pitches)."""
    return service.view(challenge_id, optional_user())


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
    challenge = service.get_visible(challenge_id, optional_user())
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


@blp.get("/challenges/<int:challenge_id>/stats")
@blp.response(200, schemas.StatsOut)
@blp.problems(404)
def challenge_stats(challenge_id):
    """Live figures: views, pitches, ratings, raters, comments, panel ratings."""
    challenge = service.get_visible(challenge_id, optional_user())
    return {"challenge_id": challenge.id, "views": challenge.view_count,
            "pitches": challenge.pitch_count, "ratings": challenge.rating_count,
            "raters": challenge.rater_count, "comments": challenge.comment_count,
            "panel_ratings": challenge.panel_rating_count}


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
