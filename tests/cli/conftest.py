"""Shared results for the demo's tests: the simulated month and year the demo shows
(each simulated once per test session)."""

from __future__ import annotations

import pytest

from urbangov.cli.demo_scoring import simulated_year
from urbangov.cli.demo_sim import simulated_month
from urbangov.sim import SimResult


@pytest.fixture(scope="session")
def demo_month() -> SimResult:
    """May 2024 of the sample district, as ``urbangov demo`` simulates it."""
    return simulated_month()


@pytest.fixture(scope="session")
def demo_year() -> SimResult:
    """2024 of the sample district, as ``urbangov demo`` simulates it."""
    return simulated_year()
