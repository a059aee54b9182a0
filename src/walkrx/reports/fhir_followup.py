"""The follow-ups after the program in the FHIR Bundle (issue 13): one QuestionnaireResponse per
answer, to walkrx's own follow-up questionnaire (four items, in our own words; an item left
unanswered is left out). A leaf that `walkrx.reports.fhir` builds on; codes and wording are
documented in docs/fhir.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from walkrx.domain.model import FollowUp

Resource = dict[str, Any]
UCUM = "http://unitsofmeasure.org"  # as in walkrx.reports.fhir, which cannot be imported here

QUESTIONNAIRE = "https://walkrx.example/fhir/Questionnaire/followup-after-program"
FOLLOWUP_ID = "https://walkrx.example/fhir/sid/followup-id"
RECURRENCE = "recurrence"
EPISODE_START = "episode-start"
SOUGHT_CARE = "sought-care"
USUAL_MINUTES = "usual-minutes"
ITEM_TEXT = {
    RECURRENCE: "Since the previous answer, has back pain stopped your usual daily activities "
    "for at least a day?",
    EPISODE_START: "If it did: when did that start?",
    SOUGHT_CARE: "If it did: did you see someone about it (a doctor, a physiotherapist or "
    "anyone else)?",
    USUAL_MINUTES: "How many minutes do you walk in a usual week now?",
}


def _item(link: str, answer: Resource) -> Resource:
    return {"linkId": link, "text": ITEM_TEXT[link], "answer": [answer]}


def followup_resources(
    answers: Sequence[FollowUp], patient: Resource, pseudonymous: bool
) -> list[tuple[str, Resource]]:
    """The follow-ups after the program (issue 13): each answer, oldest first, as a completed
    QuestionnaireResponse to walkrx's own follow-up questionnaire (four items in our own words; an
    item left unanswered is left out; codes and wording in docs/fhir.md)."""
    resources: list[tuple[str, Resource]] = []
    for n, answer in enumerate(sorted(answers, key=lambda a: a.day)):
        items = [_item(RECURRENCE, {"valueBoolean": answer.recurrence})]
        if answer.episode_start is not None:
            items.append(_item(EPISODE_START, {"valueDate": answer.episode_start.isoformat()}))
        if answer.sought_care is not None:
            items.append(_item(SOUGHT_CARE, {"valueBoolean": answer.sought_care}))
        if answer.usual_minutes is not None:
            minutes = {
                "value": answer.usual_minutes,
                "unit": "min/wk",
                "system": UCUM,
                "code": "min/wk",
            }
            items.append(_item(USUAL_MINUTES, {"valueQuantity": minutes}))
        resource: Resource = {
            "resourceType": "QuestionnaireResponse",
            "questionnaire": QUESTIONNAIRE,
            "status": "completed",
            "subject": patient,
            "authored": answer.day.isoformat(),
            "item": items,
        }
        if not pseudonymous and answer.id is not None:
            resource["identifier"] = {"system": FOLLOWUP_ID, "value": str(answer.id)}
        resources.append((f"followup/{answer.id if answer.id is not None else f'n{n}'}", resource))
    return resources
