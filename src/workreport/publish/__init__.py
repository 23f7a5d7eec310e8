"""Publishing: exports, corpus datasets, charts and the 数读 reading.

``files`` (one atomic file writer), ``exports`` (tables of the registry as CSV, JSONL,
Parquet with JSON Schemas), ``datasets`` (the partitioned corpus datasets), ``charts`` (the
one SVG chart module for the web app and the reading), ``digest`` (the 数读 reading).
"""
