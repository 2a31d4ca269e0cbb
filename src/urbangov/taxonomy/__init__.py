"""Component (部件) and event (事件) classes of digital city management, with codes.

A :class:`Taxonomy` holds major classes (大类, :class:`MajorClass`) and subclasses
(小类, :class:`Category`). Each category has an English ``slug`` (what a
:class:`~urbangov.cases.Case` stores), its Chinese ``name``, a four-digit ``code`` (major
class two digits + subclass two digits, after CJ/T 214 / GB/T 30428.2), a
:class:`CategoryKind`, a duty :class:`~urbangov.vocabulary.Domain` and an ``asset_kind``
slug that the duty matrix keys on, so that dispatch finds the lead department.

The bundled file (``data/taxonomy.toml``, ``kind = "taxonomy"``) says which codes come from
the standard's lineage and which are urbangov's own (subclass numbers 80–89, component
major class 99 扩展部件). Users add or override classes from their own file.

>>> tax = Taxonomy.default()
>>> tax.resolve("暴露垃圾").slug
'exposed_garbage'
>>> tax.resolve("E0102").name
'暴露垃圾'
>>> tax.resolve("exposed_garbage").domain
<Domain.SANITATION: 'sanitation'>
"""

from urbangov._internal.public import publish
from urbangov.taxonomy._local import LocalClasses
from urbangov.taxonomy._taxonomy import Taxonomy
from urbangov.taxonomy._values import (
    Category,
    CategoryKind,
    CodeSource,
    MajorClass,
)

__all__ = [
    "Category",
    "CategoryKind",
    "CodeSource",
    "LocalClasses",
    "MajorClass",
    "Taxonomy",
]

publish(__name__, __all__)
