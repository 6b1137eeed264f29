// A residents' voting page: one request draws it, one more (two with a session cookie) rates.
// Every type below comes from api.d.ts, generated from openapi.yaml by `make client`, so a
// change to the contract (a renamed field, a path, a query value) breaks the type-check.
import type { components, paths } from "./api";

type PitchList = paths["/api/v1/challenges/{challenge_id}/pitches"]["get"];
type PitchQuery = NonNullable<PitchList["parameters"]["query"]>;
type PitchPage = PitchList["responses"][200]["content"]["application/json"];
type Pitch = components["schemas"]["PitchOut"];

type Csrf = paths["/api/v1/auth/csrf"]["get"]["responses"][200]["content"]["application/json"];

type RatePut = paths["/api/v1/pitches/{pitch_id}/rating"]["put"];
type RateHeaders = NonNullable<RatePut["parameters"]["header"]>;
type RateBody = RatePut["requestBody"]["content"]["application/json"];
type Rated = RatePut["responses"][200]["content"]["application/json"];
type Problem = components["schemas"]["Problem"];

/** How the page signs in: the browser's session cookie, or an API token (no CSRF then). */
export type SignIn = { kind: "cookie" } | { kind: "bearer"; token: string } | { kind: "none" };

/** The exchange's base URL and how to sign in. */
export interface Exchange {
  api: string; // e.g. "http://127.0.0.1:5000/api/v1"
  signIn: SignIn;
}

/** Fetch options that carry the caller's identity. */
function identity(ex: Exchange): { headers: Record<string, string>; credentials: RequestCredentials } {
  if (ex.signIn.kind === "bearer") {
    return { headers: { Authorization: `Bearer ${ex.signIn.token}` }, credentials: "omit" };
  }
  // A cross-origin page must be in CORS_ORIGINS for the cookie to travel.
  return { headers: {}, credentials: "include" };
}

/** The problem+json body of a refused request, as the contract types it. */
async function refused(res: Response): Promise<Error> {
  const problem = (await res.json()) as Problem;
  return new Error(`${problem.status} ${problem.title}: ${problem.detail ?? ""}`);
}

/** One request: the challenge's pitches in the live ranking's order, with my stars on each. */
export async function loadPitches(ex: Exchange, challengeId: number): Promise<PitchPage> {
  // Up to 100 pitches, the most a page holds; past that, follow `next_cursor`.
  const query: PitchQuery = { sort: "score", limit: 100 };
  const search = new URLSearchParams(Object.entries(query).map(([key, value]) => [key, String(value)]));
  const res = await fetch(`${ex.api}/challenges/${challengeId}/pitches?${search}`, identity(ex));
  if (!res.ok) throw await refused(res);
  return (await res.json()) as PitchPage;
}

/** The page's line for one pitch: place, score, whether it counts and why not, my stars. */
export function describe(pitch: Pitch): string {
  const place = pitch.rank === null ? "unranked" : `#${pitch.rank}`;
  const score = pitch.score === null ? "no score" : `score ${(pitch.score * 100).toFixed(1)}`;
  const counts = pitch.eligible ? "counts for the shortlist" : `left out: ${pitch.excluded_reasons.join(", ")}`;
  const mine = pitch.my_rating === null ? "not rated by you" : `you gave ${"★".repeat(pitch.my_rating)}`;
  return `${place} ${pitch.title} (${pitch.supplier.name}): ${score}, ${counts}, ${mine}`;
}

/** The CSRF token a cookie-signed write sends; a bearer token needs none. */
async function csrfHeaders(ex: Exchange): Promise<RateHeaders> {
  if (ex.signIn.kind !== "cookie") return {};
  const res = await fetch(`${ex.api}/auth/csrf`, { credentials: "include" });
  if (!res.ok) throw await refused(res);
  const body = (await res.json()) as Csrf;
  return { "X-CSRF-Token": body.csrf_token };
}

/** Give or change my rating of a pitch: 1-5 whole stars. */
export async function rate(ex: Exchange, pitchId: number, stars: RateBody["stars"]): Promise<Rated> {
  const body: RateBody = { stars };
  const { headers, credentials } = identity(ex);
  const res = await fetch(`${ex.api}/pitches/${pitchId}/rating`, {
    method: "PUT",
    credentials,
    headers: { ...headers, ...(await csrfHeaders(ex)), "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw await refused(res);
  return (await res.json()) as Rated;
}

/** Draw the page into a list element: a line and five star buttons per pitch. */
export async function drawVotingPage(ex: Exchange, challengeId: number, list: HTMLElement): Promise<void> {
  const page = await loadPitches(ex, challengeId);
  list.replaceChildren(...page.items.map((pitch) => {
    const item = document.createElement("li");
    item.textContent = describe(pitch);
    // The permission hint comes from the rules the API enforces: no guessing here from
    // statuses or roles (the pitch's supplier, a closed challenge, a signed-out visitor).
    if (pitch.can.rate) {
      for (const stars of [1, 2, 3, 4, 5]) {
        const button = document.createElement("button");
        button.textContent = `${stars}★`;
        button.ariaPressed = String(pitch.my_rating === stars);
        // The tallies, ranks and scores move with every rating: redraw from one request.
        button.onclick = () => rate(ex, pitch.id, stars).then(() => drawVotingPage(ex, challengeId, list));
        item.append(button);
      }
    }
    return item;
  }));
}
