"""``kg build``: every curated fact file -> its Turtle, checked, with SHACL on the result.

Two passes over the files: the first registers every fact id (so a fact may refer to one of
another article, e.g. a park that a later report describes further), the second writes Turtle.
All problems of all files are collected and reported together, each as ``file:line: message``.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from . import curated_yaml
from .config import Config
from .curated import (
    BASE,
    Article,
    Built,
    CurationError,
    Vocabulary,
    _FileBuilder,
    block,
    lit,
)
from .curated_schema import (
    ARTICLE_KEYS,
    RELATION_ID_PREFIXES,
    SCRIPTS,
    STATISTIC_ID_PREFIX,
    expand,
)
from .curated_yaml import Located, LocatedList

TOP_KEYS = {"article", "notes", "facts"}


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
    source, file, script = head.get("source"), head.get("file"), head.get("script")
    if not (isinstance(source, str) and source.startswith("source:")):
        problems.append(f"{head.where('source')}: source must be a source:… id")
        return None
    if script not in SCRIPTS:
        problems.append(f"{head.where('script')}: script must be zh-Hans or zh-Hant")
        return None
    text_path = graph_data / "sources" / str(file)
    if not file or not text_path.is_file():
        problems.append(f"{head.where('file')}: no article text graph_data/sources/{file}")
        return None
    if not isinstance(data.get("facts"), LocatedList):
        problems.append(f"{data.where('facts')}: `facts:` must be a list")
        return None
    text = text_path.read_text(encoding="utf-8")
    return Article(path, display, data, text, source, script, output_for(path, graph_data))


def _source_block(article: Article) -> str:
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
    ]
    return block(article.source, props)


def build(root: Path) -> Built:
    """Build every curated file under ``root/graph_data/facts``; raise CurationError."""
    ontology, graph_data = root / "ontology", root / "graph_data"
    problems: list[str] = []
    articles = [a for p in fact_files(graph_data) if (a := _article(p, root, graph_data, problems))]
    vocab = Vocabulary(ontology, graph_data, {a.output.resolve() for a in articles})
    built = Built()
    for a in articles:  # pass 1: ids
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
                first = vocab.defined.get(fid, "graph_data/")
                problems.append(f"{fact.where('id')}: {fid} is already defined ({first})")
                continue
            vocab.defined[fid] = fact.where()
            built.where[BASE + expand(fid)] = fact.where()
    for a in articles:  # pass 2: Turtle
        builder = _FileBuilder(a, vocab, problems)
        if expand(a.source) not in vocab.subjects:
            if not a.data["article"].get("title"):
                where = a.data["article"].where("source")
                problems.append(f"{where}: unknown {a.source}; give the article's title")
            else:
                builder.blocks.append(_source_block(a))
        for fact in a.data["facts"]:
            if not isinstance(fact, Located) or not isinstance(fact.get("id"), str):
                continue
            if fact.get("kind") is None and fact["id"] not in vocab.defined:
                problems.append(f"{fact.where('id')}: {fact['id']} is not defined by any fact")
                continue
            builder.fact(fact)
        built.outputs[a.output] = builder.turtle()
    if problems:
        raise CurationError(problems)
    return built


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
    from .loading import ValidationFailed, load_files
    from .store import OxigraphStore

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
