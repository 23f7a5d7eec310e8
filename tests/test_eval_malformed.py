"""`workreport eval` and its library functions on malformed answer keys, predictions files,
tracking keys and options: one GoldError (or a usage error) naming the file, the fact or line
and the field, a non-zero exit, never a traceback; and nothing malformed scored silently.

Everything is made here, in tmp_path: a small report and its answer key in the FACTS.md §7
format, so these tests need nothing outside the repository.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import workreport
from workreport.cli import main
from workreport.pipeline.evaluate import load_predictions
from workreport.registry.evaluate import load_track_key

TEXT = "一、2023年工作回顾\n全市地区生产总值增长5.5%,城镇新增就业3.2万人。\n二、2024年工作安排\n全市地区生产总值增长6%左右。\n"
DOCUMENT = "report.txt"


def _fact(quote: str, value: float, unit: str, measure: str, comparator: str, kind: str, indicator: str,
          indicator_id: str | None, period: int) -> dict[str, Any]:  # fmt: skip
    start = TEXT.index(quote)
    return {
        "start": start,
        "end": start + len(quote),
        "quote": quote,
        "value": value,
        "value_max": None,
        "unit": unit,
        "measure": measure,
        "comparator": comparator,
        "kind": kind,
        "indicator": indicator,
        "indicator_id": indicator_id,
        "hedge": None,
        "period": period,
        "scope": None,
        "classifier": None,
    }


def _key() -> dict[str, Any]:
    return {
        "document": DOCUMENT,
        "regions": [[0, len(TEXT)]],
        "facts": [
            _fact("5.5%", 5.5, "%", "growth", "=", "actual", "地区生产总值", "gdp", 2023),
            _fact("3.2万人", 32000, "person", "level", "=", "actual", "城镇新增就业", "jobs_urban_new", 2023),
            _fact("6%左右", 6, "%", "growth", "~", "target", "地区生产总值", "gdp", 2024),
        ],
    }


def _write_key(tmp_path: Path, change: Callable[[dict[str, Any]], None] | None = None) -> Path:
    """The report and its answer key in tmp_path, the key changed by ``change``."""
    (tmp_path / DOCUMENT).write_text(TEXT, encoding="utf-8")
    key = _key()
    if change is not None:
        change(key)
    path = tmp_path / "report.txt.gold.json"
    path.write_text(json.dumps(key, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def _write_predictions(tmp_path: Path, bad_line: str) -> Path:
    """A predictions file: a good fact on line 1, ``bad_line`` on line 2."""
    path = tmp_path / "pred.jsonl"
    good = json.dumps(_key()["facts"][0], ensure_ascii=False)
    path.write_text(good + "\n" + bad_line + "\n", encoding="utf-8")
    return path


def _cli(*args: str) -> tuple[int, str]:
    """``workreport eval ARGS`` in this process: exit code and everything it printed. An
    exception the command let through (a traceback for a user) fails the test."""
    result = CliRunner().invoke(main, ["eval", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"eval let {type(result.exception).__name__} through: {result.exception}"
    )
    return result.exit_code, result.output


def _subprocess(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workreport.cli", "eval", *args], capture_output=True, text=True, timeout=120
    )


def _set(field: str, value: Any, n: int = 0) -> Callable[[dict[str, Any]], None]:
    def change(key: dict[str, Any]) -> None:
        key["facts"][n][field] = value

    return change


def _drop(field: str) -> Callable[[dict[str, Any]], None]:
    def change(key: dict[str, Any]) -> None:
        del key["facts"][0][field]

    return change


def _top(field: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(key: dict[str, Any]) -> None:
        key[field] = value

    return change


def _swap_span(key: dict[str, Any]) -> None:
    f = key["facts"][1]
    f["start"], f["end"] = f["end"], f["start"]


def _beyond_text(key: dict[str, Any]) -> None:
    f = key["facts"][2]
    f["start"], f["end"] = len(TEXT) + 10, len(TEXT) + 14


# (a change that makes the key malformed, words its error must hold besides the file's name)
MALFORMED_KEYS: dict[str, tuple[Callable[[dict[str, Any]], None], list[str]]] = {
    "start is a string": (_set("start", "x"), ["fact 0", "start", "'x'"]),
    "regions is a string": (_top("regions", "all"), ["regions", "'all'"]),
    "a region is not a pair": (_top("regions", [[0]]), ["region 0"]),
    "a region ends before it starts": (_top("regions", [[50, 10]]), ["region 0", "[50, 10]"]),
    "value is not a number": (_set("value", "abc"), ["fact 0", "value", "'abc'"]),
    "value is NaN": (_set("value", float("nan")), ["fact 0", "value", "finite"]),
    "kind is not one FACTS.md lists": (_set("kind", "wish"), ["fact 0", "kind", "'wish'", "target, actual"]),
    "measure is unknown": (_set("measure", "amount", 1), ["fact 1", "measure", "'amount'"]),
    "comparator is unknown": (_set("comparator", ">", 2), ["fact 2", "comparator", "'>'"]),
    "indicator_id is a number": (_set("indicator_id", 5), ["fact 0", "indicator_id"]),
    "period is not a year": (_set("period", 20235), ["fact 0", "period", "20235"]),
    "unit is empty": (_set("unit", ""), ["fact 0", "unit"]),
    "a required field is missing": (_drop("quote"), ["fact 0", "lacks quote"]),
    "start after end": (_swap_span, ["fact 1", "start", "end"]),
    "span beyond the text": (_beyond_text, ["fact 2", "beyond the end", DOCUMENT]),
    "quote is not the text at the span": (_set("quote", "7%"), ["fact 0", "quote", "'7%'", "'5.5%'"]),
    "a fact is not an object": (_top("facts", [5]), ["fact 0", "not a JSON object"]),
    "facts is not a list": (_top("facts", {}), ["facts", "not a list"]),
    "document is not a name": (_top("document", 7), ["document"]),
}


# the cases only the document's text shows (GoldKey.check_text, or load_gold with the text)
AGAINST_THE_TEXT = {"span beyond the text", "quote is not the text at the span"}


@pytest.mark.parametrize("case", sorted(MALFORMED_KEYS))
def test_a_malformed_key_is_one_gold_error_from_the_library(case: str, tmp_path: Path) -> None:
    change, words = MALFORMED_KEYS[case]
    path = _write_key(tmp_path, change)
    if case in AGAINST_THE_TEXT:
        key = workreport.load_gold(path)  # well formed, but not for this text
        with pytest.raises(workreport.GoldError) as caught:
            key.check_text(TEXT)
        with pytest.raises(workreport.GoldError):
            workreport.load_gold(path, text=TEXT)
    else:
        with pytest.raises(workreport.GoldError) as caught:
            workreport.load_gold(path)
    message = str(caught.value)
    assert str(path) in message
    for word in words:
        assert word in message, (word, message)


@pytest.mark.parametrize("case", sorted(MALFORMED_KEYS))
@pytest.mark.parametrize("with_predictions", [False, True], ids=["extractor", "predictions"])
def test_eval_refuses_a_malformed_key(case: str, with_predictions: bool, tmp_path: Path) -> None:
    change, words = MALFORMED_KEYS[case]
    path = _write_key(tmp_path, change)
    args = [str(path)]
    if with_predictions:
        args += ["--predictions", str(_write_predictions(tmp_path, ""))]  # the good fact only
    code, out = _cli(*args)
    assert code == 1, out
    assert out.startswith("workreport: error: ") and len(out.strip().splitlines()) == 1, out
    assert str(path) in out
    for word in words:
        assert word in out, (word, out)


@pytest.mark.parametrize(
    ("change", "words"),
    [(_set("start", "x"), ["fact 0", "start"]), (_top("regions", "all"), ["regions"])],
    ids=["start is a string", "regions is a string"],
)
def test_the_command_prints_no_traceback_for_a_malformed_key(
    change: Callable[[dict[str, Any]], None], words: list[str], tmp_path: Path
) -> None:
    path = _write_key(tmp_path, change)
    proc = _subprocess(str(path))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.stderr.startswith(f"workreport: error: {path}: ")
    for word in words:
        assert word in proc.stderr


def test_a_key_that_is_not_utf8_is_one_gold_error(tmp_path: Path) -> None:
    path = _write_key(tmp_path)
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    with pytest.raises(workreport.GoldError, match="not UTF-8"):
        workreport.load_gold(path)
    code, out = _cli(str(path))
    assert code == 1 and str(path) in out and "not UTF-8" in out


# (a line of a predictions file, words its error must hold besides "pred.jsonl:2")
MALFORMED_LINES = {
    "start is a string": ('{"start": "a", "end": 3}', ["start", "'a'"]),
    "a list, not an object": ("[]", ["not a JSON object"]),
    "a string, not an object": ('"5%"', ["not a JSON object"]),
    "no span": ('{"value": 5, "unit": "%"}', ["lacks start, end"]),
    "start after end": ('{"start": 9, "end": 3, "value": 5, "unit": "%"}', ["start 9", "end 3"]),
    "value is not a number": ('{"start": 22, "end": 26, "value": "abc", "unit": "%"}', ["value", "'abc'"]),
    "kind is unknown": ('{"start": 22, "end": 26, "value": 5.5, "unit": "%", "kind": "wish"}', ["kind", "'wish'"]),
    "section is not a list": ('{"start": 22, "end": 26, "value": 5.5, "unit": "%", "section": 3}', ["section"]),
}


@pytest.mark.parametrize("case", sorted(MALFORMED_LINES))
def test_a_malformed_predictions_line_is_one_gold_error_naming_the_line(case: str, tmp_path: Path) -> None:
    line, words = MALFORMED_LINES[case]
    pred = _write_predictions(tmp_path, line)
    with pytest.raises(workreport.GoldError) as caught:
        load_predictions(pred)
    assert str(caught.value).startswith(f"{pred}:2: ")
    for word in words:
        assert word in str(caught.value)
    code, out = _cli(str(_write_key(tmp_path)), "--predictions", str(pred))
    assert code == 1, out
    assert f"{pred}:2: " in out and len(out.strip().splitlines()) == 1, out
    for word in words:
        assert word in out


def test_a_predictions_line_with_a_string_start_prints_no_traceback(tmp_path: Path) -> None:
    pred = _write_predictions(tmp_path, '{"start":"a","end":3}')
    proc = _subprocess(str(_write_key(tmp_path)), "--predictions", str(pred))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.stderr.startswith(f"workreport: error: {pred}:2: ") and "start" in proc.stderr


def test_predictions_take_one_gold_only(tmp_path: Path) -> None:
    key = _write_key(tmp_path)
    pred = _write_predictions(tmp_path, "")
    code, out = _cli(str(key), str(key), "--predictions", str(pred))
    assert code == 2, out  # a usage error
    assert "--predictions" in out and "one GOLD" in out


def test_predictions_and_labels_do_not_go_with_track(tmp_path: Path) -> None:
    key = _write_key(tmp_path)
    pred = _write_predictions(tmp_path, "")
    code, out = _cli("--track", str(key), "--predictions", str(pred))
    assert code == 2 and "--predictions" in out, out
    code, out = _cli("--track", str(key), "--labels")
    assert code == 2 and "--labels" in out, out


def test_show_refuses_a_negative_number(tmp_path: Path) -> None:
    code, out = _cli(str(_write_key(tmp_path)), "--show", "-1")
    assert code == 2, out
    assert "--show" in out and "-1" in out


def test_a_valid_key_is_scored_as_before(tmp_path: Path) -> None:
    path = _write_key(tmp_path)
    key = workreport.load_gold(path)
    assert key.regions == [(0, len(TEXT))] and len(key.facts) == 3
    s = workreport.score(key.facts, key.facts, key.regions, labels=True)
    assert (s.f1, s.strict_f1, s.accuracy["indicator_label"]) == (1.0, 1.0, 1.0)
    # the key's own facts as predictions, with fields a predictions file may add or leave out
    pred = tmp_path / "pred.jsonl"
    lines = [{**f, "document": DOCUMENT} for f in key.facts]
    del lines[1]["indicator_id"], lines[1]["quote"]
    pred.write_text("\n".join(json.dumps(f, ensure_ascii=False) for f in lines) + "\n", encoding="utf-8")
    assert load_predictions(pred) == lines
    code, out = _cli(str(path), "--predictions", str(pred), "--json")
    assert code == 0, out
    figures = json.loads(out)[str(path)]
    assert (figures["gold"], figures["predicted"], figures["matched"], figures["f1"]) == (3, 3, 3, 1.0)
    code, out = _cli(str(path), "--show", "0")
    assert code == 0 and "strict F1" in out, out


def _target(**changes: Any) -> list[dict[str, Any]]:
    """A tracking key's targets: one, with ``changes``."""
    target = {"start": 0, "end": 3, "quote": "20%", "value": 20, "value_max": None, "comparator": ">="}
    entry = {"indicator": "地区生产总值", "measure": "growth", "unit": "%", "target": target,
             "outcome": None, "status": "unknown", "provisional": False}  # fmt: skip
    entry.update(changes)
    return [entry]


def _track_key(tmp_path: Path, **changes: Any) -> Path:
    """A tracking key over the two example reports shipped in the package, copied to tmp_path."""
    examples = Path(workreport.__file__).parent / "examples"
    for name in ("example_newarea_2022.txt", "example_city_2023.txt"):
        shutil.copy(examples / name, tmp_path / name)
    key: dict[str, Any] = {
        "jurisdiction": "兰州新区",
        "period": 2022,
        "plan_document": "example_newarea_2022.txt",
        "review_document": "example_city_2023.txt",
        "regions": [[0, 100]],
        "targets": _target(indicator_id="gdp"),
        "not_annual": [],
        **changes,
    }
    path = tmp_path / "key.track.json"
    path.write_text(json.dumps(key, ensure_ascii=False), encoding="utf-8")
    return path


MALFORMED_TRACK_KEYS = {
    "a target is not an object": ({"targets": ["x"]}, ["target 0", "not a JSON object"]),
    "targets is not a list": ({"targets": "all"}, ["targets"]),
    "period is a string": ({"period": "2022"}, ["period"]),
    "status is unknown": ({"targets": _target(status="wish")}, ["target 0", "status", "'wish'"]),
    "a target value is a string": (
        {"targets": _target(target={"start": 0, "end": 3, "quote": "20%", "value": "20"})},
        ["target 0", "value"],
    ),
    "an outcome without a value": ({"targets": _target(outcome={"start": 5, "end": 8})}, ["outcome", "value"]),
    "a not_annual span reversed": ({"not_annual": [{"start": 9, "end": 2}]}, ["not_annual 0", "start 9"]),
    "regions is a string": ({"regions": "all"}, ["regions"]),
}


def test_a_well_formed_tracking_key_loads(tmp_path: Path) -> None:
    assert load_track_key(_track_key(tmp_path))["targets"][0]["status"] == "unknown"


@pytest.mark.parametrize("case", sorted(MALFORMED_TRACK_KEYS))
def test_a_malformed_tracking_key_is_one_gold_error(case: str, tmp_path: Path) -> None:
    changes, words = MALFORMED_TRACK_KEYS[case]
    path = _track_key(tmp_path, **changes)
    with pytest.raises(workreport.GoldError) as caught:
        load_track_key(path)
    assert str(path) in str(caught.value)
    for word in words:
        assert word in str(caught.value), (word, str(caught.value))


def test_eval_track_refuses_a_malformed_tracking_key_without_a_traceback(tmp_path: Path) -> None:
    path = _track_key(tmp_path, targets=["x"])
    proc = _subprocess("--track", str(path))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.stderr.startswith(f"workreport: error: {path}: target 0"), proc.stderr
