"""Commands on files: ``extract``, ``inspect``, ``eval``."""

from __future__ import annotations

import csv
import functools
import io
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from workreport.cli.common import (
    FACT_FIELDS,
    clip,
    emit,
    fails_cleanly,
    main,
    table,
)
from workreport.errors import WorkreportError
from workreport.model import Fact, Section, Structure
from workreport.pipeline.evaluate import GoldKey, brief, load_gold, score
from workreport.pipeline.extract import extract as extract_facts
from workreport.pipeline.read import read
from workreport.pipeline.structure import structure as structure_of
from workreport.pipeline.tables import Columns, is_table, iter_rows, parse_row
from workreport.publish.cells import csv_row
from workreport.rules.numbers import fact_number_text


def _facts_table(facts: Iterable[Fact]) -> str:
    rows = []
    for f in facts:
        rows.append(
            [
                str(f.start),
                f.quote,
                fact_number_text(f),  # as a report writes it: 增长6.5%, 3420亿元, 2个百分点
                f.measure,
                f.kind,
                f.indicator,
                f.indicator_id or "",
                str(f.period or ""),
                f.scope or "",
            ]
        )
    header = ["位置", "原文", "读作", "度量", "类型", "指标", "指标ID", "年份", "范围"]
    return table(rows, header, limits=[7, 16, 22, 11, 8, 24, 24, 6, 12])

def _fact_dict(f: Fact, document: str | None) -> dict[str, Any]:
    d = f.to_dict()
    if document is not None:
        d = {"document": document, **d}
    return d

_TABLE_OPTIONS = [
    click.option(
        "--text-column",
        default=None,
        metavar="NAME",
        help="Tables of reports (.csv .tsv .parquet .jsonl): the column of the text "
        "(default: full_text, else text, else content).",
    ),
    click.option("--title-column", default=None, metavar="NAME", help="Tables: the title column (default: title)."),
    click.option(
        "--place-column",
        default=None,
        metavar="NAME",
        help="Tables: the place column (default: province, else jurisdiction).",
    ),
    click.option(
        "--year-column", default=None, metavar="NAME", help="Tables: the report's (plan) year column (default: year)."
    ),
    click.option(
        "--date-column", default=None, metavar="NAME", help="Tables: the publication date column (default: publish_date)."
    ),
    click.option(
        "--source-column",
        default=None,
        metavar="NAME",
        help="Tables: the source URL column, which names a row's document (default: source_url).",
    ),
    click.option(
        "--tables",
        "tables",
        is_flag=True,
        help="Read the tables of reports in folders too (a table named as a file is always read).",
    ),
]


def table_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The options naming the columns of a table of reports, handed to ``fn`` as
    ``columns`` (a :class:`~workreport.pipeline.tables.Columns`) and ``tables``."""

    @functools.wraps(fn)
    def wrapper(
        *args: Any,
        text_column: str | None,
        title_column: str | None,
        place_column: str | None,
        year_column: str | None,
        date_column: str | None,
        source_column: str | None,
        **kwargs: Any,
    ) -> Any:
        columns = Columns(text_column, title_column, place_column, year_column, date_column, source_column)
        return fn(*args, columns=columns, **kwargs)

    for option in reversed(_TABLE_OPTIONS):
        wrapper = option(wrapper)
    return wrapper


def _parsed(paths: list[str], columns: Columns) -> Iterable[tuple[str, Any, Structure, list[Fact]]]:
    """``(name, document, structure, facts)`` of each report file and each row of each table."""
    for path in paths:
        if not is_table(path):
            doc = read(path)
            st = structure_of(doc)
            yield str(path), doc, st, extract_facts(doc, st)
            continue
        for row in iter_rows(path, columns):
            yield (row.name, *parse_row(row))


def _extract_corpus(
    files: tuple[str, ...],
    fmt: str,
    output: Path | None,
    workers: int | None,
    dask_address: str | None,
    columns: Columns,
    tables: bool,
) -> None:
    """``extract`` as a corpus run: in parallel, into datasets under ``output``, resumably."""
    from workreport.batch import extract_corpus
    from workreport.batch.progress import ProgressBar
    from workreport.batch.runner import check_workers
    from workreport.errors import InputError

    if workers is not None:
        check_workers(workers)  # before anything else is said about the run
    chosen = click.get_current_context().get_parameter_source("fmt") is not ParameterSource.DEFAULT
    if fmt in ("table", "json", "csv") and chosen:
        raise InputError(
            f"--format {fmt} is not a corpus run's: --workers/--dask write datasets into -o DIR, "
            "as Parquet (their default) or JSON Lines (--format jsonl); leave out --workers/--dask "
            f"for {fmt}"
        )
    if output is None:
        raise InputError("a corpus run writes datasets: give -o DIR")
    batch_fmt = "jsonl" if fmt == "jsonl" else "parquet"
    with ProgressBar("extracting", sys.stderr.isatty()) as progress:
        result = extract_corpus(
            list(files),
            output,
            workers=workers,
            dask=dask_address,
            fmt=batch_fmt,
            progress=progress,
            columns=columns,
            tables=tables,
        )
    for failed_path, reason in result.failed:
        click.echo(f"failed: {failed_path}: {reason}", err=True)
    click.echo(result.summary())
    if not result.ok:
        sys.exit(1)


@main.command("extract")
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "json", "csv", "table", "parquet"]),
    default="table",
    show_default=True,
    help="jsonl: one fact a line (FACTS.md); json: metadata, sections and facts; parquet: datasets of facts "
    "and documents partitioned by year and level (needs -o DIR). With --workers/--dask: parquet (their "
    "default) or jsonl datasets only.",
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write here (a folder for parquet).")
@click.option(
    "--workers",
    type=int,
    default=None,
    help="Processes for a corpus run into datasets under -o DIR (default: one per core; at least 1).",
)
@click.option(
    "--dask",
    "dask_address",
    default=None,
    metavar="ADDRESS|local",
    help="Run reading and extraction on a Dask cluster: a scheduler address or 'local'.",
)
@fails_cleanly
@table_options
def extract_cmd(
    files: tuple[str, ...],
    fmt: str,
    output: Path | None,
    workers: int | None,
    dask_address: str | None,
    columns: Columns,
    tables: bool,
) -> None:
    """Extract every fact from FILE(s): .txt in any Chinese encoding, .html, .docx, .pdf.

    FILES may be folders and globs. With --format parquet, or --workers/--dask, the corpus is
    processed in parallel into datasets under -o DIR (Parquet, or JSON Lines with --format jsonl),
    resumably: run again, finished documents are skipped. Table, JSON and CSV are made in this
    process, without --workers/--dask."""
    if fmt == "parquet" or workers is not None or dask_address is not None:
        _extract_corpus(files, fmt, output, workers, dask_address, columns, tables)
        return
    from workreport.pipeline.sources import checked_sources

    paths, total = checked_sources(files, tables=tables, columns=columns)
    many = len(paths) > 1 or any(is_table(p) for p in paths)
    out = io.StringIO()
    documents = []
    writer = None
    for n, (path, doc, st, facts) in enumerate(_parsed(paths, columns), 1):
        if many:
            click.echo(f"[{n}/{total}] {path}", err=True)
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
                writer.writerow(csv_row(row))  # never a formula when opened in a spreadsheet
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
    emit(out.getvalue(), output)

def _tree(sections: list[Section], depth: int = 0) -> list[str]:
    lines = []
    for s in sections:
        label = f"[{s.role}{' ' + str(s.period) if s.period else ''}]"
        lines.append(f"{'  ' * depth}{clip(s.title, 50)}  {label}  {s.span.start}–{s.span.end}")
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
@fails_cleanly
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
@click.option(
    "--show",
    type=click.IntRange(min=0),
    default=0,
    help="List up to N (0 or more) misses, false alarms and attribute errors.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option(
    "--predictions",
    type=click.Path(path_type=Path),
    help="Score this JSONL file instead of running the extractor (one GOLD only).",
)
@click.option(
    "--labels", is_flag=True, help="Add the indicator label accuracy to --json (as score_facts.py --labels)."
)
@click.option(
    "--track",
    "tracking",
    is_flag=True,
    help="GOLD are tracking keys (*.track.json): score the tracker (TRACK.md §4), per key and micro-averaged.",
)
@fails_cleanly
def eval_cmd(
    gold: tuple[Path, ...], show: int, as_json: bool, predictions: Path | None, labels: bool, tracking: bool
) -> None:
    """Score the extractor against answer keys (FACTS.md §6): precision, recall, F1, strict F1,
    labels; with --track, the tracker against tracking keys (TRACK.md §4)."""
    from workreport.pipeline.evaluate import load_predictions

    _check_eval_options(gold, predictions, labels, tracking)
    if tracking:
        _eval_track(gold, show, as_json)
        return

    results = {}
    for g in gold:
        key = load_gold(g)
        if predictions is not None:
            _check_key_spans(key)
            pred = load_predictions(predictions)
        else:
            doc = read(key.source_path())
            key.check_text(doc.text)
            pred = [f.to_dict() for f in extract_facts(doc)]
        s = score(key.facts, pred, key.regions, labels=labels or not as_json)
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


def _check_eval_options(gold: tuple[Path, ...], predictions: Path | None, labels: bool, tracking: bool) -> None:
    """Refuse what ``eval`` would otherwise ignore: --predictions with several GOLD (one file of
    predictions is for one document) or with --track, and --labels with --track."""
    if tracking and predictions is not None:
        raise click.UsageError("--predictions scores facts against an answer key; --track runs the tracker")
    if tracking and labels:
        raise click.UsageError("--labels is a figure of answer keys, not of tracking keys (--track)")
    if predictions is not None and len(gold) > 1:
        raise click.UsageError(
            f"--predictions takes one GOLD (the answer key of the document predicted), not {len(gold)}"
        )


def _check_key_spans(key: GoldKey) -> None:
    """With --predictions the document is not read for the extractor; where it can be found and
    read, the key's spans are still checked against its text."""
    try:
        doc = read(key.source_path())
    except WorkreportError:
        return  # a key for a document not here: its spans cannot be checked, its facts can be scored
    key.check_text(doc.text)


def _eval_track(keys: tuple[Path, ...], show: int, as_json: bool) -> None:
    from workreport.registry.evaluate import evaluate_track_key
    from workreport.track.evaluate import TrackScore

    scores = {str(k): evaluate_track_key(k) for k in keys}
    total = sum(scores.values(), TrackScore())
    if as_json:
        out = {k: s.figures() for k, s in scores.items()} | {"micro": total.figures()}
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    for name, s in [*scores.items(), (f"all {len(scores)} keys (micro-averaged)", total)]:
        f = s.figures()
        click.echo(
            f"{name}\n  track F1 {f['f1']:.3f} (P {f['precision']:.3f} R {f['recall']:.3f}); targets found "
            f"{f['targets_found']:.3f}, outcome right {f['outcome_right']:.3f}, status right "
            f"{f['status_right']:.3f}, outcomes linked {f['outcomes_linked']}/{f['key_outcomes']}, "
            f"wrong period {f['wrong_period']}"
        )
        if name in scores:
            for note in s.notes[:show]:
                click.echo("    " + " | ".join(note))

