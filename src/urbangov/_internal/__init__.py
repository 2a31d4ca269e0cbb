"""What every urbangov package shares (private to the library).

- :mod:`urbangov._internal.documents` — versioned files (``kind``, ``format_version``)
  read with a key→line index, so errors name the file and the line;
- :mod:`urbangov._internal.instants` — aware instants: the one check for naive and
  non-datetime input, epoch↔nanosecond conversions and ``NAT``;
- :mod:`urbangov._internal.public` — :func:`publish`, which makes each public class name
  its public package (so pickles and reprs show ``urbangov.calendar.TimeLimit``);
- :mod:`urbangov._internal.switch` — ``URBANGOV_FAST_PATH``, the one switch that turns
  every fast path off (the calendar's hot path, the io fast readers).
"""
