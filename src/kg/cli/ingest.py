"""``kg ingest ARTICLE.txt``: candidate facts of a new article, as a table, JSON or a curated file.

Reads the places from the store when there is one (so places accepted earlier count), else
from the bundled files. Writes nothing unless ``--curate``: then the article text goes to
graph_data/sources/ and its candidates to graph_data/facts/<name>.yaml for a curator to review,
edit and ``kg build``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from kg.cli.common import base_option, make_config, open_for_cli, store_exists, store_option
from kg.curation.ingest import IngestError, Meta, analyse
from kg.curation.ingest_context import Context, files_select, store_select, to_json, to_table
from kg.curation.ingest_write import AcceptError, facts_document, text_file_name


def _context(store_path: str | None, base_iri: str | None) -> Context:
    config = make_config(store_path, base_iri)
    if store_exists(config) or config.store.startswith("sparql+"):
        store = open_for_cli(config, read_only=store_exists(config))
        try:
            if store.named_graphs():
                return Context(store_select(store), config.base_iri, config.data_dirs)
        finally:
            store.close()
    return Context(
        files_select(config.data_dirs, config.base_iri), config.base_iri, config.data_dirs
    )


@click.command()
@click.argument("article", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the candidates as JSON.")
@click.option("--title", help="The article's title (also a clue to 我市).")
@click.option("--date", help="Publication date, YYYY-MM-DD (今年/去年 are read against it).")
@click.option("--url", help="Where the article was published.")
@click.option("--publisher", help="Who published it (also a clue to 我市).")
@click.option("--place", help="The article's own city, for 我市/本市 (default: from clues).")
@click.option(
    "--curate",
    "curate",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write the text and a curated fact file into this project folder's graph_data/.",
)
@store_option
@base_option
def ingest(
    article: Path,
    as_json: bool,
    title: str | None,
    date: str | None,
    url: str | None,
    publisher: str | None,
    place: str | None,
    curate: Path | None,
    store_path: str | None,
    base_iri: str | None,
) -> None:
    """Propose co-operation facts (parties, kind, date, domains, sentence) from ARTICLE."""
    try:
        text = article.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise click.ClickException(f"cannot read {article}: {err}") from None
    if date and not re.fullmatch(r"(19|20)\d\d(-\d\d(-\d\d)?)?", date):
        raise click.ClickException(f"--date must be YYYY, YYYY-MM or YYYY-MM-DD, not {date!r}")
    meta = Meta(title=title, date=date, url=url, publisher=publisher, place=place)
    ctx = _context(store_path, base_iri)
    try:
        result = analyse(text, meta, ctx.index, ctx.domains)
    except IngestError as err:
        raise click.ClickException(str(err)) from None
    data = to_json(ctx, result)
    if curate is not None:
        _curate(curate, article, text, meta, data, ctx)
        return
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        click.echo(to_table(data))


def _curate(root: Path, article: Path, text: str, meta: Meta, data: dict, ctx: Context) -> None:
    sources, facts = root / "graph_data" / "sources", root / "graph_data" / "facts"
    if not sources.is_dir() or not facts.is_dir():
        raise click.ClickException(f"{root} has no graph_data/sources and graph_data/facts")
    taken = [int(p.name[:3]) for p in sources.glob("[0-9][0-9][0-9]_*.txt")]
    number = max(taken, default=-1) + 1
    file_name = text_file_name(text, number)
    if any(p.name[4:] == file_name[4:] for p in sources.glob("*.txt")):
        raise click.ClickException(f"{article} is already in {sources}")
    target = facts / f"seed-{number:03d}.yaml"
    try:
        document = facts_document(
            data["candidates"],
            text=text,
            meta=meta.article(),
            slug=f"s{number:03d}",
            file_name=file_name,
            base=ctx.base,
            index=ctx.index,
        )
    except AcceptError as err:
        raise click.ClickException(str(err)) from None
    (sources / file_name).write_text(text, encoding="utf-8")
    target.write_text(document, encoding="utf-8")
    click.echo(
        f"wrote {sources / file_name} and {target}: "
        f"{len(data['candidates'])} candidate(s) to review, then run `kg build`"
    )


COMMANDS = (ingest,)
