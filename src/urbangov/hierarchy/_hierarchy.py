"""The responsibility hierarchy (属地管理): city → district → street → community → grid.

Private: :mod:`urbangov.hierarchy` re-exports the public names.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import tomli_w

from urbangov._internal import documents as _files
from urbangov.errors import HierarchyError, UrbangovError, combine
from urbangov.hierarchy._units import (
    Segment,
    Unit,
    _problems,
    _segment_from_mapping,
    _segment_to_data,
    _unit_from_mapping,
    _unit_from_row,
    _unit_to_data,
)
from urbangov.vocabulary import Level

__all__ = ["Hierarchy", "check_file"]


@attrs.frozen(eq=False, repr=False)
class _Index:
    """Lookup structures of a hierarchy (an implementation detail of the immutable value)."""

    by_code: dict[str, Unit]
    children: dict[str, tuple[str, ...]]
    lines: dict[str, tuple[Unit, ...]]  # (unit, parent, …, root)
    roots: tuple[str, ...]
    segments: dict[str, Segment]


def _build_index(units: tuple[Unit, ...], segments: tuple[Segment, ...]) -> _Index:
    by_code = {u.code: u for u in units}
    children: dict[str, list[str]] = {}
    roots: list[str] = []
    for u in units:  # units are sorted by code, so children lists come out sorted
        if u.parent is None:
            roots.append(u.code)
        else:
            children.setdefault(u.parent, []).append(u.code)
    # Lines (unit, parent, …, root). A parent's code sorts before its children's (it is
    # a prefix of theirs, or for a city, "320100" ≤ "3201xx"), so one pass in code order
    # meets every parent first and each line reuses its parent's.
    lines: dict[str, tuple[Unit, ...]] = {}
    for u in units:
        lines[u.code] = (u,) if u.parent is None else (u, *lines[u.parent])
    return _Index(
        by_code=by_code,
        children={k: tuple(v) for k, v in children.items()},
        lines=lines,
        roots=tuple(roots),
        segments={s.code: s for s in segments},
    )


def _sorted_units(units: Iterable[Unit]) -> tuple[Unit, ...]:
    return tuple(sorted(units, key=_code))


def _sorted_segments(segments: Iterable[Segment]) -> tuple[Segment, ...]:
    return tuple(sorted(segments, key=_code))


@attrs.frozen(cache_hash=True, repr=False)
class Hierarchy:
    """An immutable forest of units with grid codes, and the road segments in them.

    Build one with :meth:`from_rows` or :meth:`load`; the constructor validates too.
    Units are kept sorted by code, so two hierarchies with the same units are equal
    whatever order they were given in. Every query accepts a code or a :class:`Unit`.

    Raises
    ------
    HierarchyError
        On a duplicate code, a missing parent, a parent not exactly one level up, a
        code that does not extend its parent's (cycles cannot pass the level rule). The
        message names the offending code; with several problems, all are listed.

    Examples
    --------
    >>> h = Hierarchy.from_rows([("320105", "建邺区", "区", None),
    ...                          ("320105001", "南湖街道", "街道", "320105")])
    >>> len(h), [u.name for u in h.children("320105")]
    (2, ['南湖街道'])
    """

    units: tuple[Unit, ...] = attrs.field(converter=_sorted_units)
    segments: tuple[Segment, ...] = attrs.field(default=(), converter=_sorted_segments)
    _index: _Index = attrs.field(init=False, eq=False, hash=False)
    _validated: bool = attrs.field(
        default=False, kw_only=True, eq=False, hash=False, repr=False, alias="_validated"
    )

    def __attrs_post_init__(self) -> None:
        if not self._validated:
            problems = _problems(self.units, self.segments)
            if problems:
                raise combine([p for *_, p in problems])
        object.__setattr__(self, "_index", _build_index(self.units, self.segments))

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuild the indexes on unpickling rather than shipping them (smaller, faster).
        # (The reducer names the public class: pickles hold public paths only.)
        return (functools.partial(Hierarchy, _validated=True), (self.units, self.segments))

    def __repr__(self) -> str:
        counts = ", ".join(f"{lvl.slug}={n}" for lvl, n in self.counts().items())
        return f"<Hierarchy {counts}, segments={len(self.segments)}>"

    # ----------------------------------------------------------------- building
    @classmethod
    def from_rows(
        cls,
        rows: Iterable[Sequence[Any] | Mapping[str, Any] | Unit],
        segments: Iterable[Segment | Mapping[str, Any]] = (),
    ) -> Hierarchy:
        """Build a hierarchy from ``(code, name, level, parent)`` rows.

        ``level`` may be a :class:`Level`, an int (0–4), a name (``"grid"``,
        ``"GRID"``) or the Chinese (``"网格"``). A row may also be a mapping with those
        keys (plus optional ``zone``, ``area_m2``, ``attributes``) or a :class:`Unit`.

        >>> Hierarchy.from_rows([("320100", "南京市", 0, None)]).unit("320100").level
        <Level.CITY: 0>
        """
        units = [_unit_from_row(row, n) for n, row in enumerate(rows)]
        segs = [
            s if isinstance(s, Segment) else _segment_from_mapping(s, f"segments[{n}]")
            for n, s in enumerate(segments)
        ]
        return cls(units, segs)

    # ----------------------------------------------------------------- queries
    def __len__(self) -> int:
        return len(self.units)

    def __iter__(self) -> Iterator[Unit]:
        return iter(self.units)

    def __contains__(self, unit: object) -> bool:
        code = unit.code if isinstance(unit, Unit) else unit
        return isinstance(code, str) and code in self._index.by_code

    def unit(self, unit: str | Unit) -> Unit:
        """The unit with this code (``HierarchyError`` if there is none).

        >>> Hierarchy.from_rows([("320100", "南京市", "city", None)]).unit("320100").name
        '南京市'
        """
        code = unit.code if isinstance(unit, Unit) else unit
        found = self._index.by_code.get(code) if isinstance(code, str) else None
        if found is None:
            raise HierarchyError(
                "no such unit in the hierarchy",
                field=repr(code),
                hint="check the code (streets have 9 digits, communities 12, grids 15)",
            )
        return found

    def roots(self) -> tuple[Unit, ...]:
        """Units without a parent (one per tree of the forest), sorted by code."""
        return tuple(self._index.by_code[c] for c in self._index.roots)

    def parent(self, unit: str | Unit) -> Unit | None:
        """The parent unit, or ``None`` for a root."""
        line = self._index.lines[self.unit(unit).code]
        return line[1] if len(line) > 1 else None

    def ancestors(self, unit: str | Unit) -> tuple[Unit, ...]:
        """The unit's ancestors, nearest first (the unit itself excluded).

        Examples
        --------
        >>> h = Hierarchy.from_rows([("320105", "建邺区", "district", None),
        ...                          ("320105001", "南湖街道", "street", "320105")])
        >>> [u.code for u in h.ancestors("320105001")]
        ['320105']
        """
        code = unit.code if isinstance(unit, Unit) else unit
        line = self._index.lines.get(code) if isinstance(code, str) else None
        if line is None:
            self.unit(unit)  # raises the helpful error
            raise AssertionError  # pragma: no cover
        return line[1:]

    def children(self, unit: str | Unit) -> tuple[Unit, ...]:
        """Direct children, sorted by code."""
        by_code = self._index.by_code
        return tuple(by_code[c] for c in self._index.children.get(self.unit(unit).code, ()))

    def descendants(
        self, unit: str | Unit, level: Level | int | str | None = None
    ) -> tuple[Unit, ...]:
        """All units below ``unit`` (optionally only those at ``level``), sorted by code.

        Examples
        --------
        >>> from urbangov.vocabulary import Level
        >>> h = Hierarchy.from_rows([("320105", "建邺区", "district", None),
        ...     ("320105001", "南湖街道", "street", "320105"),
        ...     ("320105001001", "一社区", "community", "320105001")])
        >>> [u.code for u in h.descendants("320105", level=Level.COMMUNITY)]
        ['320105001001']
        """
        start = self.unit(unit)
        wanted = None if level is None else Level.parse(level, field="level")
        if wanted is not None and wanted <= start.level:
            return ()
        by_code = self._index.by_code
        children = self._index.children
        found: list[Unit] = []
        stack = list(reversed(children.get(start.code, ())))
        while stack:
            code = stack.pop()
            u = by_code[code]
            if wanted is None or u.level == wanted:
                found.append(u)
            if wanted is None or u.level < wanted:
                stack.extend(reversed(children.get(code, ())))
        found.sort(key=_code)
        return tuple(found)

    def grids(self) -> tuple[Unit, ...]:
        """Every grid (网格) of the hierarchy, sorted by code."""
        return tuple(u for u in self.units if u.level is Level.GRID)

    def at_level(self, level: Level | int | str) -> tuple[Unit, ...]:
        """Every unit at ``level``, sorted by code.

        >>> Hierarchy.from_rows([("320100", "南京市", "city", None)]).at_level("市")[0].code
        '320100'
        """
        wanted = Level.parse(level, field="level")
        return tuple(u for u in self.units if u.level is wanted)

    def territory_of(self, unit: str | Unit, level: Level | int | str) -> Unit:
        """The unit at ``level`` whose territory contains ``unit`` (itself if at that level).

        Raises ``HierarchyError`` if ``unit`` has no ancestor at ``level``.

        >>> h = Hierarchy.from_rows([("320105", "建邺区", "district", None),
        ...                          ("320105001", "南湖街道", "street", "320105")])
        >>> h.territory_of("320105001", "district").name
        '建邺区'
        """
        wanted = Level.parse(level, field="level")
        u = self.unit(unit)
        if u.level == wanted:
            return u
        if wanted < u.level:
            for a in self._index.lines[u.code]:
                if a.level == wanted:
                    return a
        raise HierarchyError(
            f"{u.level.slug} {u.code} has no {wanted.slug} above it in this hierarchy",
            field=u.code,
        )

    def territories_of(
        self, codes: Iterable[str | Unit], level: Level | int | str
    ) -> tuple[str, ...]:
        """The code of :meth:`territory_of` ``level`` for each of many unit codes, in their
        order (the same errors, for the first code that has none).

        >>> h = Hierarchy.from_rows([("320105", "建邺区", "district", None),
        ...                          ("320105001", "南湖街道", "street", "320105")])
        >>> h.territories_of(["320105001", "320105"], "district")
        ('320105', '320105')
        """
        wanted = Level.parse(level, field="level")
        lines = self._index.lines
        out: list[str] = []
        for code in codes:
            for a in lines.get(code, ()) if isinstance(code, str) else ():
                if a.level is wanted:
                    out.append(a.code)
                    break
            else:  # a Unit, or none there: territory_of answers or raises, naming it
                out.append(self.territory_of(code, wanted).code)
        return tuple(out)

    def coordinator(self, units: Iterable[str | Unit]) -> Unit:
        """The lowest unit covering all ``units``: their lowest common ancestor.

        A unit covers itself, so the coordinator of one unit is that unit. This is
        urbangov's default rule for who coordinates a problem spanning several
        territories (the sources split such problems by difficulty instead,
        《城市管理协管员考核办法》篇5 §四(一)); which level actually handles it is a policy choice.

        Raises ``HierarchyError`` when ``units`` is empty or the units lie in different
        trees of the forest.

        >>> h = Hierarchy.from_rows([("320105", "建邺区", "district", None),
        ...     ("320105001", "南湖街道", "street", "320105"),
        ...     ("320105002", "滨湖街道", "street", "320105")])
        >>> h.coordinator(["320105001", "320105002"]).code
        '320105'
        """
        lines = self._index.lines
        chain: tuple[Unit, ...] | None = None
        for item in units:
            code = item.code if isinstance(item, Unit) else item
            line = lines.get(code) if isinstance(code, str) else None
            if line is None:
                self.unit(item)  # raises the helpful error
                raise AssertionError  # pragma: no cover
            if chain is None:
                chain = line
                continue
            # Both lines end at their root; walk down from the root while they agree.
            if chain[-1] is not line[-1]:
                raise HierarchyError(
                    f"{chain[0].code} and {line[0].code} have no common ancestor "
                    "(they are in different trees of the forest)",
                    field="units",
                    hint="coordinate across trees outside urbangov, or add their common root",
                )
            k = 1
            shortest = min(len(chain), len(line))
            while k < shortest and chain[-k - 1] is line[-k - 1]:
                k += 1
            chain = chain[-k:]
        if chain is None:
            raise HierarchyError("coordinator() needs at least one unit", field="units")
        return chain[0]

    def depth(self, unit: str | Unit) -> int:
        """Number of ancestors of ``unit`` in this hierarchy (0 for a root)."""
        return len(self.ancestors(unit))

    def counts(self) -> dict[Level, int]:
        """How many units there are at each level present, top level first."""
        out: dict[Level, int] = {}
        for u in self.units:
            out[u.level] = out.get(u.level, 0) + 1
        return dict(sorted(out.items()))

    def segment(self, code: str) -> Segment:
        """The road segment with this code (``HierarchyError`` if there is none)."""
        found = self._index.segments.get(code)
        if found is None:
            raise HierarchyError("no such segment in the hierarchy", field=repr(code))
        return found

    def segments_in(self, unit: str | Unit) -> tuple[Segment, ...]:
        """Segments lying in ``unit`` or any unit below it, sorted by code."""
        top = self.unit(unit).code
        lines = self._index.lines
        return tuple(s for s in self.segments if any(a.code == top for a in lines[s.unit]))

    def find(self, prefix: str) -> tuple[Unit, ...]:
        """Units whose code starts with ``prefix``, sorted by code (a code-range lookup).

        >>> Hierarchy.from_rows([("320100", "南京市", "city", None)]).find("3201")[0].code
        '320100'
        """
        codes = [u.code for u in self.units]
        start = bisect.bisect_left(codes, prefix)
        end = bisect.bisect_left(codes, prefix + "\uffff")
        return self.units[start:end]

    # ----------------------------------------------------------------- files
    def to_data(self) -> dict[str, Any]:
        """The city file's content as plain data (header, ``units``, ``segments``)."""
        data: dict[str, Any] = _files.header("city")
        data["units"] = [_unit_to_data(u) for u in self.units]
        if self.segments:
            data["segments"] = [_segment_to_data(s) for s in self.segments]
        return data

    def dumps(self, format: str = "toml") -> str:
        """The hierarchy as a city file's text (``format`` ``"toml"`` or ``"json"``)."""
        data = self.to_data()
        if format == "json":
            return _files.dumps_json(data)
        if format != "toml":
            raise HierarchyError(
                f"unknown format {format!r}", field="format", hint="use toml or json"
            )
        return _TOML_HEADER + tomli_w.dumps(data)

    def dump(self, path: str | Path) -> None:
        """Write a city file (``kind = "city"``); ``.json`` writes JSON, else TOML.

        ``Hierarchy.load(path) == self`` afterwards, and re-dumping is byte-identical.
        """
        fmt = "json" if str(path).lower().endswith(".json") else "toml"
        _files.write_text(path, self.dumps(fmt))

    @classmethod
    def load(cls, path: str | Path) -> Hierarchy:
        """Read a city file (TOML or JSON, ``kind = "city"``, ``format_version = 1``).

        Reads ``units`` and ``segments``; a present ``organisation`` table is skipped
        (``urbangov.org.load_city`` reads it). Errors name the file, line and code.
        """
        doc = _files.read_document(path, "city", HierarchyError)
        return _from_document(doc)

    @classmethod
    def loads(cls, text: str, *, format: str = "toml", file: str = "<string>") -> Hierarchy:
        """Read a city file's text (see :meth:`load`)."""
        if format == "json":
            doc = _files.parse_json(text, file, HierarchyError)
        else:
            doc = _files.parse_toml(text, file, HierarchyError)
        _files.check_header(doc, "city", HierarchyError)
        return _from_document(doc)


def _code(item: Unit | Segment) -> str:
    return item.code


_TOML_HEADER = "# urbangov city file: units (and road segments) of the responsibility hierarchy.\n"


def _from_document(doc: _files.TomlDocument) -> Hierarchy:
    problems = _document_problems(doc)
    if problems:
        raise combine(problems)
    return _document_hierarchy(doc)


def _document_hierarchy(doc: _files.TomlDocument) -> Hierarchy:
    units = [_unit_from_mapping(r, f"units[{n}]") for n, r in enumerate(doc.data["units"])]
    segs = [
        _segment_from_mapping(r, f"segments[{n}]")
        for n, r in enumerate(doc.data.get("segments", []))
    ]
    return Hierarchy(units, segs, _validated=True)


def _document_problems(doc: _files.TomlDocument) -> list[HierarchyError]:
    """Every problem of a city document, each located at its file and line."""
    data = doc.data
    problems: list[HierarchyError] = []
    extra = sorted(set(data) - {"units", "segments", "organisation", "name", "note"})
    for key in extra:
        problems.append(
            HierarchyError(
                f"unknown top-level key {key!r}",
                field=key,
                file=doc.file,
                line=doc.line_of((key,)),
                hint="a city file has units, segments and an optional organisation table",
            )
        )
    rows = data.get("units")
    if not isinstance(rows, list) or not rows:
        problems.append(
            HierarchyError(
                "a city file needs a non-empty [[units]] array",
                field="units",
                file=doc.file,
                line=doc.line_of(("units",)),
            )
        )
        return problems
    seg_rows = data.get("segments", [])
    if not isinstance(seg_rows, list):
        problems.append(
            HierarchyError("segments must be an array of tables", field="segments", file=doc.file)
        )
        seg_rows = []
    units: list[Unit] = []
    rows_of: dict[str, list[int]] = {"units": [], "segments": []}
    for n, row in enumerate(rows):
        try:
            if not isinstance(row, Mapping):
                raise HierarchyError("a unit must be a table", field=f"units[{n}]")
            unit = _unit_from_mapping(row, f"units[{n}]")
        except UrbangovError as exc:
            problems.append(_locate(exc, doc, _path_of(exc.field, ("units", n))))
            continue
        units.append(unit)
        rows_of["units"].append(n)
    segments: list[Segment] = []
    for n, row in enumerate(seg_rows):
        try:
            if not isinstance(row, Mapping):
                raise HierarchyError("a segment must be a table", field=f"segments[{n}]")
            segments.append(_segment_from_mapping(row, f"segments[{n}]"))
        except UrbangovError as exc:
            problems.append(_locate(exc, doc, _path_of(exc.field, ("segments", n))))
            continue
        rows_of["segments"].append(n)
    if not units and problems:
        return problems  # every unit was bad: "needs at least one unit" says nothing new
    for section, position, key, p in _problems(units, segments):
        rows_in = rows_of[section]
        path: tuple[str | int, ...] = (section, rows_in[position], key) if rows_in else (section,)
        problems.append(_locate(p, doc, path))
    return problems


_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def _path_of(field: str | None, fallback: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """The document path of a row's problem: ``units[3].parent``, ``320100.area_m2`` or
    ``segment S1.attributes.x[0]`` under the row's own ``fallback`` path."""
    if not field or "." not in field:
        return fallback
    parts: list[str | int] = [
        int(m.group(1)) if m.group(1) is not None else m.group(2) for m in _PART.finditer(field)
    ]
    if len(parts) > 1 and parts[0] in ("units", "segments") and isinstance(parts[1], int):
        parts = parts[2:]
    else:
        parts = parts[1:]  # the unit's code, or "segment CODE"
    return (*fallback, *parts)


def _locate(
    exc: UrbangovError, doc: _files.TomlDocument, path: tuple[str | int, ...]
) -> HierarchyError:
    line = doc.line_of(path) if path else None
    return HierarchyError(exc.message, field=exc.field, file=doc.file, line=line, hint=exc.hint)


def check_file(path: str | Path) -> tuple[UrbangovError, ...]:
    """Every problem of a city file (empty when it is valid), for ``urbangov validate``.

    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, "city.toml")
    ...     _ = open(p, "w").write('kind = "city"\\nformat_version = 1\\n[[units]]\\n'
    ...                            'code = "320101"\\nname = "x"\\nlevel = "city"\\n')
    ...     print(check_file(p)[0])
    320101: a city code ends in 00 (GB/T 2260), e.g. 320100 (...city.toml, line 4)
    """
    try:
        doc = _files.read_document(path, "city", HierarchyError)
    except UrbangovError as exc:
        return (exc,)
    return tuple(_document_problems(doc))
