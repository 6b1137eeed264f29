"""Endpoints for comments, flags and moderation."""
from exchange.discussion import queue, reading, schemas, service
from exchange.http import limits
from exchange.http.auth import optional_user, signed_in_user
from exchange.http.openapi import ExchangeBlueprint
from exchange.http.pagination import envelope, link_header, page_of

blp = ExchangeBlueprint("discussion", __name__, description="Comments, flags, moderation")


@blp.get("/pitches/<int:pitch_id>/comments")
@blp.arguments(schemas.CommentListArgs, location="query")
@blp.response(200, page_of(schemas.CommentOut))
@blp.problems(404, 422)
def list_comments(args, pitch_id):
    """A pitch's comments, oldest first, replies carrying their `parent_id`.

    With `view=thread`, top-level comments only, each with its replies nested under
    `replies`; the page and its cursor count top-level comments."""
    read = reading.threaded if args.get("view") == "thread" else reading.flat
    page = read(optional_user(), pitch_id, args["limit"], args["cursor"])
    return envelope(page), link_header(page)


@blp.post("/pitches/<int:pitch_id>/comments")
@blp.signed_in
@limits.per_account_and_network("comments")
@blp.arguments(schemas.CommentIn)
@blp.response(201, schemas.CommentOut)
@blp.problems(403, 404, 409, 429)
def post_comment(body, pitch_id):
    """Comment on a pitch, or reply with `parent_id`, until its challenge closes."""
    return service.post(signed_in_user(), pitch_id, body)


@blp.patch("/comments/<int:comment_id>")
@blp.signed_in
@limits.per_account_and_network("comments")
@blp.arguments(schemas.CommentPatch)
@blp.response(200, schemas.CommentOut)
@blp.problems(403, 404, 409, 429)
def edit_comment(body, comment_id):
    """Edit your comment (not once deleted or hidden, nor after the challenge closes)."""
    return service.edit(signed_in_user(), comment_id, body["body"])


@blp.delete("/comments/<int:comment_id>")
@blp.signed_in
@blp.response(204)
@blp.problems(403, 404, 409)
def delete_comment(comment_id):
    """Delete your comment (admins may delete any); one with replies keeps its place."""
    service.delete(signed_in_user(), comment_id)


@blp.post("/comments/<int:comment_id>/flags")
@blp.signed_in
@limits.per_account_and_network("flags")
@blp.arguments(schemas.FlagIn)
@blp.response(201, schemas.FlagOut)
@blp.problems(403, 404, 409, 429)
def flag_comment(body, comment_id):
    """Flag someone else's comment for the moderators, once per person."""
    return service.flag(signed_in_user(), comment_id, body["reason"])


@blp.post("/comments/<int:comment_id>/moderation")
@blp.signed_in
@blp.arguments(schemas.ModerationIn)
@blp.response(200, schemas.CommentOut)
@blp.problems(403, 404, 409)
def moderate_comment(body, comment_id):
    """Hide or restore a comment (officers of the owning council, admins)."""
    return service.moderate(signed_in_user(), comment_id, body["action"])


@blp.get("/challenges/<int:challenge_id>/flags")
@blp.signed_in
@blp.arguments(schemas.FlagQueueArgs, location="query")
@blp.response(200, page_of(schemas.FlaggedCommentOut))
@blp.problems(403, 404)
def flagged_comments(args, challenge_id):
    """The moderators' queue: the challenge's flagged comments, oldest first, with their
    reasons and counts (officers of its council, admins)."""
    page = queue.flagged(signed_in_user(), challenge_id, args.get("status"), args["limit"],
                         args["cursor"])
    return envelope(page), link_header(page)
