"""``kg build``: every curated fact file -> its Turtle, checked, with SHACL on the result.

Two passes over the files: the first registers every fact id (so a fact may refer to one of
another article, e.g. a park that a later report describes further), the second writes Turtle.
All problems of all files are collected and reported together, each as ``file:line: message``.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from kg.config import Config
from kg.curation import curated_yaml
from kg.curation.curated import (
    BASE,
    Article,
    Built,
    CurationError,
    Vocabulary,
    _FileBuilder,
    block,
    lit,
)
from kg.curation.curated_schema import (
    ARTICLE_KEYS,
    RELATION_ID_PREFIXES,
    SCRIPTS,
    STATISTIC_ID_PREFIX,
    expand,
)
from kg.curation.curated_yaml import Located, LocatedList
from kg.graph import gazetteer

TOP_KEYS = {"article", "notes", "facts", "places"}


def fact_files(graph_data: Path) -> list[Path]:
    return sorted((graph_data / "facts").glob("*.yaml"))


def output_for(path: Path, graph_data: Path) -> Path:
    return graph_data / f"{path.stem}.ttl"


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _article(path: Path, root: Path, graph_data: Path, problems: list[str]) -> Article | None:
    display = _display(path, root)
    try:
        data = curated_yaml.load(path, display)
    except curated_yaml.CuratedFileError as err:
        problems.append(str(err))
        return None
    head = data.get("article") if isinstance(data, Located) else None
    file = head.get("file") if isinstance(head, Located) else None
    text_path = graph_data / "sources" / str(file)
    if file and text_path.is_file():
        text = text_path.read_text(encoding="utf-8")
    else:
        where = head.where("file") if isinstance(head, Located) else f"{display}:1"
        problems.append(f"{where}: no article text graph_data/sources/{file}")
        text = None
    return checked_article(data, display, text, output_for(path, graph_data), problems)


def checked_article(
    data: object, display: str, text: str | None, output: Path, problems: list[str]
) -> Article | None:
    """The article of a parsed curated file, or None (with problems) when its head is wrong."""
    if not isinstance(data, Located):
        problems.append(f"{display}:1: expected keys article, notes, facts")
        return None
    for key in set(data) - TOP_KEYS:
        problems.append(f"{data.where(key)}: unknown top-level key {key!r}")
    head = data.get("article")
    if not isinstance(head, Located):
        problems.append(f"{data.where()}: missing `article:` (source, file, script)")
        return None
    for key in set(head) - ARTICLE_KEYS:
        problems.append(f"{head.where(key)}: unknown article key {key!r}")
    source, script = head.get("source"), head.get("script")
    if not (isinstance(source, str) and source.startswith("source:")):
        problems.append(f"{head.where('source')}: source must be a source:… id")
        return None
    if script not in SCRIPTS:
        problems.append(f"{head.where('script')}: script must be zh-Hans or zh-Hant")
        return None
    if not isinstance(data.get("facts"), LocatedList):
        problems.append(f"{data.where('facts')}: `facts:` must be a list")
        return None
    if text is None:
        return None
    return Article(Path(display), display, data, text, source, script, output)


def _source_block(article: Article, with_text: bool = False) -> str:
    """The source entity of an article the curated files introduce (title etc. in `article:`)."""
    head = article.data["article"]
    lang = article.lang
    date = head.get("date")
    props = [
        ("a", ["yrd:Source", "schema:NewsArticle"]),
        ("dcterms:title", [lit(head["title"], lang)]),
        ("rdfs:label", [lit(head["title"], lang)]),
        ("dcterms:publisher", [lit(head["publisher"], lang)] if head.get("publisher") else []),
        ("dcterms:date", [lit(str(date), dt="xsd:date")] if date else []),
        ("schema:url", [f"<{head['url']}>"] if head.get("url") else []),
        ("dcterms:language", [lit(lang)]),
        ("yrd:seedFile", [lit(str(head["file"]))]),
        ("schema:text", [lit(article.text, lang)] if with_text else []),
    ]
    return block(article.source, props)


def build(root: Path) -> Built:
    """Build every curated file under ``root/graph_data/facts``; raise CurationError."""
    ontology, graph_data = root / "ontology", root / "graph_data"
    problems: list[str] = []
    articles = [a for p in fact_files(graph_data) if (a := _article(p, root, graph_data, problems))]
    vocab = Vocabulary.from_files(ontology, graph_data, {a.output.resolve() for a in articles})
    gaz = (
        gazetteer.read(graph_data / gazetteer.FILE)
        if (graph_data / gazetteer.FILE).is_file()
        else None
    )
    return assemble(articles, vocab, gaz, problems)


def build_text(
    yaml_text: str,
    article_text: str,
    vocab: Vocabulary,
    gaz: gazetteer.Gazetteer | None,
    *,
    with_text: bool = False,
) -> Built:
    """One curated file given as text (``/ingest`` accepting candidates): same checks."""
    problems: list[str] = []
    try:
        data = curated_yaml.loads(yaml_text, "facts")
    except curated_yaml.CuratedFileError as err:
        raise CurationError([str(err)]) from None
    article = checked_article(data, "facts", article_text, Path("facts.ttl"), problems)
    if article is None:
        raise CurationError(problems)
    return assemble([article], vocab, gaz, problems, with_text=with_text, base=vocab.base)


def assemble(
    articles: list[Article],
    vocab: Vocabulary,
    gaz: gazetteer.Gazetteer | None,
    problems: list[str],
    *,
    with_text: bool = False,
    base: str | None = None,
) -> Built:
    built = Built()
    new_places: dict[str, str] = {}  # code -> CURIE of places the curated files add
    for a in articles:  # pass 1: ids
        _register_places(a, vocab, gaz, new_places, problems)
        for fact in a.data["facts"]:
            if not isinstance(fact, Located) or not isinstance(fact.get("id"), str):
                where = fact.where() if isinstance(fact, Located) else a.display
                problems.append(f"{where}: every fact needs an id such as pairing:nanjing-huaian")
                continue
            fid, kind = fact["id"], fact.get("kind")
            prefix = fid.partition(":")[0]
            allowed = (STATISTIC_ID_PREFIX,) if kind == "Statistic" else RELATION_ID_PREFIXES
            if kind is not None and prefix not in allowed:
                problems.append(f"{fact.where('id')}: id must start with {'/'.join(allowed)}:")
            if kind is None:
                continue
            if fid in vocab.defined or expand(fid) in vocab.subjects:
                first = vocab.defined.get(fid, "the graph")
                problems.append(f"{fact.where('id')}: {fid} is already defined ({first})")
                continue
            vocab.defined[fid] = fact.where()
            built.where[vocab.base + expand(fid)] = fact.where()
    for a in articles:  # pass 2: Turtle
        builder = _FileBuilder(a, vocab, problems)
        if expand(a.source) not in vocab.subjects:
            if not a.data["article"].get("title"):
                where = a.data["article"].where("source")
                problems.append(f"{where}: unknown {a.source}; give the article's title")
            else:
                builder.blocks.append(_source_block(a, with_text))
        for entry in a.data.get("places") or []:
            if isinstance(entry, Located) and gaz is not None and entry.get("code") in gaz.units:
                builder.blocks.append(_place_block(entry, gaz, vocab, new_places, problems))
        for fact in a.data["facts"]:
            if not isinstance(fact, Located) or not isinstance(fact.get("id"), str):
                continue
            if fact.get("kind") is None and fact["id"] not in vocab.defined:
                problems.append(f"{fact.where('id')}: {fact['id']} is not defined by any fact")
                continue
            builder.fact(fact)
        built.outputs[a.output] = builder.turtle(base)
    if problems:
        raise CurationError(problems)
    return built


def _register_places(
    a: Article,
    vocab: Vocabulary,
    gaz: gazetteer.Gazetteer | None,
    new_places: dict[str, str],
    problems: list[str],
) -> None:
    """``places:`` entries name gazetteer units the graph lacks: ``{id: place:x, code: …}``."""
    entries = a.data.get("places") or []
    if entries and gaz is None:
        problems.append(f"{a.data.where('places')}: no graph_data/gazetteer.csv to add places from")
        return
    for entry in entries:
        if not isinstance(entry, Located) or set(entry) != {"id", "code"}:
            where = entry.where() if isinstance(entry, Located) else a.display
            problems.append(f"{where}: a new place is {{id: place:…, code: <GB/T 2260 code>}}")
            continue
        pid, code = entry["id"], str(entry["code"])
        if not (isinstance(pid, str) and pid.startswith("place:")) or code not in gaz.units:
            problems.append(f"{entry.where()}: unknown GB/T 2260 code {code!r} or bad id {pid!r}")
        elif code in vocab.codes and vocab.codes[code] != pid:
            problems.append(f"{entry.where('code')}: {code} is already {vocab.codes[code]}")
        elif vocab.known(pid) and vocab.codes.get(code) != pid:
            problems.append(f"{entry.where('id')}: {pid} is already another place")
        elif code not in vocab.codes:
            vocab.defined[pid] = entry.where()
            new_places[code] = pid


def _place_block(
    entry: Located,
    gaz: gazetteer.Gazetteer,
    vocab: Vocabulary,
    new_places: dict[str, str],
    problems: list[str],
) -> str:
    unit = gaz.units[str(entry["code"])]
    parent = None
    if unit.parent:
        parent = vocab.codes.get(unit.parent) or new_places.get(unit.parent)
        if parent is None:
            name = gaz.units[unit.parent].name
            problems.append(
                f"{entry.where()}: its parent {name} ({unit.parent}) is not in the "
                "graph: add it to places: too"
            )
    alt = [lit(unit.short, "zh-Hans")] if unit.short else []
    if unit.short_hant and unit.short_hant != unit.short:
        alt.append(lit(unit.short_hant, "zh-Hant"))
    props = [
        ("a", [f"yrd:{unit.cls}"]),
        (
            "rdfs:label",
            [lit(unit.name, "zh-Hans"), lit(unit.name_hant, "zh-Hant"), lit(unit.pinyin, "en")],
        ),
        ("skos:altLabel", alt),
        ("yrd:partOf", [parent] if parent else []),
        ("yrd:adminCode", [lit(unit.code)]),
    ]
    if unit.lat is not None and unit.long is not None:
        props += [
            ("geo:lat", [f"{unit.lat:.2f}"]),
            ("geo:long", [f"{unit.long:.2f}"]),
            ("yrd:coordinatePrecision", ["0.01"]),
        ]
    return block(str(entry["id"]), props, f"from the gazetteer: {unit.name} {unit.code}")


def stale(built: Built) -> list[Path]:
    """Generated files whose committed text is not what the curated files build."""
    return [
        path
        for path, text in built.outputs.items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]


def write(built: Built) -> list[Path]:
    changed = stale(built)
    for path in changed:
        tmp = path.with_name(path.name + ".part")
        tmp.write_text(built.outputs[path], encoding="utf-8")
        tmp.replace(path)
    return changed


def shacl_problems(root: Path, built: Built) -> list[str]:
    """SHACL on ontology + data as it would be after the build, reported at the facts' lines."""
    from kg.store.embedded import OxigraphStore
    from kg.store.loading import ValidationFailed, load_files

    ontology, graph_data = root / "ontology", root / "graph_data"
    generated = {p.resolve() for p in built.outputs}
    keep = [p for p in sorted(graph_data.glob("*.ttl")) if p.resolve() not in generated]
    config = replace(Config(), store=":memory:", base_iri=BASE, data_dirs=(ontology, graph_data))
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for path, text in built.outputs.items():
            out = Path(tmp) / path.name
            out.write_text(text, encoding="utf-8")
            paths.append(out)
        store = OxigraphStore(config)
        try:
            load_files(store, [ontology, *keep, *paths], validate=True)
        except ValidationFailed as err:
            return [f"{built.where.get(v.focus, 'graph_data/')}: {v}" for v in err.violations]
        finally:
            store.close()
    return []
