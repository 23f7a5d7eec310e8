"""The ``workreport`` command: a thin front end over the library.

Every command calls the public API and turns a WorkreportError into one line on stderr
and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import wraps
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .core import Fact, Section, Structure
from .errors import WorkreportError
from .evaluate import brief, load_gold, score
from .extract import extract as extract_facts
from .read import read
from .structure import structure as structure_of

F = TypeVar("F", bound=Callable[..., Any])

FACT_FIELDS = (
    "start",
    "end",
    "quote",
    "value",
    "value_max",
    "unit",
    "measure",
    "comparator",
    "kind",
    "indicator",
    "indicator_id",
    "hedge",
    "period",
    "scope",
    "classifier",
    "section",
    "sentence_start",
    "sentence_end",
)


def _fails_cleanly(fn: F) -> F:
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except WorkreportError as exc:
            click.echo(f"workreport: error: {exc}", err=True)
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
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "json", "csv", "table"]),
    default="table",
    show_default=True,
    help="jsonl: one fact a line (FACTS.md); json: metadata, sections and facts.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here, not stdout."
)
@_fails_cleanly
def extract_cmd(files: tuple[Path, ...], fmt: str, output: Path | None) -> None:
    """Extract every fact from FILE(s): .txt in any Chinese encoding, .html, .docx, .pdf."""
    paths = _expand(files)
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


def example_paths() -> list[Path]:
    """The example reports shipped inside the package."""
    folder = resources.files("workreport").joinpath("examples")
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".txt"))


@main.command("demo")
@_fails_cleanly
def demo_cmd() -> None:
    """Run the main job on the bundled example reports: read, structure and extract."""
    for path in example_paths():
        doc = read(path)
        st = structure_of(doc)
        facts = extract_facts(doc, st)
        m = st.metadata
        click.echo(
            f"== {path.name}: {m.jurisdiction} ({m.level}), plan year {m.plan_year}, "
            f"{m.doc_type}, {len(facts)} facts"
        )
        click.echo(_facts_table(facts))
        click.echo("")


if __name__ == "__main__":  # pragma: no cover
    main()
