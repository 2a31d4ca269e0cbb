"""The shared vocabulary: every member parses from its value, name and Chinese term."""

from __future__ import annotations

import pickle
from enum import Enum

import pytest

from urbangov import Domain, Level, Source, Urgency, ZoneTier
from urbangov.errors import UnknownTermError, UrbangovError

ENUMS: list[type[Enum]] = [Level, Domain, ZoneTier, Urgency, Source]


def test_there_are_twelve_duty_domains() -> None:
    # 《城市管理协管员考核办法》篇5 §二: twelve domains, each with a lead unit
    assert len(Domain) == 12
    assert {d.chinese for d in Domain} >= {"环境卫生", "市容市貌", "河道水面", '除"四害"'}


@pytest.mark.parametrize("enum", ENUMS)
def test_every_member_parses_from_value_name_and_chinese(enum: type[Enum]) -> None:
    parse = enum.parse  # type: ignore[attr-defined]
    for member in enum:
        assert parse(member) is member
        assert parse(member.value) is member
        assert parse(member.name) is member
        assert parse(member.name.lower()) is member
        assert parse(member.chinese) is member  # type: ignore[attr-defined]


def test_zone_tiers_parse_with_and_without_qu() -> None:
    assert ZoneTier.parse("严管") is ZoneTier.STRICT
    assert ZoneTier.parse("严管区") is ZoneTier.STRICT
    # traditional characters, as in 《城市管理协管员考核办法》
    assert ZoneTier.parse("嚴管區") is ZoneTier.STRICT


def test_level_aliases() -> None:
    assert Level.parse("镇") is Level.STREET
    assert Level.parse("村") is Level.COMMUNITY
    assert [lvl.code_length for lvl in Level] == [6, 6, 9, 12, 15]


def test_unknown_term_names_field_and_suggests() -> None:
    with pytest.raises(UnknownTermError) as info:
        ZoneTier.parse("strct", field="zone")
    err = info.value
    assert isinstance(err, UrbangovError)
    assert isinstance(err, ValueError)
    assert err.field == "zone"
    assert "did you mean 'strict'" in str(err)


def test_non_string_is_not_coerced() -> None:
    with pytest.raises(UnknownTermError):
        Urgency.parse(1)
    with pytest.raises(UnknownTermError):
        Level.parse(True)
    with pytest.raises(UnknownTermError):
        Level.parse(7)


@pytest.mark.parametrize("enum", ENUMS)
def test_members_pickle(enum: type[Enum]) -> None:
    for member in enum:
        assert pickle.loads(pickle.dumps(member)) is member
