"""The simulation's local dates of instants (the daily tallies of the assessment) are
each instant's own local date, in zones whose offsets are not whole hours too."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from urbangov.sim._findings import local_ordinals

ZONES = ["Asia/Shanghai", "Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe",
         "America/St_Johns", "Europe/London"]  # fmt: skip
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@given(
    st.lists(st.integers(1_072_915_200, 1_893_456_000), min_size=1, max_size=200),
    st.sampled_from(ZONES),
)
def test_each_instant_gets_its_own_local_date(seconds: list[int], zone: str) -> None:
    tz = ZoneInfo(zone)
    ns = np.array(seconds, dtype=np.int64) * 10**9
    expected = [(EPOCH + dt.timedelta(seconds=s)).astimezone(tz).date().toordinal()
                for s in seconds]  # fmt: skip
    assert local_ordinals(ns, tz).tolist() == expected


def test_half_hour_offsets_change_the_date_inside_a_utc_hour() -> None:
    # 18:29 and 18:31 UTC are 23:59 and 00:01 in India (+05:30)
    ns = np.array([18 * 3600 + 29 * 60, 18 * 3600 + 31 * 60], dtype=np.int64) * 10**9
    days = local_ordinals(ns, ZoneInfo("Asia/Kolkata"))
    assert days.tolist() == [dt.date(1970, 1, 1).toordinal(), dt.date(1970, 1, 2).toordinal()]
