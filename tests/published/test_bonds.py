"""The bond scheme of 《城市管理协管员考核办法》篇5 §五(二), reproduced exactly.

"南湖、滨湖、兴隆、南苑街道每年分别缴纳20万元单位保证金, 沙洲、双闸、江心洲街道每年分别缴纳
10万元单位保证金。各街道书记、主任、分管主任各缴纳5000元个人保证金。… 凡被评为年度优秀等次的
街道, 在返还单位保证金基础上给予等额奖励。凡被评为年度达标等次的街道, 在返还单位保证金基础上
给予0.5倍奖励。… 凡被评为年度不达标等次的街道, 扣除单位和个人保证金额。同时, 年度被市政府评为
城市管理优胜街道的单位, 区政府一次性奖励3万元。… 区市容局局长、书记各缴纳5000元个人保证金,
考核奖惩办法参照市考核办法执行。" (the text is in traditional characters in the copy read.)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from urbangov import Policy
from urbangov.errors import PolicyError
from urbangov.scoring import AssessmentRules, BondScheme, Grade, settle_bonds

STREETS = {
    "320105001": ("南湖街道", 200_000),
    "320105002": ("滨湖街道", 200_000),
    "320105003": ("兴隆街道", 200_000),
    "320105004": ("南苑街道", 200_000),
    "320105005": ("沙洲街道", 100_000),
    "320105006": ("双闸街道", 100_000),
    "320105007": ("江心洲街道", 100_000),
}
DAY = dt.date(2024, 12, 31)


def scheme(policy: Policy | None = None) -> BondScheme:
    return AssessmentRules.of(policy or Policy.default()).street_bonds


def test_the_default_scheme_is_the_source_s() -> None:
    bonds = scheme()
    assert {c: (b.name, b.amount.at(DAY)) for c, b in bonds.units.items()} == {
        c: (n, Decimal(a)) for c, (n, a) in STREETS.items()
    }
    assert [(p.title, p.amount) for p in bonds.payers.at(DAY)] == [
        ("书记", Decimal(5000)),
        ("主任", Decimal(5000)),
        ("分管主任", Decimal(5000)),
    ]
    assert bonds.winner_award.at(DAY) == Decimal(30_000)


def test_each_grade_settles_as_the_source_says() -> None:
    grades = {
        "320105001": Grade.EXCELLENT,  # 南湖 优秀: returned + an equal reward
        "320105002": Grade.STANDARD,  # 滨湖 达标: returned + 0.5×
        "320105003": Grade.SUBSTANDARD,  # 兴隆 不达标: unit and personal bonds forfeited
        "320105004": Grade.STANDARD,
        "320105005": Grade.EXCELLENT,  # 沙洲: a 100,000 street
        "320105006": Grade.SUBSTANDARD,
        "320105007": Grade.STANDARD,
    }
    ledger = settle_bonds(grades, scheme(), winners=["320105007"], on=DAY)
    unit = {r.unit: r for r in ledger.rows if not r.payer}

    def money(code: str) -> tuple[Decimal, ...]:
        r = unit[code]
        return (r.paid_in, r.refunded, r.reward, r.forfeited, r.award)

    assert money("320105001") == (200_000, 200_000, 200_000, 0, 0)
    assert money("320105002") == (200_000, 200_000, 100_000, 0, 0)
    assert money("320105003") == (200_000, 0, 0, 200_000, 0)
    assert money("320105005") == (100_000, 100_000, 100_000, 0, 0)
    assert money("320105006") == (100_000, 0, 0, 100_000, 0)
    assert money("320105007") == (100_000, 100_000, 50_000, 0, 30_000)  # + 优胜 3万元
    personal = [r for r in ledger.rows if r.payer]
    assert len(personal) == 21  # 3 people × 7 streets
    for r in personal:
        assert r.paid_in == 5000
        # 不达标: personal bonds forfeited; 优秀/达标: returned (the source is silent:
        # the default, a parameter)
        expected = 0 if grades[r.unit] is Grade.SUBSTANDARD else 5000
        assert (r.refunded, r.forfeited, r.reward) == (expected, 5000 - expected, 0)
    total = ledger.total()
    assert total.paid_in == 1_100_000 + 21 * 5000
    assert total.forfeited == 200_000 + 100_000 + 6 * 5000
    assert total.reward == 200_000 + 100_000 + 100_000 + 100_000 + 50_000
    assert ledger.balanced
    assert ledger.net_cost == total.reward + 30_000 - total.forfeited


def test_personal_bonds_of_good_grades_are_a_parameter() -> None:
    policy = Policy.default().reform(
        {"assessment.street_bonds.outcomes.standard.refund_personal": False}
    )
    grades = dict.fromkeys(STREETS, Grade.STANDARD)
    ledger = settle_bonds(grades, scheme(policy), on=DAY)
    assert all(r.forfeited == 5000 for r in ledger.rows if r.payer)
    assert ledger.balanced


def test_what_if_the_reward_for_standard_were_zero() -> None:
    grades = dict.fromkeys(STREETS, Grade.STANDARD)
    before = settle_bonds(grades, scheme(), on=DAY)
    policy = Policy.default().reform(
        {"assessment.street_bonds.outcomes.standard.reward": 0}, valid_from=dt.date(2025, 1, 1)
    )
    same = settle_bonds(grades, scheme(policy), on=DAY)
    after = settle_bonds(grades, scheme(policy), on=dt.date(2025, 12, 31))
    assert before.total().reward == same.total().reward == Decimal("550000")  # 0.5 × 1,100,000
    assert after.total().reward == 0
    with pytest.raises(PolicyError, match="reward changes over time"):
        settle_bonds(grades, scheme(policy))  # a dated reward needs the day


def test_the_bureau_chief_and_secretary_are_a_separate_scheme() -> None:
    bureau = AssessmentRules.of(Policy.default()).bureau_bonds
    ledger = settle_bonds({"cityapp_bureau": Grade.SUBSTANDARD}, bureau, on=DAY)
    assert [(r.title, r.paid_in, r.forfeited) for r in ledger.rows if r.payer] == [
        ("局长", 5000, 5000),
        ("书记", 5000, 5000),
    ]
    assert settle_bonds({"cityapp_bureau": "达标"}, bureau, on=DAY).total().refunded == 10_000


def test_every_street_needs_a_grade_and_only_streets_of_the_scheme() -> None:
    with pytest.raises(PolicyError, match="no grade for 江心洲街道"):
        settle_bonds(dict.fromkeys(list(STREETS)[:6], Grade.STANDARD), scheme(), on=DAY)
    with pytest.raises(PolicyError, match="pays no bond"):
        settle_bonds({**dict.fromkeys(STREETS, "excellent"), "320105008": "excellent"}, scheme())
    with pytest.raises(PolicyError, match="does not settle the grade good"):
        settle_bonds(dict.fromkeys(STREETS, Grade.GOOD), scheme())
