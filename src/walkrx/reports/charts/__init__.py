"""Progress charts as server-side SVG strings (standard library only, no JavaScript).

Every chart scales to its container (a viewBox and width 100%), is sized for a phone screen, and is
accessible: role="img" with a <title> and a plain-language <desc>, high-contrast colours (WCAG AA
on white) and shapes, patterns and labels so nothing relies on colour alone. `table_html` and the
`*_table` functions give the same data as a (visually hidden) table for screen readers.

The charts take any objects with the attributes they read (see the `...Like` protocols), so this
package does not depend on the services layer; `walkrx.services.progress` builds matching series.
Output is deterministic: ids come from the `id_prefix` argument, numbers are rounded the same way.

`primitives` and `axes` hold the shared drawing code, `series` the protocols; each chart has its
own module with its table. Callers import from this package: `from walkrx.reports import charts`.
"""

from walkrx.reports.charts.after import (
    function_chart,
    function_table,
    walking_kept_chart,
    walking_kept_table,
)
from walkrx.reports.charts.hr_trace import MAX_TRACE_POINTS, PAUSE_GAP_S, hr_trace_chart
from walkrx.reports.charts.pace import pace_chart, pace_table
from walkrx.reports.charts.pain import PAIN_BANDS, STATUS_WORDS, pain_chart, pain_table
from walkrx.reports.charts.prescription import prescription_chart, prescription_table
from walkrx.reports.charts.primitives import (
    AMBER_FILL,
    AMBER_INK,
    BLUE,
    FONT,
    FONT_FAMILY,
    GREEN_FILL,
    GREEN_INK,
    GRID,
    INK,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MONTHS,
    MUTED,
    ORANGE,
    PURPLE,
    RANGE_FILL,
    RED_FILL,
    RED_INK,
    SLATE,
    SMALL,
    VALUE_LIMIT,
    VISUALLY_HIDDEN,
    WIDTH,
    table_html,
)
from walkrx.reports.charts.series import (
    PacePointLike,
    PaceWalkLike,
    PainPointLike,
    RxPointLike,
    TraceLike,
    ZoneWeekLike,
)
from walkrx.reports.charts.survival import survival_chart, survival_table
from walkrx.reports.charts.walking_pace import walking_pace_chart, walking_pace_table
from walkrx.reports.charts.zone_minutes import zone_minutes_chart, zone_minutes_table

__all__ = [
    "AMBER_FILL",
    "AMBER_INK",
    "BLUE",
    "FONT",
    "FONT_FAMILY",
    "GREEN_FILL",
    "GREEN_INK",
    "GRID",
    "INK",
    "MARGIN_LEFT",
    "MARGIN_RIGHT",
    "MAX_TRACE_POINTS",
    "MONTHS",
    "MUTED",
    "ORANGE",
    "PAIN_BANDS",
    "PAUSE_GAP_S",
    "PURPLE",
    "RANGE_FILL",
    "RED_FILL",
    "RED_INK",
    "SLATE",
    "SMALL",
    "STATUS_WORDS",
    "VALUE_LIMIT",
    "VISUALLY_HIDDEN",
    "WIDTH",
    "PacePointLike",
    "PaceWalkLike",
    "PainPointLike",
    "RxPointLike",
    "TraceLike",
    "ZoneWeekLike",
    "function_chart",
    "function_table",
    "hr_trace_chart",
    "pace_chart",
    "pace_table",
    "pain_chart",
    "pain_table",
    "prescription_chart",
    "prescription_table",
    "survival_chart",
    "survival_table",
    "table_html",
    "walking_kept_chart",
    "walking_kept_table",
    "walking_pace_chart",
    "walking_pace_table",
    "zone_minutes_chart",
    "zone_minutes_table",
]
