"""Tables of reports (CSV, Parquet, JSON Lines): one report a row, metadata from the columns."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from workreport import registry
from workreport.batch import extract_corpus, ingest_corpus
from workreport.errors import InputError
from workreport.pipeline.sources import iter_sources
from workreport.pipeline.tables import Columns, iter_rows, parse_row
from workreport.store import Database, DocumentRow

GUANGDONG = (
    "政府工作报告\n"
    "——2023年1月12日在广东省第十四届人民代表大会第一次会议上\n"
    "广东省省长  王伟中\n"
    "\n"
    "各位代表：\n"
    "现在，我代表省人民政府，向大会报告工作，请予审议，并请省政协委员提出意见。\n"
    "一、2022年工作回顾\n"
    "过去一年，全省地区生产总值增长1.9%，一般公共预算收入1.33万亿元，"
    "我们坚持“制造业当家”，新增高新技术企业1万家，城镇新增就业132万人。\n"
    "二、2023年工作安排\n"
    "今年全省经济社会发展的主要预期目标是：地区生产总值增长5%以上，"
    "城镇调查失业率控制在5.5%以内，居民消费价格涨幅3%左右。\n"
)
ZHEJIANG = (
    "政府工作报告\r\n"
    "——2024年1月23日在浙江省第十四届人民代表大会第二次会议上\r\n"
    "浙江省省长　王浩\r\n"
    "各位代表：\r\n"
    "一、2023年工作回顾\r\n"
    '2023年，全省生产总值增长6%，"千万工程"深入实施，城乡居民收入倍差缩小到1.86，'
    "研发经费支出占比达到3.15%。\r\n"
    "二、2024年主要目标任务\r\n"
    "今年的主要预期目标是：地区生产总值增长5.5%左右，城镇新增就业100万人以上，"
    "居民人均可支配收入增长与经济增长同步。\r\n"
)
SICHUAN = (
    "各位代表：\n"
    "现在，我代表省人民政府，向大会报告工作，请予审议。\n"
    "一、过去一年工作回顾\n"
    "全省地区生产总值达到5.67万亿元、增长6%，粮食产量716.2亿斤，"
    '新建改建农村公路1.3万公里，"天府粮仓"建设开局良好。\n'
    "二、今年工作安排\n"
    "今年主要预期目标是：地区生产总值增长6%左右，城镇新增就业85万人以上，"
    "粮食产量稳定在700亿斤以上。\n"
)
ROWS: list[dict[str, Any]] = [
    {
        "province": "广东省",
        "year": 2023,
        "title": "2023年广东省政府工作报告",
        "source_url": "http://www.gd.gov.cn/gkmlpt/content/4/4076/post_4076160.html",
        "publish_date": "2023-01-16",
        "full_text": GUANGDONG,
    },
    {
        "province": "浙江省",
        "year": 2024,
        "title": "2024年浙江省政府工作报告",
        "source_url": "https://www.zj.gov.cn/art/2024/1/29/art_1229463129_59232003.html",
        "publish_date": "2024/1/29",
        "full_text": ZHEJIANG,
    },
    {
        "province": "四川",
        "year": 2024,
        "title": "2024年四川省政府工作报告",
        "source_url": "",
        "publish_date": "2024年1月27日",
        "full_text": SICHUAN,
    },
]
FIELDS = ["province", "year", "title", "source_url", "publish_date", "full_text"]


def write_csv(path: Path, rows: list[dict[str, Any]] = ROWS) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=FIELDS)
        w.writeheader()
        w.writerows(rows)
    return path


def write_jsonl(path: Path, rows: list[dict[str, Any]] = ROWS) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def write_parquet(path: Path, rows: list[dict[str, Any]] = ROWS) -> Path:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=2)
    return path


def facts_of(db_path: Path) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db_path)
    try:
        return list(conn.execute("select document_id, start, end, quote, value, unit from facts order by id"))
    finally:
        conn.close()


def dump(db_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(db_path)
    try:
        out = {}
        for table in ("documents", "facts", "commitments"):
            cols = [r[1] for r in conn.execute(f"pragma table_info({table})")]
            cols = [c for c in cols if c not in ("ingested_at", "created_at", "rated_at")]
            quoted = ", ".join('"' + c + '"' for c in cols)
            out[table] = list(conn.execute(f"select {quoted} from {table} order by id"))
        return out
    finally:
        conn.close()


def test_a_csv_of_reports_is_one_document_a_row_with_its_metadata_and_exact_offsets(tmp_path: Path) -> None:
    corpus = write_csv(tmp_path / "corpus.csv")
    rows = list(iter_rows(corpus))
    assert [r.text for r in rows] == [r["full_text"] for r in ROWS]  # commas, quotes, \r\n kept
    assert [r.name for r in rows] == [ROWS[0]["source_url"], ROWS[1]["source_url"], f"{corpus}#row-3"]
    for row in rows:
        doc, st, facts = parse_row(row)
        assert doc.text == row.text and st.metadata.title == row.meta["title"]
        assert facts
        for f in facts:
            assert doc.text[f.start : f.end] == f.quote
    db = Database(f"sqlite:///{tmp_path / 'db.sqlite'}")
    result = registry.ingest(db, [corpus])
    assert result.added == [r.name for r in rows] and not result.failed
    with db.read() as session:
        docs = list(session.query(DocumentRow).order_by(DocumentRow.id))
        got = [(d.title, d.jurisdiction_name, d.level, d.plan_year, d.review_year, d.delivered) for d in docs]
        assert [d.text for d in docs] == [r["full_text"] for r in ROWS]
    assert got == [
        ("2023年广东省政府工作报告", "广东省", "province", 2023, 2022, "2023-01-16"),
        ("2024年浙江省政府工作报告", "浙江省", "province", 2024, 2023, "2024-01-29"),
        ("2024年四川省政府工作报告", "四川", None, 2024, 2023, "2024-01-27"),
    ]
    assert all("full_text" not in (t or "") for t, *_ in got)  # the header is no title
    for doc_id, start, end, quote, *_ in facts_of(tmp_path / "db.sqlite"):
        assert docs[doc_id - 1].text[start:end] == quote
    again = registry.ingest(db, [corpus])
    assert again.unchanged == result.added and not again.added
    db.close()


def test_parquet_and_json_lines_give_the_same_facts_as_csv(tmp_path: Path) -> None:
    made = [
        write_csv(tmp_path / "corpus.csv"),
        write_parquet(tmp_path / "corpus.parquet"),
        write_jsonl(tmp_path / "corpus.jsonl"),
    ]
    facts = []
    for path in made:
        db = Database(f"sqlite:///{tmp_path / (path.suffix[1:] + '.sqlite')}")
        result = registry.ingest(db, [path])
        db.close()
        assert len(result.added) == 3 and not result.failed
        facts.append(facts_of(tmp_path / (path.suffix[1:] + ".sqlite")))
    assert facts[0] and facts[0] == facts[1] == facts[2]


def test_workers_store_what_one_process_stores_and_a_rerun_is_unchanged(tmp_path: Path) -> None:
    corpus = write_csv(tmp_path / "corpus.csv")
    serial_db = Database(f"sqlite:///{tmp_path / 'serial.sqlite'}")
    serial = registry.ingest(serial_db, [corpus])
    serial_db.close()
    url = f"sqlite:///{tmp_path / 'parallel.sqlite'}"
    parallel = ingest_corpus(url, [corpus], workers=2)
    assert parallel.added == serial.added and len(parallel.added) == 3
    assert dump(tmp_path / "serial.sqlite") == dump(tmp_path / "parallel.sqlite")
    again = ingest_corpus(url, [corpus], workers=2)
    assert again.unchanged == parallel.added and not again.added and not again.failed
    assert "unchanged 3" in again.summary()


def test_empty_texts_fail_and_a_missing_text_column_is_one_clear_error(tmp_path: Path) -> None:
    rows = [*ROWS, {**ROWS[0], "source_url": "", "full_text": "  \n"}]
    corpus = write_csv(tmp_path / "corpus.csv", rows)
    db = Database(f"sqlite:///{tmp_path / 'db.sqlite'}")
    result = registry.ingest(db, [corpus])
    assert len(result.added) == 3
    assert result.failed == [(f"{corpus}#row-4", f"row 4 of {corpus} has an empty full_text")]
    parallel = ingest_corpus(f"sqlite:///{tmp_path / 'p.sqlite'}", [corpus], workers=2)
    assert parallel.failed == result.failed

    bad = tmp_path / "bad.csv"
    bad.write_text("province,year,body\n广东省,2023,各位代表\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        registry.ingest(db, [bad])
    assert str(bad) in str(err.value) and "full_text" in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(InputError):
        ingest_corpus(db, [bad], workers=1)
    named = write_csv(tmp_path / "named.csv")
    assert len(registry.ingest(db, [named], columns=Columns(text="full_text")).unchanged) == 3
    with pytest.raises(InputError, match="no year column"):
        registry.ingest(db, [named], columns=Columns(year="jahr"))
    db.close()


def test_folders_read_tables_only_when_asked(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("各位代表：", encoding="utf-8")
    write_csv(tmp_path / "corpus.csv")
    assert [p.name for p in iter_sources([tmp_path])] == ["a.txt"]
    assert [p.name for p in iter_sources([tmp_path], tables=True)] == ["a.txt", "corpus.csv"]
    assert [p.name for p in iter_sources([tmp_path / "corpus.csv"])] == ["corpus.csv"]


def test_extract_corpus_writes_a_row_per_report_and_resumes(tmp_path: Path) -> None:
    corpus = write_jsonl(tmp_path / "corpus.jsonl")
    out = tmp_path / "out"
    first = extract_corpus([corpus], out, workers=1, fmt="jsonl")
    assert (first.done, first.skipped, first.failed) == (3, 0, [])
    parts = sorted((out / "documents").rglob("*.jsonl"))
    docs = [json.loads(line) for f in parts for line in f.read_text(encoding="utf-8").splitlines()]
    assert sorted(d["plan_year"] for d in docs) == [2023, 2024, 2024]
    again = extract_corpus([corpus], out, workers=1, fmt="jsonl")
    assert (again.done, again.skipped) == (0, 3)


def test_a_row_holding_a_nul_or_half_a_surrogate_pair_fails_named_and_the_others_are_stored(tmp_path: Path) -> None:
    # a JSON "\ud800" escape made the row's text unencodable: ingest and extract ended in a
    # traceback; a NUL would be refused by PostgreSQL
    rows = [
        *ROWS,
        {**ROWS[0], "source_url": "", "full_text": "\ud800" + GUANGDONG},
        {**ROWS[1], "source_url": "", "title": "2024年\x00浙江省政府工作报告", "full_text": ZHEJIANG + "。"},
    ]
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="ascii")  # \ud800 escaped
    failed = [
        (f"{corpus}#row-4", f"row 4 of {corpus}: full_text holds U+D800 at character 0, which is not text"),
        (f"{corpus}#row-5", f"row 5 of {corpus}: title holds U+0000 at character 5, which is not text"),
    ]
    result = ingest_corpus(f"sqlite:///{tmp_path / 'db.sqlite'}", [corpus], workers=1)
    assert (len(result.added), sorted(result.failed)) == (3, failed)
    db = Database(f"sqlite:///{tmp_path / 'serial.sqlite'}")
    assert sorted(registry.ingest(db, [corpus]).failed) == failed
    db.close()
    out = extract_corpus([corpus], tmp_path / "out", workers=1)
    assert (out.done, sorted(out.failed)) == (3, failed)


def test_what_a_pdf_text_layer_cannot_store_is_marked_one_character_for_one(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("reportlab")
    import io

    from pypdf import PageObject
    from reportlab.pdfgen import canvas

    from workreport.pipeline.read import read_bytes

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    pdf.drawString(72, 720, "GDP 5%")
    pdf.save()
    monkeypatch.setattr(PageObject, "extract_text", lambda self, *a, **k: "全市\x00地区生产总值\ud800增长5%。")
    doc = read_bytes(buf.getvalue(), "broken-cmap.pdf")
    assert doc.text == "全市\ufffd地区生产总值\ufffd增长5%。"  # as long as the text layer: spans hold
