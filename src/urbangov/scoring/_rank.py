"""Rankings (排名), the mobile red flag (流动红旗) and red and black lists (红黑榜)
(private; :mod:`urbangov.scoring` re-exports).

A published ranking depends on how precisely scores are compared and how ties are
broken, so both are arguments, never defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

import attrs

from urbangov.errors import StandardError
from urbangov.frozen import FrozenMap
from urbangov.params import did_you_mean
from urbangov.scoring._composite import CompositeScore, Scored, exact_of
from urbangov.scoring._numbers import decimals, half_up
from urbangov.scoring._sheets import ScoreSheet

__all__ = [
    "Ranked",
    "Ranking",
    "TieRule",
    "black_list",
    "competition_ranks",
    "rank",
    "red_flag",
    "red_list",
]


def _names(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise StandardError(
            f"expected an array of part names, found {value!r}",
            field="then",
            hint='write e.g. ["system"]',
        )
    for v in value:
        if not isinstance(v, str) or not v:
            raise StandardError(f"{v!r} is not a part name", field="then")
    return tuple(value)


@attrs.frozen
class TieRule:
    """How equal scores are ordered (并列).

    Parameters
    ----------
    then
        Parts compared next, in order, higher first (e.g. ``("system",)``: equal totals
        are ordered by the system score). A part is a composite's part or a score
        sheet's top-level item.
    unresolved
        What the red flag does with units still tied for first: ``"share"`` (they all
        hold it, default) or ``"withhold"`` (nobody does this time). Tied units always
        share a rank.

    Examples
    --------
    >>> TieRule(then=("system",)).then
    ('system',)
    """

    then: tuple[str, ...] = attrs.field(default=(), converter=_names)
    unresolved: Literal["share", "withhold"] = "share"

    def __attrs_post_init__(self) -> None:
        if self.unresolved not in ("share", "withhold"):
            raise StandardError(
                f"{self.unresolved!r} is not a way to settle a tie",
                field="unresolved",
                hint="use 'share' or 'withhold'",
            )


@attrs.frozen
class Ranked:
    """A unit's place: its compared score (``None``: no data, 无数据, not ranked), its
    competition rank and its group."""

    unit: str
    score: Decimal | Fraction | None
    rank: int | None
    group: str = ""


@attrs.frozen
class Ranking:
    """Units ranked within their groups: competition ranks (1, 2, 2, 4); units with no
    data listed last in each group, unranked.

    Examples
    --------
    >>> from decimal import Decimal as D
    >>> scores = {"a": D("90"), "b": D("95"), "c": D("90"), "d": None}
    >>> r = rank(scores, tie=TieRule(), precision=D("0.01"))
    >>> [(e.unit, e.rank) for e in r.entries]
    [('b', 1), ('a', 2), ('c', 2), ('d', None)]
    >>> r.rank_of("c"), r.no_data
    (2, ('d',))
    """

    entries: tuple[Ranked, ...]

    def rank_of(self, unit: str) -> int | None:
        """The rank of ``unit`` (``None``: no data)."""
        for entry in self.entries:
            if entry.unit == unit:
                return entry.rank
        raise StandardError(f"{unit!r} is not ranked here", field="unit", hint="rank it first")

    @property
    def groups(self) -> tuple[str, ...]:
        """The groups, in name order."""
        return tuple(dict.fromkeys(e.group for e in self.entries))

    def group(self, name: str) -> tuple[Ranked, ...]:
        """The entries of one group."""
        return tuple(e for e in self.entries if e.group == name)

    @property
    def no_data(self) -> tuple[str, ...]:
        """The units with no data (not ranked)."""
        return tuple(e.unit for e in self.entries if e.rank is None)


def competition_ranks(scores: Mapping[str, Any]) -> FrozenMap[str, int]:
    """Competition ranks (1, 2, 2, 4) of comparable keys, highest first.

    >>> dict(competition_ranks({"a": 3, "b": 5, "c": 3, "d": 1}))
    {'b': 1, 'a': 2, 'c': 2, 'd': 4}
    """
    order = sorted(scores, key=lambda u: (_Desc(scores[u]), u))
    out: dict[str, int] = {}
    for position, unit in enumerate(order, start=1):
        previous = order[position - 2] if position > 1 else None
        if previous is not None and scores[previous] == scores[unit]:
            out[unit] = out[previous]
        else:
            out[unit] = position
    return FrozenMap(out)


class _Desc:
    """Reverses the order of a comparable value (for sorting highest first)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: _Desc) -> bool:
        return bool(self.value > other.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Desc) and bool(self.value == other.value)

    __hash__ = None  # type: ignore[assignment]


def _places(precision: Decimal | None) -> int | None:
    if precision is None:
        return None
    if (
        not isinstance(precision, Decimal)
        or precision <= 0
        or precision != Decimal(1).scaleb(-decimals(precision))
    ):
        raise StandardError(
            f"{precision!r} is not a precision",
            field="precision",
            hint="give a power of ten such as Decimal('0.01'), or None to compare exactly",
        )
    return decimals(precision)


def _compared(value: Fraction | None, places: int | None) -> Decimal | Fraction | None:
    if value is None:
        return None
    return value if places is None else half_up(value, places)


def _parts(value: Scored, names: tuple[str, ...], unit: str) -> tuple[Fraction | None, ...]:
    if not names:
        return ()
    if isinstance(value, CompositeScore):
        found: Mapping[str, Fraction | None] = value.parts
    elif isinstance(value, ScoreSheet):
        found = value.majors()
    else:
        raise StandardError(
            f"the tie rule compares parts {', '.join(names)}, and {unit!r} has a plain score",
            field="tie.then",
            hint="rank composites or score sheets, or use TieRule() to share ranks",
        )
    for name in names:
        if name not in found:
            raise StandardError(
                f"{unit!r} has no part {name!r}", field="tie.then", hint=did_you_mean(name, found)
            )
    return tuple(found[n] for n in names)


def _keys(
    scores: Mapping[str, Scored], tie: TieRule, places: int | None
) -> dict[str, tuple[Any, ...] | None]:
    out: dict[str, tuple[Any, ...] | None] = {}
    for unit, value in scores.items():
        main = _compared(exact_of(value), places)
        if main is None:
            out[unit] = None
            continue
        rest = tuple(_compared(p, places) for p in _parts(value, tie.then, unit))
        out[unit] = (main, *(Fraction(-1) if p is None else p for p in rest))
    return out


def _tie(tie: TieRule | str) -> TieRule:
    if isinstance(tie, TieRule):
        return tie
    if tie == "share":
        return TieRule()
    raise StandardError(
        f"{tie!r} is not a tie rule", field="tie", hint="pass TieRule(...) or 'share'"
    )


def rank(
    scores: Mapping[str, Scored],
    *,
    tie: TieRule | str,
    precision: Decimal | None,
    groups: Mapping[str, str] | None = None,
) -> Ranking:
    """Rank units by score within their groups: competition ranking (1, 2, 2, 4).

    Parameters
    ----------
    scores
        Scores by unit (numbers, composites or score sheets; ``None``: no data — listed,
        not ranked). Sheets and composites are compared on their unrounded value.
    tie
        How equal scores are ordered (:class:`TieRule`, or ``"share"``).
    precision
        What "equal" means: scores rounded half-up to this power of ten are compared
        (``Decimal("0.01")`` for totals published to 2 places), or ``None`` to compare
        exactly. Required: published rankings differ by it.
    groups
        A group per unit (核心区, 中心城区…); default: one group.

    Returns
    -------
    Ranking
        By group (in name order), rank, then unit code: invariant to the order of
        ``scores``.

    Examples
    --------
    Two streets at 94.31 in 南通's August 2017 table are 4th and 5th: equal at 0.01 and
    ordered by their system score.

    >>> from decimal import Decimal as D
    >>> w = {"system": D("0.4"), "on_site": D("0.4"), "duty": D("0.2")}
    >>> parts = {"新开": (D("95.32"), D("93.50"), D("93.90")),
    ...          "钟秀": (D("95.20"), D("92.95"), D("95.25"))}
    >>> from urbangov.scoring import composite, Rounding
    >>> totals = {k: composite(dict(zip(w, v)), w, rounding=Rounding(places=2))
    ...           for k, v in parts.items()}
    >>> ranking = rank(totals, tie=TieRule(then=("system",)), precision=D("0.01"))
    >>> [(e.unit, e.rank) for e in ranking.entries]
    [('新开', 1), ('钟秀', 2)]
    """
    rule = _tie(tie)
    places = _places(precision)
    keys = _keys(scores, rule, places)
    if groups is not None:
        lacking = [u for u in scores if u not in groups]
        if lacking:
            raise StandardError(
                f"no group for {lacking[0]!r}",
                field="groups",
                hint="give every unit a group (or pass groups=None)",
            )
    group_of = {u: (groups[u] if groups is not None else "") for u in scores}
    order = sorted(set(group_of.values()))
    entries: list[Ranked] = []
    for g in order:
        members = [u for u in scores if group_of[u] == g]
        with_data = {u: keys[u] for u in members if keys[u] is not None}
        ranks = competition_ranks(with_data)
        for u in sorted(with_data, key=lambda u: (ranks[u], u)):
            key = with_data[u]
            assert key is not None
            entries.append(Ranked(u, key[0], ranks[u], g))
        entries.extend(
            Ranked(u, None, None, g) for u in sorted(u for u in members if keys[u] is None)
        )
    return Ranking(tuple(entries))


def red_flag(
    scores: Mapping[str, Scored], tie_rule: TieRule | str, *, precision: Decimal | None
) -> tuple[str, ...]:
    """Who holds the mobile red flag (流动红旗): the unit ranked first.

    Units still tied for first after ``tie_rule.then`` share it, or nobody holds it when
    ``tie_rule.unresolved == "withhold"``. Units with no data never hold it.

    >>> from decimal import Decimal as D
    >>> red_flag({"a": D("95"), "b": D("95"), "c": D("90")}, TieRule(), precision=D("0.01"))
    ('a', 'b')
    >>> red_flag({"a": D("95"), "b": D("95")}, TieRule(unresolved="withhold"), precision=D("0.01"))
    ()
    """
    rule = _tie(tie_rule)
    ranking = rank(scores, tie=rule, precision=precision)
    first = tuple(e.unit for e in ranking.entries if e.rank == 1)
    if len(first) > 1 and rule.unresolved == "withhold":
        return ()
    return first


def red_list(scores: Mapping[str, Scored], n: int, *, precision: Decimal | None) -> tuple[str, ...]:
    """The red list (红榜): the top ``n``, with every unit tied at the ``n``-th place
    (so it may be longer); equal scores are not ordered among themselves (listed by
    code).

    榆林 12345, 2022-01: the top 5 of the counties and of the city departments.

    >>> from decimal import Decimal as D
    >>> red_list({"a": D("99"), "b": D("98"), "c": D("98"), "d": D("90")}, 2, precision=D("0.01"))
    ('a', 'b', 'c')
    """
    return _listed(scores, n, precision, top=True)


def black_list(
    scores: Mapping[str, Scored], n: int, *, precision: Decimal | None
) -> tuple[str, ...]:
    """The black list (黑榜): the bottom ``n`` (lowest first), with every unit tied at
    the ``n``-th place from the bottom; equal scores are not ordered (listed by code).

    >>> from decimal import Decimal as D
    >>> black_list({"a": D("99"), "b": D("80"), "c": D("80"), "d": D("90")}, 1, precision=D("0.01"))
    ('b', 'c')
    """
    return _listed(scores, n, precision, top=False)


def _listed(
    scores: Mapping[str, Scored], n: int, precision: Decimal | None, *, top: bool
) -> tuple[str, ...]:
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise StandardError(f"{n!r} is not a list length", field="n", hint="give an int ≥ 0")
    places = _places(precision)
    values = {u: _compared(exact_of(v), places) for u, v in scores.items()}
    present = {u: (v if top else -v) for u, v in values.items() if v is not None}
    ranks = competition_ranks(present)
    return tuple(sorted((u for u, r in ranks.items() if r <= n), key=lambda u: (ranks[u], u)))
