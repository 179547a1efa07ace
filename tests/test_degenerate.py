"""The degenerate-output guard: loops, passthrough and absurd lengths flagged; real
translations of seed sentences (hand-made) never flagged."""

from __future__ import annotations

import statistics

import pytest

from reader.translation.degenerate import degenerate_reason

# hand translations of seed sentences (a Chinese line, then the English indented): the
# calibration set for the length-ratio bounds
_PAIRS = """
中央给北京疫情防控定调,新机构首次开会
    The central government sets the tone for Beijing's epidemic control; a new body meets
    for the first time

会议对目前疫情形势作出判断——全国疫情发展拐点尚未到来,湖北省和武汉市防控形势依然严峻复杂。
    The meeting assessed the current situation: the turning point of the national epidemic
    has not yet arrived, and the situation in Hubei Province and Wuhan remains grave and
    complex.

会议指出,要针对不同区域情况,完善差异化防控策略。
    The meeting pointed out that differentiated prevention and control strategies should be
    improved according to the situation in different regions.

要坚决打好湖北保卫战、武汉保卫战
    We must resolutely win the battles to defend Hubei and Wuhan

要全力做好北京疫情防控工作
    We must do our utmost in epidemic prevention and control in Beijing

北京地位特殊,现在离京人员大量返京,疫情防控压力加大。
    Beijing's position is special; many people who left are now returning, and the pressure
    on epidemic control is growing.

要完善防控措施,加强重点群体管控,减少行走的传染源,减少人群流动和密切接触,坚决控制疫情发展。
    We must improve control measures, strengthen management of key groups, reduce mobile
    sources of infection, reduce movement of people and close contact, and resolutely
    control the spread of the epidemic.

北京昨晚开会,要求“坚决防止高风险人员进京”
    Beijing held a meeting last night, demanding that high-risk people be resolutely
    prevented from entering the capital

北京市今天上午又有一例出院病例
    Another patient was discharged in Beijing this morning

房山、平谷、密云、延庆目前未发现
    None found so far in Fangshan, Pinggu, Miyun and Yanqing

新冠肺炎并未在社区进行传播
    COVID-19 has not spread in the community

紧缺物资今日将陆续下发
    Scarce supplies will be distributed from today

全市取消20200202结婚登记
    The city cancels marriage registration on 2020-02-02

救助机构均设隔离区
    All relief institutions have set up isolation areas

最新疫情
    Latest on the epidemic

全市累计确诊114例
    114 confirmed cases in the city so far

截至30日8时,本市累计确诊病例114例,其中出院4例(不含将出院的1例),死亡1例。
    As of 8 a.m. on the 30th, the city had 114 confirmed cases, of which 4 were discharged
    (not counting 1 about to be discharged) and 1 died.

雷海潮说,房山区、平谷区、密云区、延庆区还没有报告的病例。
    Lei Haichao said that Fangshan, Pinggu, Miyun and Yanqing districts have not yet
    reported any cases.

334个样本检测,结果很好。
    334 samples were tested, and the results were good.

目前,外防输入,内防扩散。
    At present, we guard against imported cases and prevent internal spread.

防控要做到“五早”
    Prevention and control must achieve the 'five earlies'

同志们:
    Comrades:

当前,疫情防控工作已进入最关键、最紧要的时期,中央和省委高度重视。
    Epidemic control has entered its most critical and urgent period, and the central
    government and the provincial committee attach great importance to it.

市委书记、防控工作领导小组组长蔡奇主持会议。
    Cai Qi, secretary of the municipal committee and head of the leading group for
    prevention and control, chaired the meeting.

会议强调,要进一步抓实联防联控机制。
    The meeting stressed that the joint prevention and control mechanism must be further
    strengthened.

殷勇李伟魏小东出席
    Yin Yong, Li Wei and Wei Xiaodong attended

坚定不移贯彻“动态清零”
    Unswervingly implement 'dynamic zero-COVID'

是。
    Yes.

中共
    Communist Party of China

2022年11月22日
    22 November 2022
"""
GOOD = [
    (zh, " ".join(line.strip() for line in en))
    for zh, *en in (record.splitlines() for record in _PAIRS.strip().split("\n\n"))
]


def ratio(zh: str, en: str) -> float:
    return len("".join(en.split())) / len("".join(zh.split()))


@pytest.mark.parametrize(("zh", "en"), GOOD)
def test_real_translations_pass(zh: str, en: str) -> None:
    assert degenerate_reason(zh, en) is None


def test_calibration_figures() -> None:
    """The figures quoted in reader/degenerate.py's docstring (sources of 6+ characters)."""
    ratios = [ratio(zh, en) for zh, en in GOOD if len(zh) >= 6]
    low, mid, high = min(ratios), statistics.median(ratios), max(ratios)
    print(f"ratios: min {low:.2f} median {mid:.2f} max {high:.2f}")
    assert min(ratios) > 0.3 and max(ratios) < 12


@pytest.mark.parametrize(
    ("source", "output", "reason"),
    [
        ("检测结果均为阴性。", "阴性阴性阴性阴性阴性阴性", "repetition"),
        (
            "检测结果均为阴性。",
            "The results were negative negative negative negative.",
            "repetition",
        ),
        ("现场掌声雷动。", "(applause) (applause) (applause)", "repetition"),
        (
            "会议强调要进一步做好工作。",
            "The meeting stressed the need to do the work, the need to do the work, "
            "the need to do the work, the need to do the work.",
            "repetition",
        ),
        (
            "会议强调要进一步做好疫情防控工作。",
            "会议强调要进一步做好疫情防控工作。",
            "untranslated",
        ),
        ("会议强调要进一步做好疫情防控工作。", "The 会议强调要进一步做好疫情", "untranslated"),
        ("会议强调要进一步做好疫情防控工作。", "The", "too short"),
        ("会议强调。", "", "empty"),
        ("要坚决打好湖北保卫战", " ".join(f"w{i}x{i * 7}" for i in range(30)), "too long"),
    ],
)
def test_degenerate_outputs_are_flagged(source: str, output: str, reason: str) -> None:
    found = degenerate_reason(source, output)
    assert found is not None and found.startswith(reason)


def test_repetition_in_the_source_may_be_echoed() -> None:
    assert degenerate_reason("哈哈哈哈哈哈", "Ha ha ha ha ha ha") is None


@pytest.mark.parametrize(
    "output",
    [
        "Very very good.",
        "1,000,000,000 yuan",
        "He said: ...... nothing.",
        "Cai Qi (蔡奇) chaired the meeting.",
    ],
)
def test_ordinary_english_passes(output: str) -> None:
    assert degenerate_reason("他说了一些话和其他的事情。", output) is None


def test_blank_source_is_never_degenerate() -> None:
    assert degenerate_reason("  ", "") is None
