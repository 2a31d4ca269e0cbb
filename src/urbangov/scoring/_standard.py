"""The assessment standard (考核标准): a tree of items with rules, and its files (private).

:mod:`urbangov.scoring` re-exports :class:`AssessmentStandard`; ``docs/scoring.md``
describes the file format.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Self

import attrs
import tomli_w

from urbangov._internal.documents import (
    TomlDocument,
    check_header,
    header,
    parse_toml,
    read_document,
    write_text,
)
from urbangov.errors import StandardError, UrbangovError
from urbangov.frozen import FrozenMap
from urbangov.params import did_you_mean
from urbangov.scoring._checks import WEIGHT_PARAMETERS, check
from urbangov.scoring._convert import (
    name_text,
    note_text,
    rule_id,
    source_text,
    to_decimal,
    to_flag,
    to_optional_text,
)
from urbangov.scoring._findings import AssessedUnit
from urbangov.scoring._items import Item, Reader, items_of
from urbangov.scoring._rules import Rule
from urbangov.scoring._terms import AssessmentSource

__all__ = ["WEIGHT_PARAMETERS", "AssessmentStandard", "Leaf"]

_BUNDLED = Path(__file__).parents[1] / "data" / "standards"


_KEYS = (
    "id",
    "name",
    "total",
    "places",
    "source_weights",
    "missing",
    "normalise",
    "weights_from",
    "source",
    "note",
    "items",
)

PathKey = tuple[str | int, ...]


_TO_TOTAL_POSITIVE = to_decimal("total", positive=True)


def _to_total_positive(value: object) -> Decimal:
    return _TO_TOTAL_POSITIVE(value)


@attrs.frozen
class Leaf:
    """A leaf item with its path and what it inherits (an index entry of a standard)."""

    path: str
    item: Item
    applies_to: tuple[str, ...]
    assessed_by: tuple[AssessmentSource, ...]
    where: PathKey = attrs.field(eq=False, repr=False)

    def applies(self, unit: AssessedUnit) -> bool:
        """Whether the item scores ``unit`` (by its kind or its code; an item with no
        ``applies_to`` scores every unit)."""
        return unit.matches(self.applies_to)


def _source_weights(value: object) -> FrozenMap[AssessmentSource, Decimal]:
    if not isinstance(value, Mapping):
        raise StandardError(
            f"expected a table of weights, found {value!r}",
            field="source_weights",
            hint="write e.g. source_weights = { monthly = 0.6, random = 0.4 }",
        )
    out = {}
    for key, weight in value.items():
        where = f"source_weights.{getattr(key, 'value', key)}"
        source = AssessmentSource.parse(key, field=where, error=StandardError)
        out[source] = to_decimal(where, positive=True)(weight)
    return FrozenMap(out)


def _places(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 4:
        raise StandardError(f"{value!r} is not a number of places", field="places", hint="give 0–4")
    return value


_TO_NORMALISE = to_flag("normalise")
_TO_WEIGHTS_FROM = to_optional_text("weights_from")


def _to_normalise(value: object) -> bool:
    return _TO_NORMALISE(value)


def _to_weights_from(value: object) -> str | None:
    return _TO_WEIGHTS_FROM(value)


@attrs.frozen(kw_only=True)
class AssessmentStandard:
    """An assessment standard (考核标准, 考核细则): a tree of items, each with its points
    and rules.

    Parameters
    ----------
    id, name
        Its short name (the bundled file's name) and title.
    total
        The full score (满分, e.g. 100); the top-level items' weighted points add up to it
        (unless their weights come from the Policy: ``weights_from``).
    places
        Decimal places of every line and of the rounded total (default 2). Prices must
        fit in them; a rate line is rounded half-up to them.
    items
        The top-level (major) items (:class:`Item`).
    source_weights
        Weights of the assessment sources (``{ monthly = 0.6, random = 0.4 }``, adding up
        to 1): each source is scored on its own findings and the totals are weighted.
        Empty (default): findings are pooled whatever their source.
    missing
        A rate, tally or mark a unit lacks (no record, or nothing in the denominator):
        ``"no_data"`` — the unit has no total and is reported as 无数据 (default);
        ``"full"`` — the rule deducts nothing.
    normalise
        Report each unit's total out of ``total`` when only some items apply to it
        (百分制折算: streets and departments scored on different items); default false.
    weights_from
        ``"composite_weights"`` or ``"grid_worker_weights"``: the top-level items are
        weighed by that Policy parameter (``assessment.<name>``) at scoring time.
    source, note
        Where it comes from, and a remark.

    Examples
    --------
    >>> from decimal import Decimal
    >>> std = AssessmentStandard(id="mini", total=10, items=[
    ...     {"id": "roads", "name": "道路保洁", "points": 10,
    ...      "rules": [{"kind": "per_finding", "found": {"city": Decimal("0.3")}}]}])
    >>> [leaf.path for leaf in std.leaves()]
    ['roads']
    >>> AssessmentStandard(id="bad", total=20, items=std.items)
    Traceback (most recent call last):
    ...
    urbangov.errors.StandardError: items: the items' points add up to 10, not the total 20; ...
    """

    id: str = attrs.field(converter=rule_id)
    name: str = attrs.field(default="", converter=name_text)
    total: Decimal = attrs.field(converter=_to_total_positive)
    places: int = attrs.field(default=2, converter=_places)
    items: tuple[Item, ...] = attrs.field(converter=items_of)
    source_weights: FrozenMap[AssessmentSource, Decimal] = attrs.field(
        factory=FrozenMap, converter=_source_weights
    )
    missing: Literal["no_data", "full"] = "no_data"
    normalise: bool = attrs.field(default=False, converter=_to_normalise)
    weights_from: str | None = attrs.field(default=None, converter=_to_weights_from)
    source: str = attrs.field(default="", converter=source_text)
    note: str = attrs.field(default="", converter=note_text)
    _leaves: tuple[Leaf, ...] = attrs.field(init=False, eq=False, repr=False)
    _index: FrozenMap[str, Leaf] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        problems = check(self)
        if problems:
            raise problems[0][1]
        leaves = tuple(_walk(self.items, (), ("items",), (), ()))
        object.__setattr__(self, "_leaves", leaves)
        object.__setattr__(self, "_index", FrozenMap({leaf.path: leaf for leaf in leaves}))

    # ------------------------------------------------------------------ queries

    def leaves(self) -> tuple[Leaf, ...]:
        """Every leaf item (the ones with rules), in file order, with its dotted path."""
        return self._leaves

    def leaf(
        self, path: str, *, error: type[UrbangovError] = StandardError, field: str = "item"
    ) -> Leaf:
        """The leaf at dotted ``path`` (``"sanitation.roads"``).

        Raises
        ------
        StandardError
            (or ``error``) naming ``field``, with a did-you-mean, when there is none.
        """
        found = self._index.get(path)
        if found is None:
            raise error(
                f"{path!r} is no leaf item of the standard {self.id!r}",
                field=field,
                hint=did_you_mean(path, self._index),
            )
        return found

    def item(self, path: str) -> Item:
        """The item (leaf or not) at dotted ``path``.

        >>> AssessmentStandard.bundled("digital_city_management").item("on_time").points
        Decimal('50')
        """
        items = self.items
        found: Item | None = None
        for part in path.split("."):
            found = next((i for i in items if i.id == part), None)
            if found is None:
                names = [".".join(p) for p in _paths(self.items, ())]
                raise StandardError(
                    f"{path!r} is no item of the standard {self.id!r}",
                    field="item",
                    hint=did_you_mean(path, names),
                )
            items = found.items
        assert found is not None
        return found

    def rules(self) -> Iterator[tuple[Leaf, Rule]]:
        """Every (leaf, rule) pair, in file order."""
        for leaf in self._leaves:
            for rule in leaf.item.rules:
                yield leaf, rule

    # ------------------------------------------------------------------ files

    @classmethod
    def bundled_names(cls) -> tuple[str, ...]:
        """The standards shipped with urbangov (``urbangov/data/standards``).

        >>> AssessmentStandard.bundled_names()
        ('digital_city_management', 'grid_worker', 'long_term_management', 'province_checklist')
        """
        return tuple(sorted(p.stem for p in _BUNDLED.glob("*.toml")))

    @classmethod
    def bundled(cls, name: str) -> AssessmentStandard:
        """A bundled standard by name (see :meth:`bundled_names`).

        >>> AssessmentStandard.bundled("province_checklist").name
        '城市精细化管理考核（省级检查格式，10大项291小项）'
        """
        names = cls.bundled_names()
        if name not in names:
            raise StandardError(
                f"no bundled standard {name!r}",
                field="standard",
                hint=did_you_mean(name, names),
            )
        return _bundled(name)

    @classmethod
    def load(cls, path: str | Path) -> Self:
        """Read a ``kind = "standard"`` TOML (or JSON) file.

        Raises
        ------
        StandardError
            For the first problem, naming the field, the file and the line (all of them:
            :meth:`check_file`).
        """
        problems, built = _read(read_document(path, "standard", StandardError, decimal=True))
        if problems:
            raise problems[0]
        assert built is not None
        return cls._cast(built)

    @classmethod
    def loads(cls, text: str, *, file: str = "<string>") -> Self:
        """Read standard TOML text (see :meth:`load`).

        >>> std = AssessmentStandard.bundled("digital_city_management")
        >>> AssessmentStandard.loads(std.dumps()) == std
        True
        """
        doc = parse_toml(text, file, StandardError, decimal=True)
        check_header(doc, "standard", StandardError)
        problems, built = _read(doc)
        if problems:
            raise problems[0]
        assert built is not None
        return cls._cast(built)

    @classmethod
    def check_file(cls, path: str | Path) -> tuple[UrbangovError, ...]:
        """Every problem of a standard file, each naming its field, file and line; empty
        exactly when :meth:`load` succeeds (whose error is the first).

        >>> AssessmentStandard.check_file("no/such/standard.toml")[0].message[:20]
        'cannot read the file'
        """
        try:
            doc = read_document(path, "standard", StandardError, decimal=True)
        except StandardError as exc:
            return (exc,)
        return tuple(_read(doc)[0])

    @classmethod
    def _cast(cls, built: AssessmentStandard) -> Self:
        return built if isinstance(built, cls) else cls(**_fields(built))

    def to_toml(self) -> dict[str, Any]:
        """The standard as plain TOML data, header included."""
        out: dict[str, Any] = {**header("standard"), "id": self.id}
        if self.name:
            out["name"] = self.name
        out["total"] = self.total
        out["places"] = self.places
        if self.source_weights:
            out["source_weights"] = {s.value: w for s, w in self.source_weights.items()}
        out["missing"] = self.missing
        out["normalise"] = self.normalise
        if self.weights_from is not None:
            out["weights_from"] = self.weights_from
        if self.source:
            out["source"] = self.source
        if self.note:
            out["note"] = self.note
        out["items"] = [i.to_toml() for i in self.items]
        return out

    def dumps(self) -> str:
        """The standard as TOML text; ``loads(dumps())`` equals it, and a written file
        re-writes byte-identical."""
        return tomli_w.dumps(self.to_toml())

    def dump(self, path: str | Path) -> None:
        """Write :meth:`dumps` to ``path`` (UTF-8, ``\\n`` line ends)."""
        write_text(path, self.dumps())


def _fields(std: AssessmentStandard) -> dict[str, Any]:
    return {f.name: getattr(std, f.name) for f in attrs.fields(AssessmentStandard) if f.init}


@functools.cache
def _bundled(name: str) -> AssessmentStandard:
    return AssessmentStandard.load(_BUNDLED / f"{name}.toml")


def _paths(items: tuple[Item, ...], prefix: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    for item in items:
        path = (*prefix, item.id)
        yield path
        yield from _paths(item.items, path)


def _walk(
    items: tuple[Item, ...],
    prefix: tuple[str, ...],
    where: PathKey,
    applies: tuple[str, ...],
    assessed: tuple[AssessmentSource, ...],
) -> Iterator[Leaf]:
    for i, item in enumerate(items):
        path = (*prefix, item.id)
        here = (*where, i)
        applies_to = item.applies_to or applies
        assessed_by = item.assessed_by or assessed
        if item.is_leaf:
            yield Leaf(".".join(path), item, applies_to, assessed_by, here)
        else:
            yield from _walk(item.items, path, (*here, "items"), applies_to, assessed_by)


# ------------------------------------------------------------------ checks


# ------------------------------------------------------------------ reading a document


def _line(doc: TomlDocument, path: PathKey) -> int:
    """The line of ``path``: of an array of tables (``items``), its first table's."""
    return doc.line_of(path) or doc.line_of((*path, 0)) or 1


def _read(doc: TomlDocument) -> tuple[list[UrbangovError], AssessmentStandard | None]:
    """Every problem of a standard document, located, and the standard when there is none."""
    data = doc.data
    reader = Reader()
    reader.keys(data, _KEYS, (), "a standard")
    for key in ("id", "total", "items"):
        if key not in data:
            reader.problem((key,), f"missing key {key!r}", f"add {key} = …")
    items = reader.items(data.get("items", []), ("items",))
    values: dict[str, Any] = {"items": items}
    for f in attrs.fields(AssessmentStandard):
        if not f.init or f.name == "items":
            continue
        if f.name not in data:
            factory = getattr(f.default, "factory", None)
            values[f.name] = factory() if callable(factory) else f.default
            continue
        try:
            values[f.name] = f.converter(data[f.name]) if callable(f.converter) else data[f.name]
        except UrbangovError as exc:
            reader.failed((), exc)
    built: AssessmentStandard | None = None
    if not reader.problems:
        reader.problems.extend(check(types.SimpleNamespace(**values)))
    if not reader.problems:
        built = AssessmentStandard(**values)
    located: list[UrbangovError] = [
        StandardError(p.message, field=p.field, file=doc.file, line=_line(doc, path), hint=p.hint)
        for path, p in reader.problems
    ]
    located.sort(key=lambda p: (p.line or 0, p.field or ""))
    return located, built
