"""The checks of a standard that no single item can make: points adding up level by
level, prices fitting the places, rules their items allow, sources the standard weighs
(private; every problem is returned with its path)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from urbangov._internal.documents import dotted
from urbangov.errors import StandardError
from urbangov.frozen import FrozenMap
from urbangov.params import did_you_mean
from urbangov.scoring._items import Item
from urbangov.scoring._numbers import decimals
from urbangov.scoring._rates import RateBands, RateLinear
from urbangov.scoring._rules import Given, PerCase, PerFinding, PerTrigger, RankAdjust, Rule

__all__ = ["WEIGHT_PARAMETERS", "check"]

PathKey = tuple[str | int, ...]

#: The Policy parameters (``assessment.<name>``) a standard may take its top-level
#: weights from (``weights_from``).
WEIGHT_PARAMETERS = ("composite_weights", "grid_worker_weights")


def check(std: Any) -> list[tuple[PathKey, StandardError]]:
    """Every problem of a standard's values that the items alone cannot see."""
    out: list[tuple[PathKey, StandardError]] = []

    def problem(path: PathKey, message: str, hint: str | None = None) -> None:
        out.append((path, StandardError(message, field=dotted(path) or None, hint=hint)))

    if std.missing not in ("no_data", "full"):
        problem(
            ("missing",),
            f"{std.missing!r} is not a way to treat missing data",
            "use 'no_data' or 'full'",
        )
    if std.weights_from is not None and std.weights_from not in WEIGHT_PARAMETERS:
        problem(
            ("weights_from",),
            f"{std.weights_from!r} is no weights parameter",
            did_you_mean(std.weights_from, WEIGHT_PARAMETERS),
        )
    if std.source_weights and sum(std.source_weights.values()) != 1:
        problem(
            ("source_weights",),
            f"the source weights add up to {sum(std.source_weights.values())}, not 1",
            "make the weights of the sources add up to 1",
        )
    if not std.items:
        problem(("items",), "the standard has no items", "add [[items]] tables")
    if std.weights_from is not None:
        for i, item in enumerate(std.items):
            if item.weight is not None:
                problem(
                    ("items", i, "weight"),
                    "a weight is given here and taken from the Policy",
                    "drop weight, or weights_from",
                )
    else:
        _sums(std.items, std.total, ("items",), "the total", problem)
    _check_items(std, std.items, ("items",), problem)
    return out


def _sums(items: tuple[Item, ...], points: Decimal, path: PathKey, what: str, problem: Any) -> None:
    regular = [i for i in items if not i.bonus]
    weighted = [i.weight is not None for i in regular]
    if any(weighted) and not all(weighted):
        problem(
            path,
            "some items have a weight and others not",
            "give every item of the level a weight, or none",
        )
        return
    got = sum(((i.weight if i.weight is not None else 1) * i.points for i in regular), Decimal(0))
    if regular and got != points:
        problem(
            path,
            f"the items' points add up to {got}, not {what} {points}",
            "make the (weighted) points of the items add up to their parent's",
        )


def _check_items(std: Any, items: tuple[Item, ...], path: PathKey, problem: Any) -> None:
    places = std.places
    for i, item in enumerate(items):
        here = (*path, i)
        for name in ("points", "floor"):
            value = getattr(item, name)
            if decimals(value) > places:
                problem(
                    (*here, name),
                    f"{value} has more decimals than places = {places}",
                    "round it, or raise places",
                )
        for source in item.assessed_by:
            if source not in std.source_weights:
                hint = (
                    "weigh it in source_weights"
                    if std.source_weights
                    else "give the standard source_weights, or drop assessed_by"
                )
                problem(
                    (*here, "assessed_by"),
                    f"the source {source.value!r} is not weighed by the standard",
                    hint,
                )
        if item.items:
            _sums(item.items, item.points, (*here, "items"), "the item's", problem)
            _check_items(std, item.items, (*here, "items"), problem)
            continue
        for j, rule in enumerate(item.rules):
            _check_rule(std, item, rule, (*here, "rules", j), problem)


def _check_rule(std: Any, item: Item, rule: Rule, path: PathKey, problem: Any) -> None:
    places = std.places
    if isinstance(rule, RateLinear | Given) and len(item.rules) > 1:
        problem(
            (*path, "kind"),
            f"a {rule.kind} rule sets its item's score, so it must be the item's only rule",
            "move the other rules to an item of their own",
        )
    if isinstance(rule, RateLinear):
        if rule.max > item.points:
            problem(
                (*path, "max"),
                f"max {rule.max} exceeds the item's points {item.points}",
                "give max ≤ points",
            )
        if rule.min < item.floor:
            problem(
                (*path, "min"),
                f"min {rule.min} is below the item's floor {item.floor}",
                "give min ≥ floor",
            )
    if isinstance(rule, RankAdjust) and not item.bonus:
        problem(
            (*path, "kind"),
            "a rank adjustment adds points, so its item must be a bonus item",
            "add bonus = true to the item",
        )
    prices: list[tuple[PathKey, Decimal]] = []
    if isinstance(rule, PerFinding):
        for stage in ("found", "not_fixed", "repeated"):
            for finder, price in getattr(rule, stage).items():
                prices.append(((*path, stage, finder), price))
    elif isinstance(rule, PerCase):
        prices.extend(((*path, "outcomes", k), v) for k, v in rule.outcomes.items())
    elif isinstance(rule, RateBands):
        prices.extend(((*path, "bands", k, "deduct"), b.deduct) for k, b in enumerate(rule.bands))
    elif isinstance(rule, RankAdjust):
        prices.extend(((*path, "by_rank", k), v) for k, v in enumerate(rule.by_rank))
    elif isinstance(rule, PerTrigger):
        prices.extend(((*path, "measures", k), v) for k, v in rule.measures.items())
    multipliers: FrozenMap[Any, Decimal] = getattr(rule, "multipliers", FrozenMap())
    for where, price in prices:
        for factor in (Decimal(1), *multipliers.values()):
            if decimals(price * factor) > places:
                shown = f"{price}" if factor == 1 else f"{price} × {factor} = {price * factor}"
                problem(
                    where,
                    f"{shown} has more decimals than places = {places}",
                    "round the price, or raise the standard's places",
                )
    cap = getattr(rule, "cap", None)
    if cap is not None and decimals(cap) > places:
        problem((*path, "cap"), f"{cap} has more decimals than places = {places}", "round it")
