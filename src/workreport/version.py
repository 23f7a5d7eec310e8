"""The package version: one place, read by pyproject and by the code."""

__version__ = "0.1.1"

# the extractor version recorded with every stored document and dataset row: a new version
# re-extracts what an older one stored, so it is raised whenever the extractor's output
# changes (the change that regenerates tests/data/baseline)
EXTRACTOR_VERSION = __version__
