"""The indicator vocabulary (rules/indicators.toml) is well formed data."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest

RULES = Path(__file__).resolve().parent.parent / "src" / "workreport" / "rules" / "indicators.toml"

# FACTS.md §5: the answer keys use these ids
FIXED = [
    "gdp", "gdp_per_capita", "va_primary", "va_secondary", "va_tertiary", "va_industry_above_scale",
    "va_industry", "va_construction", "fai", "fai_industry", "retail_sales", "online_retail",
    "budget_revenue", "tax_revenue", "income_urban", "income_rural", "income", "cpi", "energy_intensity",
    "jobs_urban_new", "unemployment_surveyed", "unemployment_registered", "trade", "exports", "fdi_actual",
    "fdi_contracted", "rd_intensity", "high_tech_firms_new", "tech_contracts", "grain_output", "grain_area",
    "air_good_days_ratio", "urbanization", "market_entities_new", "firms_above_scale_new",
]
MEASURES = {"level", "growth", "share", "change", "change_pp", "rank", "change_rank"}
UNITS = {"CNY", "USD", "%", "pp", "person", "person_time", "household", "mu", "hectare", "km2", "m2", "km", "m",
         "ton", "steam_ton", "MW", "day", "rank", "count"}
GENERIC = {"投资", "收入", "产值", "增加值", "总额", "产量", "面积", "利润", "营收", "营业收入", "规模", "总量"}


@pytest.fixture(scope="module")
def vocab() -> dict[str, dict]:
    data = tomllib.loads(RULES.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if k != "narrower"}


def test_size(vocab: dict[str, dict]) -> None:
    assert len(vocab) >= 250
    assert sum(1 for spec in vocab.values() if spec["names"]) >= 250, "ids that can be matched"


def test_fixed_ids_exist(vocab: dict[str, dict]) -> None:
    assert len(FIXED) == 35
    missing = [k for k in FIXED if k not in vocab]
    assert not missing
    assert all(vocab[k]["names"] for k in FIXED)


def test_fields(vocab: dict[str, dict]) -> None:
    for key, spec in vocab.items():
        assert re.fullmatch(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*", key), key
        assert set(spec) <= {"en", "names", "held", "measure", "unit", "better", "nbs"}, key
        assert isinstance(spec["en"], str) and spec["en"].strip(), key
        assert isinstance(spec["names"], list) and all(isinstance(n, str) and n for n in spec["names"]), key
        assert spec["names"] or spec.get("held"), f"{key} has no name at all"
        assert spec["measure"] in MEASURES, key
        unit = spec["unit"]
        assert isinstance(unit, str) and unit, key
        assert unit in UNITS or not re.fullmatch(r"[A-Za-z_]+", unit) or unit == "EUR", f"{key}: unit {unit}"
        assert spec["better"] in ("higher", "lower"), key
        if "nbs" in spec:
            assert isinstance(spec["nbs"], str) and spec["nbs"], key


def test_no_name_claimed_twice(vocab: dict[str, dict]) -> None:
    owners = Counter(n for spec in vocab.values() for n in spec["names"] + spec.get("held", []))
    assert not [n for n, c in owners.items() if c > 1]
    for spec in vocab.values():
        assert len(set(spec["names"])) == len(spec["names"])


def test_no_generic_heads(vocab: dict[str, dict]) -> None:
    names = {n for spec in vocab.values() for n in spec["names"]}
    assert not names & GENERIC


def test_lower_is_better_where_it_should_be(vocab: dict[str, dict]) -> None:
    for key in ("cpi", "energy_intensity", "unemployment_surveyed", "unemployment_registered", "deficit_ratio",
                "cod_emissions", "ammonia_nitrogen_emissions", "so2_emissions", "nox_emissions", "pm25",
                "co2_intensity", "water_per_gdp", "rural_poor_population"):
        assert vocab[key]["better"] == "lower", key


def test_narrower_kept() -> None:
    data = tomllib.loads(RULES.read_text(encoding="utf-8"))
    prefixes = data["narrower"]["prefixes"]
    for p in ("脱贫地区", "扣除", "民间", "城镇", "农村", "中央"):
        assert p in prefixes


def test_longest_suffix_is_the_longest_word_the_phrase_ends_with() -> None:
    """The suffix tables (indicator names, link words, verbs) look up only the lengths of the
    words ending in a phrase's last character: the answer is still the longest of all the words
    the phrase ends with, for every phrase of real report sentences and every word itself."""
    from workreport.pipeline.extract.reading import _name_table, _object_verbs, _verb_suffixes

    text = (Path(__file__).parent / "data" / "reports").glob("*.txt")
    sample = "".join(p.read_text(encoding="utf-8") for p in sorted(text))[:20000]
    for table in (_name_table()[0], *_verb_suffixes()[:2], _object_verbs()):
        words = list(table._words)
        phrases = [sample[a:b] for a in range(0, len(sample) - 12, 7) for b in (a, a + 3, a + 8, a + 12)]
        phrases += ["的" + w for w in words] + [w[1:] for w in words]
        for phrase in phrases:
            want = max((w for w in words if phrase.endswith(w)), key=len, default=None)
            assert table.longest(phrase) == want, phrase
