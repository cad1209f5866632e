"""Stage 9: the interactive topic explorer, one self-contained HTML file (``core``: its data
and page; ``step``: the rule's reading and writing)."""
