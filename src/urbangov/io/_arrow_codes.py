r"""Dictionary-encoded Arrow text columns as :class:`CodedColumn`\ s: the indices
checked against their dictionaries (one numpy bound, else the exact check with the row
of the first bad index), nulls kept as Arrow's validity mask, cells that are not UTF-8
located (private; :mod:`urbangov.io._arrow` reads tables with it).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from urbangov.errors import CaseLogError
from urbangov.io._cells import (
    CodedColumn,
    Codes,
)

__all__ = ["check_indices", "chunk_starts", "coded_column", "indices_within", "utf8_error"]


def coded_column(
    pa: Any,
    pc: Any,
    dictionary: Any,
    indices: Any,
    name: str,
    file: str | None,
    inside: bool = False,
) -> CodedColumn:
    """A :class:`CodedColumn` of an Arrow dictionary and its indices (nulls: empty);
    ``inside``: every index, under nulls too, is known to be inside the dictionary."""
    size = len(dictionary)
    try:
        dictionary.validate(full=True)
    except pa.ArrowException:
        raise _not_utf8(pa, dictionary, indices, name, file) from None
    if not pa.types.is_string(dictionary.type) and not pa.types.is_large_string(dictionary.type):
        dictionary = dictionary.cast(pa.large_string())  # a string view
    texts: list[str] = (
        pc.fill_null(dictionary, "") if dictionary.null_count else dictionary
    ).to_pylist()
    usual = "" not in texts and _distinct(pc, dictionary, texts)  # the dictionary as it is
    nulls = indices.null_count > 0
    if usual and nulls:
        raw = _index_buffer(indices)
        if raw is not None and (inside or _inside(raw, size)):  # the indices under nulls too
            # no index points at the "" added for the nulls
            return CodedColumn([*texts, ""], _codes_of(raw), _validity(indices))
    if nulls:
        indices = pc.fill_null(indices, size)
    index = _codes_of(indices.to_numpy(zero_copy_only=False))
    if usual:
        return CodedColumn([*texts, ""] if nulls else texts, index)
    position: dict[str, int] = {}
    renumber = [position.setdefault(text, len(position)) for text in texts]
    renumber.append(position.setdefault("", len(position)))
    return CodedColumn(list(position), np.array(renumber, dtype=np.int64)[index])


def _codes_of(index: NDArray[Any]) -> Codes:
    """Dictionary indices as codes: int32 and int64 as they are (Arrow's own buffer, no
    copy), any other integer type as int64."""
    if index.dtype == np.int32 or index.dtype == np.int64:
        return index
    return index.astype(np.int64)


def _distinct(pc: Any, dictionary: Any, texts: list[str]) -> bool:
    """Whether no text is in ``texts`` (the cells of ``dictionary``, which holds no null)
    twice: a dictionary in strictly increasing order holds none, which Arrow checks
    without hashing a string (urbangov writes case ids in report order, which is usually
    their order); any other is checked with a set."""
    if len(texts) > 1 and pc.all(pc.less(dictionary[:-1], dictionary[1:])).as_py():
        return True
    return len(set(texts)) == len(texts)


def indices_within(chunk: Any) -> bool:
    """Whether every index of a dictionary chunk, null or not, is inside its dictionary,
    by one bound on the index buffer itself (:func:`_inside`). ``False`` says only that
    :func:`check_indices` must look (the value under a null is left out there)."""
    values = _index_buffer(chunk.indices)
    return values is not None and _inside(values, len(chunk.dictionary))


def _inside(values: NDArray[Any], size: int) -> bool:
    """Whether every integer of ``values`` is in 0 .. ``size`` - 1, in one pass: read as
    unsigned, a negative integer is at least 2 ** (bits - 1), which no index below
    ``size`` reaches."""
    if not values.size:
        return True
    if values.dtype.kind != "i":
        return int(values.max()) < size
    top = 1 << (8 * values.dtype.itemsize - 1)
    return int(values.view(f"u{values.dtype.itemsize}").max()) < min(size, top)


def _index_buffer(indices: Any) -> NDArray[Any] | None:
    """The values of an integer array as numpy reads its buffer, nulls included (the
    value under a null means nothing); ``None`` if the buffer is not there whole."""
    dtype = np.dtype(indices.type.to_pandas_dtype())
    data = indices.buffers()[1]
    if data is None:
        return np.zeros(0, dtype) if not len(indices) else None
    try:
        values: NDArray[Any] = np.frombuffer(
            data, dtype=dtype, count=len(indices), offset=indices.offset * dtype.itemsize
        )
    except ValueError:  # a buffer shorter than the array
        return None
    return values


def _validity(array: Any) -> NDArray[np.bool_]:
    """Which rows of ``array`` are not null, from its validity bitmap."""
    n = len(array)
    bitmap = array.buffers()[0]
    if bitmap is None:
        return np.ones(n, dtype=np.bool_)
    bits = np.unpackbits(
        np.frombuffer(bitmap, dtype=np.uint8), count=array.offset + n, bitorder="little"
    )
    return bits[array.offset :].view(np.bool_)


def chunk_starts(column: Any) -> list[int]:
    """The row at which each chunk of ``column`` starts."""
    lengths = [len(chunk) for chunk in column.chunks]
    return [sum(lengths[:i]) for i in range(len(lengths))]


def check_indices(
    pc: Any, indices: Any, size: int, name: str, file: str | None, start: int
) -> None:
    """Refuse a dictionary index outside its dictionary (a table built without
    checks), naming the row (``start``: the row of ``indices[0]``)."""
    if not len(indices):
        return
    bounds = pc.min_max(indices)
    low, high = bounds["min"], bounds["max"]
    if low.is_valid and (low.as_py() < 0 or high.as_py() >= size):
        index = indices.to_numpy(zero_copy_only=False)
        valid = indices.is_valid().to_numpy(zero_copy_only=False)
        row = start + int(np.argmax(valid & ((index < 0) | (index >= size))))
        raise _located(
            "the cell's dictionary index is outside its dictionary",
            name,
            file,
            row,
            "write the column as plain strings, or as a valid dictionary array",
        )


def _located(message: str, name: str, file: str | None, row: int, hint: str) -> CaseLogError:
    """An error at ``row`` (counted from 0) of a column: a Parquet file names the row as
    its line; a table in memory says the row in the message. Rows count from 1."""
    if file is None:
        message = f"{message} (row {row + 1})"
    return CaseLogError(message, field=name, file=file, line=row + 1, hint=hint)


def _not_utf8(pa: Any, dictionary: Any, indices: Any, name: str, file: str | None) -> CaseLogError:
    """The error for the first cell whose dictionary entry is not valid UTF-8."""
    binary = dictionary.view(
        pa.large_binary() if pa.types.is_large_string(dictionary.type) else pa.binary()
    )
    bad = []
    for k, value in enumerate(binary.to_pylist()):
        if value is None:
            continue
        try:
            value.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(k)
    index = indices.to_numpy(zero_copy_only=False)
    hit = np.isin(index, bad) & indices.is_valid().to_numpy(zero_copy_only=False)
    return utf8_error(name, file, int(np.argmax(hit)) if hit.any() else None)


def utf8_error(name: str, file: str | None, row: int | None) -> CaseLogError:
    hint = "write the log's strings as UTF-8 (the row number counts from 1)"
    if row is None:
        return CaseLogError("a cell is not valid UTF-8 text", field=name, file=file, hint=hint)
    return _located("the cell is not valid UTF-8 text", name, file, row, hint)


# the two forms urbangov writes: 2024-05-06T09:30:00+08:00, 2024-05-06T09:30:00.250000+08:00
