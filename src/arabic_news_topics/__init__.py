"""Arabic news topics: normalization, TF-IDF, LDA, clustering and themes for Arabic news.

The package holds all the logic of the Snakemake workflow in ``workflow/``; it never imports
Snakemake, so every function can be used and tested on its own.
"""

__version__ = "0.1.0"
