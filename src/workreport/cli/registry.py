"""Commands on the registry: ``demo``, ``info``, ``ingest``, ``track``, ``facts``, ``commitments``,
``correct``, ``assess``, ``import``, ``diff``, ``export``, ``audit``."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import click

from workreport.cli.common import (
    DB_OPTION,
    WHO_OPTION,
    YEAR,
    fact_number_text,
    fails_cleanly,
    main,
    open_db,
    table,
)
from workreport.cli.extract import table_options
from workreport.pipeline.extract import extract as extract_facts
from workreport.pipeline.read import read
from workreport.pipeline.structure import structure as structure_of
from workreport.pipeline.tables import Columns
from workreport.publish.cells import formula_safe


def example_paths() -> list[Path]:
    """The example reports shipped inside the package."""
    folder = resources.files("workreport").joinpath("examples")
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".txt"))


@main.command("demo")
@DB_OPTION
@fails_cleanly
def demo_cmd(db: str | None) -> None:
    """Run the main job on the bundled examples: ingest into the database, then track."""
    from workreport.registry import ingest
    from workreport.track import track

    database = open_db(db, create=True)  # the bundled reports: a new database is what it makes
    paths = example_paths()
    result = ingest(database, paths)
    click.echo(f"database: {database.safe_url}\ningested {len(paths)} example reports: {result.summary()}\n")
    for path in paths:
        doc = read(path)
        st = structure_of(doc)
        facts = extract_facts(doc, st)
        m = st.metadata
        click.echo(
            f"== {path.name}: {m.jurisdiction} ({m.level}), plan year {m.plan_year}, {m.doc_type}, "
            f"{len(facts)} facts"
        )
    rows = track(database)
    click.echo("")
    click.echo(_track_table([r for r in rows if r.status != "not_yet_due"]))
    due = sum(r.status == "not_yet_due" for r in rows)
    click.echo(f"\n({len(rows)} targets; {due} not yet due are not shown: `workreport track` lists all)")


def _track_table(rows: Iterable[Any]) -> str:
    """The ratings as a text table: what is measured (growth and levels look different), the
    target and the outcome as a report writes them (增长6%以上, 5.6%（实际）), the status in the
    words of rules/labels.toml (as the web and the 数读 reading show it), then its code for
    scripts that grep for it. Long cells wrap; nothing is cut."""
    from workreport.rules.labels import kind_label, measure_label, status_label

    out = []
    for r in rows:
        t, o = r.target, r.outcome
        outcome = ""
        if o is not None:
            outcome = f"{fact_number_text(o, comparator=False)}（{kind_label(o['kind'])}）"
        out.append(
            [
                str(r.commitment_id),
                r.jurisdiction or "",
                str(r.period or ""),
                r.indicator or "",
                r.indicator_id or "",
                measure_label(t.get("measure")),
                fact_number_text(t),
                outcome,
                f"{status_label(r.status, provisional=r.provisional)} {r.status}",
            ]
        )
    header = ["ID", "地区", "年份", "指标", "指标ID", "度量", "目标", "结果", "评价"]
    return table(out, header, limits=[6, 12, 6, 22, 24, 10, 22, 24, 26])


@main.command("info")
@DB_OPTION
@fails_cleanly
def info_cmd(db: str | None) -> None:
    """Where the database is, and how many rows each table holds."""
    from workreport.registry import info

    data = info(open_db(db))
    click.echo(f"database: {data['database']}\nextractor version: {data['extractor_version']}")
    click.echo(table([[k, str(v)] for k, v in data["rows"].items()], ["table", "rows"]))


@main.command("ingest")
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--workers",
    type=int,
    default=None,
    help="Processes reading and extracting (default: one per core); writes stay in this one.",
)
@DB_OPTION
@fails_cleanly
@table_options
def ingest_cmd(
    paths: tuple[str, ...], workers: int | None, db: str | None, columns: Columns, tables: bool
) -> None:
    """Read, extract and store reports (files, folders, globs); re-ingesting changes nothing, and an
    interrupted run, run again, picks up where it stopped. A table of reports (.csv .tsv .parquet
    .jsonl) gives one report per row, named FILE#row-N or by its source URL."""
    from workreport.batch import ingest_corpus
    from workreport.batch.progress import ProgressBar

    # the URL (None: the default), not open_db's Database: ingest_corpus checks the workers and
    # the inputs (a folder without a report, a glob matching nothing, an unreadable folder) before
    # it opens the database, which it may make, so a run it refuses leaves no empty one behind
    with ProgressBar("ingesting", True) as progress:
        result = ingest_corpus(
            db, list(paths), workers=workers, progress=progress, columns=columns, tables=tables
        )
    for path, reason in result.failed:
        click.echo(f"failed: {path}: {reason}", err=True)
    for path, what in result.unplaced:
        click.echo(f"not carried over to the new version of {path}: {what}", err=True)
    click.echo(result.summary())
    if not result.ok:
        sys.exit(1)


@main.command("track")
@click.option("--jurisdiction", "-j", help="Only this jurisdiction (name or alias).")
@click.option("--period", "-p", type=YEAR, help="Only targets for this year.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True
)
@click.option(
    "--dataset",
    type=click.Path(file_okay=False, path_type=Path),
    help="Rate the Parquet datasets `extract --format parquet -o DIR` wrote, in DuckDB, instead of "
    "the database (for a corpus too large for one; needs `pip install 'workreport[duckdb]'`).",
)
@DB_OPTION
@fails_cleanly
def track_cmd(
    jurisdiction: str | None, period: int | None, fmt: str, dataset: Path | None, db: str | None
) -> None:
    """Rate numeric targets against reported outcomes: met / partly / missed / unknown / not yet due."""
    from workreport.track import track

    if dataset is not None:
        from workreport.batch.analysis import track_dataset

        rows = track_dataset(dataset, jurisdiction=jurisdiction, period=period)
    else:
        rows = track(open_db(db), jurisdiction=jurisdiction, period=period)
    if fmt == "json":
        click.echo(json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2))
    elif fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(
            [
                "commitment_id",
                "jurisdiction",
                "period",
                "indicator",
                "indicator_id",
                "target_comparator",
                "target_value",
                "target_unit",
                "target_quote",
                "outcome_value",
                "outcome_kind",
                "outcome_quote",
                "status",
                "provisional",
                "rule",
            ]
        )
        for r in rows:
            o = r.outcome or {}
            w.writerow(
                [  # never a formula when opened in a spreadsheet
                    formula_safe(cell)
                    for cell in (
                        r.commitment_id,
                        r.jurisdiction,
                        r.period,
                        r.indicator,
                        r.indicator_id,
                        r.target["comparator"],
                        r.target["value"],
                        r.target["unit"],
                        r.target["quote"],
                        o.get("value"),
                        o.get("kind"),
                        o.get("quote"),
                        r.status,
                        r.provisional,
                        r.rule,
                    )
                ]
            )
        click.echo(buf.getvalue(), nl=False)
    else:
        click.echo(_track_table(rows))
        click.echo(f"({len(rows)} targets)")


@main.command("documents")
@click.option("--jurisdiction", "-j", help="Only reports of this place (name or alias).")
@click.option("--level", help="Only this level: national, province, prefecture, county, new_area, zone.")
@click.option("--year", type=YEAR, help="Only reports planning for this year.")
@click.option("--page", type=int, default=1, show_default=True)
@click.option("--per-page", type=int, default=50, show_default=True)
@DB_OPTION
@fails_cleanly
def documents_cmd(
    jurisdiction: str | None, level: str | None, year: int | None, page: int, per_page: int, db: str | None
) -> None:
    """List the stored reports with their ids (for `facts --document`, `diff`, the web app)."""
    from workreport.store import queries

    found = queries.documents(
        open_db(db), jurisdiction=jurisdiction, level=level, year=year, page=page, per_page=per_page
    )
    rows = [
        [
            str(d["id"]),
            d["jurisdiction"] or "",
            d["level"] or "",
            str(d["plan_year"] or ""),
            d["delivered"] or "",
            f"{d['chars']:,}",
            d["title"] or "",
            Path(d["path"]).name,
        ]
        for d in found.items
    ]
    click.echo(table(rows, ["ID", "地区", "层级", "计划年", "日期", "字数", "标题", "来源"]))
    click.echo(f"({found.total} reports; page {found.page} of {found.pages})")


@main.command("facts")
@click.option("--document", type=int, help="Only facts of this document id.")
@click.option("--indicator", help="Only this indicator id.")
@click.option("--kind", type=click.Choice(["target", "actual", "estimate", "other"]))
@click.option("--period", type=YEAR)
# the library's page size at most (store.queries.MAX_PER_PAGE; importing it here would load the store)
@click.option(
    "--limit", type=click.IntRange(1, 500), default=200, show_default=True, help="Facts shown, at most (up to 500)."
)
@DB_OPTION
@fails_cleanly
def facts_cmd(
    document: int | None,
    indicator: str | None,
    kind: str | None,
    period: int | None,
    limit: int,
    db: str | None,
) -> None:
    """List stored facts with their ids (for `workreport correct`)."""
    from workreport.store import queries

    database = open_db(db)
    if document is not None:
        queries.document(database, document, text=False)  # an unknown id is an error, not an empty list
    page = queries.facts(
        database, document_id=document, indicator=indicator, kind=kind, period=period, per_page=limit
    )
    rows = [
        [
            str(f["id"]),
            str(f["document_id"]),
            f["quote"],
            fact_number_text(f),
            f["unit"],
            f["measure"],
            f["kind"],
            f["indicator"],
            f["indicator_id"] or "",
            str(f["period"] or ""),
            f["scope"] or "",
            "*" if f["corrected"] else "",
        ]
        for f in page.items
    ]
    click.echo(
        table(
            rows,
            ["ID", "文档", "原文", "数值", "单位", "度量", "类型", "指标", "指标ID", "年份", "范围", "改"],
            limits=[7, 5, 16, 20, 10, 10, 8, 22, 22, 6, 12, 3],
        )
    )
    if page.total > len(rows):  # never a cut list that looks whole
        click.echo(
            f"({len(rows)} of {page.total} facts: narrow with --document, --kind, --indicator or --period, "
            "or raise --limit up to 500)"
        )
    else:
        click.echo(f"({page.total} facts)")


@main.command("commitments")
@click.option("--jurisdiction", "-j")
@click.option("--period", "-p", type=YEAR)
@click.option("--type", "ctype", type=click.Choice(["target", "task", "project"]))
@DB_OPTION
@fails_cleanly
def commitments_cmd(jurisdiction: str | None, period: int | None, ctype: str | None, db: str | None) -> None:
    """List commitments (numeric targets, key tasks, 为民实事 projects) with ids and status."""
    from workreport.store import queries

    page = queries.commitments(
        open_db(db), jurisdiction=jurisdiction, period=period, type=ctype, per_page=queries.MAX_PER_PAGE
    )
    rows = [
        [
            str(c["id"]),
            c["type"],
            str(c["period"] or ""),
            c["indicator_id"] or "",
            (c["text"] or c["indicator"] or ""),
            fact_number_text(c) if c.get("value") is not None else "",
            c["status"] or "",
        ]
        for c in page.items
    ]
    click.echo(
        table(
            rows, ["ID", "类型", "年份", "指标ID", "内容", "目标", "状态"], limits=[7, 8, 6, 22, 50, 22, 12]
        )
    )


@main.command("correct")
@click.argument("fact_id", type=int)
@click.argument("changes", nargs=-1, required=True)
@WHO_OPTION
@DB_OPTION
@fails_cleanly
def correct_cmd(fact_id: int, changes: tuple[str, ...], who: str, db: str | None) -> None:
    """Correct a fact: workreport correct 42 value=13.5 kind=estimate. Kept across re-extraction."""
    from workreport.errors import InputError
    from workreport.registry import correct

    parsed = {}
    for c in changes:
        if "=" not in c:
            raise InputError(f"expected field=value, got {c!r}")
        k, v = c.split("=", 1)
        parsed[k.strip()] = v.strip()
    fact = correct(open_db(db), fact_id, parsed, who=who)
    click.echo(f"fact {fact.id} corrected: " + ", ".join(f"{k}={getattr(fact, k)!r}" for k in parsed))


@main.command("assess")
@click.argument("commitment_id", type=int)
@click.option(
    "--status",
    required=True,
    help="met, partly, missed, unknown, not_yet_due; for tasks also "
    "planned, in_progress, done, delayed, dropped.",
)
@click.option("--note", help="Why.")
@click.option("--evidence", help="Where the evidence is (a quote, a link).")
@WHO_OPTION
@DB_OPTION
@fails_cleanly
def assess_cmd(
    commitment_id: int, status: str, note: str | None, evidence: str | None, who: str, db: str | None
) -> None:
    """Assess a commitment by hand; it outranks the rules and survives re-extraction."""
    from workreport.registry import assess

    row = assess(open_db(db), commitment_id, status, who=who, note=note, evidence=evidence)
    click.echo(f"commitment {commitment_id}: {row.status} (assessment {row.id} by {row.rater})")


@main.command("import")
@click.argument("what", type=click.Choice(["observations", "assessments"]))
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
@WHO_OPTION
@DB_OPTION
@fails_cleanly
def import_cmd(what: str, file: Path, dry_run: bool, who: str, db: str | None) -> None:
    """Import observations or assessments from CSV: all rows or none, errors reported per row."""
    from workreport.errors import InputError
    from workreport.registry import import_assessments, import_observations

    fn = import_observations if what == "observations" else import_assessments
    try:
        result = fn(open_db(db), file, who=who, dry_run=dry_run)
    except InputError as exc:
        for p in exc.problems:
            click.echo(p, err=True)
        raise
    verb = "would import" if dry_run else "imported"
    click.echo(f"{verb} {result.rows} {what} from {file}")


@main.command("diff")
@click.argument("a")
@click.argument("b")
@click.argument("more", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option(
    "--escalation",
    is_flag=True,
    help="The escalation table: one year's targets of several places side by side (levels may differ).",
)
@DB_OPTION
@fails_cleanly
def diff_cmd(a: str, b: str, more: tuple[str, ...], fmt: str, escalation: bool, db: str | None) -> None:
    """Targets of reports side by side, matched by meaning: A B for two years of one place
    (raised, lowered, same, changed, new, dropped), or with --escalation A B C... for one year
    at several levels (a province and the cities under it). Each is a file or the id of an
    ingested document."""
    from workreport.errors import InputError
    from workreport.track import compare_many, compare_targets

    refs = [a, b, *more]
    loaded = [_targets_of(r, db) for r in refs]
    labels = [label for _, label, _ in loaded]
    places = [place for _, _, place in loaded]
    if not escalation and (len(refs) > 2 or places[0] != places[1]):
        raise InputError(
            "a year-on-year diff compares two reports of one place "
            f"({' / '.join(str(p) for p in places)}); add --escalation for the table across places"
        )
    if not escalation:
        rows = compare_targets(loaded[0][0], loaded[1][0])
        if fmt == "json":
            out = {"a": labels[0], "b": labels[1], "rows": [r.to_dict() for r in rows]}
            click.echo(json.dumps(out, ensure_ascii=False, indent=2))
            return
        body = [
            [r.indicator_id or "", r.indicator, r.measure, _cell(r.a), _cell(r.b), r.change] for r in rows
        ]
        click.echo(f"A: {labels[0]}\nB: {labels[1]}\n")
        click.echo(table(body, ["指标ID", "指标", "度量", "A", "B", "变化"], limits=[24, 24, 10, 20, 20, 10]))
        return
    grid = compare_many([t for t, _, _ in loaded])
    if fmt == "json":
        click.echo(json.dumps({"documents": labels, "rows": grid}, ensure_ascii=False, indent=2))
        return
    names = [chr(ord("A") + i) for i in range(len(refs))]
    click.echo("\n".join(f"{n}: {label}" for n, label in zip(names, labels, strict=True)) + "\n")
    body = [
        [
            g["indicator_id"] or "",
            g["indicator"],
            g["measure"],
            *(_cell(t) for t in g["targets"]),
            g["spread"],
        ]
        for g in grid
    ]
    click.echo(
        table(body, ["指标ID", "指标", "度量", *names, "差距"], limits=[24, 20, 10, *[16] * len(names), 10])
    )


def _cell(t: dict[str, Any] | None) -> str:
    """One target of the comparison grid as a report writes it: 增长6%以上, 3420亿元, 5%—6%."""
    return "" if t is None else fact_number_text(t)


def _targets_of(ref: str, db: str | None) -> tuple[list[dict[str, Any]], str, str | None]:
    """The targets of a document's own place (a file path or the id of an ingested document),
    a label naming it, and its jurisdiction."""
    if ref.isdigit() and not Path(ref).exists():
        from workreport.store import queries

        return queries.document_targets(open_db(db), int(ref))
    doc = read(Path(ref))
    st = structure_of(doc)
    targets = [f.to_dict() for f in extract_facts(doc, st) if f.kind == "target" and f.scope is None]
    m = st.metadata
    return targets, f"{m.jurisdiction} {m.plan_year} ({Path(ref).name})", m.jurisdiction


@main.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "jsonl", "parquet"]), default="csv", show_default=True
)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write into.",
)
@click.option("--table", "tables", multiple=True, help="Only these tables (default: all).")
@DB_OPTION
@fails_cleanly
def export_cmd(fmt: str, output: Path, tables: tuple[str, ...], db: str | None) -> None:
    """Export documents, facts, commitments, observations and assessments, with JSON Schemas and a
    Frictionless datapackage.json."""
    from workreport.publish.exports import export

    for path in export(open_db(db), output, fmt, list(tables) or None):
        click.echo(str(path))


@main.command("audit")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="Entries shown, newest first.")
@DB_OPTION
@fails_cleanly
def audit_cmd(limit: int, db: str | None) -> None:
    """The audit log: who changed what, when, before and after."""
    from workreport.store import queries

    rows = [
        [
            a["at"] or "",
            a["who"],
            a["action"],
            f"{a['entity']} {a['entity_key']}",
            json.dumps(a["before"], ensure_ascii=False),
            json.dumps(a["after"], ensure_ascii=False),
        ]
        for a in queries.audit_log(open_db(db), limit=limit)
    ]
    click.echo(
        table(rows, ["when", "who", "action", "what", "before", "after"], limits=[20, 12, 8, 20, 30, 30])
    )


if __name__ == "__main__":  # pragma: no cover
    main()
