"""The ``kg`` program (``python -m kg``): the terminal commands plus ``kg serve``.

The composition root: the one module that imports both shells, the terminal commands
(``kg.cli.commands``) and the web application (``kg.web.serving``), so neither imports the other
(the layer rule in ``kg``'s docstring). ``kg serve`` is defined here because it is where the two
meet: the CLI's store options, the web layer's start-up.
"""

from __future__ import annotations

import gc
import sys

import click

from kg.cli.common import base_option, make_config, store_option
from kg.store.base import StoreError


@click.command()
@store_option
@base_option
@click.option("--host", envvar="KG_HOST", default=None, help="Interface (default 127.0.0.1).")
@click.option("--port", envvar="KG_PORT", type=int, default=None, help="Port (default 8000).")
@click.option(
    "--threads", type=int, default=None, help="Threads for everything but queries (default 8)."
)
@click.option(
    "--connection-limit",
    type=int,
    default=None,
    help="Open connections accepted (env KG_CONNECTION_LIMIT; default from the open-file limit).",
)
@click.option(
    "--workers",
    type=int,
    default=None,
    help="Query worker processes, each reading the store read-only (env KG_QUERY_WORKERS, "
    "default 2; 0 = run queries in the request threads, without a timeout).",
)
@click.option(
    "--query-timeout",
    type=float,
    default=None,
    help="Seconds before a query is stopped (env KG_QUERY_TIMEOUT, default 30).",
)
@click.option(
    "--write-token",
    default=None,
    help="Enable /update and /store for clients sending this bearer token "
    "(prefer env KG_WRITE_TOKEN: flags are visible to other users in `ps`).",
)
def serve(
    store_path: str | None,
    base_iri: str | None,
    host: str | None,
    port: int | None,
    threads: int | None,
    connection_limit: int | None,
    workers: int | None,
    query_timeout: float | None,
    write_token: str | None,
) -> None:
    """Run the HTTP service; an empty store is first filled with the bundled graph.

    One process holds the read-write store and serves requests on --threads threads; SPARQL
    queries run in --workers processes that read the store read-only and are killed when a
    query passes the time limit.
    """
    config = make_config(
        store_path,
        base_iri,
        host=host,
        port=port,
        threads=threads,
        connection_limit=connection_limit,
        query_workers=workers,
        query_timeout_s=query_timeout,
        write_token=write_token,
    )
    # The start-up creates a few hundred thousand objects that live as long as the service
    # (modules, the app; the projection pauses the collector itself): the cyclic collector's
    # passes over them were ~10 % of the imports' CPU. ``serving.run`` turns it back on.
    gc.disable()
    from kg.web import serve_setup, serving  # here: the terminal commands never load the app

    try:
        serving.run(
            config,
            explicit_base=base_iri is not None,
            say=lambda line: click.echo(line, err=True),
            warn=lambda line: click.secho(f"WARNING: {line}", err=True, fg="yellow", bold=True),
        )
    except (serve_setup.PortBusy, StoreError) as err:
        raise click.ClickException(str(err)) from None


HELP = "Yangtze Delta co-operation knowledge graph: load, query and serve it."


class Program(click.Group):
    """The whole ``kg`` program: the terminal commands (``kg.cli.commands``) plus ``kg serve``.

    The terminal commands are imported only when one of them (or the list, for ``--help``) is
    asked for: they pull in rdflib, the ingest pipeline and the exports (about a second), which
    ``kg serve`` does not need and a restart should not wait for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*_terminal().commands, "serve"})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name == "serve":
            return serve
        return _terminal().commands.get(cmd_name)


def _terminal() -> click.Group:
    from kg.cli.commands import cli

    return cli


program = Program(name="kg", help=HELP, context_settings={"help_option_names": ["-h", "--help"]})


def main() -> None:
    """The ``kg`` console command, a store failure mid-command ending in one ``Error:`` line."""
    try:
        program(prog_name="kg")
    except StoreError as err:  # e.g. a remote engine that went down mid-command: one line
        click.echo(f"Error: {err}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
