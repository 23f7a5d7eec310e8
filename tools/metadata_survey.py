"""Print what the structure stage reads from each report's own lines, to look over by eye.

    python tools/metadata_survey.py                  # every report of $WORKREPORT_SHARED/corpus
    python tools/metadata_survey.py FILES_OR_DIRS…   # any reports

Per report: title, jurisdiction, speaker, delivery date, plan and review year, the first five
key tasks and the 为民实事 (the first eight), as ``resolve`` makes them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import workreport
from workreport.pipeline.resolve import resolve
from workreport.pipeline.sources import iter_sources

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("WORKREPORT_SHARED", ROOT.parent / "shared"))


def main() -> int:
    inputs = sys.argv[1:] or [str(SHARED / "corpus")]
    n = 0
    for path in iter_sources(inputs):
        doc = workreport.read(path)
        st = workreport.inspect(doc)
        m = st.metadata
        found = resolve(doc, st, []).commitments
        tasks = [c.text or "" for c in found if c.type == "task"]
        projects = [c.text or "" for c in found if c.type == "project"]
        print(f"== {path}")
        print(f"   title {m.title!r}  jurisdiction {m.jurisdiction} ({m.level})  speaker {m.speaker}")
        print(f"   delivered {m.delivered}  plan {m.plan_year}  review {m.review_year}  {m.doc_type}  source {m.source}")
        print(f"   tasks ({len(tasks)}): {[t[:40] for t in tasks[:5]]}")
        print(f"   为民实事 ({len(projects)}): {[p[:40] for p in projects[:8]]}")
        n += 1
    if not n:
        print(f"no reports under {inputs}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
