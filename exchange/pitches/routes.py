"""Endpoints for pitches."""
from exchange.challenges import service as challenges
from exchange.http.auth import optional_user, signed_in_user
from exchange.http.conditional import if_match, tagged_document
from exchange.http.openapi import ExchangeBlueprint
from exchange.http.pagination import envelope, link_header, page_of
from exchange.pitches import schemas, service

blp = ExchangeBlueprint("pitches", __name__, description="Suppliers' pitches to challenges")


@blp.post("/challenges/<int:challenge_id>/pitches")
@blp.signed_in
@blp.arguments(schemas.PitchIn)
@blp.response(201, schemas.PitchOut)
@blp.problems(403, 404, 409)
def submit_pitch(body, challenge_id):
    """Pitch a tool, product or service to an open challenge, for a supplier you belong to."""
    return service.submit(signed_in_user(), challenge_id, body)


@blp.get("/challenges/<int:challenge_id>/pitches")
@blp.arguments(schemas.PitchListArgs, location="query")
@blp.response(200, page_of(schemas.PitchOut))
@blp.problems(404)
def list_pitches(args, challenge_id):
    """A challenge's pitches, each with its tally, its standing in the live ranking, the
    caller's stars and what the caller may do to it: one request draws a voting page."""
    user = optional_user()
    challenge = challenges.get_visible(challenge_id, user, bare=True)
    page = service.page_of_listing(user, challenge, args["status"], args["sort"],
                                   args["limit"], args["cursor"])
    service.with_hints(user, challenge, page.items)
    return envelope(page), link_header(page)


@blp.get("/pitches/<int:pitch_id>")
@blp.response(200, schemas.PitchOut)
@blp.problems(404)
def get_pitch(pitch_id):
    """One pitch with its tally; counts a view of the pitch (not of its challenge)."""
    user = optional_user()
    values, tags, standing = service.view(user, pitch_id)
    return tagged_document(schemas.pitch_document(values, tags, standing)
                           | {"can": service.hints_of_shown(user, values)})


@blp.patch("/pitches/<int:pitch_id>")
@blp.signed_in
@blp.conditional
@blp.arguments(schemas.PitchPatch)
@blp.response(200, schemas.PitchOut)
@blp.problems(403, 404, 409)
def edit_pitch(body, pitch_id):
    """Edit a pitch (its supplier's members, while the challenge is open)."""
    return service.edit(signed_in_user(), pitch_id, body, precondition=if_match(schemas.PitchOut))


@blp.post("/pitches/<int:pitch_id>/withdraw")
@blp.signed_in
@blp.response(200, schemas.PitchOut)
@blp.problems(403, 404, 409)
def withdraw_pitch(pitch_id):
    """Withdraw a pitch (its supplier's members, while the challenge is open or voting)."""
    return service.withdraw(signed_in_user(), pitch_id)
