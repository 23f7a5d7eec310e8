"""The ``workreport`` command: a thin front end over the library.

Every command calls the public API and turns a WorkreportError into one line on stderr
and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import wraps
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy.exc import SQLAlchemyError

from .core import Fact, Section, Structure
from .errors import WorkreportError
from .evaluate import brief, load_gold, score
from .extract import extract as extract_facts
from .read import read
from .structure import structure as structure_of
from .version import __version__

F = TypeVar("F", bound=Callable[..., Any])

FACT_FIELDS = tuple(f.name for f in dataclasses.fields(Fact))


def _fails_cleanly(fn: F) -> F:
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except WorkreportError as exc:
            click.echo(f"workreport: error: {exc}", err=True)
            sys.exit(1)
        except SQLAlchemyError as exc:  # a database that refuses: one line, not a traceback
            reason = " ".join(str(getattr(exc, "orig", None) or exc).split())[:300]
            click.echo(f"workreport: error: database: {reason}", err=True)
            sys.exit(1)
        except BrokenPipeError:
            sys.exit(0)

    return wrapper  # type: ignore[return-value]


@click.group()
@click.version_option(__version__, prog_name="workreport")
def main() -> None:
    """Facts, targets and outcomes from Chinese government work reports (政府工作报告)."""


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, width: int) -> str:
    return s + " " * max(0, width - _width(s))


def _clip(s: str, width: int) -> str:
    out, used = "", 0
    for c in s:
        w = _width(c)
        if used + w > width - 1 and _width(s) > width:
            return out + "…"
        out, used = out + c, used + w
    return out


def table(rows: Sequence[Sequence[str]], header: Sequence[str], limits: Sequence[int] | None = None) -> str:
    """A plain-text table whose columns stay aligned with Chinese (double-width) text."""
    cells = [list(header)] + [[str(c) for c in r] for r in rows]
    if limits:
        cells = [[_clip(c, limits[i]) for i, c in enumerate(r)] for r in cells]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(_pad(c, widths[i]) for i, c in enumerate(r)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _number(v: float | None) -> str:
    if v is None:
        return ""
    return f"{v:,.0f}" if v == int(v) and abs(v) >= 1000 else f"{v:g}"


def _facts_table(facts: Iterable[Fact]) -> str:
    rows = []
    for f in facts:
        value = _number(f.value) + (f"–{_number(f.value_max)}" if f.value_max is not None else "")
        rows.append(
            [
                str(f.start),
                f.quote,
                value,
                f.unit,
                f.measure,
                f.comparator,
                f.kind,
                f.indicator,
                f.indicator_id or "",
                str(f.period or ""),
                f.scope or "",
            ]
        )
    header = ["位置", "原文", "数值", "单位", "度量", "比较", "类型", "指标", "指标ID", "年份", "范围"]
    return table(rows, header, limits=[7, 16, 20, 12, 11, 5, 8, 24, 24, 6, 12])


def _fact_dict(f: Fact, document: str | None) -> dict[str, Any]:
    d = f.to_dict()
    if document is not None:
        d = {"document": document, **d}
    return d


@main.command("extract")
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "json", "csv", "table", "parquet"]),
    default="table",
    show_default=True,
    help="jsonl: one fact a line (FACTS.md); json: metadata, sections and facts; parquet: datasets of facts "
    "and documents partitioned by year and level (needs -o DIR).",
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write here (a folder for parquet).")
@click.option("--workers", type=int, default=None, help="Processes for a corpus (default: one per core).")
@click.option(
    "--dask",
    "dask_address",
    default=None,
    metavar="ADDRESS|local",
    help="Run reading and extraction on a Dask cluster: a scheduler address or 'local'.",
)
@_fails_cleanly
def extract_cmd(
    files: tuple[str, ...], fmt: str, output: Path | None, workers: int | None, dask_address: str | None
) -> None:
    """Extract every fact from FILE(s): .txt in any Chinese encoding, .html, .docx, .pdf.

    FILES may be folders and globs. With --format parquet (or --workers/--dask and -o DIR) the
    corpus is processed in parallel, resumably: run again, finished documents are skipped."""
    if fmt == "parquet" or workers is not None or dask_address is not None:
        from .batch import _Bar, extract_corpus
        from .errors import InputError

        if output is None:
            raise InputError("a corpus run writes datasets: give -o DIR")
        batch_fmt = "parquet" if fmt in ("parquet", "table", "json", "csv") else "jsonl"
        result = extract_corpus(
            list(files),
            output,
            workers=workers,
            dask=dask_address,
            fmt=batch_fmt,
            progress=_Bar("extracting", sys.stderr.isatty()),
        )
        for failed_path, reason in result.failed:
            click.echo(f"failed: {failed_path}: {reason}", err=True)
        click.echo(result.summary())
        if not result.ok:
            sys.exit(1)
        return
    from .batch import iter_sources

    paths = list(iter_sources(files))
    many = len(paths) > 1
    out = io.StringIO()
    documents = []
    writer = None
    for n, path in enumerate(paths, 1):
        if many:
            click.echo(f"[{n}/{len(paths)}] {path}", err=True)
        doc = read(path)
        st = structure_of(doc)
        facts = extract_facts(doc, st)
        name = str(path) if many else None
        if fmt == "jsonl":
            for f in facts:
                out.write(json.dumps(_fact_dict(f, name), ensure_ascii=False) + "\n")
        elif fmt == "csv":
            if writer is None:
                fields = (("document",) if many else ()) + FACT_FIELDS
                writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore")
                writer.writeheader()
            for f in facts:
                row = _fact_dict(f, name)
                row["section"] = " > ".join(f.section)
                writer.writerow(row)
        elif fmt == "json":
            documents.append(
                {
                    "path": str(path),
                    "format": doc.format,
                    "encoding": doc.encoding,
                    "sha256": doc.sha256,
                    **st.to_dict(),
                    "facts": [f.to_dict() for f in facts],
                }
            )
        else:
            if many:
                out.write(f"== {path}\n")
            out.write(_facts_table(facts) + f"\n({len(facts)} facts)\n")
    if fmt == "json":
        out.write(json.dumps(documents[0] if not many else documents, ensure_ascii=False, indent=2) + "\n")
    _emit(out.getvalue(), output)


def _expand(files: Iterable[Path]) -> list[Path]:
    paths: list[Path] = []
    for f in files:
        if f.is_dir():
            paths.extend(sorted(p for p in f.rglob("*") if p.is_file() and not p.name.startswith(".")))
        else:
            paths.append(f)
    return paths


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    tmp = output.with_name(output.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(output)  # whole or nothing: no half-written output
    click.echo(f"wrote {output}", err=True)


def _tree(sections: list[Section], depth: int = 0) -> list[str]:
    lines = []
    for s in sections:
        label = f"[{s.role}{' ' + str(s.period) if s.period else ''}]"
        lines.append(f"{'  ' * depth}{_clip(s.title, 50)}  {label}  {s.span.start}–{s.span.end}")
        lines.extend(_tree(s.children, depth + 1))
    return lines


def _describe(st: Structure) -> str:
    m = st.metadata
    rows = [
        ["标题 title", m.title or ""],
        ["地区 jurisdiction", m.jurisdiction or ""],
        ["层级 level", m.level or ""],
        ["日期 delivered", m.delivered or ""],
        ["计划年 plan year", str(m.plan_year or "")],
        ["回顾年 review year", str(m.review_year or "")],
        ["报告人 speaker", m.speaker or ""],
        ["来源 source", m.source or ""],
        ["类型 type", m.doc_type],
        ["正文 content", f"{st.content.start}–{st.content.end}"],
    ]
    return table(rows, ["field", "value"]) + "\n\nsections:\n" + "\n".join(_tree(st.sections))


@main.command("inspect")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print metadata and the section tree as JSON.")
@_fails_cleanly
def inspect_cmd(file: Path, as_json: bool) -> None:
    """Show a report's metadata and section tree, each section labelled review / plan / other."""
    doc = read(file)
    st = structure_of(doc)
    if as_json:
        click.echo(
            json.dumps(
                {"path": str(file), "format": doc.format, "encoding": doc.encoding, **st.to_dict()},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        click.echo(f"{file}  ({doc.format}, {doc.encoding or '-'}, {len(doc.text)} characters)\n")
        click.echo(_describe(st))


@main.command("eval")
@click.argument("gold", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--show", type=int, default=0, help="List up to N misses, false alarms and attribute errors.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option(
    "--predictions",
    type=click.Path(path_type=Path),
    help="Score this JSONL file instead of running the extractor (one GOLD only).",
)
@_fails_cleanly
def eval_cmd(gold: tuple[Path, ...], show: int, as_json: bool, predictions: Path | None) -> None:
    """Score the extractor against answer keys (FACTS.md §6): precision, recall, F1, strict F1."""
    from .evaluate import load_predictions

    results = {}
    for g in gold:
        key = load_gold(g)
        if predictions is not None:
            pred = load_predictions(predictions)
        else:
            doc = read(key.source_path())
            pred = [f.to_dict() for f in extract_facts(doc)]
        s = score(key.facts, pred, key.regions)
        results[str(g)] = s
    if as_json:
        click.echo(json.dumps({k: v.figures() for k, v in results.items()}, ensure_ascii=False, indent=2))
        return
    for name, s in results.items():
        a = s.accuracy
        click.echo(f"{name}")
        click.echo(f"  gold {s.gold}  predicted {s.predicted}  matched {s.matched}")
        click.echo(
            f"  precision {s.precision:.3f}  recall {s.recall:.3f}  F1 {s.f1:.3f}  strict F1 {s.strict_f1:.3f}"
        )
        click.echo("  attribute accuracy: " + "  ".join(f"{k} {v:.3f}" for k, v in a.items()))
        if show:
            for title, rows in (("missed", s.misses), ("false alarms", s.false_alarms)):
                click.echo(f"\n  {title} ({len(rows)}):")
                for f in rows[:show]:
                    click.echo("    " + brief(f))
            click.echo(f"\n  matched but attributes differ ({len(s.differing)}):")
            for gf, pf in s.differing[:show]:
                click.echo("    gold " + brief(gf))
                click.echo("    pred " + brief(pf))
    if len(results) > 1:
        tot_g = sum(s.gold for s in results.values())
        tot_p = sum(s.predicted for s in results.values())
        tot_m = sum(s.matched for s in results.values())
        p = tot_m / tot_p if tot_p else 0.0
        r = tot_m / tot_g if tot_g else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        click.echo(
            f"\nall {len(results)} keys: gold {tot_g}  predicted {tot_p}  matched {tot_m}  "
            f"precision {p:.3f}  recall {r:.3f}  F1 {f1:.3f}"
        )


DB_OPTION = click.option(
    "--db",
    envvar="WORKREPORT_DATABASE_URL",
    default=None,
    help="Database URL or SQLite path (default: WORKREPORT_DATABASE_URL, else the file `workreport info` shows).",
)
WHO_OPTION = click.option(
    "--who",
    default=lambda: os.environ.get("USER") or "cli",
    show_default="$USER",
    help="Who makes the change (kept in the audit log).",
)


def _open(db: str | None) -> Any:
    from .store import Database

    return Database(db)


def example_paths() -> list[Path]:
    """The example reports shipped inside the package."""
    folder = resources.files("workreport").joinpath("examples")
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".txt"))


@main.command("demo")
@DB_OPTION
@_fails_cleanly
def demo_cmd(db: str | None) -> None:
    """Run the main job on the bundled examples: ingest into the database, then track."""
    from .registry import ingest
    from .track import track

    database = _open(db)
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
    click.echo(
        f"\n({len(rows)} targets; {due} not yet due are not shown: workreport track --db ... lists all)"
    )


def _track_table(rows: Iterable[Any]) -> str:
    out = []
    for r in rows:
        t, o = r.target, r.outcome
        target = f"{t['comparator']} {_number(t['value'])}{t['unit'] if t['unit'] == '%' else ' ' + (t['unit'] or '')}"
        outcome = ""
        if o is not None:
            outcome = f"{_number(o['value'])}{o['unit'] if o['unit'] == '%' else ' ' + (o['unit'] or '')}"
            outcome += f" ({o['kind']})" + (f" {o['quote']}" if o.get("quote") else "")
        out.append(
            [
                str(r.commitment_id),
                r.jurisdiction or "",
                str(r.period or ""),
                r.indicator or "",
                r.indicator_id or "",
                target,
                outcome,
                r.status + (" (provisional)" if r.provisional else ""),
            ]
        )
    header = ["ID", "地区", "年份", "指标", "指标ID", "目标", "结果", "评价"]
    return table(out, header, limits=[6, 12, 6, 22, 24, 22, 30, 26])


@main.command("info")
@DB_OPTION
@_fails_cleanly
def info_cmd(db: str | None) -> None:
    """Where the database is, and how many rows each table holds."""
    from .registry import info

    data = info(_open(db))
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
@_fails_cleanly
def ingest_cmd(paths: tuple[str, ...], workers: int | None, db: str | None) -> None:
    """Read, extract and store reports (files, folders, globs); re-ingesting changes nothing, and an
    interrupted run, run again, picks up where it stopped."""
    from .batch import _Bar, ingest_corpus

    database = _open(db)
    result = ingest_corpus(database, list(paths), workers=workers, progress=_Bar("ingesting", True))
    for path, reason in result.failed:
        click.echo(f"failed: {path}: {reason}", err=True)
    click.echo(result.summary())
    if not result.ok:
        sys.exit(1)


@main.command("track")
@click.option("--jurisdiction", "-j", help="Only this jurisdiction (name or alias).")
@click.option("--period", "-p", type=int, help="Only targets for this year.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True
)
@DB_OPTION
@_fails_cleanly
def track_cmd(jurisdiction: str | None, period: int | None, fmt: str, db: str | None) -> None:
    """Rate numeric targets against reported outcomes: met / partly / missed / unknown / not yet due."""
    from .track import track

    rows = track(_open(db), jurisdiction=jurisdiction, period=period)
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
                [
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
                ]
            )
        click.echo(buf.getvalue(), nl=False)
    else:
        click.echo(_track_table(rows))
        click.echo(f"({len(rows)} targets)")


@main.command("facts")
@click.option("--document", type=int, help="Only facts of this document id.")
@click.option("--indicator", help="Only this indicator id.")
@click.option("--kind", type=click.Choice(["target", "actual", "estimate", "other"]))
@click.option("--period", type=int)
@click.option("--limit", type=int, default=200, show_default=True)
@DB_OPTION
@_fails_cleanly
def facts_cmd(
    document: int | None,
    indicator: str | None,
    kind: str | None,
    period: int | None,
    limit: int,
    db: str | None,
) -> None:
    """List stored facts with their ids (for `workreport correct`)."""
    from sqlalchemy import select

    from .store import FactRow

    database = _open(db)
    with database.session() as session:
        q = select(FactRow)
        if document is not None:
            q = q.where(FactRow.document_id == document)
        if indicator is not None:
            q = q.where(FactRow.indicator_id == indicator)
        if kind is not None:
            q = q.where(FactRow.kind == kind)
        if period is not None:
            q = q.where(FactRow.period == period)
        rows = [
            [
                str(f.id),
                str(f.document_id),
                f.quote,
                _number(f.value),
                f.unit,
                f.measure,
                f.kind,
                f.indicator,
                f.indicator_id or "",
                str(f.period or ""),
                f.scope or "",
                "*" if f.corrected else "",
            ]
            for f in session.scalars(q.order_by(FactRow.id).limit(limit))
        ]
    click.echo(
        table(
            rows,
            ["ID", "文档", "原文", "数值", "单位", "度量", "类型", "指标", "指标ID", "年份", "范围", "改"],
            limits=[7, 5, 16, 18, 10, 10, 8, 22, 22, 6, 12, 3],
        )
    )


@main.command("commitments")
@click.option("--jurisdiction", "-j")
@click.option("--period", "-p", type=int)
@click.option("--type", "ctype", type=click.Choice(["target", "task", "project"]))
@DB_OPTION
@_fails_cleanly
def commitments_cmd(jurisdiction: str | None, period: int | None, ctype: str | None, db: str | None) -> None:
    """List commitments (numeric targets, key tasks, 为民实事 projects) with ids and status."""
    from sqlalchemy import select

    from .registry import find_jurisdiction
    from .store import CommitmentRow

    database = _open(db)
    with database.session() as session:
        q = select(CommitmentRow).where(CommitmentRow.retired.is_(False))
        if jurisdiction:
            q = q.where(CommitmentRow.jurisdiction_id == find_jurisdiction(session, jurisdiction).id)
        if period:
            q = q.where(CommitmentRow.period == period)
        if ctype:
            q = q.where(CommitmentRow.type == ctype)
        rows = [
            [
                str(c.id),
                c.type,
                str(c.period or ""),
                c.indicator_id or "",
                (c.text or c.indicator or ""),
                c.status or "",
            ]
            for c in session.scalars(q.order_by(CommitmentRow.id))
        ]
    click.echo(table(rows, ["ID", "类型", "年份", "指标ID", "内容", "状态"], limits=[7, 8, 6, 22, 50, 12]))


@main.command("correct")
@click.argument("fact_id", type=int)
@click.argument("changes", nargs=-1, required=True)
@WHO_OPTION
@DB_OPTION
@_fails_cleanly
def correct_cmd(fact_id: int, changes: tuple[str, ...], who: str, db: str | None) -> None:
    """Correct a fact: workreport correct 42 value=13.5 kind=estimate. Kept across re-extraction."""
    from .errors import InputError
    from .registry import correct

    parsed = {}
    for c in changes:
        if "=" not in c:
            raise InputError(f"expected field=value, got {c!r}")
        k, v = c.split("=", 1)
        parsed[k.strip()] = v.strip()
    fact = correct(_open(db), fact_id, parsed, who=who)
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
@_fails_cleanly
def assess_cmd(
    commitment_id: int, status: str, note: str | None, evidence: str | None, who: str, db: str | None
) -> None:
    """Assess a commitment by hand; it outranks the rules and survives re-extraction."""
    from .registry import assess

    row = assess(_open(db), commitment_id, status, who=who, note=note, evidence=evidence)
    click.echo(f"commitment {commitment_id}: {row.status} (assessment {row.id} by {row.rater})")


@main.command("import")
@click.argument("what", type=click.Choice(["observations", "assessments"]))
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
@WHO_OPTION
@DB_OPTION
@_fails_cleanly
def import_cmd(what: str, file: Path, dry_run: bool, who: str, db: str | None) -> None:
    """Import observations or assessments from CSV: all rows or none, errors reported per row."""
    from .errors import InputError
    from .registry import import_assessments, import_observations

    fn = import_observations if what == "observations" else import_assessments
    try:
        result = fn(_open(db), file, who=who, dry_run=dry_run)
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
@DB_OPTION
@_fails_cleanly
def diff_cmd(a: str, b: str, more: tuple[str, ...], fmt: str, db: str | None) -> None:
    """Targets of reports side by side: A B for two years of one place (raised, lowered, new,
    dropped), or A B C... for one year at several levels (the escalation table: a province and
    the cities under it). Each is a file or the id of an ingested document."""
    from .track import compare_many, compare_targets

    refs = [a, b, *more]
    loaded = [_targets_of(r, db) for r in refs]
    labels = [label for _, label in loaded]
    if len(refs) == 2:
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
    grid = compare_many([t for t, _ in loaded])
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
    if t is None:
        return ""
    unit = t["unit"] if t["unit"] == "%" else " " + (t["unit"] or "")
    if t["comparator"] == "range" and t.get("value_max") is not None:
        return f"{_number(t['value'])}—{_number(t['value_max'])}{unit}"
    return f"{t['comparator']} {_number(t['value'])}{unit}"


def _targets_of(ref: str, db: str | None) -> tuple[list[dict[str, Any]], str]:
    """The targets of a document given as a file path or as the id of an ingested document."""
    if ref.isdigit() and not Path(ref).exists():
        from sqlalchemy import select

        from .errors import NotFoundError
        from .store import DocumentRow, FactRow

        database = _open(db)
        with database.session() as session:
            doc = session.get(DocumentRow, int(ref))
            if doc is None:
                raise NotFoundError(f"no document with id {ref}")
            facts = session.scalars(
                select(FactRow)
                .where(FactRow.document_id == doc.id, FactRow.kind == "target")
                .order_by(FactRow.start)
            )
            label = f"{doc.jurisdiction_name} {doc.plan_year} ({doc.path})"
            return [_fact_target(f) for f in facts], label
    doc = read(Path(ref))
    st = structure_of(doc)
    targets = [f.to_dict() for f in extract_facts(doc, st) if f.kind == "target" and f.scope is None]
    return targets, f"{st.metadata.jurisdiction} {st.metadata.plan_year} ({ref})"


def _fact_target(f: Any) -> dict[str, Any]:
    return {
        k: getattr(f, k)
        for k in (
            "indicator_id",
            "indicator",
            "measure",
            "comparator",
            "value",
            "value_max",
            "unit",
            "quote",
            "period",
            "scope",
        )
    }


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
@_fails_cleanly
def export_cmd(fmt: str, output: Path, tables: tuple[str, ...], db: str | None) -> None:
    """Export documents, facts, commitments, observations and assessments, with JSON Schemas and a
    Frictionless datapackage.json."""
    from .publish import export

    for path in export(_open(db), output, fmt, list(tables) or None):
        click.echo(str(path))


@main.command("audit")
@click.option("--limit", type=int, default=50, show_default=True)
@DB_OPTION
@_fails_cleanly
def audit_cmd(limit: int, db: str | None) -> None:
    """The audit log: who changed what, when, before and after."""
    from sqlalchemy import select

    from .store import AuditRow

    database = _open(db)
    with database.session() as session:
        rows = [
            [
                a.at.isoformat(timespec="seconds") if a.at else "",
                a.who,
                a.action,
                f"{a.entity} {a.entity_key}",
                json.dumps(a.before, ensure_ascii=False),
                json.dumps(a.after, ensure_ascii=False),
            ]
            for a in session.scalars(select(AuditRow).order_by(AuditRow.id.desc()).limit(limit))
        ]
    click.echo(
        table(rows, ["when", "who", "action", "what", "before", "after"], limits=[20, 12, 8, 20, 30, 30])
    )


@main.command("digest")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md", show_default=True)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here, not stdout."
)
@click.option(
    "--db",
    is_flag=False,
    flag_value="",
    default=None,
    help="Compare with last year's targets and outcomes in the registry (--db alone: the default database).",
)
@_fails_cleanly
def digest_cmd(file: Path, fmt: str, output: Path | None, db: str | None) -> None:
    """A 数读 reading of FILE: targets, results, key numbers, 为民实事, themes; every number linked to the text."""
    from .digest import digest

    _emit(digest(read(file), fmt=fmt, db=_open(db or None) if db is not None else None), output)


@main.command("serve")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Interface to listen on (0.0.0.0 for all)."
)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int, help="Server processes.")
@click.option(
    "--login-to-read",
    is_flag=True,
    envvar="WORKREPORT_LOGIN_TO_READ",
    help="Require signing in to read (writes always need it).",
)
@click.option(
    "--insecure-cookies", is_flag=True, help="Send session cookies over plain HTTP (local testing only)."
)
@DB_OPTION
@_fails_cleanly
def serve_cmd(
    host: str, port: int, workers: int, login_to_read: bool, insecure_cookies: bool, db: str | None
) -> None:
    """Run the web app and HTTP API (uvicorn, with request logs). Docs at /docs, schema at /openapi.json."""
    import uvicorn

    from .store import resolve_url

    os.environ["WORKREPORT_DATABASE_URL"] = resolve_url(db)
    os.environ["WORKREPORT_LOGIN_TO_READ"] = "1" if login_to_read else ""
    os.environ["WORKREPORT_INSECURE_COOKIES"] = "1" if insecure_cookies else ""
    _open(db)  # migrate once, before the workers start
    click.echo(f"workreport on http://{host}:{port}  (database {resolve_url(db)})", err=True)
    uvicorn.run(
        "workreport.web:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=True,
        proxy_headers=True,
        log_level="info",
    )


@main.group("user")
def user_group() -> None:
    """Manage the people who may change the registry."""


@user_group.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["viewer", "editor", "admin"]), default="editor", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@DB_OPTION
@_fails_cleanly
def user_add(username: str, role: str, password_stdin: bool, db: str | None) -> None:
    """Add a user (asks for the password)."""
    from .web.auth import add_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    user = add_user(_open(db), username, password, role)
    click.echo(f"added {user.username} ({user.role})")


@main.group("token")
def token_group() -> None:
    """API tokens for programs (Authorization: Bearer ...)."""


@token_group.command("add")
@click.argument("username")
@click.option("--name", default="default", show_default=True)
@DB_OPTION
@_fails_cleanly
def token_add(username: str, name: str, db: str | None) -> None:
    """Make an API token for USERNAME; it is shown once."""
    from .web.auth import create_token

    click.echo(create_token(_open(db), username, name))


if __name__ == "__main__":  # pragma: no cover
    main()
