"""Component (部件) and event (事件) classes of digital city management, with codes.

Private: :mod:`urbangov.taxonomy` re-exports the public names.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Self

import attrs
import tomli_w

from urbangov._internal.documents import TomlDocument, dotted, header, read_document, write_text
from urbangov.errors import TaxonomyError, UrbangovError
from urbangov.frozen import FrozenMap
from urbangov.taxonomy._values import (
    _CODE,
    Category,
    CategoryKind,
    MajorClass,
    _categories_tuple,
    _majors_tuple,
)

__all__ = ["Taxonomy"]

_BUNDLED = Path(__file__).parents[1] / "data" / "taxonomy.toml"


_CATEGORY_KEYS = frozenset(
    {"slug", "name", "kind", "code", "domain", "asset_kind", "aliases", "source"}
)
_MAJOR_KEYS = frozenset({"kind", "code", "name", "slug", "source"})


def _index(
    majors: tuple[MajorClass, ...], categories: tuple[Category, ...]
) -> tuple[FrozenMap[str, Category], FrozenMap[tuple[str, str], MajorClass]]:
    """Check uniqueness and build the lookup (slug, names, aliases, codes → category)."""
    major_index: dict[tuple[str, str], MajorClass] = {}
    for i, major in enumerate(majors):
        major_key = (major.kind.value, major.code)
        if major_key in major_index:
            raise TaxonomyError(
                f"duplicate {major.kind.value} major class {major.code}",
                field=f"majors[{i}].code",
                hint="give each major class of a kind its own two-digit code",
            )
        major_index[major_key] = major
    lookup: dict[str, Category] = {}
    by_code: dict[str, list[Category]] = {}
    for i, cat in enumerate(categories):
        if (cat.kind.value, cat.major_code) not in major_index:
            raise TaxonomyError(
                f"{cat.kind.value} code {cat.code} belongs to no major class "
                f"{cat.kind.value} {cat.major_code}",
                field=f"categories[{i}].code",
                hint="add the major class under [[majors]] or fix the code's first two digits",
            )
        keys = [("slug", cat.slug), ("full code", cat.full_code), ("name", cat.name)]
        keys += [("alias", a) for a in cat.aliases]
        for what, key in keys:
            other = lookup.get(key)
            if other is not None and other is not cat:
                raise TaxonomyError(
                    f"{what} {key!r} is already used by {other.slug!r}",
                    field=f"categories[{i}]."
                    + {"full code": "code", "alias": "aliases"}.get(what, what),
                    hint="slugs, codes, names and aliases must each name one class",
                )
            lookup[key] = cat
        by_code.setdefault(cat.code, []).append(cat)
    for code, cats in by_code.items():
        if len(cats) == 1:
            lookup.setdefault(code, cats[0])
    return FrozenMap(lookup), FrozenMap(major_index)


@attrs.frozen
class Taxonomy:
    """The component and event classes a city uses (a frozen value).

    Build one with :meth:`default` (bundled), :meth:`load` (a ``kind = "taxonomy"`` file),
    or from :class:`MajorClass` and :class:`Category` values; add or override classes with
    :meth:`extend` or :meth:`merged`.

    Examples
    --------
    >>> tax = Taxonomy.default()
    >>> tax.resolve("路面破损").slug
    'damaged_road_surface'
    >>> mine = tax.extend([Category("night_market", "夜市", "event", "0581", "city_appearance")])
    >>> mine.resolve("夜市").full_code
    'E0581'
    >>> len(mine.categories()) == len(tax.categories()) + 1
    True
    """

    majors: tuple[MajorClass, ...] = attrs.field(converter=_majors_tuple)
    _categories: tuple[Category, ...] = attrs.field(converter=_categories_tuple, alias="categories")
    _lookup: FrozenMap[str, Category] = attrs.field(init=False, eq=False, repr=False)
    _major_index: FrozenMap[tuple[str, str], MajorClass] = attrs.field(
        init=False, eq=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        for i, m in enumerate(self.majors):
            if not isinstance(m, MajorClass):
                raise TaxonomyError(f"{m!r} is not a MajorClass", field=f"majors[{i}]")
        for i, c in enumerate(self._categories):
            if not isinstance(c, Category):
                raise TaxonomyError(f"{c!r} is not a Category", field=f"categories[{i}]")
        lookup, major_index = _index(self.majors, self._categories)
        object.__setattr__(self, "_lookup", lookup)
        object.__setattr__(self, "_major_index", major_index)

    # ------------------------------------------------------------------ queries

    def categories(self, kind: CategoryKind | str | None = None) -> tuple[Category, ...]:
        """All categories in file order, or only components or events.

        >>> len(Taxonomy.default().categories("component")) > 20
        True
        """
        if kind is None:
            return self._categories
        wanted = CategoryKind.parse(kind, field="kind", error=TaxonomyError)
        return tuple(c for c in self._categories if c.kind is wanted)

    def major(self, kind: CategoryKind | str, code: str) -> MajorClass:
        """The major class of ``kind`` with two-digit ``code``.

        >>> Taxonomy.default().major("component", "99").name
        '扩展部件'
        """
        wanted = CategoryKind.parse(kind, field="kind", error=TaxonomyError)
        found = self._major_index.get((wanted.value, code))
        if found is None:
            raise TaxonomyError(
                f"no {wanted.value} major class {code!r}",
                field="major",
                hint="known: " + ", ".join(m.full_code for m in self.majors),
            )
        return found

    def major_of(self, category: Category | str) -> MajorClass:
        """The major class a category belongs to.

        >>> Taxonomy.default().major_of("exposed_garbage").name
        '市容环境'
        """
        cat = self.resolve(category)
        return self._major_index[(cat.kind.value, cat.major_code)]

    def __contains__(self, key: object) -> bool:
        if isinstance(key, Category):
            return self._lookup.get(key.slug) == key
        return isinstance(key, str) and key.strip() in self._lookup

    def resolve(self, key: Category | str, *, field: str | None = None) -> Category:
        """Find a category by slug, Chinese name, alias or code.

        A code is the four digits (``"0102"``) when only one kind uses them, or the code
        with urbangov's kind letter (``"E0102"``, ``"C0101"``) or the Chinese kind
        (``"事件0102"``, ``"部件0101"``).

        Parameters
        ----------
        key
            What to look up; a :class:`Category` of this taxonomy is returned as is.
        field
            The field to name in the error (``cases[3].category``).

        Raises
        ------
        TaxonomyError
            Naming the key, a close match when there is one, or both kinds for a code that
            both components and events use.

        Examples
        --------
        >>> tax = Taxonomy.default()
        >>> tax.resolve("部件0101").name, tax.resolve("事件0101").name
        ('上水井盖', '私搭乱建')
        >>> tax.resolve("0101")
        Traceback (most recent call last):
        ...
        urbangov.errors.TaxonomyError: category: '0101' is both component 0101 (上水井盖) and
        event 0101 (私搭乱建); write 'C0101' or 'E0101'
        >>> tax.resolve("exposed_garbag")
        Traceback (most recent call last):
        ...
        urbangov.errors.TaxonomyError: category: 'exposed_garbag' is not a category of this
        taxonomy; did you mean 'exposed_garbage'?
        """
        name = field or "category"
        if isinstance(key, Category):
            if self._lookup.get(key.slug) != key:
                raise TaxonomyError(
                    f"{key.slug!r} is not a category of this taxonomy (or differs from it)",
                    field=name,
                    hint="extend the taxonomy with it first",
                )
            return key
        if not isinstance(key, str):
            raise TaxonomyError(
                f"{key!r} is not a category name", field=name, hint="give a slug, name or code"
            )
        text = key.strip()
        for zh, kind in (("部件", CategoryKind.COMPONENT), ("事件", CategoryKind.EVENT)):
            if text.startswith(zh) and _CODE.match(text[len(zh) :]):
                text = kind.prefix + text[len(zh) :]
        if len(text) == 5 and text[0] in "ce" and _CODE.match(text[1:]):
            text = text.upper()
        found = self._lookup.get(text)
        if found is not None:
            return found
        if _CODE.match(text):
            both = [c for c in self._categories if c.code == text]
            if len(both) > 1:
                listed = " and ".join(f"{c.kind.value} {c.code} ({c.name})" for c in both)
                raise TaxonomyError(
                    f"{text!r} is both {listed}",
                    field=name,
                    hint=f"write {'C' + text!r} or {'E' + text!r}",
                )
        close = difflib.get_close_matches(text, list(self._lookup), n=1, cutoff=0.6)
        raise TaxonomyError(
            f"{key!r} is not a category of this taxonomy",
            field=name,
            hint=f"did you mean {close[0]!r}?"
            if close
            else "list them with Taxonomy.categories(), or extend the taxonomy",
        )

    # ------------------------------------------------------------------ building

    def extend(
        self, categories: Iterable[Category] = (), majors: Iterable[MajorClass] = ()
    ) -> Taxonomy:
        """A taxonomy with ``categories`` and ``majors`` added; one with the slug (or,
        for majors, the kind and code) of an existing one replaces it in place.

        >>> import attrs
        >>> tax = Taxonomy.default()
        >>> mine = tax.extend([attrs.evolve(tax.resolve("exposed_garbage"), asset_kind=None)])
        >>> mine.resolve("暴露垃圾").asset_kind is None
        True
        >>> len(mine.categories()) == len(tax.categories())
        True
        """
        new_majors = list(self.majors)
        positions = {(m.kind, m.code): i for i, m in enumerate(new_majors)}
        for major in majors:
            at = positions.get((major.kind, major.code))
            if at is None:
                positions[(major.kind, major.code)] = len(new_majors)
                new_majors.append(major)
            else:
                new_majors[at] = major
        new_cats = list(self._categories)
        slots = {c.slug: i for i, c in enumerate(new_cats)}
        for cat in categories:
            at = slots.get(cat.slug)
            if at is None:
                slots[cat.slug] = len(new_cats)
                new_cats.append(cat)
            else:
                new_cats[at] = cat
        return Taxonomy(majors=tuple(new_majors), categories=tuple(new_cats))

    def merged(self, other: Taxonomy) -> Taxonomy:
        """This taxonomy extended by every major class and category of ``other``.

        >>> tax = Taxonomy.default()
        >>> tax.merged(tax) == tax
        True
        """
        return self.extend(other.categories(), other.majors)

    # ------------------------------------------------------------------ files

    @classmethod
    def default(cls) -> Taxonomy:
        """The bundled taxonomy (``urbangov/data/taxonomy.toml``).

        >>> Taxonomy.default().resolve("非法小广告").code
        '0201'
        """
        return _bundled()

    @classmethod
    def load(cls, path: str | Path, *, base: Taxonomy | None = None) -> Self:
        """Read a ``kind = "taxonomy"`` TOML (or JSON) file.

        Parameters
        ----------
        path
            The file.
        base
            A taxonomy the file extends (e.g. ``Taxonomy.default()``): its classes are
            kept, the file's are added, and a file class with a known slug replaces it.

        Raises
        ------
        TaxonomyError
            Naming the file, the line and the field of a bad or duplicate entry.

        Examples
        --------
        >>> import tempfile, os
        >>> text = 'kind = "taxonomy"\\nformat_version = 1\\n[[categories]]\\n'
        >>> text += 'slug = "night_market"\\nname = "夜市"\\nkind = "event"\\n'
        >>> text += 'code = "0581"\\ndomain = "city_appearance"\\n'
        >>> with tempfile.TemporaryDirectory() as d:
        ...     p = os.path.join(d, "mine.toml")
        ...     _ = open(p, "w", encoding="utf-8").write(text)
        ...     mine = Taxonomy.load(p, base=Taxonomy.default())
        >>> mine.resolve("夜市").slug
        'night_market'
        """
        doc = read_document(path, "taxonomy", TaxonomyError)
        return cls._from_document(doc, base)

    @classmethod
    def loads(cls, text: str, *, base: Taxonomy | None = None, file: str = "<string>") -> Self:
        """Read taxonomy TOML text (see :meth:`load`).

        >>> Taxonomy.loads(Taxonomy.default().dumps()) == Taxonomy.default()
        True
        """
        from urbangov._internal.documents import check_header, parse_toml

        doc = parse_toml(text, file, TaxonomyError)
        check_header(doc, "taxonomy", TaxonomyError)
        return cls._from_document(doc, base)

    @classmethod
    def check_file(
        cls, path: str | Path, *, base: Taxonomy | None = None
    ) -> tuple[UrbangovError, ...]:
        """Every problem of a ``kind = "taxonomy"`` file, each naming its field, file and
        line; empty exactly when :meth:`load` would succeed (whose error is the first).

        Each entry's unknown and missing keys and bad values are all reported; checks
        across entries (duplicate slugs or codes, classes of unknown majors) run once the
        entries themselves are sound. ``urbangov validate`` prints these.

        >>> Taxonomy.check_file("no/such/taxonomy.toml")[0].message[:20]
        'cannot read the file'
        """
        try:
            doc = read_document(path, "taxonomy", TaxonomyError)
        except TaxonomyError as exc:
            return (exc,)
        built, problems = _read_entries(doc)
        if problems:
            return tuple(problems)
        try:
            cls._assemble(doc, base, built)
        except TaxonomyError as exc:
            return (exc,)
        return ()

    @classmethod
    def _from_document(cls, doc: TomlDocument, base: Taxonomy | None) -> Self:
        built, problems = _read_entries(doc)
        if problems:
            raise problems[0]
        return cls._assemble(doc, base, built)

    @classmethod
    def _assemble(
        cls, doc: TomlDocument, base: Taxonomy | None, built: dict[str, list[Any]]
    ) -> Self:
        majors: tuple[MajorClass, ...] = tuple(built["majors"])
        cats: tuple[Category, ...] = tuple(built["categories"])
        _no_repeats(doc, majors, cats)
        if base is not None:
            try:
                merged = base.extend(cats, majors)
            except TaxonomyError as exc:
                raise _in_file(exc, doc, base, cats, majors) from None
            return cls(majors=merged.majors, categories=merged.categories())
        try:
            return cls(majors=majors, categories=cats)
        except TaxonomyError as exc:
            path = _path_of(exc.field)
            raise TaxonomyError(
                exc.message,
                field=exc.field,
                file=doc.file,
                line=doc.line_of(path) if path else None,
                hint=exc.hint,
            ) from None

    def to_toml(self) -> dict[str, Any]:
        """The plain data written by :meth:`dumps` (header included)."""
        majors = []
        for m in self.majors:
            majors.append(
                {
                    "kind": m.kind.value,
                    "code": m.code,
                    "name": m.name,
                    "slug": m.slug,
                    "source": m.source.value,
                }
            )
        return {
            **header("taxonomy"),
            "majors": majors,
            "categories": [c.to_toml() for c in self._categories],
        }

    def dumps(self) -> str:
        """The taxonomy as TOML text; ``Taxonomy.loads(t.dumps()) == t``.

        >>> Taxonomy.default().dumps().splitlines()[0]
        'kind = "taxonomy"'
        """
        return tomli_w.dumps(self.to_toml())

    def dump(self, path: str | Path) -> None:
        """Write :meth:`dumps` to ``path`` (UTF-8, ``\\n`` line ends)."""
        write_text(path, self.dumps())


def _no_repeats(
    doc: TomlDocument, majors: tuple[MajorClass, ...], cats: tuple[Category, ...]
) -> None:
    """Raise for a class the file lists twice (with a base taxonomy the second would
    silently replace the first, as a class of the base is replaced)."""
    seen_majors: dict[tuple[str, str], int] = {}
    for i, major in enumerate(majors):
        key = (major.kind.value, major.code)
        if key in seen_majors:
            path: tuple[str | int, ...] = ("majors", i, "code")
            raise TaxonomyError(
                f"the {major.kind.value} major class {major.code} is listed twice "
                f"(first as majors[{seen_majors[key]}])",
                field=dotted(path),
                file=doc.file,
                line=doc.line_of(path),
                hint="list each major class once",
            )
        seen_majors[key] = i
    seen: dict[str, int] = {}
    for i, cat in enumerate(cats):
        if cat.slug in seen:
            path = ("categories", i, "slug")
            raise TaxonomyError(
                f"slug {cat.slug!r} is already used by categories[{seen[cat.slug]}]",
                field=dotted(path),
                file=doc.file,
                line=doc.line_of(path),
                hint="list each category once (a file replaces a base class by listing it once)",
            )
        seen[cat.slug] = i


_REQUIRED = frozenset({"slug", "name", "kind", "code", "domain"})
_MAJOR_REQUIRED = frozenset({"kind", "code", "name", "slug"})


def _read_entries(doc: TomlDocument) -> tuple[dict[str, list[Any]], list[TaxonomyError]]:
    """The majors and categories of a taxonomy document, and every problem of its
    entries (unknown top-level keys, non-tables, unknown or missing keys, bad values)."""
    data = doc.data
    problems: list[TaxonomyError] = []

    def fail(exc: TaxonomyError, path: tuple[str | int, ...]) -> None:
        full = (*path, *_path_of(exc.field))
        problems.append(
            TaxonomyError(
                exc.message,
                field=dotted(full),
                file=doc.file,
                line=doc.line_of(full),
                hint=exc.hint,
            )
        )

    for key in sorted(set(data) - {"majors", "categories"}):
        fail(
            TaxonomyError(
                f"unknown key {key!r}",
                hint="a taxonomy file has only [[majors]] and [[categories]] tables",
            ),
            (key,),
        )
    built: dict[str, list[Any]] = {"majors": [], "categories": []}
    for section, keys, required, make in (
        ("majors", _MAJOR_KEYS, _MAJOR_REQUIRED, MajorClass),
        ("categories", _CATEGORY_KEYS, _REQUIRED, Category),
    ):
        rows = data.get(section, [])
        if not isinstance(rows, list):
            fail(
                TaxonomyError(
                    f"{section} must be an array of tables",
                    hint=f"write each entry under [[{section}]]",
                ),
                (section,),
            )
            continue
        for i, row in enumerate(rows):
            path: tuple[str | int, ...] = (section, i)
            if not isinstance(row, dict):
                fail(TaxonomyError("must be a table"), path)
                continue
            sound = True
            for key in sorted(set(row) - keys):
                close = difflib.get_close_matches(key, sorted(keys), n=1)
                hint = (
                    f"did you mean {close[0]!r}?"
                    if close
                    else "allowed: " + ", ".join(sorted(keys))
                )
                fail(TaxonomyError(f"unknown key {key!r}", field=key, hint=hint), path)
                sound = False
            for key in sorted(k for k in required if k not in row):
                fail(TaxonomyError(f"missing key {key!r}", hint="add it"), path)
                sound = False
            if not sound:
                continue
            try:
                built[section].append(make(**row))
            except TaxonomyError as exc:
                fail(exc, path)
    return built, problems


def _in_file(
    exc: TaxonomyError,
    doc: TomlDocument,
    base: Taxonomy,
    cats: tuple[Category, ...],
    majors: tuple[MajorClass, ...],
) -> UrbangovError:
    """Re-aim an error about the merged lists at the file's own entry (field and line)."""
    path = _path_of(exc.field)
    if len(path) < 2 or not isinstance(path[1], int):
        return exc.located(file=doc.file)
    section, index = path[0], path[1]
    origin: dict[int, int] = {}  # merged position → file row
    if section == "categories":
        slots = {c.slug: i for i, c in enumerate(base.categories())}
        size = len(slots)
        for row, cat in enumerate(cats):
            if cat.slug not in slots:
                slots[cat.slug] = size
                size += 1
            origin[slots[cat.slug]] = row
    else:
        places = {(m.kind, m.code): i for i, m in enumerate(base.majors)}
        size = len(places)
        for row, major in enumerate(majors):
            if (major.kind, major.code) not in places:
                places[(major.kind, major.code)] = size
                size += 1
            origin[places[(major.kind, major.code)]] = row
    found = origin.get(index)
    if found is None:  # the clash is with a class of the base: name the file only
        return exc.located(file=doc.file)
    full = (section, found, *path[2:])
    return TaxonomyError(
        exc.message, field=dotted(full), file=doc.file, line=doc.line_of(full), hint=exc.hint
    )


def _path_of(field: str | None) -> tuple[str | int, ...]:
    """``"categories[3].code"`` → ``("categories", 3, "code")``."""
    if not field:
        return ()
    out: list[str | int] = []
    for part in field.split("."):
        name, *indexes = part.split("[")
        if name:
            out.append(name)
        out.extend(int(ix.rstrip("]")) for ix in indexes)
    return tuple(out)


@functools.cache
def _bundled() -> Taxonomy:
    return Taxonomy.load(_BUNDLED)
