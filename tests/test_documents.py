"""The shared TOML reader (``urbangov._files``): lines for error messages, built lazily."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from urbangov._internal import documents as _files
from urbangov.errors import UrbangovError

TEXT = (
    'kind = "city"\nformat_version = 1\n\n[[units]]\ncode = "320101"\nname = "甲"\n\n'
    '[[units]]\ncode = "320102"\nparent = "320101"\n\n[meta.source]\nurl = "x"\n'
)
LINES = {
    ("kind",): 1,
    ("units", 0): 4,
    ("units", 0, "code"): 5,
    ("units", 0, "name"): 6,
    ("units", 1, "code"): 9,
    ("units", 1, "parent"): 10,
    ("meta", "source", "url"): 13,
}


def test_the_line_index_is_built_on_first_use_only() -> None:
    doc = _files.parse_toml(TEXT, "city.toml", UrbangovError)
    assert doc._lines is None  # a clean load never builds it
    assert {path: doc.line_of(path) for path in LINES} == LINES
    assert doc._lines is not None
    assert doc._text is None  # the text is dropped once indexed


@given(st.sampled_from(sorted(LINES, key=str)), st.lists(st.sampled_from(["x", 7]), max_size=2))
def test_an_unknown_key_takes_its_nearest_ancestors_line(
    known: tuple[str | int, ...], extra: list[str | int]
) -> None:
    doc = _files.parse_toml(TEXT, "city.toml", UrbangovError)
    assert doc.line_of((*known, *extra)) == LINES[known]


def test_a_json_document_has_lines_too() -> None:
    text = '{"kind": "city",\n "units": [\n  {"code": "1"}\n ]}'
    doc = _files.parse_json(text, "c.json", UrbangovError)
    assert doc.line_of(("kind",)) == 1
    assert doc.line_of(("units", 0, "code")) == 3
