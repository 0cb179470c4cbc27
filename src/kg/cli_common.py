"""Options and helpers shared by every ``kg`` subcommand module."""

from __future__ import annotations

from pathlib import Path

import click

from .config import Config
from .store import GraphStore, StoreError, open_store

store_option = click.option(
    "--store",
    "store_path",
    envvar="KG_STORE",
    default=None,
    help="Store folder (env KG_STORE, default var/store) or :memory:.",
)
base_option = click.option(
    "--base-iri", envvar="KG_BASE_IRI", default=None, help="Base for entity IRIs (env KG_BASE_IRI)."
)


def make_config(
    store_path: str | None = None, base_iri: str | None = None, **extra: object
) -> Config:
    return Config.from_env(store=store_path, base_iri=base_iri, **extra)


def open_for_cli(config: Config, *, read_only: bool = False) -> GraphStore:
    """Open the store, turning a locked or unreadable store into a one-line CLI error."""
    try:
        return open_store(config, read_only=read_only)
    except StoreError as err:
        raise click.ClickException(str(err)) from None


def store_exists(config: Config) -> bool:
    return config.store != ":memory:" and Path(config.store).exists()
