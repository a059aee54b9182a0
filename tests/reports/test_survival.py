"""Time to recurrence (issue 13): the Kaplan-Meier curve matches a hand-worked example of ten
patients exactly (the product-limit values as fractions), and lifelines' own fit on the same
data; its band is the exponential Greenwood formula worked by hand; the median is the first day
the curve falls to one half, none when it never does; the chart shows band, median and number at
risk."""

from __future__ import annotations

import math
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st
from lifelines import KaplanMeierFitter

from walkrx.reports.charts import survival_chart, survival_table
from walkrx.reports.survival import kaplan_meier

# (days from the end of the program, a recurrence began then: True; censored: False)
TEN = [
    (6, True),
    (6, True),
    (6, False),
    (10, True),
    (13, False),
    (16, True),
    (22, True),
    (23, False),
    (30, True),
    (35, False),
]
DAYS = [d for d, _ in TEN]
EVENTS = [e for _, e in TEN]

# Worked by hand: at each day, S = S_before x (1 - recurrences / at risk)
S6 = Fraction(1) * (1 - Fraction(2, 10))  # 10 at risk, 2 recurrences (and 1 censored)
S10 = S6 * (1 - Fraction(1, 7))  # 7 at risk
S16 = S10 * (1 - Fraction(1, 5))  # 5 at risk (13: one censored, no recurrence)
S22 = S16 * (1 - Fraction(1, 4))
S30 = S22 * (1 - Fraction(1, 2))  # 2 at risk (23: one censored)
HAND = [  # day, at risk, recurrences, censored, survival
    (0, 10, 0, 0, Fraction(1)),
    (6, 10, 2, 1, S6),
    (10, 7, 1, 0, S10),
    (13, 6, 0, 1, S10),
    (16, 5, 1, 0, S16),
    (22, 4, 1, 0, S22),
    (23, 3, 0, 1, S22),
    (30, 2, 1, 0, S30),
    (35, 1, 0, 1, S30),
]


def test_the_curve_matches_the_hand_worked_example_exactly() -> None:
    assert (
        Fraction(4, 5),
        Fraction(24, 35),
        Fraction(96, 175),
        Fraction(72, 175),
        Fraction(36, 175),
    ) == (S6, S10, S16, S22, S30)
    curve = kaplan_meier(DAYS, EVENTS)
    got = [(r.day, r.at_risk, r.events, r.censored, r.survival) for r in curve.rows]
    assert got == [(d, n, e, c, round(float(s), 4)) for d, n, e, c, s in HAND]
    assert (curve.people, curve.events) == (10, 6)
    assert curve.median_days == 22  # 96/175 > 1/2 at day 16, 72/175 <= 1/2 at day 22


def test_the_curve_is_lifelines_own_estimate_on_the_same_data() -> None:
    fitter = KaplanMeierFitter().fit(DAYS, event_observed=EVENTS)
    raw = fitter.survival_function_.iloc[:, 0]
    for day, _, _, _, exact in HAND:  # lifelines' floats against the fractions
        assert math.isclose(raw.loc[float(day)], float(exact), rel_tol=1e-12)
    band = fitter.confidence_interval_survival_function_
    curve = kaplan_meier(DAYS, EVENTS)
    for row in curve.rows:
        assert row.survival == round(float(raw.loc[float(row.day)]), 4)
        low, high = band.loc[float(row.day)]
        assert (row.low, row.high) == (round(low, 4), round(high, 4))
    assert curve.median_days == fitter.median_survival_time_


def test_the_band_is_the_exponential_greenwood_formula() -> None:
    """At day 22 by hand: V = sum d/(n(n-d)) / (log S)^2, log(-log S) +- z sqrt(V), back."""
    greenwood = Fraction(2, 10 * 8) + Fraction(1, 7 * 6) + Fraction(1, 5 * 4) + Fraction(1, 4 * 3)
    s = float(S22)
    v = float(greenwood) / math.log(s) ** 2
    z = 1.959963984540054
    low = math.exp(-math.exp(math.log(-math.log(s)) + z * math.sqrt(v)))
    high = math.exp(-math.exp(math.log(-math.log(s)) - z * math.sqrt(v)))
    row = kaplan_meier(DAYS, EVENTS).at(22)
    assert row is not None and (row.low, row.high) == (round(low, 4), round(high, 4))


def test_no_median_when_the_curve_never_falls_to_one_half() -> None:
    curve = kaplan_meier([30, 60, 90, 120], [True, False, False, False])
    assert curve.median_days is None and curve.rows[-1].survival == 0.75
    assert kaplan_meier([], []).rows == ()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 400), st.booleans()), min_size=1, max_size=30))
def test_the_curve_never_rises_and_its_band_holds_it(people: list[tuple[int, bool]]) -> None:
    curve = kaplan_meier([d for d, _ in people], [e for _, e in people])
    survival = [r.survival for r in curve.rows]
    assert survival == sorted(survival, reverse=True)
    assert [r.at_risk for r in curve.rows] == sorted((r.at_risk for r in curve.rows), reverse=True)
    assert sum(r.events + r.censored for r in curve.rows) == len(people)
    for r in curve.rows:
        if r.low is not None and r.high is not None:
            assert r.low - 1e-4 <= r.survival <= r.high + 1e-4


def test_the_chart_draws_band_median_and_number_at_risk() -> None:
    curve = kaplan_meier(DAYS, EVENTS)
    svg = survival_chart([("All patients", curve)], id_prefix="km")
    assert svg.count('class="band"') == 1 and 'data-days="22"' in svg
    assert "Number at risk" in svg and svg.count('class="cens"') == 4
    assert "Observational: not a trial result." in svg
    at_risk = svg.split('class="at-risk"')[1:]
    assert at_risk[0].split(">", 1)[1].startswith("10<")  # day 0: all ten
    table = survival_table([("All patients", curve)], visually_hidden=False)
    assert table.count("<tr>") == len(HAND) + 1
    empty = survival_chart([("All patients", kaplan_meier([], []))])
    assert "No follow-up answered yet" in empty
