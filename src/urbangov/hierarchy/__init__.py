r"""The responsibility hierarchy (属地管理): city → district → street → community → grid.

A :class:`Hierarchy` is an immutable forest of :class:`Unit`\ s with grid codes, plus the
road :class:`Segment`\ s (段) that lie in them. Codes follow the grid-code practice
(Beijing DB11, CJ/T 213 lineage; division codes from GB/T 2260):

* a CITY is 6 digits ending ``00`` (``320100``);
* a DISTRICT is 6 digits (GB/T 2260), sharing its city's first 4 when it has a city;
* every other child's code is its parent's code plus 3 digits (street 9, community 12,
  grid 15 digits).

Any level may be a root, and a hierarchy may be a forest (many cities; a county-level
city without a parent city). Queries take a code or a :class:`Unit` and use parent and
depth indexes; no graph library is involved.

Examples
--------
>>> h = Hierarchy.from_rows([
...     ("320100", "南京市", "city", None),
...     ("320105", "建邺区", "district", "320100"),
...     ("320105001", "南湖街道", "street", "320105"),
...     ("320105001001", "南湖一社区", "community", "320105001"),
...     ("320105001001001", "网格一", "grid", "320105001001"),
...     ("320105001001002", "网格二", "grid", "320105001001"),
... ])
>>> h.coordinator(["320105001001001", "320105001001002"]).name
'南湖一社区'
>>> [u.code for u in h.ancestors("320105001001001")]
['320105001001', '320105001', '320105', '320100']
"""

from urbangov._internal.public import publish
from urbangov.hierarchy._hierarchy import (
    Hierarchy,
    check_file,
)
from urbangov.hierarchy._units import (
    Segment,
    Unit,
    check_code,
)

__all__ = [
    "Hierarchy",
    "Segment",
    "Unit",
    "check_code",
    "check_file",
]

publish(__name__, __all__)
