"""The Policy's ``local_classes`` section: a city's own classes (private).

:mod:`urbangov.taxonomy` re-exports :class:`LocalClasses`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import ClassVar

import attrs

from urbangov.errors import TaxonomyError
from urbangov.params import RuleSection
from urbangov.taxonomy._taxonomy import Taxonomy
from urbangov.taxonomy._values import Category, MajorClass

__all__ = ["LocalClasses"]


def _categories(value: Iterable[Category]) -> tuple[Category, ...]:
    return tuple(value)


def _majors(value: Iterable[MajorClass]) -> tuple[MajorClass, ...]:
    return tuple(value)


@attrs.frozen
class LocalClasses(RuleSection):
    """The Policy's ``local_classes`` section: a city's own component and event classes
    (本地部件、事件分类), added to the bundled national taxonomy.

    A class whose slug is already bundled replaces it (a city may re-map a class's
    domain or asset kind); a major class whose kind and code are bundled replaces it.
    :meth:`taxonomy` is the taxonomy every rule function of a Policy uses: the limit
    table's rows, the KPI groups, the CLI.

    In a policy file::

        [[local_classes.categories]]
        slug = "shop_front_clutter"
        name = "店外乱堆放"
        kind = "event"
        code = "0181"
        domain = "city_appearance"

    Examples
    --------
    >>> from urbangov.taxonomy import Category
    >>> mine = LocalClasses(categories=[Category(
    ...     "shop_front_clutter", "店外乱堆放", "event", "0181", "city_appearance")])
    >>> mine.taxonomy().resolve("店外乱堆放").major_code
    '01'
    >>> LocalClasses().taxonomy() == Taxonomy.default()
    True
    """

    categories: tuple[Category, ...] = attrs.field(default=(), converter=_categories)
    majors: tuple[MajorClass, ...] = attrs.field(default=(), converter=_majors)

    section: ClassVar[str] = "local_classes"

    def __attrs_post_init__(self) -> None:
        try:
            self.taxonomy()  # duplicate slugs or codes, unknown majors: raise now
        except TaxonomyError as exc:
            raise TaxonomyError(
                exc.message, field=self._own_field(exc.field), hint=exc.hint
            ) from None

    def _own_field(self, field: str | None) -> str | None:
        """An error's field about the merged lists, aimed at this section's own entry."""
        found = re.match(r"(categories|majors)\[(\d+)\](.*)", field or "")
        if found is None:
            return field
        part, index, rest = found.group(1), int(found.group(2)), found.group(3)
        base = Taxonomy.default()
        slots: dict[object, int]
        keys: list[object]
        if part == "categories":
            slots = {c.slug: i for i, c in enumerate(base.categories())}
            keys = [c.slug for c in self.categories]
        else:
            slots = {(m.kind, m.code): i for i, m in enumerate(base.majors)}
            keys = [(m.kind, m.code) for m in self.majors]
        position = len(slots)
        for own, key in enumerate(keys):
            at = slots.get(key)
            if at is None:
                at, position = position, position + 1
            if at == index:
                return f"{part}[{own}]{rest}"
        return field

    def taxonomy(self) -> Taxonomy:
        """The bundled taxonomy extended by these classes (built once per value).

        Raises
        ------
        TaxonomyError
            If two of these classes share a slug or a code, or a class's major class is
            neither bundled nor given.
        """
        return _extended(self.categories, self.majors)


@functools.lru_cache(maxsize=64)
def _extended(categories: tuple[Category, ...], majors: tuple[MajorClass, ...]) -> Taxonomy:
    if not categories and not majors:
        return Taxonomy.default()
    return Taxonomy.default().extend(categories, majors)
