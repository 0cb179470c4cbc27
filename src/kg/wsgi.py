"""The WSGI entry point, for a server other than ``kg serve``.

``kg serve`` runs the app in its own server (threads, query workers, admission control); to host
it elsewhere, call the factory: ``waitress-serve --call kg.wsgi:create_app`` (configuration from
the ``KG_*`` environment). Like ``kg.__main__`` it sits above the layers: nothing imports it.
"""

from __future__ import annotations

from kg.web.app import create_app

__all__ = ["create_app"]
