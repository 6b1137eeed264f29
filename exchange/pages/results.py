"""The public results page of a challenge, /challenges/<id>/results: the published
shortlist, or the live ranking before it, with each pitch's working and how to check it.

Who may see it is exactly who may see the challenge through the API: the page asks the
same services (challenges.get_visible, shortlists.published, the live ranking) and so
obeys the same policy. Its numbers are the API's own answer, dumped by RankingOut or
ShortlistOut, so the page and GET .../ranking or .../shortlist cannot disagree. The page
only formats them.

A refusal is a plain HTML page with the status the API would give (404 for a draft or an
unknown id), not problem+json: people, not programs, read this address.
"""
import json
from datetime import datetime

from flask import make_response, render_template, request

from exchange import API_PREFIX
from exchange.challenges import service as challenges
from exchange.errors import DomainError, NotFound
from exchange.http.auth import optional_user
from exchange.http.errors import problem_of
from exchange.http.headers import mark_caching
from exchange.pages import blp
from exchange.voting import schemas, shortlists
from exchange.voting.live_ranking import live

# No script at all; the one stylesheet from this site; the icon is an empty data: URI
# (without one the browser asks for /favicon.ico and logs the refusal).
PAGE_POLICY = ("default-src 'none'; style-src 'self'; img-src 'self' data:; "
               "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")

# Each method's formula, in the words PRODUCT.md and the API's documentation use.
FORMULAS = {
    "bayesian": "bayesian = (C·m + S) / (C + n); score = (bayesian − 1) / 4",
    "mean": "mean = S / n (0 when n = 0); score = (mean − 1) / 4",
    "wilson": ("score = the lower bound of the Wilson score interval (z = 1.96) for the "
               "share of ratings that are 4 or 5 stars; 0 when n = 0"),
    "stars": ("with n_k ratings of k stars, N = Σ n_k, e = Σ k·(n_k + 1) / (N + 5), "
              "e2 = Σ k²·(n_k + 1) / (N + 5): stars = e − 1.65·√((e2 − e²) / (N + 6)); "
              "score = (stars − 1) / 4"),
}
COMBINED = "combined = (1 − w)·score + w·panel score, where panel score = (panel mean − 1) / 4"

# What each reason and flag means, as docs/fair-votes.md and docs/integrity.md say it.
REASONS = {
    "too_few_ratings": "fewer counted public ratings than the minimum",
    "no_panel_rating": "no panel rating, while the panel has a share of the score",
}
EXCLUSIONS = {
    "conflict_of_interest": "conflict of interest",
    "new_account": "new account",
}
FLAGS = {
    "burst": "burst: many ratings within a few minutes",
    "new_accounts": "new accounts: most ratings from accounts made after the challenge opened",
    "network_cluster": "network cluster: many ratings from one network",
    "one_sided": "one-sided: stars unlike the rest of the challenge's",
}
STARS = ("5", "4", "3", "2", "1")
_SHORTLIST_OUT = schemas.ShortlistOut()


@blp.get("/challenges/<int:challenge_id>/results")
def challenge_results(challenge_id):
    """The results page: the published shortlist, else the live ranking, with the working."""
    try:
        page = results_of(optional_user(), challenge_id)
    except DomainError as refusal:
        return refusal_page(refusal)
    return with_policy(make_response(render_template("results.html", **page)))


def results_of(user, challenge_id: int) -> dict:
    """What the page shows, from the API's own dumps; NotFound when `user` may not see it."""
    challenge = challenges.get_visible(challenge_id, user)
    try:
        ranking = _SHORTLIST_OUT.dump(shortlists.published(user, challenge.id))
        published = True
    except NotFound:  # the challenge is visible: nothing is published yet
        ranking = json.loads(live(user, challenge.id, {}).body(schemas.render_ranking))
        published = False
    api = f"{request.host_url.rstrip('/')}{API_PREFIX}/challenges/{challenge.id}"
    # The published fact, or what would be published now: each under its own wire name.
    flag = "shortlisted" if published else "would_be_shortlisted"
    return {"challenge": challenge, "ranking": ranking, "published": published, "flag": flag,
            "entries": ranking["entries"], "has_panel": _has_panel(ranking),
            "has_certainty": any(_has_certainty(e) for e in ranking["entries"]),
            "formula": FORMULAS[ranking["method"]], "combined_formula": COMBINED,
            "reasons": REASONS, "exclusions": EXCLUSIONS, "flags": FLAGS,
            "api": api, "bars": histogram_bars, "worked": worked_score, "when": in_words}


def _has_panel(ranking: dict) -> bool:
    """The panel has a share of the score, or has rated at all."""
    return ranking["panel_weight"] > 0 or any(e["panel_count"] for e in ranking["entries"])


def _has_certainty(entry: dict) -> bool:
    """The entry carries the simulation's figures (rankings from before them do not)."""
    return entry.get("p_top_k") is not None or entry.get("score_interval") is not None


def histogram_bars(histogram: dict, width: int = 120) -> list[dict]:
    """The star histogram as bars, 5 stars first, each bar's length in proportion to the
    largest count (all zero: no bar drawn)."""
    largest = max(histogram.values(), default=0)
    return [{"stars": stars, "count": histogram.get(stars, 0), "y": row * 14,
             "length": round(width * histogram.get(stars, 0) / largest, 1) if largest else 0}
            for row, stars in enumerate(STARS)]


def worked_score(entry: dict, method: str) -> str | None:
    """The method's formula with the entry's numbers in it, for the methods that are one
    line of arithmetic; None for wilson and stars, whose formula is shown in general."""
    score = entry["public_score"]
    if method == "bayesian":
        return (f"({entry['C']:g} · {entry['m']:.3f} + {entry['S']}) / "
                f"({entry['C']:g} + {entry['n']}) = {4 * score + 1:.3f}; "
                f"score = ({4 * score + 1:.3f} − 1) / 4 = {score:.3f}")
    if method == "mean":
        return (f"{entry['S']} / {entry['n']} = {entry['mean']:.3f}; "
                f"score = ({entry['mean']:.3f} − 1) / 4 = {score:.3f}"
                if entry["n"] else "no counted ratings: score 0")
    return None


def in_words(timestamp: str) -> str:
    """An ISO 8601 UTC time as people read it: 24 November 2026, 09:41 UTC."""
    moment = datetime.fromisoformat(timestamp)
    return f"{moment.day} {moment:%B %Y, %H:%M} UTC"


def refusal_page(refusal: DomainError):
    """A domain refusal as a small HTML page with the status the API gives it."""
    status, title, _ = problem_of(refusal)
    response = make_response(render_template("refusal.html", status=status, title=title,
                                             detail=refusal.detail), status)
    response.headers.update(refusal.headers)
    return with_policy(response)


def with_policy(response):
    """The page's own Content-Security-Policy, and the API's caching rule: what a signed-in
    reader sees (a draft) is theirs, never kept by a shared cache."""
    response.headers["Content-Security-Policy"] = PAGE_POLICY
    mark_caching(response)
    return response
