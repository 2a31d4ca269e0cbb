"""Laws of the policy machinery (urbangov.params), over small fixture sections.

- random valid policies round-trip through dump and load, and re-write byte-identically;
- a random reform of any leaf either validates or raises PolicyError, nothing else;
- ``diff(p, p.reform({k: v}))`` names exactly ``k`` when ``v`` changes it;
- ``Dated.at`` picks the period containing the date, raises on a gap only where there is
  no default, and periods are half-open.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal, Self

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from urbangov.errors import PolicyError
from urbangov.frozen import FrozenMap
from urbangov.params import Dated, Period
from urbangov.policy import Composite, diff
from urbangov.vocabulary import Level


class Tier(StrEnum):
    STRICT = "strict"
    CONTROL = "control"
    GENERAL = "general"


@attrs.frozen
class Minutes:
    """A value type written as a string, "90 min"."""

    amount: int = attrs.field(validator=attrs.validators.ge(0))

    @classmethod
    def from_toml(cls, value: object, *, field: str | None = None) -> Self:
        if isinstance(value, str) and value.endswith(" min") and value[:-4].isdigit():
            return cls(int(value[:-4]))
        raise PolicyError(f"{value!r} is not minutes", field=field, hint="write '90 min'")

    def to_toml(self) -> str:
        return f"{self.amount} min"


@attrs.frozen
class Limits:
    default: Minutes = Minutes(240)
    by_category: FrozenMap[str, Dated[Minutes]] = attrs.field(default=FrozenMap())


@attrs.frozen
class Deadlines:
    limits: Limits = Limits()
    warn_at: tuple[Decimal, ...] = (Decimal("0.5"), Decimal("0.8"))
    restart_on_rework: bool = False
    tier: Tier = Tier.CONTROL
    level: Level = Level.STREET


@attrs.frozen
class Workflow:
    close_without_verification: bool = False
    first_asked_until: Literal["dispatch", "handle", "close"] = "dispatch"
    reward: Dated[Decimal] = attrs.field(default=Dated.always(Decimal("1.0")))
    max_rework: Dated[int] = attrs.field(default=Dated.always(3))
    note: str | None = None
    since: date = date(2024, 1, 1)
    ratio: float = 0.5


@attrs.frozen
class Mini(Composite):
    deadlines: Deadlines = Deadlines()
    workflow: Workflow = Workflow()


# ----------------------------------------------------------------- strategies

ints = st.integers(min_value=-(2**63), max_value=2**63 - 1)
decimals = st.decimals(allow_nan=False, allow_infinity=False, places=4, max_value=10**9)
floats = st.floats(allow_nan=False, allow_infinity=False)
texts = st.text(max_size=12)
dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31))


def dated(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Dated[Any]]:
    """Non-overlapping periods (from sorted distinct dates) and an optional default."""

    @st.composite
    def build(draw: st.DrawFn) -> Dated[Any]:
        cuts = sorted(draw(st.sets(dates, max_size=5)))
        periods: list[Period[Any]] = []
        open_start, open_end = draw(st.booleans()), draw(st.booleans())
        bounds: list[date | None] = [None, *cuts, None]
        for start, until in itertools.pairwise(bounds):
            if (start is None and not open_start) or (until is None and not open_end):
                continue
            if start is None and until is None:
                continue
            if draw(st.booleans()):
                periods.append(Period(draw(values), start, until))
        if not periods or draw(st.booleans()):
            periods.append(Period(draw(values)))
        return Dated(tuple(periods))

    return build()


minutes = st.builds(Minutes, st.integers(min_value=0, max_value=10**6))
limits = st.builds(
    Limits,
    default=minutes,
    by_category=st.dictionaries(st.text(min_size=1, max_size=8), dated(minutes), max_size=3).map(
        FrozenMap
    ),
)
deadlines = st.builds(
    Deadlines,
    limits=limits,
    warn_at=st.lists(decimals, max_size=3).map(tuple),
    restart_on_rework=st.booleans(),
    tier=st.sampled_from(Tier),
    level=st.sampled_from(Level),
)
workflow = st.builds(
    Workflow,
    close_without_verification=st.booleans(),
    first_asked_until=st.sampled_from(["dispatch", "handle", "close"]),
    reward=dated(decimals),
    max_rework=dated(ints),
    note=st.none() | texts,
    since=dates,
    ratio=floats,
)
policies = st.builds(Mini, deadlines=deadlines, workflow=workflow)

# The leaves of Mini and a strategy of valid new values for each.
VALID: dict[str, st.SearchStrategy[Any]] = {
    "deadlines.limits.default": minutes.map(Minutes.to_toml),
    "deadlines.warn_at": st.lists(decimals, max_size=3),
    "deadlines.restart_on_rework": st.booleans(),
    "deadlines.tier": st.sampled_from([t.value for t in Tier]),
    "deadlines.level": st.sampled_from(list(Level)),
    "workflow.close_without_verification": st.booleans(),
    "workflow.first_asked_until": st.sampled_from(["dispatch", "handle", "close"]),
    "workflow.reward": decimals,
    "workflow.max_rework": ints,
    "workflow.note": texts,
    "workflow.since": dates,
    "workflow.ratio": floats,
    "deadlines.limits.by_category.garbage": minutes,
}

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.decimals(),
    st.text(max_size=8),
    dates,
    st.datetimes(),
    minutes.map(Minutes.to_toml),
    st.sampled_from(["strict", "街道", "dispatch", "90 min", "-5 min", "GRID"]),
)
anything = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["value", "from", "until", "x"]), inner, max_size=3)
    ),
    max_leaves=6,
)
paths = st.sampled_from(
    [*VALID, "deadlines", "workflow.reward.x", "workflow.nope", "deadlines.limits.by_category"]
)


# ----------------------------------------------------------------- round trip


@settings(max_examples=60)
@given(policies)
def test_valid_policies_round_trip_through_toml(policy: Mini) -> None:
    text = policy.dumps()
    again = Mini.loads(text)
    assert again == policy
    assert again.dumps() == text


# ----------------------------------------------------------------- reforms


@settings(max_examples=150)
@given(policies, paths, st.none() | dates, st.data())
def test_random_reforms_validate_or_raise_policy_error(
    policy: Mini, path: str, valid_from: date | None, data: st.DataObject
) -> None:
    value = data.draw(anything | VALID.get(path, anything))
    try:
        reformed = policy.reform({path: value}, valid_from=valid_from)
    except PolicyError as error:
        located = error.field
    else:
        located = "ok"
        assert isinstance(reformed, Mini)
        assert Mini.loads(reformed.dumps()) == reformed
    assert located  # every problem names where it is


@settings(max_examples=100)
@given(policies, st.data())
def test_diff_of_a_reform_names_exactly_the_reformed_path(
    policy: Mini, data: st.DataObject
) -> None:
    path = data.draw(st.sampled_from(sorted(VALID)))
    value = data.draw(VALID[path])
    reformed = policy.reform({path: value})
    changes = diff(policy, reformed)
    if reformed == policy:
        assert changes == []
    else:
        assert [c.path for c in changes] == [path]
        assert changes[0].new is not None


@settings(max_examples=60)
@given(policies, dates, ints)
def test_reform_from_a_date_keeps_the_past_and_sets_the_future(
    policy: Mini, when: date, value: int
) -> None:
    reformed = policy.reform({"workflow.max_rework": value}, valid_from=when)
    assert reformed.workflow.max_rework.at(when) == value
    assert reformed.workflow.max_rework.at(when + timedelta(days=400)) == value
    before = when - timedelta(days=1)
    try:
        old = policy.workflow.max_rework.at(before)
    except PolicyError:
        return
    assert reformed.workflow.max_rework.at(before) == old


# ----------------------------------------------------------------- Dated.at


@given(dated(ints), dates)
def test_at_picks_the_containing_period_and_raises_only_without_default(
    value: Dated[int], when: date
) -> None:
    containing = [
        p.value
        for p in value.periods
        if not p.is_default
        and (p.start is None or p.start <= when)
        and (p.until is None or when < p.until)
    ]
    assert len(containing) <= 1  # periods do not overlap
    default = [p.value for p in value.periods if p.is_default]
    expected = containing or default
    if expected:
        assert value.at(when) == expected[0]
    else:
        with pytest.raises(PolicyError, match=str(when)):
            value.at(when)


@given(dated(ints))
def test_periods_are_half_open(value: Dated[int]) -> None:
    for p in value.periods:
        if p.start is not None:
            assert p.covers(p.start)
        if p.until is not None:
            assert not p.covers(p.until)
            assert p.covers(p.until - timedelta(days=1))


@given(st.lists(st.tuples(dates, dates), min_size=2, max_size=4))
def test_overlapping_periods_are_rejected(spans: list[tuple[date, date]]) -> None:
    periods = [
        Period(i, min(a, b), max(a, b) + timedelta(days=1)) for i, (a, b) in enumerate(spans)
    ]
    ordered = sorted(periods, key=lambda p: p.start or date.min)
    overlaps = any(
        x.until is not None and y.start is not None and x.until > y.start
        for x, y in itertools.pairwise(ordered)
    )
    if overlaps:
        with pytest.raises(PolicyError, match="overlap"):
            Dated(tuple(periods))
    else:
        assert Dated(tuple(periods)).periods == tuple(ordered)
