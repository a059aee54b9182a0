"""The comparable summary of an Activity that the XML importers' expected-output files hold."""

from __future__ import annotations

from walkrx.domain.activity import Activity


def summary(activity: Activity) -> dict[str, object]:
    return {
        "sport": activity.sport,
        "start": activity.start.isoformat(),
        "utc_offset_s": activity.utc_offset_s,
        "timezone": activity.timezone,
        "samples": len(activity.t_s),
        "hr_samples": sum(h is not None for h in activity.hr_bpm),
        "first_s": activity.t_s[0] if activity.t_s else None,
        "last_s": activity.t_s[-1] if activity.t_s else None,
        "pauses": len(activity.pauses),
        "total_distance_m": activity.total_distance_m,
        "distance_samples": sum(d is not None for d in activity.distance_m),
        "indoor": activity.indoor,
        "device": activity.device,
    }
