"""bench/scale.py's projection arithmetic: a batch's fixed cost is paid once, not per report."""

from __future__ import annotations

from types import ModuleType

import pytest

from tests.conftest import bench_module


@pytest.fixture(scope="module")
def scale() -> ModuleType:
    return bench_module("scale")


def test_split_fixed_finds_the_start_up_of_a_straight_line(scale: ModuleType) -> None:
    # a batch that costs 2 s to start and 1 s per million characters
    fixed, grows = scale.split_fixed(2 + 0.02, 2 + 3.0, 20_000, 3_000_000)
    assert fixed == pytest.approx(2.0)
    assert grows == pytest.approx(3.0)


def test_split_fixed_never_gives_a_negative_part(scale: ModuleType) -> None:
    # one report that ran slower than the whole corpus's rate allows (a noisy machine)
    assert scale.split_fixed(9.0, 5.0, 20_000, 3_000_000) == (5.0, 0.0)
    # one report that ran faster than its share: no fixed cost, all of it grows
    assert scale.split_fixed(0.001, 3.0, 20_000, 3_000_000) == (0.0, 3.0)


def test_the_fixed_cost_is_added_once_to_every_projection(scale: ModuleType) -> None:
    wall = {"serial_s": 100.0, "parallel_s": 400.0, "fixed_s": 3.0}
    cpu = {"writer_s": 100.0, "workers_s": 400.0, "fixed_s": 3.0}
    assert scale.projected(wall, 1) == pytest.approx(503.0)
    assert scale.projected(wall, 4) == pytest.approx(203.0)
    assert scale.projected(cpu, 2) == pytest.approx(253.0)
    assert scale.projected(cpu, 16) == pytest.approx(103.0)  # the writer alone, then the fixed cost
    assert scale.projected({"serial_s": 1.0, "parallel_s": 2.0}, 2) == pytest.approx(2.0)


def test_the_compiled_model_keeps_the_fixed_cost(scale: ModuleType) -> None:
    cpu = {"writer_s": 100.0, "workers_s": 400.0, "fixed_s": 3.0}
    model = scale.compiled_model(cpu, 2.0, 300.0)
    assert model == {"writer_s": 100.0, "workers_s": 250.0, "fixed_s": 3.0}
