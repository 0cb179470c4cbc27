"""The ``kg`` command: a thin shell over the same functions the HTTP service uses.

User mistakes end with a one-line ``Error: …`` and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import sys

import click

from kg.cli.build import COMMANDS as _BUILD_COMMANDS
from kg.cli.ingest import COMMANDS as _INGEST_COMMANDS
from kg.cli.query import COMMANDS as _QUERY_COMMANDS
from kg.cli.store import COMMANDS as _STORE_COMMANDS
from kg.cli.traversal import COMMANDS as _TRAVERSAL_COMMANDS
from kg.store.base import StoreError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Yangtze Delta co-operation knowledge graph: load, query and serve it."""


for _command in (
    *_STORE_COMMANDS,
    *_QUERY_COMMANDS,
    *_TRAVERSAL_COMMANDS,
    *_BUILD_COMMANDS,
    *_INGEST_COMMANDS,
):
    cli.add_command(_command)


def main(group: click.Group = cli) -> None:
    """Run ``group`` (the terminal commands; ``kg.__main__.program`` adds ``kg serve``) as
    ``kg``, a store failure mid-command ending in one ``Error:`` line."""
    try:
        group(prog_name="kg")
    except StoreError as err:  # e.g. a remote engine that went down mid-command: one line
        click.echo(f"Error: {err}", err=True)
        sys.exit(1)
