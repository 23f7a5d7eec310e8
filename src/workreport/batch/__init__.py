"""Whole corpora: read and extract every report on every core, or on a Dask cluster.

>>> from workreport.batch import extract_corpus, ingest_corpus
>>> extract_corpus(["corpus/"], "out/", workers=8)            # worker processes on this machine
>>> extract_corpus(["corpus/**/*.txt"], "out/", dask="local")  # a Dask LocalCluster
>>> extract_corpus(["corpus/"], "out/", dask="tcp://scheduler:8786")
>>> ingest_corpus("postgresql://…/workreport", ["corpus/"], workers=8)

``extract_corpus`` writes two Hive-partitioned datasets (``year=<plan year>/level=<level>``)
under ``out_dir``: ``facts/`` (one row per fact) and ``documents/`` (one row per document),
as Parquet (or JSON Lines), with their JSON Schemas in ``schemas/``. Each document gets its
own part file, named by the SHA-256 of the file's bytes and written whole (a temporary name,
then a rename), and a line in the append-only ``_manifest.jsonl``, fsynced per batch: a run
that was interrupted, run again, skips what is done and finishes the rest, and its output is
byte for byte that of an uninterrupted run. A document that cannot be read or extracted is a
line in ``_failures.jsonl`` and in the result, never the end of the batch.

Reading and extraction run in worker processes (or on the Dask workers), at most a few tasks
per worker in flight, so memory stays flat however large the corpus; all writing happens in
the calling process. ``ingest_corpus`` does the same for the database: extraction in
workers, writes in batched transactions in the caller, each document all or nothing.

``workreport extract INPUT... -o OUT --workers N [--dask local|ADDRESS]`` and ``workreport
ingest INPUT... --workers N`` run them. Modules: ``runner`` (worker processes and Dask),
``corpus`` (``extract_corpus`` and its manifest), ``ingest`` (``ingest_corpus``),
``progress`` (the progress line).
"""

from __future__ import annotations

from workreport.batch.corpus import BatchResult, extract_corpus
from workreport.batch.ingest import ingest_corpus
from workreport.batch.runner import extract_part, parse_document
from workreport.pipeline.sources import iter_sources
from workreport.publish.datasets import read_dataset

__all__ = ["BatchResult", "extract_corpus", "extract_part", "ingest_corpus", "iter_sources", "parse_document", "read_dataset"]
