"""The :class:`Policy`: every rule section of a city in one value (政策).

A ``Policy`` is a frozen attrs class with one field per rule section; each section is a
frozen attrs class defined in its own module (``calendar.CalendarRules``,
``cases.WorkflowRules``…). The machinery here is generic over any such composite
(:class:`Composite`): policy files (``load``, ``dump``), dates (``at``), reforms
(``reform``, ``evolve``) and differences (:func:`diff`). Adding a section is adding one
field to :class:`Policy`; the values inside a section are structured strictly by
:mod:`urbangov.params`.

>>> policy = Policy.default()
>>> Policy.loads(policy.dumps()) == policy
True
>>> for change in diff(policy, policy.reform({"workflow.first_asked_until": "close"})):
...     print(change.path, change.old.value, "→", change.new.value)
workflow.first_asked_until dispatch → close
"""

from __future__ import annotations

import datetime as _dt
import types
import typing
from collections.abc import Callable, Mapping
from enum import Enum
from importlib.abc import Traversable
from importlib.resources import files
from pathlib import Path
from typing import Any, ClassVar, Self, TypeVar

import attrs
import tomli_w

from urbangov._files import _line_index, check_header, dotted, header, parse_toml, write_text
from urbangov.calendar import CalendarRules, WorkCalendar
from urbangov.cases import WorkflowRules
from urbangov.deadlines import DeadlineRules
from urbangov.errors import PolicyError
from urbangov.frozen import FrozenMap
from urbangov.kpi import KpiRules
from urbangov.params import (
    Dated,
    did_you_mean,
    field_types,
    is_value_type,
    resolve,
    structure,
    unstructure,
)

__all__ = [
    "Change",
    "Composite",
    "Policy",
    "check_file",
    "diff",
    "dumps",
    "load",
    "loads",
    "reform",
]

C = TypeVar("C")
PathKey = tuple[str | int, ...]


# ------------------------------------------------------------------ files


def _key_at(text: str, line: int) -> str | None:
    """The dotted key assigned on (or last before) ``line`` of TOML ``text``."""
    best: tuple[int, PathKey] | None = None
    for path, number in _line_index(text).items():
        if number <= line and (best is None or number >= best[0]):
            best = (number, path)
    return dotted(best[1]) if best else None


def _not_empty(text: str, file: str) -> str:
    if not text.strip():
        raise PolicyError(
            "the file is empty",
            field="kind",
            file=file,
            line=1,
            hint='start it with kind = "policy" and format_version = 1',
        )
    return text


def _decode(raw: bytes, file: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        bad = raw[exc.start : exc.start + 1].hex()
        raise PolicyError(
            f"the file is not valid UTF-8 (byte 0x{bad})",
            field=_key_at(raw.decode("utf-8", "replace"), line),
            file=file,
            line=line,
            hint="save it as UTF-8 (urbangov files are always UTF-8)",
        ) from exc
    return _not_empty(text, file)


def loads(text: str, cls: type[C], *, kind: str = "policy", file: str = "<string>") -> C:
    """Read a ``cls`` from TOML text that starts with ``kind`` and ``format_version = 1``.

    Floats are read as ``Decimal`` (exact); every problem of the text is collected.

    Raises
    ------
    PolicyError
        Naming the file, the line and the dotted path of the first problem; its
        ``.problems`` lists every problem.

    >>> @attrs.frozen
    ... class Rules:
    ...     hours: int = 4
    >>> loads('kind = "policy"\\nformat_version = 1\\nhours = 2\\n', Rules)
    Rules(hours=2)
    """
    _not_empty(text, file)
    try:
        doc = parse_toml(text, file, PolicyError, decimal=True)
    except PolicyError as exc:
        field = exc.field or (_key_at(text, exc.line) if exc.line else None)
        raise PolicyError(
            exc.message, field=field, file=file, line=exc.line, hint=exc.hint
        ) from exc
    check_header(doc, kind, PolicyError)
    return structure(doc.data, cls, doc=doc)


def load(path: str | Path | Traversable, cls: type[C], *, kind: str = "policy") -> C:
    """Read a ``cls`` from a TOML file (see :func:`loads`); errors name file and line."""
    file = str(path)
    try:
        raw = (Path(path) if isinstance(path, str) else path).read_bytes()
    except OSError as exc:
        raise PolicyError(f"cannot read the file: {exc.strerror or exc}", file=file) from exc
    return loads(_decode(raw, file), cls, kind=kind, file=file)


def check_file(path: str | Path, cls: type, *, kind: str = "policy") -> list[PolicyError]:
    """Every problem of a policy file as a list (empty when the file is valid).

    Used by ``urbangov validate``; a file that cannot be read or parsed gives one problem.

    >>> check_file("no/such/policy.toml", Policy)[0].message
    'cannot read the file: No such file or directory'
    """
    try:
        load(path, cls, kind=kind)
    except PolicyError as exc:
        return list(exc.problems or (exc,))
    return []


def dumps(value: Any, *, kind: str = "policy", comment: str = "") -> str:
    """TOML text for ``value``: ``comment`` lines, the header, then the tables.

    The same value always gives the same bytes, and ``loads(dumps(v)) == v``.

    >>> @attrs.frozen
    ... class Rules:
    ...     hours: int = 4
    >>> print(dumps(Rules(), comment="my rules"))
    # my rules
    kind = "policy"
    format_version = 1
    hours = 4
    """
    lines = "".join(f"# {line}".rstrip() + "\n" for line in comment.splitlines())
    return lines + tomli_w.dumps({**header(kind), **unstructure(value)})


# ------------------------------------------------------------------ reforms


def _optional_inner(tp: Any) -> Any:
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        return rest[0] if len(rest) == 1 else tp
    return tp


def _is_section(tp: Any) -> bool:
    return isinstance(tp, type) and attrs.has(tp) and not is_value_type(tp)


def reform(value: C, changes: Mapping[str, object], *, valid_from: _dt.date | None = None) -> C:
    """``value`` with the parameters at the dotted paths replaced (a reform, 改革方案).

    The new values are checked exactly as a file's values are (the reform is applied to
    the value's TOML data, which is then structured again). A plain value replaces every
    period of a dated parameter; with ``valid_from`` it holds from that date on (earlier
    periods are cut there, later ones dropped, the default entry kept).

    Raises
    ------
    PolicyError
        Naming the dotted path, for unknown paths, wrong types or rejected values;
        ``.problems`` lists every problem of the reform.

    >>> from urbangov.params import Dated
    >>> @attrs.frozen
    ... class Rules:
    ...     hours: Dated[int] = Dated.always(4)
    >>> new = reform(Rules(), {"hours": 2}, valid_from=_dt.date(2025, 1, 1))
    >>> new.hours.at(_dt.date(2024, 12, 31)), new.hours.at(_dt.date(2025, 1, 1))
    (4, 2)
    """
    data = unstructure(value)
    problems: list[PolicyError] = []
    for key, new in changes.items():
        try:
            _apply(data, value, type(value), key, new, valid_from)
        except PolicyError as error:
            problems.append(error)
    try:
        result = structure(data, type(value))
    except PolicyError as error:
        problems.extend(error.problems or (error,))
    if problems:
        _raise_all(problems)
    return result


def _apply(
    data: dict[str, Any],
    value: Any,
    tp: Any,
    key: str,
    new: object,
    valid_from: _dt.date | None,
) -> None:
    """Set ``key`` in the plain ``data`` of ``value`` (whose type is ``tp``) to ``new``."""
    parts = key.split(".")
    if not key or not all(parts):
        raise PolicyError("not a dotted path", field=key or None, hint="write e.g. 'calendar.tz'")
    container: Any = data
    for depth, part in enumerate(parts):
        here = ".".join(parts[: depth + 1])
        last = depth == len(parts) - 1
        tp = _optional_inner(tp)
        if _is_section(tp):
            names = [f.name for f in attrs.fields(tp) if f.init]
            if part not in names:
                raise PolicyError(
                    f"unknown key {part!r} in {tp.__name__}",
                    field=here,
                    hint=did_you_mean(part, names),
                )
            child_tp = field_types(tp)[part]
            value = getattr(value, part) if value is not None else None
        elif typing.get_origin(tp) is FrozenMap and isinstance(container, dict):
            key_tp, child_tp = typing.get_args(tp)
            part = _canonical_key(part, key_tp, here)
            value = _entry(value, part)
            if value is None and not last:
                raise PolicyError(f"no entry {part!r} to change", field=here, hint="set it whole")
        else:
            kind = "dated value" if typing.get_origin(tp) is Dated else "single value"
            where = ".".join(parts[:depth])
            raise PolicyError(f"a {kind} has no part {part!r}", field=where, hint="set it whole")
        if last:
            container[part] = _new_value(value, child_tp, new, valid_from, here)
            return
        if not isinstance(container.get(part), dict):
            container[part] = {}
        container, tp = container[part], child_tp


def _canonical_key(key: str, key_tp: Any, field: str) -> str:
    """The key as a file writes it (``"严管区"`` → ``"strict"`` for an enum key)."""
    if key_tp is str:
        return key
    try:
        return str(unstructure(structure(key, key_tp)))
    except PolicyError as error:
        raise PolicyError(error.message, field=field, hint=error.hint) from None


def _entry(mapping: Any, key: str) -> Any:
    if not isinstance(mapping, FrozenMap):
        return None
    for k, v in mapping.items():
        if (unstructure(k) if isinstance(k, Enum) else k) == key:
            return v
    return None


def _new_value(
    current: Any, tp: Any, new: object, valid_from: _dt.date | None, field: str
) -> object:
    """The plain data a reform writes: ``new``, or the periods with ``new`` from a date."""
    if valid_from is None:
        return new
    if typing.get_origin(_optional_inner(tp)) is not Dated:
        raise PolicyError("not a dated value", field=field, hint="reform it without valid_from")
    if current is None:
        return [{"value": new, "from": valid_from}]
    entries = unstructure(current.since(valid_from, None))
    for entry in entries:
        if entry.get("from") == valid_from and "until" not in entry:
            entry["value"] = new
    return entries


def _raise_all(problems: list[PolicyError]) -> typing.NoReturn:
    if len(problems) == 1:
        raise problems[0]
    listing = "\n".join(f"  - {p}" for p in problems)
    error = PolicyError(
        f"{len(problems)} problems in the reform:\n{listing}\nthe first is",
        field=problems[0].field,
        hint="fix each one",
    )
    error.problems = tuple(problems)
    raise error


# ------------------------------------------------------------------ diff


@attrs.frozen
class Change:
    """One difference between two policies: the parameter's dotted path, old and new.

    ``old`` is ``None`` for an entry only the new policy has, ``new`` for one only the
    old policy has.
    """

    path: str
    old: object
    new: object


def diff(old: Any, new: Any) -> list[Change]:
    """The parameters that differ between ``old`` and ``new``, ordered by path.

    Sections and nested tables are compared field by field and key by key; a dated
    value, an array or a value type (``TimeLimit``) is one parameter.

    >>> @attrs.frozen
    ... class Rules:
    ...     hours: int = 4
    ...     strict: bool = False
    >>> diff(Rules(), Rules(hours=2))
    [Change(path='hours', old=4, new=2)]
    """
    found: list[tuple[tuple[str, ...], Change]] = []
    _diff(old, new, (), found)
    return [change for _, change in sorted(found, key=lambda pair: pair[0])]


def _diff(old: Any, new: Any, path: tuple[str, ...], out: list[Any]) -> None:
    if old == new and type(old) is type(new):
        return
    kind = type(old)
    if kind is type(new) and _is_section(kind) and not isinstance(old, Dated):
        for f in attrs.fields(kind):
            if f.init:
                _diff(getattr(old, f.name), getattr(new, f.name), (*path, f.name), out)
    elif isinstance(old, FrozenMap) and isinstance(new, FrozenMap):
        for key in [*old, *(k for k in new if k not in old)]:
            name = str(unstructure(key))
            _diff(old.get(key), new.get(key), (*path, name), out)
    else:
        out.append((path, Change(".".join(path), old, new)))


# ------------------------------------------------------------------ composites


class Composite:
    """Base of a frozen attrs class made of sections, such as :class:`Policy`.

    It gives ``load``/``loads``/``dump``/``dumps``, ``at``, ``evolve``, ``reform`` and
    ``check_file`` with no code of its own: adding a section is adding one field.
    ``_kind`` and ``_comment`` set the file kind and the header comment.
    """

    __slots__ = ()
    _kind: ClassVar[str] = "policy"
    _comment: ClassVar[str] = "urbangov policy"

    @classmethod
    def loads(cls, text: str, *, file: str = "<string>") -> Self:
        """Read from TOML text (see :func:`loads`)."""
        return loads(text, cls, kind=cls._kind, file=file)

    @classmethod
    def load(cls, path: str | Path | Traversable) -> Self:
        """Read from a TOML file; all its problems raise one :class:`PolicyError`."""
        return load(path, cls, kind=cls._kind)

    @classmethod
    def check_file(cls, path: str | Path) -> list[PolicyError]:
        """Every problem of the file (empty when it is valid)."""
        return check_file(path, cls, kind=cls._kind)

    def dumps(self) -> str:
        """TOML text with a header comment; ``loads(dumps())`` equals ``self``, and a
        written file re-writes byte-identical."""
        return dumps(self, kind=self._kind, comment=self._comment)

    def dump(self, path: str | Path) -> None:
        """Write :meth:`dumps` to ``path`` (UTF-8, ``\\n`` line ends)."""
        write_text(path, self.dumps())

    def at(self, d: _dt.date) -> Self:
        """Every section at date ``d`` (its own ``at``; otherwise dated values resolved)."""
        changes: dict[str, Any] = {}
        for f in attrs.fields(typing.cast(Any, type(self))):
            section = getattr(self, f.name)
            method: Callable[[_dt.date], Any] | None = getattr(section, "at", None)
            if method is not None and not isinstance(section, Dated):
                changes[f.alias or f.name] = method(d)
            else:
                changes[f.alias or f.name] = resolve(section, d, path=f.name)
        return typing.cast(Self, attrs.evolve(typing.cast(Any, self), **changes))

    def evolve(self, **sections: object) -> Self:
        """A copy with whole sections replaced, checked like a file's sections."""
        return reform(self, sections)

    def reform(self, changes: Mapping[str, object], valid_from: _dt.date | None = None) -> Self:
        """A copy with parameters replaced by dotted path (see :func:`reform`)."""
        return reform(self, changes, valid_from=valid_from)


_COMMENT = """\
urbangov policy (城市管理政策参数), written by urbangov.
Check it with `urbangov validate FILE`; compare two with `urbangov diff OLD NEW`.
A dated value is [{ value = …, from = YYYY-MM-DD, until = YYYY-MM-DD }, …]:
half-open periods that do not overlap; an entry with neither from nor until is the
default; a plain value holds always."""


@attrs.frozen
class Policy(Composite):
    """Every parameter a city could change, one field per rule section.

    Build it with :meth:`default`, :meth:`load` or the constructor; change it with
    :meth:`evolve` (whole sections) or :meth:`reform` (dotted paths); compare two with
    :func:`diff`; resolve the dated values with :meth:`at`.

    Examples
    --------
    >>> policy = Policy.default().reform({"calendar.tz": "Asia/Urumqi"})
    >>> policy.calendar.tz
    'Asia/Urumqi'
    >>> policy.at(_dt.date(2025, 1, 1)) == policy
    True
    """

    calendar: CalendarRules = attrs.field(factory=CalendarRules)
    """Office hours, time zone and local extra days (``calendar.CalendarRules``)."""
    workflow: WorkflowRules = attrs.field(factory=WorkflowRules)
    """Choices about the case workflow (``cases.WorkflowRules``)."""
    deadlines: DeadlineRules = attrs.field(factory=DeadlineRules)
    """Handling time limits, warnings and extensions (``deadlines.DeadlineRules``)."""
    kpi: KpiRules = attrs.field(factory=KpiRules)
    """How KPI counts are taken (``kpi.KpiRules``)."""

    _comment: ClassVar[str] = _COMMENT

    @classmethod
    def default(cls) -> Policy:
        """The bundled default policy (``urbangov/data/default_policy.toml``).

        >>> Policy.default() == Policy()
        True
        """
        return cls.load(files("urbangov").joinpath("data", "default_policy.toml"))

    def work_calendar(self) -> WorkCalendar:
        """The working calendar of the ``calendar`` section (holidays, office hours).

        >>> Policy().work_calendar().is_workday(_dt.date(2024, 10, 1))  # National Day
        False
        """
        return self.calendar.work_calendar()
