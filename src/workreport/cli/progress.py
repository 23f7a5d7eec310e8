"""``workreport progress``: key tasks and 为民实事 with status, percentage and timeline; ``assess``."""

from __future__ import annotations

import json

import click

from workreport.cli.common import DB_OPTION, WHO_OPTION, YEAR, fails_cleanly, main, open_db, table

STATUS_HELP = "planned (未开始), in_progress (推进中), done (已完成), missed (未完成), delayed (延期), dropped (已取消)"


def _database(db: str | None) -> object:
    """The database named here, else the one named before the subcommand (`progress --db X assess`)."""
    parent = click.get_current_context().find_object(dict) or {}
    return open_db(db or parent.get("db"))


def _percent_cell(percent: int | None) -> str:
    return "—" if percent is None else f"{percent}%"


@main.group("progress", invoke_without_command=True)
@click.option("--jurisdiction", "-j", help="Only this place (name or alias).")
@click.option("--year", "-y", type=YEAR, help="Only items of this plan year.")
@click.option("--type", "itype", type=click.Choice(["task", "project"]), help="Key tasks or 为民实事 only.")
@click.option("--status", help=f"Only items whose current status is this: {STATUS_HELP}.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True
)
@DB_OPTION
@click.pass_context
@fails_cleanly
def progress_group(
    ctx: click.Context,
    jurisdiction: str | None,
    year: int | None,
    itype: str | None,
    status: str | None,
    fmt: str,
    db: str | None,
) -> None:
    """Key tasks and 为民实事: status, percentage, how many of their numbers were met.

    The status is the newest of a person's assessment and the rules' verdict on the item's
    numbers; `workreport progress assess ID` adds an assessment, `show ID` prints the timeline."""
    if ctx.invoked_subcommand is not None:
        ctx.obj = {"db": db}
        return
    from workreport.registry.progress import progress
    from workreport.rules.labels import status_label

    items = progress(open_db(db), jurisdiction=jurisdiction, year=year, type=itype, status=status)
    if fmt == "json":
        click.echo(json.dumps([i.to_dict() for i in items], ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        from workreport.publish.progress import progress_csv

        click.echo(progress_csv(items), nl=False)
        return
    rows = [
        [
            str(i.commitment_id),
            "为民实事" if i.type == "project" else "重点工作",
            i.jurisdiction or "",
            str(i.period or ""),
            i.text,
            f"{status_label(i.status)} {i.status}",
            _percent_cell(i.percent),
            "规则" if i.source == "rules" else (i.rater or "") if i.source == "person" else "",
            f"{sum(p.status == 'met' for p in i.parts)}/{len(i.parts)}" if i.parts else "",
        ]
        for i in items
    ]
    click.echo(
        table(
            rows,
            ["ID", "类型", "地区", "年份", "内容", "状态", "进度", "评价人", "数字完成"],
            limits=[7, 8, 10, 6, 40, 20, 6, 10, 8],
        )
    )
    click.echo(f"({len(items)} items)")


@progress_group.command("assess")
@click.argument("commitment_id", type=int)
@click.option("--status", required=True, help=STATUS_HELP + ".")
@click.option("--percent", help="How far along, 0–100 (default: 100 for done, 0 for planned, else unchanged).")
@click.option("--note", help="What was done, or why not.")
@click.option("--evidence", help="A quote, or a link (http…), the assessment rests on.")
@click.option("--fact", "fact_id", type=int, help="The id of a stored fact it rests on (`workreport facts`).")
@WHO_OPTION
@DB_OPTION
@fails_cleanly
def progress_assess_cmd(
    commitment_id: int,
    status: str,
    percent: str | None,
    note: str | None,
    evidence: str | None,
    fact_id: int | None,
    who: str,
    db: str | None,
) -> None:
    """Assess a key task or 为民实事: status, percentage, note, evidence (done and missed need evidence)."""
    from workreport.registry.progress import assess_progress, parse_percent

    entry = assess_progress(
        _database(db),  # type: ignore[arg-type]
        commitment_id,
        status,
        who=who,
        percent=parse_percent(percent),
        note=note,
        evidence=evidence,
        fact_id=fact_id,
    )
    click.echo(
        f"commitment {commitment_id}: {entry.status} {_percent_cell(entry.percent)} "
        f"(assessment {entry.assessment_id} by {entry.rater})"
    )


@progress_group.command("show")
@click.argument("commitment_id", type=int)
@DB_OPTION
@fails_cleanly
def progress_show_cmd(commitment_id: int, db: str | None) -> None:
    """One key task or 为民实事: its numbers with their ratings, and its timeline, newest first."""
    from workreport.registry.progress import task
    from workreport.rules.labels import status_label

    view = task(_database(db), commitment_id)  # type: ignore[arg-type]
    item = view.item
    click.echo(f"{item.commitment_id}  {item.jurisdiction or ''} {item.period or ''}  {item.text}")
    source = "规则 rules" if item.source == "rules" else (item.rater or "")
    click.echo(f"状态 status: {status_label(item.status)} {item.status}  {_percent_cell(item.percent)}  {source}")
    if item.parts:
        click.echo("")
        click.echo(
            table(
                [
                    [
                        str(p.commitment_id),
                        p.quote or "",
                        p.indicator or "",
                        (p.outcome or {}).get("quote") or "",
                        status_label(p.status, p.provisional),
                    ]
                    for p in item.parts
                ],
                ["ID", "目标", "指标", "结果", "评价"],
                limits=[7, 16, 24, 16, 12],
            )
        )
    click.echo("")
    rows = []
    for e in item.timeline:
        ev = e.evidence
        evidence = " ".join(x for x in (ev.quote, ev.url, f"fact {ev.fact_id}" if ev.fact_id else None) if x)
        remark = (e.rule if e.by_rules else e.note) or ""
        rows.append(
            [
                e.at.isoformat(timespec="minutes") if e.at else "",
                "规则 rules" if e.by_rules else e.rater,
                status_label(e.status, e.provisional),
                _percent_cell(e.percent),
                remark,
                evidence,
            ]
        )
    click.echo(table(rows, ["时间", "评价人", "状态", "进度", "说明", "证据"], limits=[16, 12, 10, 6, 30, 30]))
