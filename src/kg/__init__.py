"""Yangtze Delta co-operation knowledge graph service.

Layers, from the bottom: ``store`` (RDF in a triple store), ``loading``/``inference``/
``validation`` (getting facts in, correctly), ``formats`` (one registry of result and export
formats), and thin shells over them: ``app``/``sparql_http`` (HTTP) and ``cli`` (terminal).
"""

__version__ = "0.1.0"
