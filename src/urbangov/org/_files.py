"""Checks, indexes and file forms of :mod:`urbangov.org` (private).

Strict structuring of the ``organisation`` table (unknown keys, wrong types, missing
fields), plain data for writing, and reading and writing files. :func:`locate` turns a
problem (an error whose field is a path like ``persons[3].unit``) into one naming the file
and line.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

import attrs
import tomli_w

from urbangov._internal import documents as _files
from urbangov.errors import HierarchyError, OrganisationError, UrbangovError, combine
from urbangov.frozen import thaw
from urbangov.hierarchy import Hierarchy
from urbangov.org._checks import _problem, city_problems, internal_problems
from urbangov.org._duty import DutyMatrix
from urbangov.org._duty_rule import DutyRule, parse_party, party_to_text
from urbangov.org._parts import (
    Committee,
    CommitteeKind,
    Contract,
    Department,
    DepartmentKind,
    Frontage,
    Pairing,
    PairingKind,
    Person,
    Role,
    Sector,
)
from urbangov.vocabulary import Domain, Level

OrgT = TypeVar("OrgT")  # the Organisation class (passed in: this module sits below org)
CityT = TypeVar("CityT")  # the City class

_FRAGMENT_HEADER = '# urbangov organisation table (a fragment of a city file, kind = "city").\n'
_CITY_HEADER = "# urbangov city file: units, road segments and the organisation.\n"


__all__ = ["city_problems", "internal_problems", "locate", "organisation_from_data"]

# ---------------------------------------------------------------- structuring
_Spec = tuple[tuple[str, str, bool], ...]  # (key, type tag, required)


def _specs() -> dict[str, tuple[type, _Spec]]:
    return {
        "departments": (
            Department,
            (
                ("code", "str", True),
                ("name", "str", True),
                ("kind", "department_kind", True),
                ("parent", "str", False),
                ("unit", "str", False),
                ("covers", "strs", False),
                ("attributes", "table", False),
            ),
        ),
        "sectors": (
            Sector,
            (("code", "str", True), ("name", "str", True), ("units", "strs", True)),
        ),
        "persons": (
            Person,
            (
                ("code", "str", True),
                ("name", "str", True),
                ("role", "role", True),
                ("title", "text", False),
                ("unit", "str", False),
                ("department", "str", False),
                ("segments", "strs", False),
                ("attributes", "table", False),
            ),
        ),
        "committees": (
            Committee,
            (
                ("code", "str", True),
                ("name", "str", True),
                ("kind", "committee_kind", True),
                ("unit", "str", True),
                ("parent", "str", False),
                ("host", "str", False),
                ("members", "strs", False),
                ("scores", "strs", False),
            ),
        ),
        "pairings": (
            Pairing,
            (
                ("leader", "str", True),
                ("target", "str", True),
                ("kind", "pairing_kind", True),
                ("visits_per_week", "int", False),
                ("source", "text", False),
            ),
        ),
        "contracts": (
            Contract,
            (
                ("code", "str", True),
                ("signer", "str", True),
                ("signee", "str", True),
                ("year", "int", True),
                ("subject", "str", True),
            ),
        ),
        "frontages": (
            Frontage,
            (
                ("code", "str", True),
                ("holder", "str", True),
                ("area", "str", True),
                ("duties", "strs", False),
                ("contract", "str", False),
            ),
        ),
        "duties": (
            DutyRule,
            (
                ("domain", "domain", True),
                ("asset_kind", "str", False),
                ("territory", "str", True),
                ("lead", "party", True),
                ("cooperating", "parties", False),
                ("supervising", "parties", False),
                ("source", "text", False),
            ),
        ),
    }


_PARTS = ("departments", "sectors", "persons", "committees", "pairings", "contracts", "frontages")
_TOP_KEYS = ("name", "note", *_PARTS, "duties")


def _value(tag: str, value: Any, path: str) -> Any:
    parsers: dict[str, Callable[..., Any]] = {
        "department_kind": DepartmentKind.parse,
        "committee_kind": CommitteeKind.parse,
        "pairing_kind": PairingKind.parse,
        "role": Role.parse,
    }
    if tag in ("str", "text"):
        if not isinstance(value, str) or (tag == "str" and not value):
            raise _problem(
                path, f"expected a {'non-empty ' if tag == 'str' else ''}string, not {value!r}"
            )
        return value
    if tag == "strs":
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise _problem(path, f"expected a list of codes, not {value!r}")
        return tuple(value)
    if tag == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            what = (
                "is not a whole number" if isinstance(value, float | Decimal) else "is not a number"
            )
            raise _problem(path, f"{value!r} {what}", "write a whole number, without quotes")
        return value
    if tag == "table":
        if not isinstance(value, Mapping):
            raise _problem(path, f"expected a table, not {value!r}")
        return value
    if tag == "domain":
        try:
            return Domain.parse(value, field=path)
        except UrbangovError as exc:
            raise _problem(path, exc.message, exc.hint) from exc
    if tag == "party":
        return parse_party(value, field=path)
    if tag == "parties":
        if not isinstance(value, list):
            raise _problem(path, f"expected a list of parties, not {value!r}")
        return tuple(parse_party(v, field=f"{path}[{i}]") for i, v in enumerate(value))
    return parsers[tag](value, field=path, error=OrganisationError)


def _structure(part: str, n: int, row: Any, cls: type, spec: _Spec) -> Any:
    where = f"{part}[{n}]"
    if not isinstance(row, Mapping):
        raise _problem(where, f"expected a table, not {row!r}")
    keys = [k for k, _, _ in spec]
    for key in row:
        if key not in keys:
            close = difflib.get_close_matches(str(key), keys, n=1)
            raise _problem(
                f"{where}.{key}",
                f"unknown key {key!r}",
                f"did you mean {close[0]!r}?" if close else f"{part} have {', '.join(keys)}",
            )
    kwargs: dict[str, Any] = {}
    for key, tag, required in spec:
        if key not in row:
            if required:
                raise _problem(f"{where}.{key}", f"missing {key!r}", f"{part} need {key}")
            continue
        kwargs[key] = _value(tag, row[key], f"{where}.{key}")
    if cls is DutyRule:
        kwargs.setdefault("asset_kind", None)
    try:
        return cls(**kwargs)
    except OrganisationError as exc:
        key = (exc.field or "").rsplit(".", 1)[-1]
        raise _problem(f"{where}.{key}" if key in keys else where, exc.message, exc.hint) from exc


def organisation_from_data(
    cls: Callable[..., OrgT], data: Any, *, file: str | None = None, doc: Any = None
) -> OrgT:
    """Structure the ``organisation`` table strictly (see ``Organisation.from_data``)."""
    try:
        if not isinstance(data, Mapping):
            raise _problem("organisation", "the organisation must be a table")
        for key in data:
            if key not in _TOP_KEYS:
                close = difflib.get_close_matches(str(key), _TOP_KEYS, n=1)
                raise _problem(
                    str(key),
                    f"unknown key {key!r} in the organisation table",
                    f"did you mean {close[0]!r}?" if close else f"use {', '.join(_TOP_KEYS)}",
                )
        kwargs: dict[str, Any] = {}
        for key in ("name", "note"):
            if key in data:
                kwargs[key] = _value("text", data[key], key)
        specs = _specs()
        for part, (item_cls, spec) in specs.items():
            rows = data.get(part, [])
            if not isinstance(rows, list):
                raise _problem(part, f"{part} must be an array of tables ([[organisation.{part}]])")
            items = [_structure(part, n, row, item_cls, spec) for n, row in enumerate(rows)]
            kwargs[part] = DutyMatrix(tuple(items)) if part == "duties" else tuple(items)
        problems = internal_problems(_Namespace(**kwargs))
        if problems:
            raise _combine_located(problems, file, doc)
        return cls(**kwargs)
    except OrganisationError as exc:
        if exc.file is not None:
            raise
        raise locate(exc, file, doc) from exc


@attrs.define
class _Namespace:
    departments: tuple[Any, ...] = ()
    persons: tuple[Any, ...] = ()
    sectors: tuple[Any, ...] = ()
    committees: tuple[Any, ...] = ()
    pairings: tuple[Any, ...] = ()
    contracts: tuple[Any, ...] = ()
    frontages: tuple[Any, ...] = ()
    duties: DutyMatrix = attrs.field(factory=DutyMatrix)
    name: str = ""
    note: str = ""


def _to_plain(value: Any) -> Any:
    if isinstance(value, Level):
        return party_to_text(value)
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, tuple):
        return [_to_plain(v) for v in value]
    if isinstance(value, Mapping):
        return thaw(value)
    return value


def organisation_to_data(org: Any) -> dict[str, Any]:
    """Plain data of the ``organisation`` table, defaults omitted, keys in spec order."""
    data: dict[str, Any] = {}
    for key in ("name", "note"):
        if getattr(org, key):
            data[key] = getattr(org, key)
    for part, (item_cls, spec) in _specs().items():
        items = org.duties.rules if part == "duties" else getattr(org, part)
        if not items:
            continue
        defaults = {f.name: f.default for f in attrs.fields(item_cls)}
        rows = []
        for item in items:
            row: dict[str, Any] = {}
            for key, _tag, required in spec:
                value = getattr(item, key)
                default = defaults.get(key, attrs.NOTHING)
                if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                    default = attrs.NOTHING
                if value is None or (not required and _same(value, default)):
                    continue
                row[key] = _to_plain(value)
            rows.append(row)
        data[part] = rows
    return data


def _same(value: Any, default: Any) -> bool:
    if default is attrs.NOTHING:
        return False
    if isinstance(value, Mapping) and isinstance(default, Mapping):
        return len(value) == 0 and len(default) == 0
    return bool(value == default)


# ---------------------------------------------------------------- locating
_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def field_path(field: str | None) -> tuple[str | int, ...]:
    """``"persons[3].unit"`` → ``("persons", 3, "unit")``."""
    if not field:
        return ()
    return tuple(
        int(m.group(2)) if m.group(2) is not None else m.group(1) for m in _TOKEN.finditer(field)
    )


def locate(exc: OrganisationError, file: str | None, doc: Any) -> OrganisationError:
    """The error with ``organisation.`` before its field, and the file and line."""
    path = field_path(exc.field)
    if len(path) == 1 and path[0] in (*_PARTS, "duties"):
        path = (path[0], 0)  # point at the first entry of the array
    line = doc.line_of(("organisation", *path)) if doc is not None else None
    field = f"organisation.{exc.field}" if exc.field and file is not None else exc.field
    return OrganisationError(exc.message, field=field, file=file, line=line, hint=exc.hint)


def _combine_located(
    problems: Sequence[OrganisationError], file: str | None, doc: Any
) -> OrganisationError:
    located = [locate(p, file, doc) for p in problems]
    return combine(located)


# ---------------------------------------------------------------- text and files
def dumps_fragment(org: Any) -> str:
    """``[organisation]`` TOML text."""
    return _FRAGMENT_HEADER + tomli_w.dumps({"organisation": organisation_to_data(org)})


def dumps_city(data: dict[str, Any], format: str) -> str:
    """A city file's text from its plain data."""
    if format == "json":
        return _files.dumps_json(data)
    if format != "toml":
        raise OrganisationError(
            f"unknown format {format!r}", field="format", hint="use toml or json"
        )
    return _CITY_HEADER + tomli_w.dumps(data)


def write(path: str | Path, text: str) -> None:
    """Write UTF-8 text."""
    _files.write_text(path, text)


def _parse(text: str, file: str) -> Any:
    if file.lower().endswith(".json"):
        return _files.parse_json(text, file, OrganisationError)
    return _files.parse_toml(text, file, OrganisationError)


def loads_city(
    city_cls: Callable[[Hierarchy, OrgT], CityT], org_cls: Callable[..., OrgT], text: str, file: str
) -> CityT:
    """Read a city file's text (hierarchy and organisation), parsing it once."""
    fmt = "json" if file.lower().endswith(".json") else "toml"
    try:
        doc = (
            _files.parse_json(text, file, HierarchyError)
            if fmt == "json"
            else _files.parse_toml(text, file, HierarchyError)
        )
        _files.check_header(doc, "city", HierarchyError)
        hierarchy = _hierarchy_of(doc.data)
    except HierarchyError:
        # the slow path names the file and line of every hierarchy problem
        hierarchy = Hierarchy.loads(text, format=fmt, file=file)
        doc = _parse(text, file)
        _files.check_header(doc, "city", OrganisationError)
    if "organisation" not in doc.data:
        raise OrganisationError(
            "the city file has no [organisation] table",
            field="organisation",
            file=file,
            hint="add one (see docs/org.md) or read the units alone with Hierarchy.load",
        )
    org = organisation_from_data(org_cls, doc.data["organisation"], file=file, doc=doc)
    problems = city_problems(hierarchy, org)
    if problems:
        raise _combine_located(problems, file, doc)
    return city_cls(hierarchy, org)


def _hierarchy_of(data: Mapping[str, Any]) -> Hierarchy:
    """The hierarchy of a parsed city document (any problem: ``HierarchyError``)."""
    extra = set(data) - {"units", "segments", "organisation", "name", "note"}
    units, segments = data.get("units"), data.get("segments", [])
    if extra or not isinstance(units, list) or not units or not isinstance(segments, list):
        raise HierarchyError("not a plain city document")
    if not all(isinstance(r, Mapping) for r in [*units, *segments]):
        raise HierarchyError("not a plain city document")
    try:
        return Hierarchy.from_rows(units, segments)
    except UrbangovError as exc:
        raise HierarchyError(exc.message) from exc


def load_city(
    city_cls: Callable[[Hierarchy, OrgT], CityT], org_cls: Callable[..., OrgT], path: str | Path
) -> CityT:
    """Read a city file from ``path`` (a file that cannot be read as text is a
    ``HierarchyError``, as ``Hierarchy.load`` says)."""
    text = _files.read_text(path, HierarchyError)
    return loads_city(city_cls, org_cls, text, str(path))


def load_fragment(org_cls: Callable[..., OrgT], path: str | Path) -> OrgT:
    """Read the ``[organisation]`` table of a fragment or city file."""
    file = str(path)
    doc = _parse(_files.read_text(path, OrganisationError), file)
    if "kind" in doc.data:
        _files.check_header(doc, "city", OrganisationError)
        allowed = {"organisation", "units", "segments", "name", "note"}
    else:
        allowed = {"organisation"}
    for key in doc.data:
        if key not in allowed:
            raise OrganisationError(
                f"unexpected top-level key {key!r}",
                field=key,
                file=file,
                line=doc.line_of((key,)),
                hint="an organisation fragment holds only an [organisation] table",
            )
    if "organisation" not in doc.data:
        raise OrganisationError("the file has no [organisation] table", file=file)
    return organisation_from_data(org_cls, doc.data["organisation"], file=file, doc=doc)


def merge(
    city_cls: Callable[[Hierarchy, OrgT], CityT],
    org_cls: Callable[..., OrgT],
    city_path: str | Path,
    fragment_path: str | Path,
    out_path: str | Path | None,
) -> CityT:
    """Append a fragment's text to a city file's text, check it, write it."""
    city_text = _files.read_text(city_path, OrganisationError)
    if "organisation" in _parse(city_text, str(city_path)).data:
        raise OrganisationError(
            "the city file already has an organisation table",
            field="organisation",
            file=str(city_path),
            hint="remove it first, or edit it in place",
        )
    load_fragment(org_cls, fragment_path)  # errors name the fragment's own lines
    fragment = _files.read_text(fragment_path, OrganisationError)
    merged = city_text.rstrip("\n") + "\n\n" + fragment.lstrip("\n")
    target = str(out_path if out_path is not None else city_path)
    city = loads_city(city_cls, org_cls, merged, target)
    _files.write_text(target, merged)
    return city
