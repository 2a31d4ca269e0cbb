"""Items of a standard and their strict reading from plain data (private).

:class:`Item` is one node of a standard's tree (a major item, a sub-item…). The reader
turns TOML data into items and rules, recording every problem with its dotted path
(``items[2].items[0].rules[1].found.city``); the standard's loader adds the file and
the line. :mod:`urbangov.scoring` re-exports :class:`Item`.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from urbangov._internal.documents import dotted, undotted
from urbangov.errors import StandardError, UrbangovError
from urbangov.params import did_you_mean
from urbangov.scoring._convert import (
    name_text,
    note_text,
    source_text,
    to_decimal,
    to_flag,
    to_optional_decimal,
    to_text,
    to_texts,
)
from urbangov.scoring._rules import RULE_KINDS, Rule
from urbangov.scoring._terms import AssessmentSource

__all__ = ["ITEM_KEYS", "Item", "Reader", "items_of", "rule_to_toml"]

ITEM_KEYS = (
    "id",
    "name",
    "points",
    "floor",
    "bonus",
    "weight",
    "applies_to",
    "assessed_by",
    "source",
    "note",
    "rules",
    "items",
)


def _assessment_sources(value: object) -> tuple[AssessmentSource, ...]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise StandardError(
            f"expected an array of assessment sources, found {value!r}",
            field="assessed_by",
            hint='write e.g. ["monthly", "random"]',
        )
    return tuple(
        AssessmentSource.parse(v, field=f"assessed_by[{i}]", error=StandardError)
        for i, v in enumerate(value)
    )


def _rules(value: object) -> tuple[Rule, ...]:
    if isinstance(value, tuple) and all(type(r) in RULE_KINDS.values() for r in value):
        return value
    reader = Reader()
    rules = reader.rules(value, ("rules",))
    reader.raise_first()
    return rules


def items_of(value: object) -> tuple[Item, ...]:
    if isinstance(value, tuple) and all(isinstance(i, Item) for i in value):
        return value
    reader = Reader()
    items = reader.items(value, ("items",))
    reader.raise_first()
    return items


def _id(value: object) -> str:
    text = to_text("id", empty=False)(value)
    if "." in text or text != text.strip():
        raise StandardError(
            f"{text!r} is not an item id",
            field="id",
            hint="use a word without dots or spaces (paths join ids with dots)",
        )
    return text


_TO_POINTS = to_decimal("points")


def _to_points(value: object) -> Decimal:
    return _TO_POINTS(value)


_TO_FLOOR = to_decimal("floor")


def _to_floor(value: object) -> Decimal:
    return _TO_FLOOR(value)


_TO_BONUS = to_flag("bonus")


def _to_bonus(value: object) -> bool:
    return _TO_BONUS(value)


_TO_WEIGHT_POSITIVE = to_optional_decimal("weight", positive=True)


def _to_weight_positive(value: object) -> Decimal | None:
    return _TO_WEIGHT_POSITIVE(value)


_TO_APPLIES_TO = to_texts("applies_to")


def _to_applies_to(value: object) -> tuple[str, ...]:
    return _TO_APPLIES_TO(value)


@attrs.frozen(kw_only=True)
class Item:
    """One item of an assessment standard: a major item, a sub-item… (考核项目).

    Parameters
    ----------
    id
        Its name among its siblings; a path joins ids with dots (``sanitation.roads``).
    name
        Its title (``道路保洁``).
    points
        Its maximum (分值). A regular item starts at its points and its rules deduct; a
        bonus item (``bonus = true``, 加分项) starts at 0 and its rules add.
    floor
        Its minimum (default 0: 扣完为止). A bonus item's floor may be negative (a rank
        adjustment of −1).
    weight
        Its weight in its parent (default 1); the children's weighted points must add
        up to the parent's points.
    applies_to
        The units it scores: unit kinds (``"street"``, ``"department"``) or unit codes
        (``"hw_station"``); empty: its parent's (at the top, every unit).
    assessed_by
        The assessment sources that score it (empty: its parent's; at the top, every
        source the standard weighs).
    rules
        A leaf's rules; items with children have none.
    items
        Its sub-items.
    source, note
        Where it comes from (a published method, by title), and a remark.

    Examples
    --------
    >>> from decimal import Decimal
    >>> leaf = Item(id="roads", name="道路保洁", points=5,
    ...             rules=[{"kind": "per_finding", "found": {"city": Decimal("0.3")}}])
    >>> leaf.rules[0].price(FindingStage.FOUND, "city")  # FindingStage: urbangov.scoring
    Decimal('0.3')
    >>> Item(id="a.b", points=1)
    Traceback (most recent call last):
    ...
    urbangov.errors.StandardError: id: 'a.b' is not an item id; use a word without dots ...
    """

    id: str = attrs.field(converter=_id)
    name: str = attrs.field(default="", converter=name_text)
    points: Decimal = attrs.field(converter=_to_points)
    floor: Decimal = attrs.field(default=Decimal(0), converter=_to_floor)
    bonus: bool = attrs.field(default=False, converter=_to_bonus)
    weight: Decimal | None = attrs.field(default=None, converter=_to_weight_positive)
    applies_to: tuple[str, ...] = attrs.field(default=(), converter=_to_applies_to)
    assessed_by: tuple[AssessmentSource, ...] = attrs.field(
        default=(), converter=_assessment_sources
    )
    rules: tuple[Rule, ...] = attrs.field(default=(), converter=_rules)
    items: tuple[Item, ...] = attrs.field(default=(), converter=items_of)
    source: str = attrs.field(default="", converter=source_text)
    note: str = attrs.field(default="", converter=note_text)

    def __attrs_post_init__(self) -> None:
        if self.points < 0:
            raise StandardError(
                f"{self.points} points is negative", field="points", hint="give 0 or more"
            )
        if self.floor > self.points:
            raise StandardError(
                f"the floor {self.floor} exceeds the points {self.points}",
                field="floor",
                hint="a floor is the lowest score (default 0)",
            )
        if self.bonus and self.floor > 0:
            raise StandardError(
                "a bonus item's floor is above 0", field="floor", hint="give 0 or less"
            )
        if self.items and self.rules:
            raise StandardError(
                "an item has both sub-items and rules",
                field="rules",
                hint="put the rules on its sub-items (leaves)",
            )
        if not self.items and not self.rules:
            raise StandardError(
                "a leaf item has no rules",
                field="rules",
                hint='add [[…rules]] with kind = "per_finding", "rate_target", …',
            )
        seen: set[str] = set()
        for i, rule in enumerate(self.rules):
            if rule.id in seen:
                raise StandardError(
                    f"two rules are called {rule.id!r}",
                    field=f"rules[{i}].id",
                    hint="give each rule of an item its own id",
                )
            seen.add(rule.id)
        seen = set()
        for i, item in enumerate(self.items):
            if item.id in seen:
                raise StandardError(
                    f"two sub-items are called {item.id!r}",
                    field=f"items[{i}].id",
                    hint="give each sub-item its own id",
                )
            seen.add(item.id)

    @property
    def is_leaf(self) -> bool:
        """Whether it has no sub-items (its rules score it)."""
        return not self.items

    def to_toml(self) -> dict[str, Any]:
        """The item as plain TOML data."""
        out: dict[str, Any] = {"id": self.id}
        if self.name:
            out["name"] = self.name
        out["points"] = self.points
        if self.floor:
            out["floor"] = self.floor
        if self.bonus:
            out["bonus"] = True
        if self.weight is not None:
            out["weight"] = self.weight
        if self.applies_to:
            out["applies_to"] = list(self.applies_to)
        if self.assessed_by:
            out["assessed_by"] = [s.value for s in self.assessed_by]
        if self.source:
            out["source"] = self.source
        if self.note:
            out["note"] = self.note
        if self.rules:
            out["rules"] = [rule_to_toml(r) for r in self.rules]
        if self.items:
            out["items"] = [i.to_toml() for i in self.items]
        return out


def rule_to_toml(rule: Rule) -> dict[str, Any]:
    """A rule as plain TOML data (the inverse of the reader)."""
    out: dict[str, Any] = {"kind": rule.kind}
    for f in attrs.fields(typing.cast(Any, type(rule))):
        value = getattr(rule, f.name)
        if f.name == "id" and value == rule.kind:
            continue
        if value is None or (f.default is not attrs.NOTHING and _is_default(f, value)):
            continue
        out[f.name] = _plain(value)
    return out


def _is_default(f: attrs.Attribute[Any], value: object) -> bool:
    default = f.default
    factory = getattr(default, "factory", None)
    if callable(factory):
        default = factory()
    return bool(value == default)


def _plain(value: object) -> Any:
    if isinstance(value, Mapping):
        return {(k.value if hasattr(k, "value") else k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if attrs.has(type(value)):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in attrs.fields(typing.cast(Any, type(value)))
            if getattr(value, f.name) is not None
        }
    if hasattr(value, "value") and isinstance(value.value, str):
        return value.value
    return value


# --------------------------------------------------------------------------- reading


PathKey = tuple[str | int, ...]


def _join(path: PathKey, field: str | None) -> PathKey:
    """``path`` extended by a relative dotted ``field`` (``found.city``, ``bands[2].deduct``)."""
    return (*path, *undotted(field))


class Reader:
    """Builds items and rules from plain data, recording every problem with its path
    (an implementation detail of the loaders)."""

    __slots__ = ("problems",)

    def __init__(self) -> None:
        self.problems: list[tuple[PathKey, UrbangovError]] = []

    def problem(self, path: PathKey, message: str, hint: str | None = None) -> None:
        self.problems.append((path, StandardError(message, field=dotted(path) or None, hint=hint)))

    def failed(self, path: PathKey, exc: UrbangovError) -> None:
        full = _join(path, exc.field)
        self.problems.append(
            (full, StandardError(exc.message, field=dotted(full) or None, hint=exc.hint))
        )

    def raise_first(self) -> None:
        if self.problems:
            raise self.problems[0][1]

    def keys(
        self, data: Mapping[str, Any], allowed: tuple[str, ...], path: PathKey, what: str
    ) -> bool:
        sound = True
        for key in data:
            if key not in allowed:
                self.problem(
                    (*path, str(key)),
                    f"unknown key {key!r} in {what}",
                    did_you_mean(str(key), allowed),
                )
                sound = False
        return sound

    def table(self, value: object, path: PathKey, what: str) -> Mapping[str, Any] | None:
        if isinstance(value, Mapping):
            return value
        self.problem(path, f"expected a table ({what}), found {value!r}")
        return None

    def array(self, value: object, path: PathKey, what: str) -> list[Any] | None:
        if isinstance(value, list | tuple):
            return list(value)
        self.problem(path, f"expected an array of {what}", f"write each one under [[{path[-1]}]]")
        return None

    def rules(self, value: object, path: PathKey) -> tuple[Rule, ...]:
        rows = self.array(value, path, "rules")
        out: list[Rule] = []
        for i, row in enumerate(rows or ()):
            if type(row) in RULE_KINDS.values():
                out.append(row)
                continue
            rule = self.rule(row, (*path, i))
            if rule is not None:
                out.append(rule)
        return tuple(out)

    def rule(self, value: object, path: PathKey) -> Rule | None:
        data = self.table(value, path, "a rule")
        if data is None:
            return None
        kind = data.get("kind")
        cls = RULE_KINDS.get(kind) if isinstance(kind, str) else None
        if cls is None:
            self.problem(
                (*path, "kind"),
                f"{kind!r} is not a rule kind" if kind is not None else "a rule has no kind",
                did_you_mean(str(kind), RULE_KINDS)
                if isinstance(kind, str)
                else f"use one of {', '.join(RULE_KINDS)}",
            )
            return None
        names = tuple(f.name for f in attrs.fields(cls))
        if not self.keys(
            {k: v for k, v in data.items() if k != "kind"}, names, path, f"a {kind} rule"
        ):
            return None
        try:
            rule: Rule = cls(**{k: v for k, v in data.items() if k != "kind"})
        except UrbangovError as exc:
            self.failed(path, exc)
            return None
        except TypeError:
            missing = [
                f.name
                for f in attrs.fields(cls)
                if f.default is attrs.NOTHING and f.name not in data
            ]
            self.problem(
                (*path, missing[0] if missing else "kind"),
                f"missing key {missing[0] if missing else '?'!r} in a {kind} rule",
                "add it",
            )
            return None
        return rule

    def items(self, value: object, path: PathKey) -> tuple[Item, ...]:
        rows = self.array(value, path, "items")
        out: list[Item] = []
        for i, row in enumerate(rows or ()):
            if isinstance(row, Item):
                out.append(row)
                continue
            item = self.item(row, (*path, i))
            if item is not None:
                out.append(item)
        return tuple(out)

    def item(self, value: object, path: PathKey) -> Item | None:
        data = self.table(value, path, "an item")
        if data is None:
            return None
        before = len(self.problems)
        sound = self.keys(data, ITEM_KEYS, path, "an item")
        for key in ("id", "points"):
            if key not in data and sound:  # a misspelt key is the problem, not this one
                self.problem((*path, key), f"missing key {key!r} in an item", f"add {key} = …")
        kwargs = {k: v for k, v in data.items() if k in ITEM_KEYS and k not in ("rules", "items")}
        rules = self.rules(data["rules"], (*path, "rules")) if "rules" in data else ()
        items = self.items(data["items"], (*path, "items")) if "items" in data else ()
        if len(self.problems) > before:
            return None
        try:
            return Item(**kwargs, rules=rules, items=items)
        except UrbangovError as exc:
            self.failed(path, exc)
            return None
