"""Plain-language sentences for every stable code, in walkrx's own words."""

from __future__ import annotations

from datetime import date

from walkrx.domain.codes import Decision, Flag, PainStatus, Reason, Referral

DISCLAIMER = (
    "walkrx helps you follow a walking program; it does not diagnose or treat anything. "
    "If your pain changes in a way that worries you, talk to a clinician."
)

DECISION_TEXT: dict[Decision, str] = {
    Decision.PROGRESS: "Move on: next week builds a little on this one.",
    Decision.HOLD: "Hold: repeat this week's plan next week before building further.",
    Decision.STEP_BACK: "Step back: next week eases off so your back can settle.",
    Decision.SEEK_CARE_URGENT: "Pause walking and see a doctor within the next few days.",
    Decision.SEEK_CARE_EMERGENCY: "Stop and go to an emergency department now.",
}

REASON_TEXT: dict[Reason, str] = {
    Reason.PAIN_RED: "At least one walk flared your pain (a big rise, very high pain, or pain "
    "that had not settled by the next morning).",
    Reason.MORNING_PAIN_RISING: "Your average morning pain rose by a point or more compared with "
    "the week before.",
    Reason.TOO_LITTLE: "There was not enough walking this week for it to build your tolerance.",
    Reason.TOO_MUCH_TOO_SOON: "You walked well beyond this week's plan; doing too much too soon is "
    "a common cause of flare-ups.",
    Reason.PAIN_AMBER: "Pain went up during or after at least one walk, though not enough to be a "
    "flare: give your back another week at this level.",
    Reason.NO_WALKS: "No walks were logged this week.",
    Reason.RED_FLAG: "You answered yes to a warning-sign question; walking is paused until a "
    "clinician has checked you and the flag is cleared.",
    Reason.ON_TRACK: "You did the planned walking and your back tolerated it.",
    Reason.PAUSED_BY_CLINICIAN: "Your clinician paused the program during this week, so it "
    "stays at the same level; it carries on from there once they resume it.",
    Reason.PROGRAM_FINISHED: "The program had finished by this week, so there was no plan to "
    "review; it carries on from a safe level if you return to it.",
}

FLAG_TEXT: dict[Flag, str] = {
    Flag.CLINICIAN_REVIEW: "Two flare weeks in a row: a clinician should review the program.",
    Flag.NOT_LOGGING: "Two weeks in a row without any walk logged.",
    Flag.RED_FLAG_OPEN: "A warning sign is still open and has not been cleared.",
}

REFERRAL_TEXT: dict[Referral, str] = {
    Referral.PLATEAU: "Progress has stalled: an individual rehab plan from a physiotherapist may "
    "help more than walking alone.",
    Referral.STILL_LIMITED: "Everyday activities are still limited: a physiotherapist can target "
    "them directly.",
    Referral.FEAR_OF_MOVEMENT: "Worry about moving is holding you back: a clinician can help you "
    "regain confidence step by step.",
    Referral.RETURN_TO_SPORT: "To return to lifting, running or sport you will need more than "
    "walking: ask for a tailored rehab program.",
}

REFERRAL_SHORT: dict[Referral, str] = {
    Referral.PLATEAU: "progress has stalled",
    Referral.STILL_LIMITED: "everyday activities still limited",
    Referral.FEAR_OF_MOVEMENT: "worry about moving",
    Referral.RETURN_TO_SPORT: "wants to return to sport",
}

PAIN_TEXT: dict[PainStatus, str] = {
    PainStatus.GREEN: "green: walking did not aggravate your pain",
    PainStatus.AMBER: "amber: pain rose a little; hold steady",
    PainStatus.RED: "red: a flare; ease off",
    PainStatus.UNKNOWN: "unknown: no pain ratings logged",
}


def alert_words(kind: str, day: date, codes: tuple[str, ...] = ()) -> str:
    """What an alert (walkrx.domain.alerts) says to a clinician, in plain words."""
    when = f"{day:%a} {day.day} {day:%b}"
    if kind == "red_walk":
        return f"A walk on {when} flared the back pain (red)."
    if kind == "red_flag":
        signs = ", ".join(RED_FLAG_WORDS.get(code, code.replace("_", " ")) for code in codes)
        return f"Answered yes to a warning sign on {when}: {signs}."
    if kind == "morning_pain_rising":
        return f"Morning pain has risen since {when}: {' then '.join(codes)} out of 10."
    if kind == "not_logging":
        return f"Nothing logged on the planned walking days since {when}."
    if kind == "recurrence":
        care = {"sought_care": " They sought care for it.", "no_care": " They did not seek care."}
        said = "".join(care.get(code, "") for code in codes)
        return (
            f"Back pain limited their daily activities again after the program (told on {when}); "
            f"they have been offered a return to the program.{said}"
        )
    return f"Something to look at from {when}."


RED_FLAG_WORDS: dict[str, str] = {
    "saddle_numbness": "numbness around the bottom or genitals",
    "bladder_change": "a change in bladder control",
    "bowel_control": "a change in bowel control",
    "sexual_dysfunction": "new sexual difficulties",
    "leg_weakness": "new or worsening leg weakness",
    "fever_unwell": "fever or feeling unwell",
    "cancer_history": "a history of cancer",
    "weight_loss": "unexplained weight loss",
    "trauma": "a recent fall or injury",
    "night_pain": "pain at night that does not ease",
    "age_onset": "first back pain under 20 or over 55",
    "immunosuppression": "a weakened immune system",
}
