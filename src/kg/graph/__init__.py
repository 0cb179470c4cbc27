"""The graph layer: the networkx projection of the store and what is asked of it.

``projection`` (a snapshot per store version, built or patched), traversal (partners, paths,
neighbourhoods, metrics), place names (``resolver``, ``gazetteer``), and the network exports
(``export`` and one module per format family, registered in ``kg.formats``) and pictures. Of
the layers it imports only the store.
"""
