"""Options and helpers shared by every ``kg`` subcommand module."""

from __future__ import annotations

from pathlib import Path

import click

from kg.config import Config
from kg.store.backends import open_store
from kg.store.base import GraphStore, StoreError

_store_path_option = click.option(
    "--store",
    "store_path",
    envvar="KG_STORE",
    default=None,
    help="Store folder (env KG_STORE, default var/store), :memory:, or a remote SPARQL engine "
    "as sparql+http://host:8890/sparql.",
)
_REMOTE_META = "kg.remote"


def _remember(ctx: click.Context, param: click.Parameter, value: object) -> None:
    if value is not None:
        ctx.meta.setdefault(_REMOTE_META, {})[param.name] = value


#: Flags for a remote store (README "Scaling out"); the password comes only from the environment
#: (KG_REMOTE_PASSWORD), never the command line.
_remote_options = [
    click.option(
        "--update-url",
        "update_url",
        envvar="KG_UPDATE_URL",
        expose_value=False,
        callback=_remember,
        help="Remote store: SPARQL Update endpoint (default: the query endpoint).",
    ),
    click.option(
        "--graph-store-url",
        "graph_store_url",
        envvar="KG_GRAPH_STORE_URL",
        expose_value=False,
        callback=_remember,
        help="Remote store: Graph Store Protocol endpoint used for bulk loads.",
    ),
    click.option(
        "--remote-user",
        "remote_user",
        envvar="KG_REMOTE_USER",
        expose_value=False,
        callback=_remember,
        help="Remote store: user for HTTP digest/basic auth (password: KG_REMOTE_PASSWORD).",
    ),
]


def store_option(func):  # type: ignore[no-untyped-def]
    """``--store`` plus the remote-store flags, which reach ``make_config`` via the context."""
    for option in reversed(_remote_options):
        func = option(func)
    return _store_path_option(func)


base_option = click.option(
    "--base-iri",
    envvar="KG_BASE_IRI",
    default=None,
    help="Base for entity IRIs (env KG_BASE_IRI). Default: `kg serve` uses http://HOST:PORT/ "
    "for a new store and the store's own base otherwise; other commands http://127.0.0.1:8000/.",
)


def make_config(
    store_path: str | None = None, base_iri: str | None = None, **extra: object
) -> Config:
    ctx = click.get_current_context(silent=True)
    remote = dict(ctx.meta.get(_REMOTE_META, {})) if ctx is not None else {}
    return Config.from_env(store=store_path, base_iri=base_iri, **{**remote, **extra})


def open_for_cli(config: Config, *, read_only: bool = False) -> GraphStore:
    """Open the store, turning a locked or unreadable store into a one-line CLI error."""
    try:
        return open_store(config, read_only=read_only)
    except StoreError as err:
        raise click.ClickException(str(err)) from None


def store_exists(config: Config) -> bool:
    if config.store.startswith("sparql+"):  # a remote engine: open it as configured
        return False
    return config.store != ":memory:" and Path(config.store).exists()


def open_existing(config: Config) -> GraphStore:
    """Open the store for reading; a missing local store is a one-line error, never created.

    Read commands (query, stats, partners, …) run in the wrong folder used to create an empty
    ``./var/store`` silently and answer 0 rows; now they say where they looked and how to
    make one.
    """
    if config.store.startswith("sparql+") or config.store == ":memory:":
        return open_for_cli(config)
    path = Path(config.store)
    if not path.exists():
        raise click.ClickException(
            f"no store at {path.resolve()}: create it with `kg load` (or `kg serve`, which "
            "loads the bundled graph on first start), or point --store / KG_STORE at one"
        )
    return open_for_cli(config, read_only=True)
