"""``workreport panel``: one indicator's targets for one year across levels, as a research panel."""

from __future__ import annotations

import json
from pathlib import Path

import click

from workreport.cli.common import DB_OPTION, YEAR, emit, fails_cleanly, main, open_db


@main.command("panel")
@click.option("--indicator", default="gdp", show_default=True, help="Indicator id (rules/indicators.toml).")
@click.option("--year", type=YEAR, default=None, help="The year the targets are due (required unless --schema).")
@click.option("--measure", default=None, help="growth, level, share …; default: the measure with most targets.")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json", "parquet"]), default="csv", show_default=True
)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write here (whole or not at all) instead of stdout; required for parquet.")
@click.option("--schema", is_flag=True, help="Print (or write with -o) the panel's JSON Schema instead.")
@DB_OPTION
@fails_cleanly
def panel_cmd(
    indicator: str, year: int | None, measure: str | None, fmt: str, output: Path | None, schema: bool, db: str | None
) -> None:
    """The escalation panel: every place's target of INDICATOR due in YEAR beside its parent's
    (place, level, parent, year, indicator, target, comparator, previous year's outcome,
    parent's target, gap, outcome, status), as the web app's /escalation.csv and .json."""
    from workreport.errors import InputError
    from workreport.publish import panel

    if schema:
        emit(json.dumps(panel.panel_schema(), ensure_ascii=False, indent=1) + "\n", output)
        return
    if year is None:
        raise InputError("--year is required (the year the targets are due), unless --schema")
    if fmt == "parquet" and output is None:
        raise InputError("Parquet is binary: name a file with -o")
    database = open_db(db)
    try:
        rows = panel.panel_rows(panel.escalation(database, indicator, year, measure=measure))
    finally:
        database.close()
    if fmt == "parquet":
        assert output is not None
        panel.panel_parquet(rows, output)
        click.echo(f"wrote {output} ({len(rows)} rows)", err=True)
        return
    emit(panel.panel_json(rows) if fmt == "json" else panel.panel_csv(rows), output)
