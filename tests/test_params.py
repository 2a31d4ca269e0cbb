"""Tests of urbangov.params: dated values, strict structuring, files, reforms, diffs.

The machinery is tested on small fixture sections defined here, so that these tests do
not depend on the real rule sections.
"""

from __future__ import annotations

import pickle
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, Self

import attrs
import pytest

from urbangov.errors import PolicyError
from urbangov.frozen import FrozenMap
from urbangov.params import Dated, Period, did_you_mean, resolve, structure, unstructure
from urbangov.policy import Change, Composite, check_file, diff, dumps, loads
from urbangov.vocabulary import Level

CORPUS = Path(__file__).parent / "fixtures" / "policies"
HEADER = 'kind = "policy"\nformat_version = 1\n'


# ----------------------------------------------------------------- fixture sections


class Tier(StrEnum):
    STRICT = "strict"
    CONTROL = "control"
    GENERAL = "general"


@attrs.frozen
class Hours:
    """A value type following the from_toml/to_toml convention ("4 hours")."""

    amount: int

    @classmethod
    def from_toml(cls, value: object, *, field: str | None = None) -> Self:
        if isinstance(value, str) and value.endswith(" hours") and value[:-6].isdigit():
            return cls(int(value[:-6]))
        raise PolicyError(f"{value!r} is not a duration", field=field, hint="write '4 hours'")

    def to_toml(self) -> str:
        return f"{self.amount} hours"


@attrs.frozen
class Limits:
    default: Hours = Hours(4)
    by_category: FrozenMap[str, Dated[Hours]] = attrs.field(default=FrozenMap())


@attrs.frozen
class DeadlineSection:
    limits: Limits = Limits()
    warn_at: tuple[Decimal, ...] = (Decimal("0.5"), Decimal("0.8"))
    restart_on_rework: bool = False
    tier: Tier = Tier.CONTROL
    level: Level = Level.STREET
    by_tier: FrozenMap[Tier, int] = attrs.field(default=FrozenMap())

    def at(self, d: date) -> Self:
        return resolve(self, d)


@attrs.frozen
class WorkflowSection:
    close_without_verification: bool = False
    first_asked_until: Literal["dispatch", "handle", "close"] = "dispatch"
    reward: Dated[Decimal] = attrs.field(default=Dated.always(Decimal("1.0")))
    max_rework: int = attrs.field(default=3, validator=attrs.validators.ge(0))
    note: str | None = None
    since: date = date(2024, 1, 1)
    ratio: float = 0.5


@attrs.frozen
class MiniPolicy(Composite):
    deadlines: DeadlineSection = DeadlineSection()
    workflow: WorkflowSection = WorkflowSection()


@attrs.frozen
class Required:
    name: str
    count: int


def d(text: str) -> date:
    return date.fromisoformat(text)


# ----------------------------------------------------------------- Dated


def test_dated_picks_the_period_containing_the_date() -> None:
    hours = Dated((Period(4, until=d("2025-01-01")), Period(2, start=d("2025-01-01"))))
    assert hours.at(d("2024-12-31")) == 4
    assert hours.at(d("2025-01-01")) == 2


def test_dated_periods_are_half_open() -> None:
    hours = Dated((Period(4, d("2024-01-01"), d("2024-02-01")), Period(9)))
    assert hours.at(d("2024-01-01")) == 4
    assert hours.at(d("2024-01-31")) == 4
    assert hours.at(d("2024-02-01")) == 9  # until is excluded: the default answers


def test_dated_gap_without_default_raises() -> None:
    hours = Dated((Period(4, d("2024-01-01"), d("2024-02-01")),))
    with pytest.raises(PolicyError, match="no value in force on 2024-02-01"):
        hours.at(d("2024-02-01"))
    with pytest.raises(PolicyError, match="2023-12-31"):
        hours.at(d("2023-12-31"))


def test_dated_default_fills_the_gaps() -> None:
    hours = Dated((Period(1, d("2024-03-01"), d("2024-04-01")), Period(7)))
    assert [hours.at(d(x)) for x in ("2024-02-29", "2024-03-15", "2024-04-01")] == [7, 1, 7]


def test_dated_touching_periods_do_not_overlap() -> None:
    # one period ends where the next begins (until is excluded): both are valid, and the
    # day they touch belongs to the later one
    touching = Dated((Period(1, until=d("2024-06-01")), Period(2, start=d("2024-06-01"))))
    assert [touching.at(d(x)) for x in ("2024-01-01", "2024-05-31")] == [1, 1]
    assert [touching.at(d(x)) for x in ("2024-06-01", "2030-01-01")] == [2, 2]


@pytest.mark.parametrize(
    ("periods", "message"),
    [
        ((Period(1, d("2024-01-01")), Period(2, d("2024-06-01"))), "overlap"),
        ((Period(1, until=d("2024-06-01")), Period(2, until=d("2024-01-01"))), "overlap"),
        ((Period(1, d("2024-01-01"), d("2025-01-01")), Period(2, d("2024-12-31"))), "overlap"),
        ((Period(1, d("2024-02-01"), d("2024-01-01")),), "empty"),
        ((Period(1, d("2024-02-01"), d("2024-02-01")),), "empty"),
        ((Period(1), Period(2)), "only one may be the default"),
        ((), "at least one entry"),
    ],
)
def test_dated_rejects_bad_periods(periods: tuple[Period[int], ...], message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        Dated(periods)


def test_dated_order_of_entries_does_not_matter() -> None:
    a = Dated((Period(2, start=d("2025-01-01")), Period(1)))
    b = Dated((Period(1), Period(2, start=d("2025-01-01"))))
    assert a == b
    assert hash(a) == hash(b)
    assert pickle.loads(pickle.dumps(a)) == a


def test_since_cuts_running_periods_and_drops_later_ones() -> None:
    hours = Dated(
        (
            Period(1),
            Period(2, d("2024-01-01"), d("2024-12-01")),
            Period(3, d("2025-02-01"), d("2025-03-01")),
        )
    )
    new = hours.since(d("2024-06-01"), 9)
    assert new.periods == (
        Period(1),
        Period(2, d("2024-01-01"), d("2024-06-01")),
        Period(9, start=d("2024-06-01")),
    )
    assert new.at(d("2023-06-01")) == 1
    assert new.at(d("2025-02-15")) == 9


# ----------------------------------------------------------------- structuring


def test_plain_value_means_always_and_unstructures_plainly() -> None:
    section = structure({"reward": 2}, WorkflowSection)
    assert section.reward == Dated.always(Decimal(2))
    assert unstructure(section.reward) == Decimal(2)


def test_period_list_in_toml() -> None:
    text = (
        HEADER + "[workflow]\nreward = [\n    { value = 1.5, until = 2025-01-01 },\n"
        "    { value = 2.5, from = 2025-01-01 },\n]\n"
    )
    policy = loads(text, MiniPolicy)
    assert policy.workflow.reward.at(d("2024-12-31")) == Decimal("1.5")
    assert policy.workflow.reward.at(d("2025-01-01")) == Decimal("2.5")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"max_rework": "4"}, "max_rework", "expected an integer, found the string '4'"),
        ({"max_rework": True}, "max_rework", "expected an integer, found the boolean true"),
        ({"max_rework": Decimal("4.0")}, "max_rework", "4.0 is not a whole number"),
        ({"close_without_verification": 1}, "close_without_verification", "true or false"),
        ({"reward": "1.0"}, "reward", "expected a number"),
        ({"reward": 0.1}, "reward", "0.1 is a binary float, not an exact number"),
        ({"reward": Decimal("NaN")}, "reward", "not a finite number"),
        ({"since": "2024-01-01"}, "since", "expected a date"),
        ({"note": 5}, "note", "expected a string"),
        ({"ratio": "half"}, "ratio", "expected a number"),
        ({"first_asked_until": "dispach"}, "first_asked_until", "is not one of"),
        ({"max_rework": -1}, "max_rework", "must be >= 0"),
    ],
)
def test_wrong_types_are_rejected_not_coerced(
    data: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(PolicyError, match=message) as info:
        structure(data, WorkflowSection)
    assert info.value.field == field


def test_numbers_are_exact_where_declared() -> None:
    section = structure({"reward": Decimal("0.1"), "ratio": Decimal("0.1")}, WorkflowSection)
    assert section.reward.at(d("2024-01-01")) == Decimal("0.1")
    assert type(section.ratio) is float
    assert section.ratio == 0.1
    assert structure({"reward": 3}, WorkflowSection).reward == Dated.always(Decimal(3))


def test_unknown_key_suggests_the_closest() -> None:
    with pytest.raises(PolicyError) as info:
        structure({"close_without_verificaton": True}, WorkflowSection)
    assert info.value.field == "close_without_verificaton"
    assert info.value.hint == "did you mean 'close_without_verification'?"


def test_literal_suggests_the_closest() -> None:
    with pytest.raises(PolicyError) as info:
        structure({"first_asked_until": "dispach"}, WorkflowSection)
    assert info.value.hint == "did you mean 'dispatch'?"


def test_enums_accept_value_name_and_chinese() -> None:
    assert structure({"tier": "strict"}, DeadlineSection).tier is Tier.STRICT
    assert structure({"tier": "STRICT"}, DeadlineSection).tier is Tier.STRICT
    assert structure({"level": "街道"}, DeadlineSection).level is Level.STREET
    assert structure({"level": "grid"}, DeadlineSection).level is Level.GRID
    with pytest.raises(PolicyError) as info:
        structure({"tier": "strikt"}, DeadlineSection)
    assert info.value.field == "tier"
    assert info.value.hint == "did you mean 'strict'?"
    with pytest.raises(PolicyError):
        structure({"level": True}, DeadlineSection)


def test_enum_keys_of_maps() -> None:
    section = structure({"by_tier": {"strict": 2, "GENERAL": 9}}, DeadlineSection)
    assert section.by_tier == {Tier.STRICT: 2, Tier.GENERAL: 9}
    assert unstructure(section)["by_tier"] == {"strict": 2, "general": 9}


def test_value_types_use_from_toml_and_errors_carry_the_path() -> None:
    data = {"limits": {"default": "2 hours", "by_category": {"garbage": "1 hours"}}}
    section = structure(data, DeadlineSection)
    assert section.limits.default == Hours(2)
    assert section.limits.by_category["garbage"] == Dated.always(Hours(1))
    with pytest.raises(PolicyError) as info:
        structure({"limits": {"by_category": {"garbage": "1 hourz"}}}, DeadlineSection)
    assert info.value.field == "limits.by_category.garbage"
    assert info.value.hint == "write '4 hours'"


def test_did_you_mean_hint() -> None:
    assert did_you_mean("tiers", ["tier", "level"]) == "did you mean 'tier'?"
    assert did_you_mean("zzz", ["tier", "level"]) == "known keys: tier, level"


def test_missing_required_key() -> None:
    with pytest.raises(PolicyError) as info:
        structure({"name": "x"}, Required)
    assert info.value.field == "count"
    assert "missing key" in info.value.message


def test_optional_field_left_out_is_none_and_is_not_written() -> None:
    section = structure({}, WorkflowSection)
    assert section.note is None
    assert "note" not in unstructure(section)
    assert structure({"note": "a"}, WorkflowSection).note == "a"


def test_tuples_check_every_item() -> None:
    with pytest.raises(PolicyError) as info:
        structure({"warn_at": [Decimal("0.5"), "0.8"]}, DeadlineSection)
    assert info.value.field == "warn_at[1]"
    with pytest.raises(PolicyError, match="expected an array"):
        structure({"warn_at": Decimal("0.5")}, DeadlineSection)


def test_every_problem_is_collected() -> None:
    data = {
        "workflow": {"max_rework": "4", "close_without_verificaton": True},
        "deadlines": {"tier": "strikt"},
    }
    with pytest.raises(PolicyError) as info:
        structure(data, MiniPolicy)
    fields = sorted(p.field or "" for p in info.value.problems)
    assert fields == [
        "deadlines.tier",
        "workflow.close_without_verificaton",
        "workflow.max_rework",
    ]
    assert "3 problems" in str(info.value)


def test_one_problem_is_raised_as_itself() -> None:
    with pytest.raises(PolicyError) as info:
        structure({"workflow": {"max_rework": "4"}}, MiniPolicy)
    assert info.value.problems == (info.value,)


def test_period_entries_are_strict() -> None:
    with pytest.raises(PolicyError) as info:
        structure({"reward": [{"value": 1, "form": d("2024-01-01")}]}, WorkflowSection)
    assert info.value.field == "reward[0].form"
    assert info.value.hint == "did you mean 'from'?"
    with pytest.raises(PolicyError, match="without a value"):
        structure({"reward": [{"from": d("2024-01-01")}]}, WorkflowSection)
    with pytest.raises(PolicyError) as info:
        structure({"reward": [{"value": 1, "from": "2024-01-01"}]}, WorkflowSection)
    assert info.value.field == "reward[0].from"


# ----------------------------------------------------------------- files


def test_dump_load_round_trip_and_rewrite_is_byte_identical() -> None:
    policy = MiniPolicy(
        deadlines=DeadlineSection(
            limits=Limits(
                by_category=FrozenMap(
                    {
                        "exposed garbage": Dated(
                            (Period(Hours(4)), Period(Hours(2), start=d("2025-01-01")))
                        )
                    }
                )
            ),
            by_tier=FrozenMap({Tier.STRICT: 1}),
        ),
        workflow=WorkflowSection(note='quote " and 中文', ratio=0.1),
    )
    text = policy.dumps()
    again = MiniPolicy.loads(text)
    assert again == policy
    assert again.dumps() == text
    assert text.startswith('# urbangov policy\nkind = "policy"\nformat_version = 1\n')


def test_dump_writes_file(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    MiniPolicy().dump(path)
    assert MiniPolicy.load(path) == MiniPolicy()
    assert path.read_bytes() == MiniPolicy().dumps().encode("utf-8")


def test_dumps_function_writes_header_and_comment() -> None:
    text = dumps(WorkflowSection(), kind="policy", comment="a\nb")
    assert text.splitlines()[:4] == ["# a", "# b", 'kind = "policy"', "format_version = 1"]


def test_missing_sections_take_their_defaults() -> None:
    assert loads(HEADER, MiniPolicy) == MiniPolicy()


# The corpus of broken policy files: (file, field, line, words in the message).
BROKEN = [
    ("unknown_key.toml", "workflow.surprise", 6, "unknown key 'surprise'"),
    ("typo_key.toml", "workflow.close_without_verificaton", 5, "did you mean"),
    ("wrong_type_string_for_int.toml", "workflow.max_rework", 5, "found the string '4'"),
    ("wrong_type_bool_for_int.toml", "workflow.max_rework", 5, "found the boolean true"),
    ("overlapping_periods.toml", "workflow.reward", 5, "overlap"),
    ("empty_period.toml", "workflow.reward", 5, "is empty"),
    ("bad_date.toml", "workflow.since", 6, "Invalid date"),
    ("date_as_string.toml", "workflow.since", 5, "expected a date"),
    ("empty.toml", "kind", 1, "the file is empty"),
    ("blank.toml", "kind", 1, "the file has no kind"),
    ("missing_kind.toml", "kind", 1, "has no kind"),
    ("wrong_kind.toml", "kind", 1, "found 'city'"),
    ("wrong_format_version.toml", "format_version", 2, "unsupported format_version 2"),
    ("bad_value_type.toml", "deadlines.limits.default", 5, "'4 hourz' is not a duration"),
    ("unknown_period_key.toml", "workflow.reward[0].form", 5, "did you mean 'from'"),
    ("rejected_by_validator.toml", "workflow.max_rework", 5, "must be >= 0"),
    ("bad_enum.toml", "deadlines.tier", 5, "did you mean 'strict'"),
    ("bad_literal.toml", "workflow.first_asked_until", 5, "did you mean 'dispatch'"),
    ("bad_syntax.toml", "workflow.max_rework", 5, "not valid TOML"),
    ("not_utf8.toml", "workflow.note", 5, "not valid UTF-8"),
    ("several_problems.toml", "workflow.max_rework", 5, "3 problems"),
]


@pytest.mark.parametrize(("name", "field", "line", "words"), BROKEN)
def test_broken_policy_files_name_file_line_and_path(
    name: str, field: str, line: int, words: str
) -> None:
    path = CORPUS / name
    with pytest.raises(PolicyError) as info:
        MiniPolicy.load(path)
    error = info.value
    assert error.file == str(path)
    assert error.line == line
    assert error.field == field
    assert words in str(error)


def test_the_corpus_is_all_tested() -> None:
    assert sorted(p.name for p in CORPUS.glob("*.toml")) == sorted(b[0] for b in BROKEN)


def test_check_file_lists_every_problem_with_its_line() -> None:
    problems = check_file(CORPUS / "several_problems.toml", MiniPolicy)
    assert [(p.field, p.line) for p in problems] == [
        ("workflow.max_rework", 5),
        ("workflow.close_without_verificaton", 6),
        ("deadlines.tier", 9),
    ]
    assert MiniPolicy.check_file(CORPUS / "empty.toml")[0].field == "kind"


def test_check_file_of_a_valid_file_is_empty(tmp_path: Path) -> None:
    MiniPolicy().dump(tmp_path / "ok.toml")
    assert check_file(tmp_path / "ok.toml", MiniPolicy) == ()


def test_unreadable_file_is_a_policy_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read") as info:
        MiniPolicy.load(tmp_path / "absent.toml")
    assert info.value.file == str(tmp_path / "absent.toml")


# ----------------------------------------------------------------- at, reform, diff


def test_at_resolves_every_dated_value_and_calls_section_at() -> None:
    policy = MiniPolicy().reform({"workflow.reward": 5}, valid_from=d("2025-01-01"))
    policy = policy.reform({"deadlines.limits.by_category.garbage": "3 hours"})
    policy = policy.reform({"deadlines.limits.by_category.garbage": "1 hours"}, d("2025-06-01"))
    before, after = policy.at(d("2024-06-01")), policy.at(d("2025-07-01"))
    assert before.workflow.reward == Dated.always(Decimal("1.0"))
    assert after.workflow.reward == Dated.always(Decimal(5))
    assert after.deadlines.limits.by_category["garbage"] == Dated.always(Hours(1))
    assert before.deadlines.limits.by_category["garbage"] == Dated.always(Hours(3))


def test_at_gap_names_the_path() -> None:
    policy = MiniPolicy().reform(
        {"workflow.reward": [{"value": 1, "from": d("2024-01-01"), "until": d("2025-01-01")}]}
    )
    with pytest.raises(PolicyError) as info:
        policy.at(d("2025-01-01"))
    assert info.value.field == "workflow.reward"


def test_reform_plain_value_replaces_all_periods() -> None:
    policy = MiniPolicy().reform({"workflow.reward": 5}, valid_from=d("2025-01-01"))
    policy = policy.reform({"workflow.reward": 7})
    assert policy.workflow.reward == Dated.always(Decimal(7))


def test_reform_is_validated_like_a_file() -> None:
    policy = MiniPolicy()
    with pytest.raises(PolicyError) as info:
        policy.reform({"workflow.max_rework": "4"})
    assert info.value.field == "workflow.max_rework"
    with pytest.raises(PolicyError) as info:
        policy.reform({"workflow.max_rewrok": 4})
    assert info.value.hint == "did you mean 'max_rework'?"
    with pytest.raises(PolicyError, match="must be >= 0"):
        policy.reform({"workflow.max_rework": -1})
    with pytest.raises(PolicyError, match="not a dated value"):
        policy.reform({"workflow.max_rework": 2}, valid_from=d("2025-01-01"))
    with pytest.raises(PolicyError, match="has no part"):
        policy.reform({"workflow.max_rework.x": 2})
    with pytest.raises(PolicyError, match="not a dotted path"):
        policy.reform({"workflow..x": 2})
    with pytest.raises(PolicyError) as info:
        policy.reform({"workflow.max_rework": "4", "deadlines.tier": "x", "workflow.x": 1})
    assert sorted(p.field or "" for p in info.value.problems) == [
        "deadlines.tier",
        "workflow.max_rework",
        "workflow.x",
    ]


def test_reform_accepts_python_values() -> None:
    policy = MiniPolicy().reform(
        {"deadlines.tier": Tier.STRICT, "deadlines.limits.default": Hours(1), "workflow.note": "n"}
    )
    assert policy.deadlines.tier is Tier.STRICT
    assert policy.deadlines.limits.default == Hours(1)
    assert policy.workflow.note == "n"


def test_reform_of_an_enum_keyed_map_accepts_any_spelling_of_the_key() -> None:
    policy = MiniPolicy().reform({"deadlines.by_tier.strict": 1})
    again = policy.reform({"deadlines.by_tier.STRICT": 2})
    assert again.deadlines.by_tier == {Tier.STRICT: 2}
    assert [c.path for c in diff(policy, again)] == ["deadlines.by_tier.strict"]
    with pytest.raises(PolicyError) as info:
        policy.reform({"deadlines.by_tier.strikt": 2})
    assert info.value.field == "deadlines.by_tier.strikt"
    assert info.value.hint == "did you mean 'strict'?"


def test_evolve_replaces_whole_sections_and_checks_them() -> None:
    policy = MiniPolicy().evolve(workflow=WorkflowSection(max_rework=9))
    assert policy.workflow.max_rework == 9
    assert MiniPolicy().evolve(workflow={"max_rework": 9}) == policy
    with pytest.raises(PolicyError) as info:
        MiniPolicy().evolve(workflw=WorkflowSection())
    assert info.value.hint == "did you mean 'workflow'?"
    with pytest.raises(PolicyError):
        MiniPolicy().evolve(workflow=DeadlineSection())


def test_diff_names_changed_paths_in_order() -> None:
    old = MiniPolicy()
    new = old.reform(
        {
            "workflow.max_rework": 5,
            "deadlines.tier": "strict",
            "deadlines.limits.by_category.garbage": "2 hours",
        }
    )
    assert diff(old, new) == [
        Change("deadlines.limits.by_category.garbage", None, Dated.always(Hours(2))),
        Change("deadlines.tier", Tier.CONTROL, Tier.STRICT),
        Change("workflow.max_rework", 3, 5),
    ]
    assert diff(new, new) == []
    assert diff(new, old)[0] == Change(
        "deadlines.limits.by_category.garbage", Dated.always(Hours(2)), None
    )
