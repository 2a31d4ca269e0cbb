"""The values of the hierarchy: :class:`Unit`, :class:`Segment` and the code rules.

Private: ``urbangov.hierarchy`` re-exports everything public here. Split out so that each
module stays small; see that module's docstring for the code rules.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from urbangov.errors import HierarchyError, UnknownTermError
from urbangov.frozen import FrozenMap, freeze, thaw
from urbangov.vocabulary import Level, ZoneTier

__all__ = ["Segment", "Unit", "check_code"]

_EMPTY: FrozenMap[str, Any] = FrozenMap()


def _freeze_attributes(value: Mapping[str, Any] | None) -> FrozenMap[str, Any]:
    if value is None:
        return _EMPTY
    if isinstance(value, FrozenMap):
        return value
    frozen = freeze(dict(value))
    assert isinstance(frozen, FrozenMap)
    return frozen


def _check_area(instance: Any, attribute: attrs.Attribute[Any], value: float | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise HierarchyError(
            f"area_m2 must be a number of square metres, not {value!r}",
            field=f"{instance.code}.area_m2",
        )
    if not value >= 0:  # also rejects NaN
        raise HierarchyError(
            f"area_m2 must be ≥ 0, not {value!r}", field=f"{instance.code}.area_m2"
        )
    if not math.isfinite(value):
        raise HierarchyError(
            f"area_m2 must be a finite number of square metres, not {value!r}",
            field=f"{instance.code}.area_m2",
            hint="1e400 reads as infinity; give the area in square metres",
        )


_INT64 = 2**63


def _check_data(value: object, field: str) -> None:
    """Raise unless ``value`` is data both city-file formats (TOML and JSON) hold and
    read back equal: text, whole numbers of 64 bits, finite floats, booleans, and
    arrays and tables of them."""
    if isinstance(value, bool):
        return
    if isinstance(value, str):
        _check_text(value, field)
        return
    if isinstance(value, int):
        if not -_INT64 <= value < _INT64:
            raise HierarchyError(
                f"{value} does not fit in 64 bits", field=field, hint="store it as text"
            )
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise HierarchyError(
                f"{value!r} is not a finite number", field=field, hint="give a finite number"
            )
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise HierarchyError(f"the key {key!r} is not text", field=field)
            _check_data(item, f"{field}.{key}")
        return
    if isinstance(value, tuple | list):
        for i, item in enumerate(value):
            _check_data(item, f"{field}[{i}]")
        return
    if isinstance(value, _dt.date | _dt.time):
        hint = f"write it as text, e.g. {value.isoformat()!r} (a JSON city file has no dates)"
    elif isinstance(value, Decimal):
        hint = "give a float or an int (a JSON city file has no exact decimals)"
    else:
        hint = "give text, a number, a boolean, or an array or table of them"
    raise HierarchyError(
        f"{value!r} ({type(value).__name__}) cannot be stored in a city file",
        field=field,
        hint=hint,
    )


def _check_text(value: str, field: str) -> None:
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise HierarchyError(
                f"{value!r} holds a lone surrogate, which no file can store",
                field=field,
                hint="give text of whole characters",
            ) from None


def _check_attributes(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    _check_data(value, f"{instance.code}.attributes")


@attrs.frozen(cache_hash=True)
class Unit:
    """A unit of the hierarchy: a city, district, street (街道), community (社区) or grid (网格).

    Parameters
    ----------
    code
        The grid code (see the module docstring for the rules).
    name
        The unit's name, e.g. ``"南湖街道"``.
    level
        Its :class:`~urbangov.Level`.
    parent
        The parent's code, or ``None`` for a root.
    zone
        An explicit zone tier (严管区/控制区/一般区/规范区) overriding the Policy's
        classification; usually ``None``.
    area_m2
        Area in square metres (a 万米单元网格 is about 10,000 m²), or ``None``.
    attributes
        Any further facts (population, remarks), as a :class:`FrozenMap`.

    Examples
    --------
    >>> from urbangov.vocabulary import Level
    >>> Unit("320105001", "南湖街道", Level.STREET, parent="320105").level.chinese
    '街道'
    """

    code: str
    name: str
    level: Level
    parent: str | None = None
    zone: ZoneTier | None = None
    area_m2: float | None = attrs.field(default=None, validator=_check_area)
    attributes: FrozenMap[str, Any] = attrs.field(
        default=_EMPTY, converter=_freeze_attributes, validator=_check_attributes, repr=False
    )

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.code, str) or not self.code:
            raise HierarchyError(f"a unit code must be a non-empty string, not {self.code!r}")
        if not isinstance(self.name, str):
            raise HierarchyError(f"name must be a string, not {self.name!r}", field=self.code)
        _check_text(self.name, f"{self.code}.name")
        if not isinstance(self.level, Level):
            raise HierarchyError(
                f"level must be a Level, not {self.level!r}",
                field=self.code,
                hint="use Level.parse() or Hierarchy.from_rows() for names like 'grid'",
            )
        if self.parent is not None and not isinstance(self.parent, str):
            raise HierarchyError(
                f"parent must be a code string or None, not {self.parent!r}", field=self.code
            )
        if self.zone is not None and not isinstance(self.zone, ZoneTier):
            raise HierarchyError(f"zone must be a ZoneTier, not {self.zone!r}", field=self.code)


@attrs.frozen(cache_hash=True)
class Segment:
    """A road segment (路段, 段): the unit of "个人包段" in the enforcement chain.

    Segments need not align with grids; ``unit`` is the code of the unit the segment
    lies in (for duty and zone purposes). ``zone`` is an explicit zone tier overriding
    the Policy's classification (e.g. a 严管街 enforced all day), usually ``None``.

    >>> Segment("S-001", "江东中路(应天大街—集庆门大街)", unit="320105001").unit
    '320105001'
    """

    code: str
    name: str
    unit: str
    attributes: FrozenMap[str, Any] = attrs.field(
        default=_EMPTY, converter=_freeze_attributes, repr=False
    )
    zone: ZoneTier | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        for name in ("code", "name", "unit"):
            value = getattr(self, name)
            if not isinstance(value, str) or (name != "name" and not value):
                raise HierarchyError(
                    f"segment {name} must be a non-empty string, not {value!r}",
                    field=f"segment {self.code!r}.{name}",
                )
            _check_text(value, f"segment {self.code}.{name}")
        _check_data(self.attributes, f"segment {self.code}.attributes")
        if self.zone is not None and not isinstance(self.zone, ZoneTier):
            raise HierarchyError(
                f"zone must be a ZoneTier, not {self.zone!r}", field=f"segment {self.code}"
            )


def check_code(code: str, level: Level, parent: Unit | None) -> str | None:
    """Return why ``code`` breaks the code rules for ``level`` under ``parent``, or None.

    >>> check_code("320105001", Level.STREET, Unit("320105", "建邺区", Level.DISTRICT))
    >>> check_code("320106001", Level.STREET, Unit("320105", "建邺区", Level.DISTRICT))
    "a street code must be its parent's code 320105 plus 3 digits"
    """
    if not code.isascii() or not code.isdigit():
        return f"a unit code must be digits only, not {code!r}"
    expected = level.code_length
    if len(code) != expected:
        return f"a {level.slug} code has {expected} digits, not {len(code)}"
    if level is Level.CITY:
        if not code.endswith("00"):
            return "a city code ends in 00 (GB/T 2260), e.g. 320100"
        return None
    if level is Level.DISTRICT:
        if code.endswith("00"):
            return "a district code does not end in 00 (that is a city code, GB/T 2260)"
        if parent is not None and code[:4] != parent.code[:4]:
            return f"a district code shares its city's first 4 digits ({parent.code[:4]})"
        return None
    if parent is not None and (not code.startswith(parent.code)):
        return f"a {level.slug} code must be its parent's code {parent.code} plus 3 digits"
    return None


Problem = tuple[str, int, str, HierarchyError]  # (units | segments, position, key, error)


def _problems(units: Sequence[Unit], segments: Sequence[Segment]) -> list[Problem]:
    """Every code-rule violation of ``units`` and ``segments`` (empty when valid), each
    with the position of the offending unit or segment (a repeated code: the repeat)."""
    problems: list[Problem] = []
    if not units:
        problems.append(
            ("units", 0, "", HierarchyError("a hierarchy needs at least one unit", field="units"))
        )
    by_code: dict[str, Unit] = {}
    for n, u in enumerate(units):
        if u.code in by_code:
            problems.append(
                ("units", n, "code", HierarchyError("duplicate unit code", field=u.code))
            )
        else:
            by_code[u.code] = u
    for n, u in enumerate(units):
        parent = None
        if u.parent is not None:
            parent = by_code.get(u.parent)
            if parent is None:
                problems.append(
                    (
                        "units",
                        n,
                        "parent",
                        HierarchyError(
                            f"parent {u.parent} is not in the hierarchy",
                            field=u.code,
                            hint="add the parent unit or set parent to None for a root",
                        ),
                    )
                )
                continue
            if u.level is Level.CITY or parent.level != u.level - 1:
                problems.append(
                    (
                        "units",
                        n,
                        "parent",
                        HierarchyError(
                            f"a {u.level.slug}'s parent must be one level up, but "
                            f"{parent.code} is a {parent.level.slug}",
                            field=u.code,
                            hint="levels run city → district → street → community → grid",
                        ),
                    )
                )
                continue
        why = check_code(u.code, u.level, parent)
        if why is not None:
            problems.append(("units", n, "code", HierarchyError(why, field=u.code)))
    seen: set[str] = set()
    for n, s in enumerate(segments):
        where = f"segment {s.code}"
        if s.code in seen:
            problems.append(
                ("segments", n, "code", HierarchyError("duplicate segment code", field=where))
            )
        seen.add(s.code)
        if s.unit not in by_code:
            problems.append(
                (
                    "segments",
                    n,
                    "unit",
                    HierarchyError(
                        f"segment lies in unit {s.unit}, which is not in the hierarchy",
                        field=where,
                        hint="give the code of one of the file's units",
                    ),
                )
            )
    return problems


_UNIT_KEYS = ("code", "name", "level", "parent", "zone", "area_m2", "attributes")
_SEGMENT_KEYS = ("code", "name", "unit", "zone", "attributes")


def _unit_from_row(row: Sequence[Any] | Mapping[str, Any] | Unit, n: int) -> Unit:
    if isinstance(row, Unit):
        return row
    where = f"rows[{n}]"
    try:
        if isinstance(row, Mapping):
            return _unit_from_mapping(row, where)
        if isinstance(row, str | bytes) or len(row) != 4:
            raise HierarchyError(f"a row is (code, name, level, parent), not {row!r}", field=where)
        code, name, level, parent = row
        return Unit(
            _text(code, f"{where}.code"),
            _text(name, f"{where}.name"),
            Level.parse(level, field=f"{where}.level"),
            None if parent is None else _text(parent, f"{where}.parent"),
        )
    except UnknownTermError as exc:
        raise HierarchyError(exc.message, field=exc.field, hint=exc.hint) from exc


def _text(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise HierarchyError(f"expected a string, not {value!r}", field=field)
    return value


def _unit_from_mapping(row: Mapping[str, Any], where: str) -> Unit:
    unknown = sorted(set(row) - set(_UNIT_KEYS))
    if unknown:
        raise HierarchyError(
            f"unknown key {unknown[0]!r}",
            field=f"{where}.{unknown[0]}",
            hint=f"a unit has {', '.join(_UNIT_KEYS)}",
        )
    for key in ("code", "name", "level"):
        if key not in row:
            raise HierarchyError(f"missing {key!r}", field=f"{where}.{key}")
    attributes = row.get("attributes")
    if attributes is not None and not isinstance(attributes, Mapping):
        raise HierarchyError("attributes must be a table", field=f"{where}.attributes")
    zone = row.get("zone")
    return Unit(
        _text(row["code"], f"{where}.code"),
        _text(row["name"], f"{where}.name"),
        Level.parse(row["level"], field=f"{where}.level"),
        None if row.get("parent") is None else _text(row["parent"], f"{where}.parent"),
        zone=None if zone is None else ZoneTier.parse(zone, field=f"{where}.zone"),
        area_m2=row.get("area_m2"),
        attributes=attributes,
    )


def _segment_from_mapping(row: Mapping[str, Any], where: str) -> Segment:
    unknown = sorted(set(row) - set(_SEGMENT_KEYS))
    if unknown:
        raise HierarchyError(
            f"unknown key {unknown[0]!r}",
            field=f"{where}.{unknown[0]}",
            hint=f"a segment has {', '.join(_SEGMENT_KEYS)}",
        )
    for key in ("code", "name", "unit"):
        if key not in row:
            raise HierarchyError(f"missing {key!r}", field=f"{where}.{key}")
    attributes = row.get("attributes")
    if attributes is not None and not isinstance(attributes, Mapping):
        raise HierarchyError("attributes must be a table", field=f"{where}.attributes")
    zone = row.get("zone")
    return Segment(
        _text(row["code"], f"{where}.code"),
        _text(row["name"], f"{where}.name"),
        _text(row["unit"], f"{where}.unit"),
        attributes=attributes,
        zone=None
        if zone is None
        else ZoneTier.parse(zone, field=f"{where}.zone", error=HierarchyError),
    )


def _unit_to_data(u: Unit) -> dict[str, Any]:
    data: dict[str, Any] = {"code": u.code, "name": u.name, "level": u.level.slug}
    if u.parent is not None:
        data["parent"] = u.parent
    if u.zone is not None:
        data["zone"] = u.zone.value
    if u.area_m2 is not None:
        data["area_m2"] = u.area_m2
    if u.attributes:
        data["attributes"] = thaw(u.attributes)
    return data


def _segment_to_data(s: Segment) -> dict[str, Any]:
    data: dict[str, Any] = {"code": s.code, "name": s.name, "unit": s.unit}
    if s.zone is not None:
        data["zone"] = s.zone.value
    if s.attributes:
        data["attributes"] = thaw(s.attributes)
    return data
