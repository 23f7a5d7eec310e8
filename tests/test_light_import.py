"""Reading and extracting load no database, no web framework and no Parquet writer.

Run in a fresh interpreter: what the test session has imported already must not hide an import.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

HEAVY = ("sqlalchemy", "fastapi", "pyarrow", "uvicorn")

SCRIPT = textwrap.dedent(
    """
    import json, sys, tempfile, pathlib

    import workreport

    path = pathlib.Path(tempfile.mkdtemp()) / "report.txt"
    path.write_text(
        "政府工作报告\\n一、2023年工作回顾\\n全市地区生产总值增长5.2%。\\n"
        "二、2024年工作安排\\n地区生产总值增长5%左右。\\n",
        encoding="utf-8",
    )
    doc = workreport.read(str(path))
    facts = workreport.extract(doc)
    print(json.dumps({"facts": len(facts), "loaded": sorted(m for m in sys.modules if "." not in m)}))
    """
)


def test_read_and_extract_stay_light() -> None:
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["facts"] > 0  # the document was really read and extracted
    heavy = [m for m in HEAVY if m in out["loaded"]]
    assert heavy == [], f"import workreport + read + extract loaded {heavy}"


WORKER = textwrap.dedent(
    """
    import json, pathlib, sys

    from workreport.batch.runner import parse_document

    path = pathlib.Path(sys.argv[1])
    parsed = parse_document(str(path), path.read_bytes())
    print(json.dumps({"rows": len(parsed.prepared.facts), "loaded": sorted(m for m in sys.modules if "." not in m)}))
    """
)


def test_a_batch_worker_prepares_rows_without_loading_the_database() -> None:
    # an ingest's workers make the rows the writer stores; loading SQLAlchemy for that would
    # cost each worker half a second before its first report
    from pathlib import Path

    report = Path(__file__).parent / "data" / "reports" / "city_2024.txt"
    proc = subprocess.run([sys.executable, "-c", WORKER, str(report)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["rows"] > 0
    heavy = [m for m in HEAVY if m in out["loaded"]]
    assert heavy == [], f"a worker's parse_document loaded {heavy}"
