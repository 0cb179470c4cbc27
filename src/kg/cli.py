"""The ``kg`` command: a thin shell over the same functions the HTTP service uses.

User mistakes end with a one-line ``Error: …`` and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import sys

import click

from .cli_build import COMMANDS as _BUILD_COMMANDS
from .cli_ingest import COMMANDS as _INGEST_COMMANDS
from .cli_query import COMMANDS as _QUERY_COMMANDS
from .cli_store import COMMANDS as _STORE_COMMANDS
from .cli_traversal import COMMANDS as _TRAVERSAL_COMMANDS
from .store import StoreError


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


if __name__ == "__main__":  # `python -m kg.cli` (older scripts): the whole `kg`, with serve
    from .__main__ import main as kg_main

    kg_main()
