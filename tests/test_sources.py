"""One walker and one suffix list: what `extract DIR` and `ingest DIR` pick up."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from workreport.cli import main
from workreport.pipeline.read import REPORT_SUFFIXES
from workreport.pipeline.sources import iter_sources

XHTML = (
    '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml"><body>'
    "<p>二、2024年工作安排</p><p>全市生产总值增长6%左右。</p></body></html>"
)


def test_a_folder_with_an_xhtml_report_is_read_by_extract_and_ingest(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "report.xhtml").write_text(XHTML, encoding="utf-8")
    assert ".xhtml" in REPORT_SUFFIXES
    assert list(iter_sources([folder])) == [folder / "report.xhtml"]
    runner = CliRunner()
    out = runner.invoke(main, ["extract", str(folder), "--format", "jsonl"])
    assert out.exit_code == 0 and "6%左右" in out.output
    db = f"sqlite:///{tmp_path / 'db.sqlite'}"
    out = runner.invoke(main, ["ingest", str(folder), "--workers", "1", "--db", db])
    assert out.exit_code == 0 and "added 1" in out.output, out.output
