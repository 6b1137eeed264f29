"""Check a published shortlist from outside the exchange.

    python -m exchange.verify https://exchange.example/api/v1/challenges/3
    oix-verify https://exchange.example/api/v1/challenges/3 --record saved-ratings.jsonl

It fetches the challenge's rating record (ratings.jsonl) and its published snapshot
(shortlist), then checks, each on its own:

1. the record is the one the snapshot was computed from (its SHA-256 and row count);
2. the ranking recomputed from the record, by the formulas of the product brief written out
   again below, equals the snapshot's numbers, order and shortlist; and how sure it was
   (each pitch's p_top_k and 90% score interval), simulated again from the record by the
   documented procedure, written out again below too;
3. the snapshot's hash is the hash of its canonical JSON, and its Ed25519 signature verifies
   with the exchange's published key (/.well-known/exchange-keys);
4. the chain: the snapshot before it (named in the seal) still has the hash this one names;
   with --whole-chain, back to the first.

Exit 0 when everything matches, 1 with each difference printed, 2 when it cannot run (an
address that does not answer, a file that is not a record). Everything but the signature
uses Python's standard library only, so an auditor can read every step here; the signature
needs the `cryptography` package (installed with the exchange), because Ed25519 is not in
the standard library and hand-written cryptography is not something to trust.
docs/verifying.md walks through it.
"""
import argparse
import base64
import hashlib
import json
import math
import random
import sys
import urllib.error
import urllib.request
from urllib.parse import urlsplit

GENESIS = "0" * 64
# The canonical form of a snapshot. The exchange seals with this very code
# (voting/snapshots.py), so what it signs is what this rebuilds.
TOP_KEYS = ("challenge_id", "method", "panel_weight", "min_ratings", "prior_weight",
            "shortlist_size", "m", "published_at", "shortlisted_pitch_ids", "entries")
ENTRY_KEYS = ("pitch_id", "title", "supplier", "submitted_at", "rank", "eligible",
              "shortlisted", "excluded_reasons", "n", "S", "mean", "histogram", "m", "C",
              "public_score", "panel_count", "panel_mean", "panel_score", "combined",
              "integrity_flags", "excluded")
# Snapshots sealed with how sure the ranking was carry these too (and only those: the ones
# sealed before were signed without them).
CERTAINTY_TOP_KEYS = ("certainty",)
CERTAINTY_ENTRY_KEYS = ("p_top_k", "score_interval")
SEAL_KEYS = ("format", "previous_sha256", "previous_challenge_id", "record_sha256",
             "record_rows")
REASONS = ("conflict_of_interest", "new_account")
TOLERANCE = 1e-9  # floats recomputed here may differ from the exchange's in the last bits


class CannotRun(Exception):
    """The check cannot be made at all (exit 2)."""


# ---- reading ------------------------------------------------------------------------------

def read(source: str) -> bytes:
    """The bytes at a URL or in a file."""
    if source.startswith(("http://", "https://")):
        try:
            with urllib.request.urlopen(source, timeout=60) as response:
                return response.read()
        except (urllib.error.URLError, OSError) as error:
            raise CannotRun(f"cannot fetch {source}: {error}") from None
    try:
        with open(source, "rb") as file:
            return file.read()
    except OSError as error:
        raise CannotRun(f"cannot read {source}: {error}") from None


def read_json(source: str):
    try:
        return json.loads(read(source))
    except ValueError:
        raise CannotRun(f"{source} is not JSON") from None


def parse_record(data: bytes) -> list[dict]:
    """The rows of a ratings.jsonl record."""
    rows = []
    for number, line in enumerate(data.decode("utf-8").splitlines(), start=1):
        try:
            row = json.loads(line)
        except ValueError:
            raise CannotRun(f"line {number} of the record is not JSON") from None
        if not isinstance(row, dict) or not {"pitch_id", "stars", "role", "counted",
                                             "excluded_reason"} <= set(row):
            raise CannotRun(f"line {number} of the record is not a rating row")
        rows.append(row)
    return rows


# ---- the formulas (PRODUCT.md, "The shortlist, exactly") ---------------------------------

def wilson_lower_bound(positive: int, n: int, z: float = 1.96) -> float:
    if n == 0 or positive == 0:  # exactly 0: the formula would leave a rounding error
        return 0.0
    p = positive / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - spread) / (1 + z * z / n)


def stars_lower_bound(counts: list[int], z: float = 1.65) -> float:
    total = sum(counts)
    e = sum(k * (c + 1) for k, c in zip(range(1, 6), counts)) / (total + 5)
    e2 = sum(k * k * (c + 1) for k, c in zip(range(1, 6), counts)) / (total + 5)
    return e - z * math.sqrt(max(e2 - e * e, 0.0) / (total + 6))


def public_score(method: str, counts: list[int], m: float, C: float) -> float:
    n = sum(counts)
    S = sum(k * c for k, c in zip(range(1, 6), counts))
    if method == "bayesian":
        return (((C * m + S) / (C + n) if C + n > 0 else m) - 1) / 4
    if method == "mean":
        return (S / n - 1) / 4 if n else 0.0
    if method == "wilson":
        return wilson_lower_bound(counts[3] + counts[4], n)
    if method == "stars":
        return (stars_lower_bound(counts) - 1) / 4
    raise CannotRun(f"unknown method {method!r}")


def recompute(rows: list[dict], snapshot: dict) -> dict[int, dict]:
    """Each pitch's entry as the record says it should be, keyed by pitch id. The pitches are
    those the snapshot ranks (the challenge's submitted pitches when it was published)."""
    pitch_ids = [entry["pitch_id"] for entry in snapshot["entries"]]
    submitted_at = {entry["pitch_id"]: entry["submitted_at"] for entry in snapshot["entries"]}
    public = {p: [0] * 5 for p in pitch_ids}
    panel = {p: [0] * 5 for p in pitch_ids}
    excluded = {p: dict.fromkeys(REASONS, 0) for p in pitch_ids}
    for row in rows:
        pitch = row["pitch_id"]
        if pitch not in public:
            continue  # a pitch withdrawn before publication: not ranked
        if not row["counted"]:
            excluded[pitch][row["excluded_reason"]] = excluded[pitch].get(
                row["excluded_reason"], 0) + 1
        elif row["role"] == "panel":
            panel[pitch][row["stars"] - 1] += 1
        else:
            public[pitch][row["stars"] - 1] += 1
    all_n = sum(sum(c) for c in public.values())
    all_S = sum(k * c[k - 1] for c in public.values() for k in range(1, 6))
    m = all_S / all_n if all_n else 3.0
    method, C = snapshot["method"], float(snapshot["prior_weight"])
    w = float(snapshot["panel_weight"])
    entries = {}
    for pitch in pitch_ids:
        counts = public[pitch]
        n, S = sum(counts), sum(k * c for k, c in zip(range(1, 6), counts))
        panel_n = sum(panel[pitch])
        panel_S = sum(k * c for k, c in zip(range(1, 6), panel[pitch]))
        panel_mean = panel_S / panel_n if panel_n else None
        panel01 = (panel_mean - 1) / 4 if panel_mean is not None else None
        score = public_score(method, counts, m, C)
        reasons = []
        if n < snapshot["min_ratings"]:
            reasons.append("too_few_ratings")
        if w > 0 and panel_n == 0:
            reasons.append("no_panel_rating")
        entries[pitch] = {
            "pitch_id": pitch, "n": n, "S": S, "mean": S / n if n else 0.0,
            "histogram": {str(k): counts[k - 1] for k in range(1, 6)}, "m": m, "C": C,
            "public_score": score, "panel_count": panel_n, "panel_mean": panel_mean,
            "panel_score": panel01, "combined": (1 - w) * score + w * (panel01 or 0.0),
            "excluded_reasons": reasons, "eligible": not reasons,
            "panel_histogram": panel[pitch],
            "excluded": excluded[pitch], "submitted_at": submitted_at[pitch]}
    order = sorted(entries.values(), key=lambda e: (not e["eligible"], -e["combined"],
                                                    -e["n"], e["submitted_at"], e["pitch_id"]))
    place = 0
    for entry in order:
        entry["rank"], entry["shortlisted"] = None, False
        if entry["eligible"]:
            place += 1
            entry["rank"] = place
            entry["shortlisted"] = place <= snapshot["shortlist_size"]
    return {e["pitch_id"]: e for e in order} | {"_order": [e["pitch_id"] for e in order]}


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(a, b, rel_tol=0,
                                                                  abs_tol=TOLERANCE)
    return a == b


def ranking_differences(rows: list[dict], snapshot: dict) -> list[str]:
    """Where the snapshot's numbers, order or shortlist differ from the record's."""
    expected = recompute(rows, snapshot)
    found = []
    shown_order = [entry["pitch_id"] for entry in snapshot["entries"]]
    if shown_order != expected["_order"]:
        found.append(f"order: the snapshot lists {shown_order}, the record gives "
                     f"{expected['_order']}")
    for entry in snapshot["entries"]:
        mine = expected[entry["pitch_id"]]
        for key in ("n", "S", "mean", "histogram", "m", "C", "public_score", "panel_count",
                    "panel_mean", "panel_score", "combined", "rank", "eligible",
                    "shortlisted", "excluded_reasons", "excluded"):
            if not _same(entry[key], mine[key]):
                found.append(f"pitch {entry['pitch_id']}: {key} is {entry[key]!r} in the "
                             f"snapshot, {mine[key]!r} from the record")
    chosen = [p for p in expected["_order"] if expected[p]["shortlisted"]]
    if snapshot["shortlisted_pitch_ids"] != chosen:
        found.append(f"shortlist: the snapshot has {snapshot['shortlisted_pitch_ids']}, the "
                     f"record gives {chosen}")
    return found


# ---- how sure the ranking was (exchange/voting/certainty.py's docstring) -------------------

def certainty_seed(challenge_id: int, record_hash: str) -> int:
    """The first 8 bytes, big-endian, of SHA-256("oix-certainty:<challenge id>:<record hash>")."""
    digest = hashlib.sha256(f"oix-certainty:{challenge_id}:{record_hash}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _one_draw(rng: random.Random, counts) -> float:
    """One draw of star shares from Dirichlet(counts + 1), scored on the 0-1 scale."""
    g = [rng.gammavariate(count + 1, 1.0) for count in counts]
    return ((g[0] + 2 * g[1] + 3 * g[2] + 4 * g[3] + 5 * g[4]) / (g[0] + g[1] + g[2] + g[3] + g[4])
            - 1) / 4


def simulate_certainty(pitches: list[dict], shortlist_size: int, panel_weight: float,
                       seed: int, draws: int) -> dict[int, dict]:
    """Each pitch's {"p_top_k", "low", "high"}. `pitches` in ranking order, each a dict of
    "pitch_id", "public" and "panel" (star counts 1 to 5) and "eligible"."""
    rng = random.Random(seed)
    w = panel_weight
    drawn = {}
    for pitch in sorted(pitches, key=lambda p: p["pitch_id"]):  # ascending id, all draws each
        column = []
        for _ in range(draws):
            score = _one_draw(rng, pitch["public"])
            if w > 0:  # the panel's shares right after the public's, in every draw
                score = (1 - w) * score + w * _one_draw(rng, pitch["panel"])
            column.append(score)
        drawn[pitch["pitch_id"]] = column
    eligible = [p["pitch_id"] for p in pitches if p["eligible"]]
    k = min(shortlist_size, len(eligible))
    chosen = dict.fromkeys(eligible, 0)
    for d in range(draws):
        # Highest drawn score first; a tie goes to the pitch placed higher in the ranking.
        by_score = sorted(range(len(eligible)), key=lambda i: (-drawn[eligible[i]][d], i))
        for i in by_score[:k]:
            chosen[eligible[i]] += 1
    found = {}
    for pitch in pitches:
        ordered = sorted(drawn[pitch["pitch_id"]])
        # Nearest rank: the value at ceil(q * draws) - 1.
        low = ordered[max(math.ceil(0.05 * draws) - 1, 0)]
        high = ordered[max(math.ceil(0.95 * draws) - 1, 0)]
        found[pitch["pitch_id"]] = {"p_top_k": chosen.get(pitch["pitch_id"], 0) / draws,
                                    "low": low, "high": high}
    return found


def certainty_differences(rows: list[dict], snapshot: dict) -> list[str]:
    """Where the snapshot's figures of certainty differ from those simulated again from the
    record; none to check on a snapshot sealed before there were figures."""
    stated = snapshot.get("certainty")
    if stated is None:
        return []
    found = []
    seed = certainty_seed(snapshot["challenge_id"], snapshot["seal"]["record_sha256"])
    if stated["seed"] != seed or stated["record_sha256"] != snapshot["seal"]["record_sha256"]:
        found.append(f"certainty: computed from seed {stated['seed']} and record "
                     f"{stated['record_sha256']}; the seal's record gives seed {seed}")
    expected = recompute(rows, snapshot)
    pitches = [{"pitch_id": p, "public": [expected[p]["histogram"][str(k)] for k in range(1, 6)],
                "panel": expected[p]["panel_histogram"], "eligible": expected[p]["eligible"]}
               for p in expected["_order"]]
    mine = simulate_certainty(pitches, snapshot["shortlist_size"],
                              float(snapshot["panel_weight"]), seed, stated["draws"])
    for entry in snapshot["entries"]:
        figures = mine[entry["pitch_id"]]
        shown = entry["score_interval"] or {}
        for name, theirs, ours in (("p_top_k", entry["p_top_k"], figures["p_top_k"]),
                                   ("score_interval low", shown.get("low"), figures["low"]),
                                   ("score_interval high", shown.get("high"), figures["high"])):
            if not _same(theirs, ours):
                found.append(f"pitch {entry['pitch_id']}: {name} is {theirs!r} in the "
                             f"snapshot, {ours!r} from the record")
    return found


# ---- the seal -----------------------------------------------------------------------------

def canonical(snapshot: dict) -> bytes:
    """The bytes the exchange hashed and signed (docs/verifying.md): with the figures of
    certainty when the snapshot has them, else exactly the form sealed before they existed."""
    sure = snapshot.get("certainty") is not None
    top = TOP_KEYS + CERTAINTY_TOP_KEYS if sure else TOP_KEYS
    entry_keys = ENTRY_KEYS + CERTAINTY_ENTRY_KEYS if sure else ENTRY_KEYS
    document = {key: snapshot[key] for key in top}
    document["entries"] = [{key: e[key] for key in entry_keys} for e in snapshot["entries"]]
    document["seal"] = {key: snapshot["seal"][key] for key in SEAL_KEYS}
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode("ascii")


def signature_differences(snapshot: dict, keys: dict) -> list[str]:
    """Whether the seal's signature verifies with the published key it names."""
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    except ImportError:
        raise CannotRun("checking the Ed25519 signature needs the `cryptography` package "
                        "(pip install cryptography), or pass --skip-signature") from None
    seal = snapshot["seal"]
    key = next((k for k in keys.get("keys", []) if k.get("key_id") == seal["key_id"]), None)
    if key is None:
        return [f"signature: key {seal['key_id']} is not among the published keys"]
    raw = base64.b64decode(key["public_key"])
    if hashlib.sha256(raw).hexdigest()[:16] != seal["key_id"]:
        return [f"signature: the published key {seal['key_id']} does not match its id"]
    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(base64.b64decode(seal["signature"]),
                                                       canonical(snapshot))
    except (InvalidSignature, ValueError):
        return ["signature: it does not verify: the snapshot is not what the exchange signed"]
    return []


def seal_differences(snapshot: dict) -> list[str]:
    """Whether the snapshot's content still has the hash its seal states."""
    actual = hashlib.sha256(canonical(snapshot)).hexdigest()
    if actual != snapshot["seal"]["sha256"]:
        return [(f"hash: the snapshot's canonical JSON hashes to {actual}, its seal says "
                 f"{snapshot['seal']['sha256']}")]
    return []


# ---- running it ---------------------------------------------------------------------------

def challenge_urls(url: str) -> dict:
    """The addresses a challenge's URL leads to."""
    parts = urlsplit(url.rstrip("/"))
    if not parts.scheme or "/challenges/" not in parts.path:
        raise CannotRun(f"{url} is not a challenge's address (…/api/v1/challenges/ID)")
    base = url.rstrip("/")
    origin = f"{parts.scheme}://{parts.netloc}"
    return {"record": base + "/ratings.jsonl", "snapshot": base + "/shortlist",
            "keys": origin + "/.well-known/exchange-keys",
            "challenges": base.rsplit("/", 1)[0]}


def verify(args) -> list[str]:
    urls = challenge_urls(args.challenge_url)
    snapshot = read_json(args.snapshot or urls["snapshot"])
    if not isinstance(snapshot, dict) or "entries" not in snapshot:
        raise CannotRun("the snapshot is not a published shortlist")
    if not snapshot.get("seal"):
        raise CannotRun("this snapshot was published before snapshots were sealed")
    record = read(args.record or urls["record"])
    seal = snapshot["seal"]
    differences = []
    digest = hashlib.sha256(record).hexdigest()
    rows = parse_record(record)
    if digest != seal["record_sha256"]:
        differences.append(f"record: its SHA-256 is {digest}, the snapshot was computed from "
                           f"{seal['record_sha256']}")
    if len(rows) != seal["record_rows"]:
        differences.append(f"record: {len(rows)} rows, the snapshot says "
                           f"{seal['record_rows']}")
    differences += ranking_differences(rows, snapshot)
    differences += certainty_differences(rows, snapshot)
    differences += seal_differences(snapshot)
    keys = read_json(args.keys or urls["keys"]) if not args.skip_signature else None
    if keys is not None:
        differences += signature_differences(snapshot, keys)
    differences += chain_differences(snapshot, urls, keys, args.whole_chain)
    return differences


def chain_differences(snapshot: dict, urls: dict, keys, whole: bool) -> list[str]:
    """Each snapshot back along the chain (one step, or all with `whole`) still has the hash
    the one after it names, and a good signature."""
    found, current, seen = [], snapshot, set()
    while current["seal"]["previous_sha256"] != GENESIS:
        previous_id = current["seal"]["previous_challenge_id"]
        if previous_id is None or previous_id in seen:
            return [*found, (f"chain: challenge {current['challenge_id']}'s snapshot names "
                             "no snapshot before it, yet its previous hash is not the start")]
        seen.add(previous_id)
        previous = read_json(f"{urls['challenges']}/{previous_id}/shortlist")
        actual = hashlib.sha256(canonical(previous)).hexdigest()
        if actual != current["seal"]["previous_sha256"]:
            found.append(f"chain: challenge {previous_id}'s snapshot hashes to {actual}, but "
                         f"challenge {current['challenge_id']}'s names "
                         f"{current['seal']['previous_sha256']}")
        if keys is not None:
            found += [f"chain: challenge {previous_id}'s {d}"
                      for d in signature_differences(previous, keys)]
        if not whole:
            break
        current = previous
    return found


def arguments(argv):
    parser = argparse.ArgumentParser(
        prog="oix-verify", description="Recompute a published shortlist from its rating "
        "record and check its hash, signature and chain.")
    parser.add_argument("challenge_url",
                        help="e.g. https://exchange.example/api/v1/challenges/3")
    parser.add_argument("--record", help="ratings.jsonl from a file or URL (a saved copy)")
    parser.add_argument("--snapshot", help="the shortlist JSON from a file or URL")
    parser.add_argument("--keys", help="the exchange's keys JSON from a file or URL")
    parser.add_argument("--whole-chain", action="store_true",
                        help="follow the chain back to the first snapshot")
    parser.add_argument("--skip-signature", action="store_true",
                        help="do not check signatures (no cryptography package)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = arguments(argv)
    try:
        differences = verify(args)
    except CannotRun as error:
        print(f"cannot verify: {error}", file=sys.stderr)
        return 2
    except (KeyError, TypeError, ValueError) as error:
        print(f"cannot verify: the snapshot or record lacks what it should hold ({error!r})",
              file=sys.stderr)
        return 2
    for difference in differences:
        print(difference)
    if differences:
        print(f"DIFFERS: {len(differences)} difference(s).")
        return 1
    print("MATCHES: the record, the ranking, the hash, the signature and the chain agree.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
