"""Write ``src/urbangov/data/standards/province_checklist.toml``: a province-style
checklist of 10 major items and 291 sub-items (the size of 《河南省城市精细化管理考核项目
及评分标准(试行)》, 10大项291小项), showing that the standard format scales.

Published, and used as such: the major items' names (the first nine) and the weights of
the first eight, from the standard's 综合分 formula (copy read at
https://bdocx.com/doc/9805376.html; it is cut off after the ninth name). urbangov's
placeholders: the ninth weight, the tenth item, every sub-item (names numbered, points
spread evenly) and every price. Run: ``python scripts/make_province_checklist.py``.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import tomli_w

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "urbangov" / "data" / "standards" / "province_checklist.toml"

# (id, name, weight, sub-items, themes): the weights are percents of the 综合分.
MAJORS = [
    ("planning", "城市规划管理", "0.10", 25, ["规划编制", "规划实施", "违法建设查处"]),
    (
        "sanitation",
        "市容环境卫生管理",
        "0.20",
        45,
        ["道路清扫保洁", "垃圾收集清运", "公厕管理", "户外广告", "占道经营"],
    ),
    ("utilities", "城市公用事业管理", "0.10", 25, ["供水", "燃气", "供热"]),
    ("municipal", "市政设施建设与管理", "0.15", 35, ["道路桥梁", "排水设施", "路灯照明", "窨井盖"]),
    ("traffic", "城市综合交通", "0.05", 20, ["公共交通", "停车管理", "交通秩序"]),
    ("landscaping", "城市园林绿化管理", "0.10", 30, ["公园广场", "道路绿化", "绿地养护"]),
    ("construction_sites", "建筑工地管理", "0.05", 20, ["围挡", "扬尘控制", "渣土运输"]),
    ("residential", "住宅小区管理", "0.10", 30, ["物业服务", "环境卫生", "设施维护"]),
    ("enforcement", "建设行政执法队伍管理", "0.10", 35, ["队伍建设", "执法规范", "制度建设"]),
    ("digital", "数字化城市管理", "0.05", 26, ["平台运行", "案件处置", "考核评价"]),
]
assert sum(m[3] for m in MAJORS) == 291
assert sum(Decimal(m[2]) for m in MAJORS) == 1

HEADER = """\
# A province-style checklist (省级城市精细化管理检查考核格式): 10 major items and 291
# sub-items, the size of 《河南省城市精细化管理考核项目及评分标准(试行)》 (10大项291小项,
# named in 迎接全省城市精细化管理检查考核动员会讲话). Each major item is scored out of
# 100 and weighted into the 综合分. The major items' names (the first nine) and the
# weights of the first eight are that standard's (综合分 formula, copy read at
# https://bdocx.com/doc/9805376.html, cut off after the ninth name); the ninth weight,
# the tenth item, every sub-item and every price are urbangov's placeholders.
# Written by scripts/make_province_checklist.py: edit the script, not this file.
"""


def points(n: int) -> list[Decimal]:
    """100 points over ``n`` sub-items in steps of 0.5, the larger ones first."""
    half = Decimal("0.5")
    base = (Decimal(100) / n // half) * half
    extra = int((Decimal(100) - base * n) / half)
    return [base + (half if i < extra else 0) for i in range(n)]


def build() -> dict[str, object]:
    items = []
    for number, (key, name, weight, n, themes) in enumerate(MAJORS, start=1):
        subs = []
        for k, pts in enumerate(points(n), start=1):
            theme = themes[(k - 1) % len(themes)]
            subs.append(
                {
                    "id": f"s{k:02d}",
                    "name": f"{theme}（检查项 {number}.{k}）",
                    "points": pts,
                    "rules": [
                        {
                            "kind": "per_finding",
                            "found": {"province": Decimal("1"), "city": Decimal("0.5")},
                            "not_fixed": {"province": Decimal("2"), "city": Decimal("1")},
                        }
                    ],
                }
            )
        assert sum(s["points"] for s in subs) == 100  # type: ignore[misc]
        items.append(
            {"id": key, "name": name, "points": 100, "weight": Decimal(weight), "items": subs}
        )
    return {
        "kind": "standard",
        "format_version": 1,
        "id": "province_checklist",
        "name": "城市精细化管理考核（省级检查格式，10大项291小项）",
        "total": 100,
        "places": 2,
        "missing": "no_data",
        "normalise": False,
        "source": "《河南省城市精细化管理考核项目及评分标准(试行)》 (format, major items, weights)",
        "items": items,
    }


def main() -> None:
    OUT.write_text(HEADER + tomli_w.dumps(build()), encoding="utf-8", newline="\n")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
