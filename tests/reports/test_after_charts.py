"""The charts after the program (issue 13): any follow-ups, scores and curves give well-formed,
accessible SVG with every coordinate finite and inside the viewBox (as every other chart)."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from walkrx.domain.model import FollowUp
from walkrx.reports import charts
from walkrx.reports.survival import kaplan_meier
from walkrx.services.followup import ScorePoint

from .test_charts_properties import assert_inside_viewbox

DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
answers = st.lists(
    st.builds(
        FollowUp,
        id=st.none(),
        day=DAYS,
        recurrence=st.booleans(),
        usual_minutes=st.one_of(st.none(), st.integers(0, 10_080)),
    ),
    max_size=30,
).map(lambda found: sorted(found, key=lambda a: a.day))
scores = st.lists(
    st.builds(
        ScorePoint,
        day=DAYS,
        psfs_mean=st.one_of(st.none(), st.floats(0, 10)),
        morning_pain=st.one_of(st.none(), st.integers(0, 10)),
    ),
    max_size=40,
).map(lambda found: sorted(found, key=lambda p: p.day))
people = st.lists(st.tuples(st.integers(0, 2000), st.booleans()), max_size=40)


@settings(max_examples=60, deadline=None)
@given(answers, st.one_of(st.none(), DAYS))
def test_walking_kept_chart_any_answers(found: list[FollowUp], ended: date | None) -> None:
    assert_inside_viewbox(charts.walking_kept_chart(found, ended))


@settings(max_examples=60, deadline=None)
@given(scores, st.one_of(st.none(), DAYS))
def test_function_chart_any_scores(found: list[ScorePoint], ended: date | None) -> None:
    assert_inside_viewbox(charts.function_chart(found, ended))


@settings(max_examples=12, deadline=None)
@given(st.lists(people, min_size=1, max_size=4))
def test_survival_chart_any_groups(groups: list[list[tuple[int, bool]]]) -> None:
    curves = [
        (f"group {i}", kaplan_meier([d for d, _ in g], [e for _, e in g]))
        for i, g in enumerate(groups)
    ]
    assert_inside_viewbox(charts.survival_chart(curves))
