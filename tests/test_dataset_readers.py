"""The Parquet datasets are readable by pandas, polars and DuckDB, partitions included."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPORTS
from workreport.batch import extract_corpus, read_dataset


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dataset")
    result = extract_corpus([REPORTS], out, workers=1)
    assert result.ok and result.done >= 4
    return out


def test_pandas_polars_and_duckdb_read_the_same_rows(dataset: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    pl = pytest.importorskip("polars")
    pd = pytest.importorskip("pandas")
    expected = read_dataset(dataset, "facts").num_rows
    assert expected > 100
    pattern = str(dataset / "facts" / "**" / "*.parquet")
    rows, years, levels = duckdb.sql(
        f"select count(*), count(distinct year), count(distinct level) from read_parquet('{pattern}', "
        "hive_partitioning = true)"
    ).fetchall()[0]
    assert rows == expected and years >= 3 and levels >= 3
    frame = pl.scan_parquet(pattern, hive_partitioning=True).collect()
    assert frame.height == expected and {"year", "level", "value", "unit", "quote"} <= set(frame.columns)
    table = pd.read_parquet(dataset / "facts")
    assert len(table) == expected and {"year", "level"} <= set(table.columns)
    documents = pd.read_parquet(dataset / "documents")
    assert len(documents) == len(list(REPORTS.glob("*.txt")))


def test_reading_a_folder_that_holds_no_dataset_is_an_error_not_an_empty_table(tmp_path: Path) -> None:
    from workreport.errors import InputError

    with pytest.raises(InputError, match="no dataset folder"):
        read_dataset(tmp_path / "missing", "facts")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="holds no dataset"):
        read_dataset(tmp_path / "other", "documents")
