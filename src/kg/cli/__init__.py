"""The cli layer: the ``kg`` terminal commands, one module per command family.

``commands`` assembles the group; ``kg serve`` is added by the ``kg`` program
(``kg.__main__``), so nothing here imports the web layer. It may import graph, curation and
store.
"""
