"""The web layer: the Flask application (``app.create_app``) and its server.

One module per endpoint family (``sparql_http``, ``queries_http``, ``traversal_http``,
``export_http``, ``writes_http``, ``ingest_http``, ``linked_data``, ``home``, ``openapi``), the
query workers (``executor``, ``query_worker``) and admission control, security headers, and
``serving`` (what ``kg serve`` does once its flags are read). It may import graph, curation and
store; only the ``kg`` program (``kg.__main__``) imports it.
"""
