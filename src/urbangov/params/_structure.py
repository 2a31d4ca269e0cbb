"""Policy parameters as data: dated values and strict structuring of TOML (政策参数).

Every number a city could change lives in a frozen attrs *section* class; a policy file
is TOML whose tables mirror those classes. This module is the machinery, generic over
any attrs class:

- :class:`Dated` — a value that changes on given dates: half-open ``[from, until)``
  periods that do not overlap, plus at most one default entry for dates no period covers;
- :func:`structure` / :func:`unstructure` — TOML data to attrs values and back, strict:
  unknown keys, wrong types (``"4"`` is not an integer, ``true`` is not an integer) and
  values a class rejects all raise :class:`~urbangov.errors.PolicyError` naming the dotted
  path, the file and the line, with a did-you-mean for misspelt keys. Every problem of a
  file is collected; the error lists them all in ``.problems``;
- :func:`resolve` — a value with every dated parameter fixed at a date (sections
  implement ``at(d)`` with it).

Files, reforms and diffs are in :mod:`urbangov.policy`, which composes the sections.

Value types that appear in TOML as a scalar or small structure (``TimeLimit``,
``WorkSchedule``) provide ``from_toml(value, *, field=None)`` and ``to_toml()``; the
structurer calls them.

>>> import attrs
>>> @attrs.frozen
... class Limits:
...     hours: Dated[int] = Dated.always(4)
>>> limits = structure({"hours": [{"value": 4}, {"value": 2, "from": date(2025, 1, 1)}]}, Limits)
>>> limits.hours.at(date(2024, 6, 1)), limits.hours.at(date(2025, 6, 1))
(4, 2)
>>> structure({"hours": "4"}, Limits)
Traceback (most recent call last):
...
urbangov.errors.PolicyError: hours: expected an integer, found the string '4'; ...
"""

from __future__ import annotations

import datetime as _dt
import difflib
import functools
import math
import re
import sys
import types
import typing
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from enum import Enum, IntEnum
from typing import Any, Literal, TypeVar

import attrs

from urbangov._internal.documents import PathKey, TomlDocument, dotted
from urbangov.errors import PolicyError, UrbangovError, combine
from urbangov.frozen import FrozenMap, freeze
from urbangov.params._dated import _PERIOD_KEYS, Dated, Period

__all__ = [
    "Dated",
    "Period",
    "did_you_mean",
    "field_types",
    "is_value_type",
    "optional_inner",
    "structure",
]

T = TypeVar("T")
C = TypeVar("C")

# ------------------------------------------------------------------ type helpers


@functools.cache
def field_types(cls: type) -> dict[str, Any]:
    """The resolved type of every field of the attrs class ``cls``.

    >>> field_types(Period)["start"]
    datetime.date | None
    """
    if not attrs.has(cls):
        return typing.get_type_hints(cls)
    out: dict[str, Any] = {}
    for f in attrs.fields(cls):
        tp = f.type
        if isinstance(tp, str):
            # a string annotation: evaluate it in the module of the class that declares it
            # (published classes were resolved already, see urbangov._internal.public)
            owner = next(
                (k for k in cls.__mro__ if f.name in vars(k).get("__annotations__", {})), cls
            )
            tp = eval(tp, vars(sys.modules[owner.__module__]))
        out[f.name] = tp
    return out


def _init_fields(cls: type) -> tuple[attrs.Attribute[Any], ...]:
    return tuple(f for f in attrs.fields(cls) if f.init)


def is_value_type(tp: object) -> bool:
    """Whether ``tp`` follows the ``from_toml``/``to_toml`` convention of value types."""
    return isinstance(tp, type) and callable(getattr(tp, "from_toml", None))


def optional_inner(tp: Any) -> Any | None:
    """For ``X | None`` return ``X``; otherwise ``None``."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(tp)) == 2:
            return args[0]
        raise TypeError(f"urbangov.params supports only X | None unions, not {tp!r}")
    return None


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, int | float | Decimal):
        return f"the number {value}"
    if isinstance(value, _dt.datetime):
        return f"the date-time {value.isoformat()}"
    if isinstance(value, _dt.date | _dt.time):
        return f"the {type(value).__name__} {value.isoformat()}"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list | tuple):
        return "an array"
    if value is None:
        return "nothing (None)"
    return f"a {type(value).__name__}"


def _suggest(word: str, choices: Iterable[str]) -> str | None:
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """The hint for an unknown word: the closest choice, or the list of choices.

    >>> did_you_mean("provisonal", ["tz", "provisional"])
    "did you mean 'provisional'?"
    >>> did_you_mean("x", ["tz", "covers"])
    'known keys: tz, covers'
    """
    choices = list(choices)
    near = _suggest(word, choices)
    return f"did you mean {near!r}?" if near else f"known keys: {', '.join(choices)}"


def _looks_like_periods(value: object) -> bool:
    return (
        isinstance(value, list | tuple)
        and len(value) > 0
        and all(isinstance(v, Mapping) and "value" in v for v in value)
    )


_NOTHING = object()  # a problem has been recorded for this value


# ------------------------------------------------------------------ structuring


class _Structurer:
    """Builds values and records every problem (an implementation detail)."""

    __slots__ = ("doc", "file", "problems")

    def __init__(self, doc: TomlDocument | None = None, file: str | None = None) -> None:
        self.doc = doc
        self.file = file if file is not None else (doc.file if doc else None)
        self.problems: list[PolicyError] = []

    def line(self, path: PathKey) -> int | None:
        return self.doc.line_of(path) if self.doc is not None and path else None

    def problem(self, path: PathKey, message: str, hint: str | None = None) -> Any:
        self.problems.append(
            PolicyError(
                message,
                field=dotted(path) or None,
                file=self.file,
                line=self.line(path),
                hint=hint,
            )
        )
        return _NOTHING

    def wrapped(self, path: PathKey, exc: Exception) -> Any:
        """Record an error raised by a class or a ``from_toml`` under ``path``."""
        if isinstance(exc, UrbangovError):
            where, message, hint = exc.field, exc.message, exc.hint
        else:
            where, message, hint = None, str(exc), None
        here = dotted(path)
        full = path
        if where and where != here:
            # a field relative to ours, or one repeating ours as a prefix
            at = where.rfind(here) if here else -1
            end = at + len(here)
            inside = where[end:] if at >= 0 and where[end : end + 1] in ("", ".", "[") else where
            full = (*path, *_parse_path(inside))
        return self.problem(full, message, hint)

    def wrong(self, path: PathKey, expected: str, value: object, hint: str | None = None) -> Any:
        return self.problem(path, f"expected {expected}, found {_describe(value)}", hint)

    # -- dispatch

    def value(self, value: Any, tp: Any, path: PathKey) -> Any:
        inner = optional_inner(tp)
        if inner is not None:
            return None if value is None else self.value(value, inner, path)
        if value is None:
            return self.problem(path, "no value given", "give a value (TOML has no null)")
        origin = typing.get_origin(tp)
        if origin is Literal:
            return self.literal(value, typing.get_args(tp), path)
        if origin is Dated or tp is Dated:
            args = typing.get_args(tp)
            return self.dated(value, args[0] if args else Any, path)
        if origin is tuple:
            return self.sequence(value, typing.get_args(tp), path)
        if origin is FrozenMap:
            key_type, value_type = typing.get_args(tp)
            return self.mapping(value, key_type, value_type, path)
        if tp is Any:
            return freeze(value)
        if not isinstance(tp, type):
            raise TypeError(f"urbangov.params cannot structure the type {tp!r}")
        if is_value_type(tp):
            return self.value_type(value, tp, path)
        if issubclass(tp, Enum):
            return self.enum(value, tp, path)
        if attrs.has(tp):
            return self.attrs_class(value, tp, path)
        return self.scalar(value, tp, path)

    def scalar(self, value: Any, tp: type, path: PathKey) -> Any:
        if tp is bool:
            return value if isinstance(value, bool) else self.wrong(path, "true or false", value)
        if tp is str:
            return value if isinstance(value, str) else self.wrong(path, "a string", value)
        if tp is int:
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            if isinstance(value, float | Decimal):
                return self.problem(path, f"{value} is not a whole number", "give an integer")
            hint = "write it without quotes" if isinstance(value, str) else None
            return self.wrong(path, "an integer", value, hint)
        if tp is Decimal or tp is float:
            return self.number(value, tp, path)
        if tp is date:
            if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
                return value
            return self.wrong(path, "a date (2024-01-01, without quotes)", value)
        if tp is _dt.time:
            if isinstance(value, _dt.time):
                return value
            return self.wrong(path, "a time (09:00:00, without quotes)", value)
        raise TypeError(f"urbangov.params cannot structure the type {tp!r}")

    def number(self, value: Any, tp: type, path: PathKey) -> Any:
        number = isinstance(value, int | Decimal | float) and not isinstance(value, bool)
        if tp is Decimal and isinstance(value, float):
            return self.problem(
                path,
                f"{value!r} is a binary float, not an exact number",
                "pass a Decimal (Decimal('0.1')) so the value stays exact",
            )
        if not number:
            hint = "write it without quotes" if isinstance(value, str) else None
            return self.wrong(path, "a number", value, hint)
        try:
            result = Decimal(value) if tp is Decimal else float(value)
        except OverflowError:
            return self.problem(path, f"{value} is too large for a {tp.__name__}")
        finite = result.is_finite() if isinstance(result, Decimal) else math.isfinite(result)
        if not finite:
            return self.problem(path, f"{value} is not a finite number")
        return result

    def literal(self, value: Any, choices: tuple[Any, ...], path: PathKey) -> Any:
        for choice in choices:
            if type(value) is type(choice) and value == choice:
                return choice
        words = [str(c) for c in choices]
        near = _suggest(value, words) if isinstance(value, str) else None
        hint = f"did you mean {near!r}?" if near else f"use one of {', '.join(map(repr, choices))}"
        return self.problem(path, f"{value!r} is not one of {', '.join(words)}", hint)

    def enum(self, value: Any, tp: type[Enum], path: PathKey) -> Any:
        parse = getattr(tp, "parse", None)
        if callable(parse):
            try:
                return parse(value, field=dotted(path))
            except (UrbangovError, ValueError, TypeError) as exc:
                return self.wrapped(path, exc)
        if isinstance(value, tp):
            return value
        for member in tp:
            if isinstance(value, str) and value == member.value:
                return member
            if isinstance(value, str) and value.lower() == member.name.lower():
                return member
            if (
                issubclass(tp, IntEnum)
                and isinstance(value, int)
                and not isinstance(value, bool)
                and value == member.value
            ):
                return member
        words = [_enum_word(m) for m in tp]
        near = _suggest(value, words) if isinstance(value, str) else None
        hint = f"did you mean {near!r}?" if near else f"use one of {', '.join(words)}"
        return self.problem(path, f"{value!r} is not a {tp.__name__}", hint)

    def value_type(self, value: Any, tp: type, path: PathKey) -> Any:
        if isinstance(value, tp):
            return value
        try:
            return tp.from_toml(value, field=dotted(path))  # type: ignore[attr-defined]
        except (UrbangovError, ValueError, TypeError) as exc:
            return self.wrapped(path, exc)

    def sequence(self, value: Any, args: tuple[Any, ...], path: PathKey) -> Any:
        if not isinstance(value, list | tuple):
            return self.wrong(path, "an array", value)
        if len(args) == 2 and args[1] is Ellipsis:
            kinds = [args[0]] * len(value)
        elif len(value) != len(args):
            return self.problem(path, f"expected an array of {len(args)} items, found {len(value)}")
        else:
            kinds = list(args)
        items = [
            self.value(v, k, (*path, i)) for i, (v, k) in enumerate(zip(value, kinds, strict=True))
        ]
        return _NOTHING if any(i is _NOTHING for i in items) else tuple(items)

    def mapping(self, value: Any, key_type: Any, value_type: Any, path: PathKey) -> Any:
        if not isinstance(value, Mapping):
            return self.wrong(path, "a table", value)
        out: dict[Any, Any] = {}
        bad = False
        for raw_key, raw_value in value.items():
            key = self.key(raw_key, key_type, (*path, str(raw_key)))
            item = self.value(raw_value, value_type, (*path, str(raw_key)))
            if key is _NOTHING or item is _NOTHING:
                bad = True
            else:
                out[key] = item
        return _NOTHING if bad else FrozenMap(out)

    def key(self, key: Any, key_type: Any, path: PathKey) -> Any:
        if key_type is str:
            return key if isinstance(key, str) else self.wrong(path, "a string key", key)
        return self.value(key, key_type, path)

    def attrs_class(self, value: Any, tp: type, path: PathKey) -> Any:
        if isinstance(value, tp):
            return value
        if not isinstance(value, Mapping):
            return self.wrong(path, f"a table ({tp.__name__})", value)
        fields = _init_fields(tp)
        names = [f.name for f in fields]
        bad = False
        for key in value:
            if key not in names:
                hint = did_you_mean(str(key), names)
                self.problem((*path, str(key)), f"unknown key {key!r} in {tp.__name__}", hint)
                bad = True
        kwargs: dict[str, Any] = {}
        hints = field_types(tp)
        for f in fields:
            if f.name in value:
                item = self.value(value[f.name], hints[f.name], (*path, f.name))
                if item is _NOTHING:
                    bad = True
                else:
                    kwargs[f.alias or f.name] = item
            elif f.default is attrs.NOTHING:
                if optional_inner(hints[f.name]) is not None:
                    kwargs[f.alias or f.name] = None
                else:
                    self.problem(
                        (*path, f.name), f"missing key {f.name!r}", f"add {f.name} = … here"
                    )
                    bad = True
        if bad:
            self.field_checks(fields, kwargs, path)
            return _NOTHING
        try:
            return tp(**kwargs)
        except (UrbangovError, ValueError, TypeError) as exc:
            return self.wrapped(_culprit(path, names, exc), exc)

    def field_checks(
        self, fields: tuple[attrs.Attribute[Any], ...], kwargs: dict[str, Any], path: PathKey
    ) -> None:
        """Run the converter and validator of each field that structured, one at a time:
        a class cannot be built while a sibling field is wrong, and its own checks of
        the other fields (a time zone, a schedule) must still be reported. A check that
        needs a sibling (it reads one from the instance) is left for the class."""
        given = {f.name: kwargs[f.alias or f.name] for f in fields if (f.alias or f.name) in kwargs}
        partial = types.SimpleNamespace(**given)
        for f in fields:
            if f.name not in given or (f.converter is None and f.validator is None):
                continue
            value = given[f.name]
            try:
                if f.converter is not None:
                    if isinstance(f.converter, attrs.Converter):
                        continue
                    value = f.converter(value)
                if f.validator is not None:
                    f.validator(partial, f, value)
            except AttributeError:
                continue
            except (UrbangovError, ValueError, TypeError) as exc:
                named = isinstance(exc, UrbangovError) and bool(exc.field)
                self.wrapped(path if named else (*path, f.name), exc)

    def dated(self, value: Any, inner: Any, path: PathKey) -> Any:
        before = len(self.problems)
        entries: list[tuple[Any, Any, Any, PathKey]] = []
        if isinstance(value, Dated):
            for i, p in enumerate(value.periods):
                entries.append((p.value, p.start, p.until, (*path, i)))
        elif isinstance(value, list | tuple) and (
            _looks_like_periods(value)
            or not (typing.get_origin(inner) is tuple or is_value_type(inner))
        ):
            if not value:
                return self.problem(
                    path, "a dated value needs at least one entry", "write a plain value"
                )
            for i, entry in enumerate(value):
                where = (*path, i)
                if not isinstance(entry, Mapping):
                    self.wrong(where, "{ value = …, from = …, until = … }", entry)
                    continue
                for key in entry:
                    if key not in _PERIOD_KEYS:
                        near = _suggest(str(key), _PERIOD_KEYS)
                        hint = f"did you mean {near!r}?" if near else "use value, from, until"
                        self.problem((*where, str(key)), f"unknown key {key!r} in a period", hint)
                if "value" not in entry:
                    self.problem(where, "a period without a value", "add value = …")
                    continue
                entries.append((entry["value"], entry.get("from"), entry.get("until"), where))
        else:
            entries.append((value, None, None, path))
        periods = []
        for raw, start, until, where in entries:
            item = self.value(raw, inner, (*where, "value") if where != path else path)
            first = self.value(start, date | None, (*where, "from"))
            last = self.value(until, date | None, (*where, "until"))
            periods.append(Period(item, first, last))
        if len(self.problems) > before:
            return _NOTHING
        try:
            return Dated(tuple(periods))
        except PolicyError as exc:
            return self.wrapped(path, exc)


def _parse_path(text: str) -> PathKey:
    """``"a.b[3].c"`` → ``("a", "b", 3, "c")`` (the inverse of ``dotted``)."""
    parts: list[str | int] = []
    for piece in re.finditer(r"\[(\d+)\]|([^.\[\]]+)", text):
        parts.append(int(piece.group(1)) if piece.group(1) is not None else piece.group(2))
    return tuple(parts)


def _culprit(path: PathKey, names: list[str], exc: Exception) -> PathKey:
    """The path of the field an attrs validator complained about, when it says so."""
    if isinstance(exc, UrbangovError):
        return path
    for arg in exc.args:
        if isinstance(arg, attrs.Attribute) and arg.name in names:
            return (*path, arg.name)
    text = str(exc)
    for name in names:
        if text.startswith((f"'{name}'", f"{name} ", f"{name}:")):
            return (*path, name)
    return path


def _enum_word(member: Enum) -> str:
    return member.value if isinstance(member.value, str) else member.name.lower()


def _raise(problems: list[PolicyError]) -> typing.NoReturn:
    raise combine(problems)


def structure(
    data: Any,
    cls: type[C],
    *,
    doc: TomlDocument | None = None,
    file: str | None = None,
) -> C:
    """Build a ``cls`` from TOML data, strictly (extra keys and wrong types rejected).

    Parameters
    ----------
    data
        The parsed TOML (floats read as ``Decimal``) or equivalent Python values.
    cls
        Any attrs class (or type the structurer knows).
    doc, file
        Where ``data`` came from, so errors can name the file and the line.

    Returns
    -------
    The value; ``unstructure`` turns it back into ``data``.

    Raises
    ------
    PolicyError
        Naming the dotted path of the first problem; ``.problems`` holds every problem.

    Examples
    --------
    >>> import attrs
    >>> @attrs.frozen
    ... class Rules:
    ...     close_without_verification: bool = False
    >>> structure({"close_without_verificaton": True}, Rules)
    Traceback (most recent call last):
    ...
    urbangov.errors.PolicyError: close_without_verificaton: unknown key ...
    ...did you mean 'close_without_verification'?
    """
    st = _Structurer(doc, file)
    built = st.value(data, cls, ())
    if st.problems:
        _raise(st.problems)
    return typing.cast(C, built)
