"""Generate ``src/urbangov/data/sample_district.toml``: the synthetic sample district.

The seven streets are the ones named in 《城市管理协管员考核办法》篇5 §五(二) (南湖、滨湖、
兴隆、南苑、沙洲、双闸、江心洲 — their bonds are 200,000 and 100,000 yuan). Everything below
the street level (communities, grids, road segments, areas, zone attributes) is synthetic,
generated here with fixed seeds; codes follow the grid-code rules of ``docs/hierarchy.md``.
The ``[organisation]`` table comes from ``scripts/make_sample_organisation.py`` and is
appended (and checked with ``org.load_city``). Re-running this script rewrites the file
byte-identically (a test checks it).

Areas: each grid is a 万米单元网格 of about 10,000 m² (CJ/T 213); the sample lists only a
few of each community's grids, so a community's area (0.4–1.2 km², 江心洲's larger) is its
own, and a street's and the district's are the sums of their parts (streets of a few km²,
as the real streets of such a district are).

Zone attributes (``docs/zones.md``): road segments carry ``road_class``; some grids are next
to a school, a market, a square or a scenic spot (``near``) and record the distance to the
nearest school gate (``distance_m``); one community is next to a railway station and one to
a ferry pier; 江心洲, the street with farmland (涉农街道), is the urban–rural fringe
(``fringe``); one segment is a 严管街 and one community a 规范区 by explicit ``zone``.

    python scripts/make_sample_district.py
"""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

from urbangov import Hierarchy, Segment, ZoneTier
from urbangov.org import merge_organisation_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_sample_organisation

STREETS = ["南湖", "滨湖", "兴隆", "南苑", "沙洲", "双闸", "江心洲"]
ORDINALS = "一二三四五六七八九十"
ROADS = ["江东路", "应天大街", "集庆门大街", "庐山路", "奥体大街", "河西大街", "梦都大街"]
ROAD_CLASS = {
    "江东路": "main",
    "应天大街": "expressway",
    "集庆门大街": "main",
    "庐山路": "secondary",
    "奥体大街": "main",
    "河西大街": "main",
    "梦都大街": "secondary",
}
# Synthetic sites: (street, community, grid) → what the grid is next to, and its distance
# to the nearest school gate in metres (grids beside a school's are inside or outside
# its 100 m buffer).
NEAR = {
    (1, 2, 3): (["school"], 40),
    (1, 2, 4): ([], 80),
    (1, 2, 5): ([], 150),
    (2, 1, 2): (["scenic_spot"], None),
    (3, 3, 1): (["square"], None),
    (4, 2, 6): (["market"], None),
    (5, 1, 1): (["school"], 30),
    (5, 1, 2): ([], 90),
    (6, 4, 2): (["market"], None),
}
COMMUNITY_NEAR = {(4, 3): "station", (7, 1): "port"}
OUT = Path(__file__).resolve().parents[1] / "src" / "urbangov" / "data" / "sample_district.toml"


def build() -> Hierarchy:
    rng = random.Random(20261123)
    sizes = random.Random(20260501)  # community areas: a stream of their own
    rows: list[dict[str, object]] = [
        {"code": "320100", "name": "示例市", "level": "city"},
        {
            "code": "320105",
            "name": "示例区",
            "level": "district",
            "parent": "320100",
            "attributes": {
                "synthetic": True,
                "note": "streets named after 《城市管理协管员考核办法》篇5 §五(二); "
                "all else synthetic",
            },
        },
    ]
    segments: list[Segment] = []
    district_area = 0.0
    for s, street in enumerate(STREETS, start=1):
        street_code = f"320105{s:03d}"
        street_row: dict[str, object] = {
            "code": street_code,
            "name": f"{street}街道",
            "level": "street",
            "parent": "320105",
        }
        if street == "江心洲":
            # the street with farmland (涉农街道): the urban–rural fringe (城郊结合部)
            street_row["attributes"] = {"fringe": True}
        rows.append(street_row)
        street_area = 0.0
        for c in range(1, rng.randint(5, 7) + 1):
            community_code = f"{street_code}{c:03d}"
            community = f"{street}{ORDINALS[c - 1]}社区"
            low, high = (1_500_000, 2_500_000) if street == "江心洲" else (400_000, 1_200_000)
            area = float(sizes.randrange(low, high + 1, 10_000))
            street_area += area
            row: dict[str, object] = {
                "code": community_code,
                "name": community,
                "level": "community",
                "parent": street_code,
                "area_m2": area,
            }
            if (s, c) in COMMUNITY_NEAR:
                row["attributes"] = {"near": [COMMUNITY_NEAR[(s, c)]]}
            if (s, c) == (5, 3):
                row["zone"] = "regulated"  # 规范区 (篇7), designated by the district
            rows.append(row)
            for g in range(1, rng.randint(6, 10) + 1):
                grid: dict[str, object] = {
                    "code": f"{community_code}{g:03d}",
                    "name": f"{community}第{g}网格",
                    "level": "grid",
                    "parent": community_code,
                    # 万米单元网格: about 10,000 m² each (CJ/T 213)
                    "area_m2": float(rng.randrange(8000, 12001, 50)),
                }
                if (s, c, g) in NEAR:
                    near, gate = NEAR[(s, c, g)]
                    attributes: dict[str, object] = {"near": near} if near else {}
                    if gate is not None:
                        attributes["distance_m"] = {"school_gate": gate}
                    grid["attributes"] = attributes
                rows.append(grid)
        street_row["area_m2"] = street_area
        district_area += street_area
        for r in range(1, 4):
            road = ROADS[(s + r) % len(ROADS)]
            attributes = {"synthetic": True, "road_class": ROAD_CLASS[road]}
            zone = None
            if (s, r) == (1, 2):
                # a 严管街 enforced all day (栖霞's), by explicit zone
                attributes["note"] = "严管街"
                zone = ZoneTier.STRICT
            segments.append(
                Segment(
                    f"S{street_code}{r:02d}",
                    f"{road}({street}段{r})",
                    unit=street_code,
                    attributes=attributes,
                    zone=zone,
                )
            )
        # a back alley (背街小巷) of each street's first community
        segments.append(
            Segment(
                f"S{street_code}04",
                f"{street}一社区背街小巷",
                unit=f"{street_code}001",
                attributes={"synthetic": True, "road_class": "alley"},
            )
        )
    rows[1]["area_m2"] = district_area
    return Hierarchy.from_rows(rows, segments)


def write(out: Path = OUT) -> None:
    """Write the sample district (with its organisation) to ``out``."""
    h = build()
    h.dump(out)
    with tempfile.TemporaryDirectory() as tmp:
        fragment = Path(tmp) / "organisation.toml"
        fragment.write_text(make_sample_organisation.build(h), encoding="utf-8", newline="\n")
        merge_organisation_file(out, fragment)


def main() -> None:
    write(OUT)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
