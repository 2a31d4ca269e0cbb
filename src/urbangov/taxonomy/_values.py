"""Taxonomy values: :class:`CategoryKind`, :class:`CodeSource`, :class:`MajorClass` and
:class:`Category` (private; :mod:`urbangov.taxonomy` re-exports them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum
from typing import Any, TypeVar

import attrs

from urbangov.errors import TaxonomyError, UnknownTermError
from urbangov.vocabulary import Domain, Term

__all__ = ["Category", "CategoryKind", "CodeSource", "MajorClass"]

_SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
_ASSET = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
_CODE = re.compile(r"^\d{4}$")
_MAJOR_CODE = re.compile(r"^\d{2}$")
_E = TypeVar("_E", bound=StrEnum)


class CategoryKind(Term):
    """Whether a class is a component (部件: a public facility) or an event (事件).

    >>> CategoryKind.parse("部件")
    <CategoryKind.COMPONENT: 'component'>
    """

    COMPONENT = "component", "部件"
    """部件 — a public facility (manhole cover, bus shelter, street tree…)."""
    EVENT = "event", "事件"
    """事件 — a behaviour or incident (exposed garbage, street trading…)."""

    @property
    def prefix(self) -> str:
        """The letter urbangov puts before a code to make it unique: ``C`` or ``E``."""
        return "C" if self is CategoryKind.COMPONENT else "E"


class CodeSource(Term):
    """Where a code comes from: the standard's lineage or urbangov's own extension.

    >>> CodeSource.parse("standard")
    <CodeSource.STANDARD: 'standard'>
    """

    STANDARD = "standard", "标准"
    """As city systems built on CJ/T 214 / GB/T 30428.2 publish it."""
    URBANGOV = "urbangov", "urbangov 扩展"
    """Added by urbangov (subclass numbers 80–89, component major class 99)."""
    LOCAL = "local", "地方"
    """Added by a city's own taxonomy file."""


def _check_slug(field: str, value: object, pattern: re.Pattern[str], what: str) -> str:
    if not isinstance(value, str) or not pattern.match(value):
        raise TaxonomyError(
            f"{value!r} is not a valid {what}",
            field=field,
            hint="use lowercase English words joined by '_' (e.g. 'exposed_garbage')"
            if what == "slug"
            else "use lowercase slugs joined by '.' (e.g. 'road.other', 'manhole')",
        )
    return value


def _validate_slug(_: object, attribute: attrs.Attribute[str], value: object) -> None:
    _check_slug(attribute.name, value, _SLUG, "slug")


def _validate_name(_: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise TaxonomyError(
            f"{value!r} is not a valid name",
            field=attribute.name,
            hint="give the Chinese name without surrounding spaces (e.g. '暴露垃圾')",
        )


def _validate_code(_: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not _CODE.match(value):
        raise TaxonomyError(
            f"{value!r} is not a 4-digit code",
            field=attribute.name,
            hint="write the code as a string of 4 digits, e.g. '0102' "
            "(major class 01, subclass 02)",
        )


def _validate_major_code(_: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not _MAJOR_CODE.match(value):
        raise TaxonomyError(
            f"{value!r} is not a 2-digit code",
            field=attribute.name,
            hint="write the major class code as a string of 2 digits, e.g. '01'",
        )


def _to_aliases(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise TaxonomyError(
            f"{value!r} is not a list of names", field="aliases", hint="give a list of names"
        )
    return tuple(value)


def _to_kind(value: object) -> CategoryKind:
    return CategoryKind.parse(value, field="kind", error=TaxonomyError)


def _to_source(value: object) -> CodeSource:
    return CodeSource.parse(value, field="source", error=TaxonomyError)


def _parse_domain(value: object) -> Domain:
    try:
        return Domain.parse(value, field="domain")
    except UnknownTermError as exc:
        raise TaxonomyError(exc.message, field="domain", hint=exc.hint) from None


def _majors_tuple(value: Iterable[MajorClass]) -> tuple[MajorClass, ...]:
    return tuple(value)


def _categories_tuple(value: Iterable[Category]) -> tuple[Category, ...]:
    return tuple(value)


def _validate_aliases(_: object, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
    for i, alias in enumerate(value):
        if not isinstance(alias, str) or not alias.strip() or alias != alias.strip():
            raise TaxonomyError(
                f"{alias!r} is not a valid alias",
                field=f"aliases[{i}]",
                hint="give other Chinese names for the class as non-empty strings",
            )


def _validate_asset(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _check_slug(attribute.name, value, _ASSET, "asset kind")


@attrs.frozen
class MajorClass:
    """A major class (大类) of components or events, e.g. event ``05`` 街面秩序.

    Examples
    --------
    >>> from urbangov.taxonomy import Taxonomy
    >>> m = Taxonomy.default().major("event", "05")
    >>> m.name, m.full_code
    ('街面秩序', 'E05')
    """

    kind: CategoryKind = attrs.field(converter=_to_kind)
    code: str = attrs.field(validator=_validate_major_code)
    name: str = attrs.field(validator=_validate_name)
    slug: str = attrs.field(validator=_validate_slug)
    source: CodeSource = attrs.field(default=CodeSource.LOCAL, converter=_to_source)

    @property
    def full_code(self) -> str:
        """The code with urbangov's kind letter (``E05``), unique across kinds."""
        return self.kind.prefix + self.code


@attrs.frozen
class Category:
    """A subclass (小类) of components or events: what a case is about.

    Parameters
    ----------
    slug
        English snake_case identifier stored in cases (``exposed_garbage``).
    name
        The Chinese name (暴露垃圾).
    kind
        :class:`CategoryKind` (部件 or 事件).
    code
        Four digits: major class (2) + subclass (2), e.g. ``"0102"``.
    domain
        The duty :class:`~urbangov.vocabulary.Domain` whose lead handles it.
    asset_kind
        The asset or site slug the duty matrix keys on (``road.other``, ``manhole``), or
        ``None`` when the domain's general rule applies.
    aliases
        Other names cities use (违法建设 for 私搭乱建).
    source
        Where the code comes from (:class:`CodeSource`).

    Examples
    --------
    >>> from urbangov.taxonomy import Taxonomy
    >>> c = Taxonomy.default().resolve("占道经营")
    >>> c.slug, c.full_code, c.major_code, c.kind.chinese
    ('street_occupying_trade', 'E0580', '05', '事件')
    """

    slug: str = attrs.field(validator=_validate_slug)
    name: str = attrs.field(validator=_validate_name)
    kind: CategoryKind = attrs.field(converter=_to_kind)
    code: str = attrs.field(validator=_validate_code)
    domain: Domain = attrs.field(converter=_parse_domain)
    asset_kind: str | None = attrs.field(default=None, validator=_validate_asset)
    aliases: tuple[str, ...] = attrs.field(
        default=(), converter=_to_aliases, validator=_validate_aliases
    )
    source: CodeSource = attrs.field(default=CodeSource.LOCAL, converter=_to_source)

    @property
    def major_code(self) -> str:
        """The major class's two digits (``"01"``)."""
        return self.code[:2]

    @property
    def full_code(self) -> str:
        """The code with urbangov's kind letter (``E0102``), unique across kinds."""
        return self.kind.prefix + self.code

    def to_toml(self) -> dict[str, Any]:
        """The table written to a taxonomy file (optional keys only when set).

        >>> from urbangov.taxonomy import Taxonomy
        >>> Taxonomy.default().resolve("暴露垃圾").to_toml()["code"]
        '0102'
        """
        out: dict[str, Any] = {
            "slug": self.slug,
            "name": self.name,
            "kind": self.kind.value,
            "code": self.code,
            "domain": self.domain.value,
        }
        if self.asset_kind is not None:
            out["asset_kind"] = self.asset_kind
        if self.aliases:
            out["aliases"] = list(self.aliases)
        out["source"] = self.source.value
        return out
