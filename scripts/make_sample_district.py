"""Generate ``src/urbangov/data/sample_district.toml``: the synthetic sample district.

The seven streets are the ones named in 《城市管理协管员考核办法》篇5 §五(二) (南湖、滨湖、
兴隆、南苑、沙洲、双闸、江心洲 — their bonds are 200,000 and 100,000 yuan). Everything below the
street level (communities, grids, road segments) is synthetic, generated here with a fixed
seed; codes follow docs/hierarchy.md ("Code rules"). The ``[organisation]`` table
comes from ``scripts/make_sample_organisation.py`` and is appended (and checked with
``org.load_city``). Re-running this script rewrites the file byte-identically.

    python scripts/make_sample_district.py
"""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

from urbangov import Hierarchy, Segment
from urbangov.org import merge_organisation_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_sample_organisation

STREETS = ["南湖", "滨湖", "兴隆", "南苑", "沙洲", "双闸", "江心洲"]
ORDINALS = "一二三四五六七八九十"
ROADS = ["江东路", "应天大街", "集庆门大街", "庐山路", "奥体大街", "河西大街", "梦都大街"]
OUT = Path(__file__).resolve().parents[1] / "src" / "urbangov" / "data" / "sample_district.toml"


def build() -> Hierarchy:
    rng = random.Random(20261123)
    rows: list[dict[str, object]] = [
        {"code": "320100", "name": "示例市", "level": "city"},
        {
            "code": "320105",
            "name": "示例区",
            "level": "district",
            "parent": "320100",
            "attributes": {
                "synthetic": True,
                "note": (
                    "streets named after 《城市管理协管员考核办法》篇5 §五(二); all else synthetic"
                ),
            },
        },
    ]
    segments: list[Segment] = []
    for s, street in enumerate(STREETS, start=1):
        street_code = f"320105{s:03d}"
        rows.append(
            {"code": street_code, "name": f"{street}街道", "level": "street", "parent": "320105"}
        )
        for c in range(1, rng.randint(5, 7) + 1):
            community_code = f"{street_code}{c:03d}"
            community = f"{street}{ORDINALS[c - 1]}社区"
            rows.append(
                {
                    "code": community_code,
                    "name": community,
                    "level": "community",
                    "parent": street_code,
                }
            )
            for g in range(1, rng.randint(6, 10) + 1):
                rows.append(
                    {
                        "code": f"{community_code}{g:03d}",
                        "name": f"{community}第{g}网格",
                        "level": "grid",
                        "parent": community_code,
                        # 万米单元网格: about 10,000 m² each (CJ/T 213)
                        "area_m2": float(rng.randrange(8000, 12001, 50)),
                    }
                )
        for r in range(1, 4):
            road = ROADS[(s + r) % len(ROADS)]
            segments.append(
                Segment(
                    f"S{street_code}{r:02d}",
                    f"{road}({street}段{r})",
                    unit=street_code,
                    attributes={"synthetic": True},
                )
            )
    return Hierarchy.from_rows(rows, segments)


def main() -> None:
    h = build()
    h.dump(OUT)
    with tempfile.TemporaryDirectory() as tmp:
        fragment = Path(tmp) / "organisation.toml"
        fragment.write_text(make_sample_organisation.build(h), encoding="utf-8", newline="\n")
        merge_organisation_file(OUT, fragment)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
