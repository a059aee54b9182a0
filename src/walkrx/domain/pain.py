"""Per-walk pain response as a traffic light (spec section 5).

Based on the pain-monitoring model (Silbernagel et al. 2007) and a 2-point minimal important change
(Ostelo et al. 2008). The rise matters as much as the level: pain that walking does not raise is not
a flare. Thresholds come from the protocol.
"""

from __future__ import annotations

from walkrx.domain.codes import PainStatus
from walkrx.domain.model import Walk
from walkrx.domain.protocol import PainThresholds


def peak_pain(walk: Walk) -> int | None:
    values = [p for p in (walk.pain_during, walk.pain_after) if p is not None]
    return max(values) if values else None


def pain_status(walk: Walk, t: PainThresholds) -> PainStatus:
    peak = peak_pain(walk)
    before = walk.pain_before
    if (
        walk.pain_next_morning is not None
        and before is not None
        and walk.pain_next_morning >= before + t.settle_rise
    ):
        return PainStatus.RED
    if peak is None:
        return PainStatus.UNKNOWN
    rise = peak - before if before is not None else peak
    if peak >= t.red_peak or (peak >= t.red_peak_with_rise and rise >= t.red_rise):
        return PainStatus.RED
    if peak >= t.amber_peak or (peak >= t.amber_peak_with_rise and rise >= t.amber_rise):
        return PainStatus.AMBER
    return PainStatus.GREEN
