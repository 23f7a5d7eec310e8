"""The progress line of a long run ends before anything else is printed, an error included,
and a batch rolled back by the database for a deadlock is recognised as one to write again."""

from __future__ import annotations

import pytest

from workreport.batch.progress import ProgressBar


def test_the_progress_line_is_ended_when_the_run_stops_half_way(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(RuntimeError), ProgressBar("ingesting", True) as bar:
        bar(1, 8, 1000)
        raise RuntimeError("stopped")
    err = capsys.readouterr().err
    assert err.startswith("\ringesting 1/8") and err.endswith("\n") and err.count("\n") == 1


def test_a_finished_progress_line_is_ended_once(capsys: pytest.CaptureFixture[str]) -> None:
    with ProgressBar("extracting", True) as bar:
        bar(1, 2, 10)
        bar(2, 2, 20)
    err = capsys.readouterr().err
    assert "2/2" in err and err.endswith("left \n") and err.count("\n") == 1


def test_a_hidden_progress_line_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    with ProgressBar("extracting", False) as bar:
        bar(1, 2, 10)
    assert capsys.readouterr().err == ""


def test_deadlocks_and_serialization_failures_are_transient() -> None:
    from workreport.errors import StoreError
    from workreport.store.database import is_transient

    class Orig(Exception):
        def __init__(self, sqlstate: str) -> None:
            self.sqlstate = sqlstate

    class Wrapped(Exception):
        def __init__(self, sqlstate: str) -> None:
            self.orig = Orig(sqlstate)

    def store_error(cause: BaseException | None) -> StoreError:
        exc = StoreError("database: …")
        exc.__cause__ = cause
        return exc

    assert is_transient(store_error(Wrapped("40P01")))  # deadlock detected
    assert is_transient(store_error(Wrapped("40001")))  # serialization failure
    assert not is_transient(store_error(Wrapped("23505")))  # a unique violation is not
    assert not is_transient(store_error(None))
