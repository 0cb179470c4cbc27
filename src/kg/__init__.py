"""Yangtze Delta co-operation knowledge graph service.

Layers, from the bottom (``tests/test_architecture.py`` holds the module -> layer map):

* **store** — RDF in a triple store, embedded (pyoxigraph) or remote (SPARQL 1.1 Protocol);
  getting facts in correctly: loading, validated writes, inference, SHACL validation; named
  queries and the outbound guard. Knows nothing of HTTP, graphs or terminals.
* **graph** — the networkx projection of the store and what is asked of it: traversal,
  place resolution, metrics, and the network exports and pictures.
* **curation** — new facts from articles (``kg ingest``) and the curated fact files
  (``kg build``), built into Turtle for the store.
* **web** (the Flask app and its server) and **cli** (the ``kg`` terminal commands) — two
  shells over the layers below.

Beside them: ``config`` (settings passed around, no globals) and ``formats`` (one registry
of result and export formats), which every layer may use and which import no layer.
``kg.__main__`` is the ``kg`` program: the CLI plus ``kg serve``, which starts the web app;
``kg.wsgi`` hands the app to other WSGI servers. Nothing imports either.

Import rule: web and cli may import graph, curation and store; curation may import graph
and store; graph may import store; store imports none of them. Nothing imports web or cli:
they never import each other, no lower layer imports them, and only ``kg.__main__`` (the
program) brings the two together. No import cycles anywhere, counting
imports inside functions too.
"""

__version__ = "0.1.0"
