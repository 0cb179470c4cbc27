"""The store layer: RDF in a triple store and getting facts in correctly.

The embedded (pyoxigraph) and remote (SPARQL 1.1 Protocol) stores and how one is opened
(``backends``); loading, validated writes (``writes``, ``delta``, ``write_plan``), inference,
SHACL validation (``validation``, ``shacl_core``, ``shacl_scope``); named queries and the
outbound guard. It imports no other layer (only ``kg.config`` and ``kg.formats``): nothing
here knows about HTTP, graphs or terminals.
"""
