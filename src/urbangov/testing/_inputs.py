"""Reading the inputs that several subjects share: a case's own keys (plus a subject's
extra keys) and the place a rule applies to (private)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from urbangov._internal.documents import PathKey
from urbangov.hierarchy import Hierarchy
from urbangov.params import did_you_mean
from urbangov.testing import readers as r
from urbangov.testing._subject import Input
from urbangov.testing.readers import BAD, Reader

__all__ = ["PLACE_INPUTS", "case_and", "case_inputs", "hierarchy_of"]


def case_and(extra: Mapping[str, tuple[r.Parse, bool]]) -> Any:
    """A reader of an input table made of a case's own keys plus ``extra`` keys."""
    case_keys = set(r.CASE_FIELDS)

    def read(reader: Reader, value: Mapping[str, Any], path: PathKey) -> Any:
        unknown = [k for k in value if k not in case_keys and k not in extra]
        for key in unknown:
            choices = [*r.CASE_FIELDS, *extra]
            reader.problem((*path, key), f"unknown input {key!r}", did_you_mean(key, choices))
        fields = dict(extra)
        found = reader.table(
            {k: v for k, v in value.items() if k in extra}, path, fields, "the inputs"
        )
        spec = r.case(reader, {k: v for k, v in value.items() if k in case_keys}, path)
        if unknown or found is BAD or spec is BAD:
            return BAD
        return {"case": spec, **found}

    return read


def case_inputs(**extra: Input) -> dict[str, Input]:
    """The input docs of a subject whose inputs are a case's keys (plus ``extra``)."""
    docs = {
        "category": "the taxonomy slug, Chinese name or code (resolved with the policy)",
        "dispatched": "shortcut: accepted, filed and dispatched at this instant",
        "history": "the events: [{ event = …, at = …, department = … }, …]",
        "urgency": "normal (一般) or urgent (紧急)",
        "zone": "the zone tier stamped at filing (default: the table's default tier)",
        "reported_at": "when it was reported (default: the first event)",
        "id": "the case number", "grid": "the grid code", "segment": "the road segment",
        "source": "supervisor, hotline…", "department": "with dispatched: dispatched to",
    }  # fmt: skip
    out = {
        name: Input(parse, required, docs.get(name, ""))
        for name, (parse, required) in r.CASE_FIELDS.items()
    }
    out.update(extra)
    return out


@functools.cache
def _sample_hierarchy() -> Hierarchy:
    from urbangov.sim import sample_city

    return sample_city().hierarchy


def hierarchy_of(inputs: Mapping[str, Any]) -> Hierarchy:
    found = inputs.get("units") or inputs.get("city")
    return found if isinstance(found, Hierarchy) else _sample_hierarchy()


PLACE_INPUTS = {
    "units": Input(r.units, doc="a small city inline: [{ code, name, level, parent, … }]"),
    "city": Input(r.city, doc="a city file, relative to this file (default: the sample district)"),
}
