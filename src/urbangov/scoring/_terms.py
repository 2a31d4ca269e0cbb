"""The words of assessment (private): grades, assessment sources, finding stages.

:mod:`urbangov.scoring` re-exports them.
"""

from __future__ import annotations

from urbangov.vocabulary import Term

__all__ = ["AssessmentSource", "FindingStage", "Grade"]


class Grade(Term):
    """An assessment grade (考核等次).

    Two published scales use these words: 优秀 / 达标 / 不达标 (the bond scheme of
    《城市管理协管员考核办法》篇5 §五(二)) and 优秀 / 良好 / 合格 / 不合格 (许昌 数字城管
    monthly results, 2021; 《河南省城市精细化管理考核项目及评分标准(试行)》). Which
    grades a city uses, and their cut-offs, are data (:class:`~urbangov.scoring.Cutoffs`).

    >>> Grade.parse("達標"), Grade.EXCELLENT.chinese
    (<Grade.STANDARD: 'standard'>, '优秀')
    """

    EXCELLENT = "excellent", "优秀", "優秀"
    """优秀 — excellent."""
    GOOD = "good", "良好"
    """良好 — good."""
    PASS = "pass", "合格"
    """合格 — passed."""
    FAIL = "fail", "不合格"
    """不合格 — failed."""
    STANDARD = "standard", "达标", "達標"
    """达标 — up to standard."""
    SUBSTANDARD = "substandard", "不达标", "不達標"
    """不达标 — below standard."""


class AssessmentSource(Term):
    """Where an assessment's findings come from (考评方式), distinct from a case's
    :class:`~urbangov.Source`.

    日巡察、月考评、年评比 (《城市管理协管员考核办法》篇4); 随机考评、每月考评、年终考评
    (篇5 §五(一)); satisfaction counts too (群众满意度, 篇2). A standard may weigh its
    sources (``[sources]`` in its file).

    >>> AssessmentSource.parse("随机考评")
    <AssessmentSource.RANDOM: 'random'>
    """

    DAILY_PATROL = "daily_patrol", "日常巡查", "日巡察", "巡查"
    """日常巡查 — the daily patrol."""
    MONTHLY = "monthly", "月度考评", "月考评", "每月考评"
    """月度考评 — the monthly review."""
    RANDOM = "random", "随机抽查", "随机考评", "抽查"
    """随机抽查 — a random check."""
    YEAR_END = "year_end", "年终考评", "年评比", "年终考核"
    """年终考评 — the year-end evaluation."""
    SATISFACTION = "satisfaction", "满意度测评", "满意度"
    """满意度测评 — a satisfaction survey."""


class FindingStage(Term):
    """How far a problem has gone when it is reported (a per-finding rule prices each
    stage).

    The 2016 城市管理工作督查考核扣分细则 deducts per problem found (每宗), more when it
    is not fixed in time (未及时整改), and more again when the same problem is reported
    twice running (同样问题连续通报二次). Each report is one finding at its stage.

    >>> FindingStage.parse("未及时整改")
    <FindingStage.NOT_FIXED: 'not_fixed'>
    """

    FOUND = "found", "发现问题", "每宗"
    """发现问题 — a problem found."""
    NOT_FIXED = "not_fixed", "未及时整改"
    """未及时整改 — not fixed in time."""
    REPEATED = "repeated", "连续通报", "同样问题连续通报"
    """连续通报 — the same problem reported again (twice running)."""
