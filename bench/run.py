#!/usr/bin/env python
"""Benchmarks for workreport: ``python bench/run.py [--json] [--timeout S] [--no-compiled]``.

1. Throughput of ``workreport.read`` + ``workreport.extract`` against ``jieba.lcut`` on the
   28 provincial reports of the shared corpus and on the seed reports (same texts, same run,
   CPU seconds of this process); says whether the build is pure Python or compiled. The other
   build is measured in the same run too, in a subprocess that imports a copy of this
   checkout's package (bench/compiled.py: compiled by mypyc, built once and cached, when the
   imported build is pure; a copy without extension modules when it is compiled) and times
   jieba itself, so each ratio has its baseline from its own process (``--no-compiled``: only
   the imported build).
2. Linearity: seconds per MB on a normal report against a ~10 MB input made of distinct
   reports (bench/make_corpus.py's variations of the input reports, no prose line twice, so
   the reader does not fold them into one copy) plus pathological runs (long digit runs, 万
   runs, 、 runs, ...). Each pathological run is also probed alone at growing sizes to find
   super-linear cases.
3. Peak memory (maxrss) of the 10 MB run.
4. Shapes (bench/linearity.py): time per MB of distinct long lines, lists, number-dense
   sentences and deep nesting against a normal report, for the number reader alone and for
   the whole extract (``--shapes-size MB``, ``--no-shapes`` to skip).

The 10 MB run happens in a child process with a time limit, so a super-linear case is
reported (with its cProfile hotspot) instead of hanging the benchmark. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import glob
import importlib
import importlib.metadata
import inspect
import io
import json
import logging
import math
import os
import platform
import pstats
import re
import resource
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MB = 1_000_000  # bytes of UTF-8 text

GOAL_THROUGHPUT = 2.0  # ours / jieba, at least (pure Python)
GOAL_COMPILED = 3.5  # ours / jieba, at least, when the extractor's modules are compiled
GOAL_LINEARITY = 2.0  # s/MB pathological / s/MB normal, at most
BIG_BYTES = 10 * MB
MIN_TIME = 1.0  # seconds per measurement round
ROUNDS = 3
PROBE_TARGET = 0.25  # a probe doubles n until one call takes this long (or n reaches full size)
SUPERLINEAR_EXPONENT = 1.5  # time ~ n**k with k above this is flagged


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- inputs


def seed_paths() -> tuple[list[Path], str]:
    shared = os.environ.get("WORKREPORT_SHARED", "/work/shared")
    seeds = sorted(Path(p) for p in glob.glob(os.path.join(shared, "seeds", "*.txt")))
    if seeds:
        return seeds, f"{shared}/seeds"
    fallback = sorted((ROOT / "tests" / "data" / "reports").glob("*.txt"))
    return fallback, "tests/data/reports (fallback: no seeds found)"


def province_paths() -> tuple[list[Path], str]:
    """The 28 provincial reports of the shared corpus (none: an empty list)."""
    shared = os.environ.get("WORKREPORT_SHARED", "/work/shared")
    folder = os.path.join(shared, "corpus", "provinces-2026")
    return sorted(Path(p) for p in glob.glob(os.path.join(folder, "*.txt"))), folder


def build_kind() -> str:
    """``compiled`` when the extractor's hot modules are extension modules (the optional mypyc
    build: README "Compiled build"), ``pure Python`` when none is, else ``mixed``; a stale
    in-place build says so (workreport.buildinfo, as ``workreport --version``)."""
    from workreport.buildinfo import describe

    return describe()


def _no_punct(text: str) -> str:
    return "".join(c for c in text if not unicodedata.category(c).startswith(("P", "Z", "C")))


def pathological_cases(report_text: str) -> list[tuple[str, str, Callable[[int], str], int]]:
    """(name, description, make(n) -> run of n units, full n)."""
    flat = _no_punct(report_text) or "发展经济建设推进改革"
    # a 1,000-char piece from the body (numbers and units in it), repeated: the same content
    # at every n, so time against n measures scaling, not where the numbers happen to be
    flat = flat[len(flat) // 4 :][:1000] or flat

    def line(n: int) -> str:
        return (flat * (n // len(flat) + 1))[:n]

    return [
        (
            "digits",
            "100,000 digits in a row",
            lambda n: "1234567890" * (n // 10) + "1234567890"[: n % 10],
            100_000,
        ),
        ("wan", "10,000 万 in a row", lambda n: "万" * n, 10_000),
        ("dunhao", "50,000 、 in a row", lambda n: "、" * n, 50_000),
        ("no_punct_line", "20,000-char line, report text without punctuation", line, 20_000),
        ("one_comma", "10,000 x '1,'", lambda n: "1," * n, 10_000),
        ("percent", "5 runs of 10,000 %", lambda n: "%" * n, 10_000),
        ("zengzhang", "增长 repeated 20,000 times", lambda n: "增长" * n, 20_000),
    ]


def extra_cases() -> list[tuple[str, str, Callable[[int], str], int]]:
    """Probed alone only, not part of the 10 MB input (so not part of the goal): a run of
    Chinese numerals, which a regex with an unguarded leading numeral class scans quadratically."""
    return [
        ("cjk_numerals", "10,000 一 in a row (probe only)", lambda n: "一" * n, 10_000),
    ]


PERCENT_RUNS = 5  # the percent case is inserted this many times


def build_big(
    paths: list[Path],
    cases: list[tuple[str, str, Callable[[int], str], int]],
    exclude: set[str],
    target: int = BIG_BYTES,
    seed: int = 0,
) -> tuple[str, dict[str, int]]:
    """~target bytes: distinct reports made from the reports at ``paths``, with the pathological
    runs spread through them.

    Copies of one report would not do: the reader keeps one copy of a text that holds the
    report several times (a prose line that repeats starts another copy), so the rest would
    never reach extraction. The reports are bench/make_corpus.py's variations of the bases
    (``make_corpus.distinct_reports``: another jurisdiction and years, shuffled paragraphs, a
    third of the numbers changed, then every prose line that still repeats one before it made
    new), so no prose line occurs twice in the whole input."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import make_corpus

    bases = make_corpus.bases_of(paths)
    if not bases:
        raise ValueError(f"no base reports: the reader finds no jurisdiction, level and plan year in {paths}")
    reports = make_corpus.distinct_reports(seed, bases, make_corpus._names_by_level())
    runs: list[tuple[str, str]] = []
    for name, _desc, make, n in cases:
        if name in exclude:
            continue
        for _ in range(PERCENT_RUNS if name == "percent" else 1):
            runs.append((name, make(n)))
    run_bytes = sum(len(r.encode()) + 2 for _, r in runs)
    parts: list[str] = []
    total, left_out = 0, 0
    while total + run_bytes < target:
        report, left = next(reports)
        parts.append(report)
        total += len(report.encode()) + 2
        left_out += left
    # spread the runs evenly among the report copies, each as its own paragraph
    every = max(1, len(parts) // (len(runs) + 1))
    out: list[str] = []
    pending = list(runs)
    for i, p in enumerate(parts):
        out.append(p)
        if pending and (i + 1) % every == 0:
            out.append(pending.pop(0)[1])
    out.extend(r for _, r in pending)
    return "\n\n".join(out) + "\n", {
        "reports": len(parts),
        "bases": len(bases),
        "lines_left_out": left_out,
        "pathological_runs": len(runs),
    }


# --------------------------------------------------------------------------- timing


def rate_round(fn: Callable[[], Any], min_time: float) -> tuple[int, float]:
    """Whole passes of ``fn`` until ``min_time`` CPU seconds of this process have passed.

    CPU time, not wall time: on a shared machine other processes slow both sides alike in
    wall time, but not by the same amount from one round to the next."""
    calls, t0 = 0, time.process_time()
    while True:
        fn()
        calls += 1
        el = time.process_time() - t0
        if el >= min_time:
            return calls, el


def other_throughput(src: Path, paths: list[Path]) -> dict[str, Any]:
    """Section 1 for the other build: ``throughput`` in a subprocess whose PYTHONPATH puts the
    copy's ``src`` first, jieba included (its own baseline, in its own process)."""
    import compiled

    cmd = [sys.executable, str(Path(__file__).resolve()), "--_throughput", *map(str, paths)]
    try:
        done = subprocess.run(
            cmd, env=compiled.env_with(src), cwd=src.parent, capture_output=True, text=True, timeout=900
        )
    except subprocess.TimeoutExpired:
        return {"error": "timed out after 900 s"}
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["?"])[-1]}
    res: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if not Path(res["workreport_file"]).resolve().is_relative_to(src.resolve()):
        return {"error": f"the subprocess imported {res['workreport_file']}, not the copy in {src}"}
    return res


def throughput_child(paths: list[str]) -> None:
    """In a fresh process (the other build's copy first on PYTHONPATH): ``throughput`` over
    ``paths``; print JSON."""
    import workreport

    res = throughput([(Path(p), workreport.read(p).text) for p in paths])
    res["workreport_file"] = workreport.__file__
    res["build"] = build_kind()  # also without jieba, which sets it only with a ratio
    print(json.dumps(res))


def phrase_memos() -> list[Any]:
    """The extractor's bounded memos (``functools.lru_cache`` with a ``maxsize``: numerals,
    units, indicator phrases read before), which ``throughput`` empties before each pass: a pass
    over reports it has just read found every phrase there, 12–15% faster on the provincial
    reports than their first reading, which is what a user running them meets. The unbounded
    ``cache`` functions, which load the rules once a process, stay loaded."""
    found = []
    for name, module in list(sys.modules.items()):
        if module is None or not name.startswith("workreport.pipeline"):
            continue
        for value in vars(module).values():
            parameters = getattr(value, "cache_parameters", None)
            if callable(parameters) and parameters().get("maxsize") is not None and value not in found:
                found.append(value)
    return found


def throughput(texts: list[tuple[Path, str]]) -> dict[str, Any]:
    import workreport

    nbytes = sum(len(t.encode("utf-8")) for _, t in texts)
    nchars = sum(len(t) for _, t in texts)
    paths = [p for p, _ in texts]

    def ours() -> None:
        for memo in memos:  # each pass as the first over these reports (see phrase_memos)
            memo.cache_clear()
        for p in paths:
            workreport.extract(workreport.read(p))

    memos: list[Any] = []
    ours()  # the rules loaded and the patterns compiled, as in any run after its first report
    memos = phrase_memos()
    try:
        import jieba  # type: ignore[import-untyped]

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        strs = [t for _, t in texts]

        def base() -> None:
            for t in strs:
                jieba.lcut(t)

        base()
        jieba_version = getattr(jieba, "__version__", "?")
    except ImportError:
        base, jieba_version = None, None  # type: ignore[assignment]

    best_ours = best_base = 0.0  # passes over all texts per second
    for _ in range(ROUNDS):  # rounds interleaved so drift hits both sides alike
        calls, el = rate_round(ours, MIN_TIME)
        best_ours = max(best_ours, calls / el)
        if base is not None:
            calls, el = rate_round(base, MIN_TIME)
            best_base = max(best_base, calls / el)
    res: dict[str, Any] = {
        "files": [str(p) for p in paths],
        "bytes": nbytes,
        "chars": nchars,
        "ours_mb_s": best_ours * nbytes / MB,
        "ours_chars_s": best_ours * nchars,
        "jieba_version": jieba_version,
    }
    if base is not None:
        res["jieba_mb_s"] = best_base * nbytes / MB
        res["jieba_chars_s"] = best_base * nchars
        res["ratio"] = best_ours / best_base
        res["build"] = build_kind()
        goal = GOAL_COMPILED if res["build"].startswith("compiled") else GOAL_THROUGHPUT
        res["goal"] = f">= {goal} ({res['build']})"
        res["met"] = res["ratio"] >= goal
    return res


# --------------------------------------------------------------------------- probes


def _time_once(text: str) -> float:
    import workreport

    doc = workreport.read_bytes(text.encode("utf-8"), "probe.txt")
    t0 = time.process_time()  # CPU seconds: on a busy machine wall time bends the exponent
    workreport.extract(doc)
    return time.process_time() - t0


def _best_time(text: str) -> float:
    best, spent, reps = math.inf, 0.0, 0
    while reps < 3 and (reps == 0 or spent < 0.1):
        t = _time_once(text)
        best, spent, reps = min(best, t), spent + t, reps + 1
    return best


def probe(make: Callable[[int], str], full: int) -> dict[str, Any]:
    """Time extract on the run alone, doubling n (full n included on the way) until one call
    takes PROBE_TARGET seconds, past full n if need be, so the exponent k of time ~ n**k
    comes from the last two sizes with times large enough not to be noise."""
    n = min(full, 1000)
    points: list[tuple[int, float]] = []
    while True:
        points.append((n, _best_time(make(n) + "\n")))
        if points[-1][1] >= PROBE_TARGET or n >= 16 * full:
            break
        n = full if n < full < 2 * n else 2 * n
    (n1, t1), (n2, t2) = (points[-2], points[-1]) if len(points) > 1 else (points[0], points[0])
    k = math.log(t2 / t1) / math.log(n2 / n1) if n2 > n1 and t1 > 0 and t2 > 0 else 1.0
    at_full = next((t for m, t in points if m == full), None)
    return {
        "points": points,
        "exponent": k,
        "largest_n": n2,
        "time_s": t2,
        "s_per_mb": t2 / (len((make(n2) + "\n").encode()) / MB),
        "full_s": at_full if at_full is not None else t2 * (full / n2) ** max(k, 1.0),
        "full_measured": at_full is not None,
        "superlinear": bool(k > SUPERLINEAR_EXPONENT and t2 >= 0.05),
    }


def hotspot(text: str) -> dict[str, Any]:
    """cProfile the extract of ``text``; the function with most own time, and the module-level
    regexes whose own cost grows super-linearly on this input (cProfile charges regex
    matching to the Python function that iterates the matches)."""
    import workreport

    doc = workreport.read_bytes(text.encode("utf-8"), "probe.txt")
    prof = cProfile.Profile()
    prof.enable()
    workreport.extract(doc)
    prof.disable()
    st = pstats.Stats(prof, stream=io.StringIO())
    rows = sorted(st.stats.items(), key=lambda kv: kv[1][2], reverse=True)  # type: ignore[attr-defined]
    total = sum(v[2] for _, v in rows) or 1e-9
    top = []
    for (file, line, func), (_cc, _nc, tt, ct, _callers) in rows[:3]:
        with contextlib.suppress(ValueError):
            file = str(Path(file).resolve().relative_to(ROOT))
        top.append(
            {"function": func, "where": f"{file}:{line}", "own_s": tt, "cum_s": ct, "share": tt / total}
        )
    return {"top": top, "regexes": _regex_hotspots(text)}


def _regex_hotspots(text: str) -> list[dict[str, Any]]:
    """Module-level compiled patterns of workreport whose finditer over ``text`` (and over
    half of it) shows a growth exponent above the threshold."""
    out: list[dict[str, Any]] = []
    half = text[: len(text) // 2]
    for modname in (
        "workreport.extract",
        "workreport.numerals",
        "workreport.structure",
        "workreport.normalise",
        "workreport.read",
    ):
        try:
            mod = importlib.import_module(modname)
            src_lines = inspect.getsource(mod).splitlines()
        except (ImportError, OSError, TypeError):
            continue
        for name, pat in vars(mod).items():
            if not isinstance(pat, re.Pattern) or not isinstance(pat.pattern, str):
                continue
            t0 = time.perf_counter()
            sum(1 for _ in pat.finditer(half))
            t1 = time.perf_counter()
            sum(1 for _ in pat.finditer(text))
            t2 = time.perf_counter()
            a, b = t1 - t0, t2 - t1
            if b < 0.02 or a <= 0:
                continue
            k = math.log(b / a) / math.log(len(text) / max(1, len(half)))
            if k <= SUPERLINEAR_EXPONENT:
                continue
            line = next(
                (i + 1 for i, s in enumerate(src_lines) if re.match(rf"{re.escape(name)}\s*[:=]", s)), None
            )
            users = [i + 1 for i, s in enumerate(src_lines) if re.search(rf"\b{re.escape(name)}\.\w+\(", s)]
            path = Path(mod.__file__ or modname)
            with contextlib.suppress(ValueError):
                path = path.resolve().relative_to(ROOT)
            out.append(
                {
                    "regex": f"{modname}.{name}",
                    "defined": f"{path}:{line}",
                    "used_at_lines": users,
                    "time_s": b,
                    "exponent": k,
                }
            )
    return sorted(out, key=lambda r: r["time_s"], reverse=True)


# --------------------------------------------------------------------------- the 10 MB run


def child(path: str, warm: str) -> None:
    """In a fresh process: warm up, then time read + extract of ``path``; print JSON. Imports
    this checkout's src first, as main() does (the same package in both processes)."""
    sys.path.insert(0, str(ROOT / "src"))
    import workreport

    workreport.extract(workreport.read(warm))
    base_rss = _peak_rss_kb()
    t0 = time.process_time()  # CPU seconds, as section 1's baseline
    doc = workreport.read(path)
    t1 = time.process_time()
    facts = workreport.extract(doc)
    t2 = time.process_time()
    peak = _peak_rss_kb()
    print(
        json.dumps(
            {
                "read_s": t1 - t0,
                "extract_s": t2 - t1,
                "facts": len(facts),
                "chars": len(doc.text),
                "rss_before_kb": base_rss,
                "peak_rss_kb": peak,
                "workreport_file": workreport.__file__,
            }
        )
    )


def _peak_rss_kb() -> int:
    # ru_maxrss survives fork+exec on Linux, so a child started by a big parent reports the
    # parent's size; VmHWM belongs to this process image only.
    own = _vm_hwm_kb(os.getpid())
    return own if own is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _vm_hwm_kb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def big_run(text: str, warm: Path, timeout: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "big_10mb.txt")
        data = text.encode("utf-8")
        with open(path, "wb") as fh:
            fh.write(data)
        cmd = [sys.executable, str(Path(__file__).resolve()), "--_child", path, str(warm)]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        t0 = time.perf_counter()
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            hwm = _vm_hwm_kb(proc.pid)
            proc.kill()
            proc.communicate()
            return {
                "bytes": len(data),
                "timed_out": True,
                "timeout_s": timeout,
                "elapsed_s": time.perf_counter() - t0,
                "peak_rss_kb": hwm,
            }
        if proc.returncode != 0:
            return {"bytes": len(data), "error": (err.strip().splitlines() or ["?"])[-1]}
        res: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
        res["bytes"] = len(data)
        res["timed_out"] = False
        res["s_per_mb"] = (res["read_s"] + res["extract_s"]) / (len(data) / MB)
        return res


# --------------------------------------------------------------------------- report


def fmt_int(x: float) -> str:
    return f"{x:,.0f}"


def verdict(met: bool | None) -> str:
    return "n/a" if met is None else ("MET" if met else "NOT MET")


def print_other(kind: str, t: dict[str, Any] | None) -> None:
    """The other build's lines of one set in section 1, labelled with its kind."""
    short = "compiled" if kind.startswith("compiled") else "pure"
    if t is None or "error" in t:
        print(f"   {kind} build: failed: {t and t.get('error')}")
        return
    print(f"   {short + ' read+extract':28}{t['ours_mb_s']:>10.3f}{fmt_int(t['ours_chars_s']):>14}    ({kind} build, subprocess)")
    if "ratio" in t:
        print(f"   {'jieba.lcut (its baseline)':28}{t['jieba_mb_s']:>10.3f}{fmt_int(t['jieba_chars_s']):>14}")
        print(f"   {'ratio ' + short + '/jieba':28}{t['ratio']:>10.2f}    goal {t['goal']}: {verdict(t['met'])}")


def print_text(r: dict[str, Any]) -> None:  # noqa: C901  (one printed section per figure, top to bottom)
    env = r["env"]
    print(
        f"workreport bench  (workreport {env['workreport']}, python {env['python']}, "
        f"jieba {env.get('jieba') or 'missing'}, {env['cpus']} CPUs, {env['machine']})"
    )
    print(f"total runtime {r['runtime_s']:.1f} s; MB = 1,000,000 bytes of UTF-8 text")
    print()
    print(f"1. Throughput: workreport.read + workreport.extract vs jieba.lcut (baseline); build: {build_kind()}")
    print(f"   best of {ROUNDS} rounds, each >= {MIN_TIME:g} CPU s; MB/s per CPU second of this process")
    other = r.get("other_build") or {}
    if other.get("src"):
        print(
            f"   and the {other['build']} build: {other['note']}; measured in a subprocess, "
            "with jieba again there (its own baseline)"
        )
    elif other:
        print(f"   the {other['build']} build: not measured: {other['note']}")
    sets = r.get("throughput_sets") or {"seeds": r.get("throughput")}
    for name, t in sets.items():
        if t is None or "error" in t:
            print(f"   {name}: failed: {t and t.get('error')}")
            continue
        print(
            f"   {name}: {t['inputs']}: {len(t['files'])} files, {fmt_int(t['bytes'])} bytes, "
            f"{fmt_int(t['chars'])} chars"
        )
        print(f"   {'':28}{'MB/s':>10}{'chars/s':>14}")
        print(f"   {'workreport read+extract':28}{t['ours_mb_s']:>10.3f}{fmt_int(t['ours_chars_s']):>14}")
        if "ratio" in t:
            print(f"   {'jieba.lcut (baseline)':28}{t['jieba_mb_s']:>10.3f}{fmt_int(t['jieba_chars_s']):>14}")
            print(f"   {'ratio ours/jieba':28}{t['ratio']:>10.2f}    goal {t['goal']}: {verdict(t['met'])}")
        else:
            print("   jieba not installed: no baseline, no ratio (pip install -e '.[bench]')")
        if other.get("src"):
            print_other(other["build"], other.get("sets", {}).get(name))
    print()
    lin = r.get("linearity", {})
    print("2. Linearity: read+extract seconds per MB, ~10 MB pathological input vs normal report (baseline)")
    if "error" in lin:
        print(f"   failed: {lin['error']}")
    else:
        big = lin.get("big", {})
        print(f"   {'normal report (baseline)':34}{lin['normal_s_per_mb']:>9.3f} s/MB   (seeds, from 1.)")
        if big.get("timed_out"):
            print(
                f"   {'10 MB pathological input':34}{'> ' + format(lin['big_s_per_mb_at_least'], '.3f'):>9} s/MB   "
                f"(TIMED OUT after {big['timeout_s']:.0f} s on {big['bytes'] / MB:.2f} MB)"
            )
            print(
                f"   {'ratio pathological/normal':34}{'> ' + format(lin['ratio_at_least'], '.2f'):>9}        "
                f"goal <= {GOAL_LINEARITY}: NOT MET"
            )
        elif "error" in big:
            print(f"   10 MB run failed: {big['error']}")
        else:
            print(
                f"   {'10 MB pathological input':34}{big['s_per_mb']:>9.3f} s/MB   "
                f"({big['bytes'] / MB:.2f} MB: read {big['read_s']:.2f} s + extract {big['extract_s']:.2f} s, "
                f"{fmt_int(big['facts'])} facts)"
            )
            print(
                f"   {'ratio pathological/normal':34}{lin['ratio']:>9.2f}        "
                f"goal <= {GOAL_LINEARITY}: {verdict(lin['met'])}"
            )
        print(f"   input: {lin['composition']}")
        print()
        print("   each pathological run alone, extract time as n doubles (time ~ n^k):")
        print(
            f"   {'case':15}{'full n':>9}{'full n s':>11}{'probed n':>10}{'time s':>9}{'s/MB':>9}{'k':>6}  verdict"
        )
        for name, p in lin["probes"].items():
            full_s = f"{p['full_s']:.3f}" if p["full_measured"] else f"~{p['full_s']:.0f}"
            print(
                f"   {name:15}{fmt_int(p['full_n']):>9}{full_s:>11}{fmt_int(p['largest_n']):>10}{p['time_s']:>9.3f}"
                f"{p['s_per_mb']:>9.2f}{p['exponent']:>6.2f}  "
                f"{'SUPER-LINEAR' if p['superlinear'] else 'ok'}"
                f"{'' if p.get('in_big_input', True) else '  (probe only, not in the 10 MB input)'}"
            )
        for name, h in lin.get("hotspots", {}).items():
            print(f"   hotspot for {name!r} (cProfile, n={fmt_int(lin['probes'][name]['largest_n'])}):")
            for row in [x for x in h["top"] if x["share"] >= 0.05][:2]:
                print(
                    f"     {row['function']} at {row['where']}: {row['own_s']:.3f} s own time "
                    f"({row['share']:.0%} of total)"
                )
            for rx in h["regexes"]:
                print(
                    f"     regex {rx['regex']} (defined {rx['defined']}, used at lines "
                    f"{', '.join(map(str, rx['used_at_lines']))}): {rx['time_s']:.3f} s, k={rx['exponent']:.2f}"
                )
        ex = lin.get("big_excluding")
        if ex is not None:
            names = ", ".join(lin["excluded"])
            if ex.get("timed_out"):
                print(f"   without {names}: TIMED OUT after {ex['timeout_s']:.0f} s")
            elif "error" in ex:
                print(f"   without {names}: failed: {ex['error']}")
            else:
                print(
                    f"   {'10 MB input without ' + names:34}{ex['s_per_mb']:>9.3f} s/MB   ratio "
                    f"{lin['ratio_excluding']:.2f} (goal <= {GOAL_LINEARITY}: {verdict(lin['met_excluding'])}) "
                    "-- for information only; the goal is judged on the full input"
                )
    print()
    mem = r.get("memory", {})
    print("3. Peak memory of the 10 MB run (child process peak RSS)")
    if mem.get("peak_rss_mb") is None:
        print("   unavailable")
    else:
        extra = ""
        if mem.get("before_mb") is not None:
            extra = (
                f"; {mem['before_mb']:.1f} MB after imports+warm-up, so "
                f"+{mem['peak_rss_mb'] - mem['before_mb']:.1f} MB for the run"
            )
        at = " (at the time limit, run unfinished)" if mem.get("at_timeout") else ""
        print(f"   peak RSS {mem['peak_rss_mb']:.1f} MB{at}{extra}")
        if mem.get("per_input_mb") is not None:
            print(f"   = {mem['per_input_mb']:.1f} x the input size")
        if mem.get("excluding_peak_rss_mb") is not None:
            print(
                f"   complete 10 MB run without {', '.join(mem['excluding'])}: peak RSS "
                f"{mem['excluding_peak_rss_mb']:.1f} MB ({mem['excluding_before_mb']:.1f} MB after imports+warm-up, "
                f"+{mem['excluding_peak_rss_mb'] - mem['excluding_before_mb']:.1f} MB for the run; "
                f"{mem['excluding_per_input_mb']:.1f} x the input size)"
            )


def shapes(size_mb: float, timeout: float) -> dict[str, Any]:
    """Step 4: bench/linearity.py's shapes, each against a normal report."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    linearity = importlib.import_module("linearity")
    log("4. shapes (bench/linearity.py) ...")
    res: dict[str, Any] = linearity.run(size_mb, timeout)
    res["text"] = linearity.report(res)
    return res


def main() -> int:  # noqa: C901  (the benchmark's steps in order, each guarded so the others still run)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    ap.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="time limit of the 10 MB run in seconds (default: adaptive, 30..90)",
    )
    ap.add_argument("--shapes-size", type=float, default=1.0, help="MB per shape in step 4 (default 1)")
    ap.add_argument("--shapes-timeout", type=float, default=60.0, help="seconds per run in step 4")
    ap.add_argument("--no-shapes", action="store_true", help="skip step 4 (bench/linearity.py)")
    ap.add_argument(
        "--no-compiled",
        action="store_true",
        help="section 1 measures only the imported build, not the other one (the compiled copy "
        "of bench/compiled.py when the imported build is pure, a pure copy when it is compiled)",
    )
    ap.add_argument("--_child", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("--_throughput", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._child:
        child(*args._child)
        return 0
    if args._throughput:  # the other build's section 1: its copy is first on PYTHONPATH
        throughput_child(args._throughput)
        return 0

    started = time.perf_counter()
    sys.path.insert(0, str(ROOT / "src"))  # harmless when installed editable
    import workreport

    try:
        jieba_version: str | None = importlib.metadata.version("jieba")
    except importlib.metadata.PackageNotFoundError:
        jieba_version = None
    r: dict[str, Any] = {
        "env": {
            "workreport": workreport.__version__,
            "python": platform.python_version(),
            "jieba": jieba_version,
            "cpus": os.cpu_count(),
            "machine": platform.machine(),
        }
    }
    paths, where = seed_paths()
    if not paths:
        print("no input reports found (no seeds, no tests/data/reports/*.txt)", file=sys.stderr)
        return 1
    r["inputs"] = where
    texts = [(p, workreport.read(p).text) for p in paths]

    # 1. throughput: the provincial reports, then the seeds (the seeds are section 2's baseline);
    # each also for the other build (a copy of this checkout, in a subprocess), right after
    other: dict[str, Any] | None = None
    if not args.no_compiled:
        sys.path.insert(0, str(ROOT / "bench"))
        import compiled

        from workreport.buildinfo import build_kind as imported_kind

        kind, src, note = compiled.other_build(imported_kind())
        other = {"build": kind, "src": str(src) if src else None, "note": note, "sets": {}}
        r["other_build"] = other
        log(f"1. the {kind} build: {note}")
    r["throughput_sets"] = {}
    provinces, folder = province_paths()
    for name, set_paths, set_where in (("provinces", provinces, folder), ("seeds", paths, where)):
        if not set_paths:
            continue
        log(f"1. throughput ({name}) ...")
        try:
            res = throughput([(p, workreport.read(p).text) for p in set_paths])
            res["inputs"] = set_where
        except Exception as exc:  # keep going: the other figures are still worth having
            res = {"error": f"{type(exc).__name__}: {exc}"}
        r["throughput_sets"][name] = res
        if other and other["src"]:
            log(f"1. throughput ({name}), {other['build']} build in a subprocess ...")
            other["sets"][name] = other_throughput(Path(other["src"]), set_paths)
            other["sets"][name]["inputs"] = set_where
    r["throughput"] = r["throughput_sets"].get("seeds", {"error": "no seeds"})

    # 2. linearity
    lin: dict[str, Any] = {}
    r["linearity"] = lin
    try:
        t = r["throughput"]
        if "ours_mb_s" in t:
            normal = 1.0 / t["ours_mb_s"]
        else:  # throughput failed: time one pass
            nbytes = sum(len(x.encode()) for _, x in texts)
            t0 = time.perf_counter()
            for p, _ in texts:
                workreport.extract(workreport.read(p))
            normal = (time.perf_counter() - t0) / (nbytes / MB)
        lin["normal_s_per_mb"] = normal
        reports = [x for _, x in texts]
        cases = pathological_cases(reports[0])
        log("2. probing pathological runs ...")
        lin["probes"] = {}
        lin["descriptions"] = {n: d for n, d, _, _ in cases}
        extras = extra_cases()
        for name, _desc, make, full in cases + extras:
            pr = probe(make, full)
            pr["full_n"] = full
            pr["in_big_input"] = name not in {e[0] for e in extras}
            lin["probes"][name] = pr
        # super-linear runs that are part of the 10 MB input
        flagged = [n for n, p in lin["probes"].items() if p["superlinear"] and p["in_big_input"]]
        lin["hotspots"] = {}
        for name, _desc, make, _full in cases + extras:
            if lin["probes"][name]["superlinear"]:
                try:
                    lin["hotspots"][name] = hotspot(make(lin["probes"][name]["largest_n"]) + "\n")
                except Exception as exc:
                    lin["hotspots"][name] = {"top": [], "regexes": [], "error": str(exc)}
        text, comp = build_big(paths, cases, exclude=set())
        lin["composition"] = (
            f"{comp['reports']} distinct reports varied from the {comp['bases']} input reports by bench/make_corpus.py "
            f"(no prose line twice; {comp['lines_left_out']} repeated lines left out) + "
            f"{comp['pathological_runs']} runs: " + "; ".join(d for _, d, _, _ in cases)
        )
        # twice the time the goal allows: a run that times out has a ratio of at least 2 x goal
        timeout = args.timeout or max(30.0, min(90.0, 2 * GOAL_LINEARITY * normal * BIG_BYTES / MB))
        log(f"2. 10 MB run (time limit {timeout:.0f} s) ...")
        big = big_run(text, paths[0], timeout)
        lin["big"] = big
        if big.get("timed_out"):
            lin["big_s_per_mb_at_least"] = big["timeout_s"] / (big["bytes"] / MB)
            lin["ratio_at_least"] = lin["big_s_per_mb_at_least"] / normal
            lin["ratio"], lin["met"] = None, False
        elif "s_per_mb" in big:
            lin["ratio"] = big["s_per_mb"] / normal
            lin["met"] = lin["ratio"] <= GOAL_LINEARITY
        else:
            lin["ratio"], lin["met"] = None, None
        lin["goal"] = f"<= {GOAL_LINEARITY}"
        if flagged and (big.get("timed_out") or not lin.get("met")):
            log(f"2. 10 MB run without {', '.join(flagged)} ...")
            text2, _ = build_big(paths, cases, exclude=set(flagged))
            ex = big_run(text2, paths[0], timeout)
            lin["excluded"] = flagged
            lin["big_excluding"] = ex
            if "s_per_mb" in ex:
                lin["ratio_excluding"] = ex["s_per_mb"] / normal
                lin["met_excluding"] = lin["ratio_excluding"] <= GOAL_LINEARITY
        # 3. memory
        peak = big.get("peak_rss_kb")
        before = big.get("rss_before_kb")
        r["memory"] = {
            "peak_rss_mb": peak * 1024 / MB if peak else None,
            "before_mb": before * 1024 / MB if before else None,
            "at_timeout": bool(big.get("timed_out")),
            "per_input_mb": (peak * 1024) / big["bytes"] if peak and "bytes" in big else None,
            "how": "child process peak RSS (VmHWM; ru_maxrss where /proc is missing)",
        }
        ex = lin.get("big_excluding", {})
        if big.get("timed_out") and ex.get("peak_rss_kb"):
            r["memory"]["excluding"] = lin["excluded"]
            r["memory"]["excluding_peak_rss_mb"] = ex["peak_rss_kb"] * 1024 / MB
            r["memory"]["excluding_before_mb"] = ex["rss_before_kb"] * 1024 / MB
            r["memory"]["excluding_per_input_mb"] = ex["peak_rss_kb"] * 1024 / ex["bytes"]
    except Exception as exc:
        lin["error"] = f"{type(exc).__name__}: {exc}"
    if not args.no_shapes:
        try:
            r["shapes"] = shapes(args.shapes_size, args.shapes_timeout)
        except Exception as exc:  # the other figures are still worth printing
            r["shapes"] = {"error": f"{type(exc).__name__}: {exc}"}
    r["runtime_s"] = time.perf_counter() - started
    if args.json:
        print(json.dumps(r, ensure_ascii=False, indent=None, default=str))
    else:
        print_text(r)
        if "shapes" in r:
            print(r["shapes"].get("text") or f"shapes: {r['shapes'].get('error')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
