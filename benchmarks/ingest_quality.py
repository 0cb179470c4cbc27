"""Recall and precision of `kg ingest` against curated facts (place pairs), per article.

    python benchmarks/ingest_quality.py

For each bundled article (graph_data/sources + graph_data/facts/seed-NNN.yaml) and each test text
of tests/ingest_texts/ (synthetic texts about other cities, with their expected pairs), the
curated place pairs are the unordered pairs of places that are parties of one curated
pairing, park or agreement (for the bundled articles: every co-operation relation kind). A
proposal is right when its place pair is curated. Prints one table row per text.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from kg.config import Config  # noqa: E402
from kg.curation import curated_yaml  # noqa: E402
from kg.curation.ingest import Meta, analyse  # noqa: E402
from kg.curation.ingest_context import Context, files_select  # noqa: E402

KINDS = {"Pairing", "Park", "Agreement"}


def pairs_of(parties: list[str]) -> set[frozenset[str]]:
    places = sorted({p for p in parties if p.startswith("place:")})
    return {frozenset(x) for x in itertools.combinations(places, 2)}


def _defined() -> dict[str, dict]:
    """Every fact with a kind, by id (a fact without kind adds to one of these)."""
    out = {}
    for path in (REPO / "graph_data" / "facts").glob("*.yaml"):
        for fact in curated_yaml.load(path)["facts"]:
            if fact.get("kind"):
                out[fact["id"]] = fact
    return out


def curated_pairs(path: Path, kinds: set[str] | None, implied: bool = False) -> set[frozenset[str]]:
    """Place pairs the article states: its own facts and those it adds quotes to (facts the
    curators mark ``confidence: Implied`` only with ``implied``: the text does not state them)."""
    defined = _defined()
    out: set[frozenset[str]] = set()
    for fact in curated_yaml.load(path)["facts"]:
        fact = defined.get(fact["id"], fact)
        if fact.get("confidence") == "Implied" and not implied:
            continue
        kind = fact.get("kind")
        kind = kind[0] if isinstance(kind, list) else kind
        if kind is None or kind == "Statistic" or (kinds and kind not in kinds):
            continue
        parties = [p if isinstance(p, str) else next(iter(p.values())) for p in fact["parties"]]
        out |= pairs_of(parties)
    return out


def proposed_pairs(ctx: Context, text: str, meta: Meta) -> set[frozenset[str]]:
    result = analyse(text, meta, ctx.index, ctx.domains)
    out: set[frozenset[str]] = set()
    for c in result.candidates:
        out |= pairs_of([p.iri for p, _ in c.parties])
    return out


def row(name: str, want: set, got: set, right: set | None = None) -> str:
    """Recall of ``want``; precision against ``right`` (every curated relation of the text)."""
    right = want if right is None else right | want
    found = len(want & got)
    correct = len(got & right)
    recall = found / len(want) if want else 1.0
    precision = correct / len(got) if got else 1.0
    return (
        f"| {name} | {len(want)} | {found} | {recall:.0%} | {len(got)} | {correct} "
        f"| {precision:.0%} |"
    )


def main() -> None:
    config = Config()
    ctx = Context(
        files_select(config.data_dirs, config.base_iri), config.base_iri, config.data_dirs
    )
    print("| text | stated pairs | proposed of them | recall | proposals | right | precision |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for facts in sorted((REPO / "graph_data" / "facts").glob("seed-*.yaml")):
        head = curated_yaml.load(facts)["article"]
        text = (REPO / "graph_data" / "sources" / head["file"]).read_text(encoding="utf-8")
        got = proposed_pairs(ctx, text, Meta())
        right = curated_pairs(facts, None, implied=True)
        print(row(facts.stem, curated_pairs(facts, KINDS), got, right))
    for text_file in sorted((REPO / "tests" / "ingest_texts").glob("*.txt")):
        expected = json.loads(text_file.with_suffix(".json").read_text(encoding="utf-8"))
        want = {frozenset(p) for p in expected["pairs"]}
        meta = Meta(**expected.get("meta", {}))
        got = proposed_pairs(ctx, text_file.read_text(encoding="utf-8"), meta)
        print(row(text_file.stem + " (test text)", want, got))


if __name__ == "__main__":
    main()
