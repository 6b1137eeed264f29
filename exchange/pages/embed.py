"""The rating widget: /embed/pitches/<id>, a small page for a council's site to frame
(exchange/pages/static/rating-widget.js inserts the frame; docs/embedding.md tells how).

It shows the pitch's public stars and, to a signed-in resident who may rate it, five star
buttons that rate through the API (same-origin fetch with the session cookie and the CSRF
token rendered in the page; static/embed.js). Who may rate is asked of voting's policy, the
rules the rating route enforces, so the page never offers what the API would refuse, and
says why in the API's own words. Signed out, it offers a small sign-in form posting to the
API's sign-in.

Its Content-Security-Policy lets the exchange itself and the origins in CORS_ORIGINS frame
it (and no X-Frame-Options: exchange/http/headers.py); every other page keeps
frame-ancestors 'none'. Scripts and styles come from this site only, none inline.
"""
import re
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app, make_response, render_template
from flask_wtf.csrf import generate_csrf

from exchange.errors import Conflict, NotAllowed, NotFound
from exchange.http.auth import optional_user
from exchange.pages import blp
from exchange.pitches import service as pitches
from exchange.voting import policy as voting_policy
from exchange.voting import service as voting

POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
          "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors {}")
# An origin as a browser serialises it (scheme, host, optional port): anything else in
# CORS_ORIGINS (a path, a wildcard, a stray quote or semicolon) is left out of the policy
# rather than allowed to change it.
ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?|https?://\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")
NO_RATINGS = {"count": 0, "sum": 0, "mean": None,
              "histogram": {str(stars): 0 for stars in range(1, 6)}}


def framing_policy(origins: list[str]) -> str:
    """The page's Content-Security-Policy: framed by the exchange and the listed origins."""
    framers = ["'self'", *(o for o in origins if ORIGIN.fullmatch(o))]
    return POLICY.format(" ".join(framers))


def tally_sentence(tally: dict) -> str:
    """The public tally in words, as static/embed.js writes it after a rating: the mean to
    one decimal, halves rounded up as JavaScript's toFixed does (4.25 is 4.3)."""
    count = tally["count"]
    if not count:
        return "No ratings yet."
    mean = Decimal(tally["mean"]).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{mean} out of 5 stars from {count} rating{'' if count == 1 else 's'}."


def refusal_to_rate(user, pitch) -> str | None:
    """Why `user` may not rate `pitch`, in the words the rating route refuses with, or None
    when they may: voting's own checks, in the route's order."""
    try:
        voting_policy.check_may_rate(user, pitch)
        voting_policy.check_takes_ratings(pitch.status, pitch.challenge.status)
    except (NotAllowed, Conflict) as refusal:
        return refusal.detail
    return None


def own_stars(user, pitch) -> int | None:
    """The stars `user` gave `pitch`, or None before they rate it."""
    try:
        return voting.own_rating(user, pitch.id).stars
    except NotFound:
        return None


def widget_of(user, pitch) -> dict:
    """What the page shows `user` (None: signed out) of `pitch`."""
    tally = pitch.tally.public if pitch.tally is not None else NO_RATINGS
    shown = {"pitch": pitch, "tally": tally, "summary": tally_sentence(tally), "user": user,
             "refusal": None, "stars": None, "csrf_token": None}
    if user is None:
        return shown
    refusal = refusal_to_rate(user, pitch)
    if refusal is not None:
        return shown | {"refusal": refusal}
    return shown | {"stars": own_stars(user, pitch), "csrf_token": generate_csrf()}


def _page(html: str, status: int):
    response = make_response(html, status)
    response.headers["Content-Security-Policy"] = framing_policy(
        current_app.config["CORS_ORIGINS"])
    # The page depends on who asks (their stars, their token): never kept by a shared cache.
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Cookie")
    return response


@blp.get("/embed/pitches/<int:pitch_id>")
def embed_pitch(pitch_id):
    """The rating widget of one pitch; a plain 404 page for a pitch unknown or unseen."""
    user = optional_user()
    try:
        pitch = pitches.get_visible(pitch_id, user)
    except NotFound:
        # A frame shows a page, not the API's problem+json.
        return _page(render_template("embed.html", pitch=None), 404)
    return _page(render_template("embed.html", **widget_of(user, pitch)), 200)
