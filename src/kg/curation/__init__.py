"""The curation layer: new facts from articles and the curated fact files.

``ingest`` proposes candidate facts from an article's text (``kg ingest``, ``/ingest``);
``curated``/``curated_build`` turn the curated YAML files into the bundled Turtle (``kg
build``); ``gazetteer_build`` regenerates the gazetteer from its data packages (``kg
gazetteer``). It imports the graph and store layers.
"""
