"""Follow-ups after the program in the FHIR export (issue 13): one QuestionnaireResponse per
answer, valid for the FHIR R4 models, with the four items in plain words (those not answered left
out), no identifier when pseudonymous, and none at all for a program without follow-ups."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from fhir.resources.R4B import get_fhir_model_class

from walkrx.domain.model import FollowUp
from walkrx.reports import fhir_followup

from .test_fhir import bundle, records, resources

DOCS = Path(__file__).resolve().parents[2] / "docs" / "fhir.md"
ANSWERS = (
    FollowUp(11, date(2026, 5, 4), False, usual_minutes=150),
    FollowUp(12, date(2026, 6, 3), True, date(2026, 5, 28), sought_care=True, usual_minutes=60),
)


def test_each_answer_is_a_valid_questionnaire_response() -> None:
    b = bundle(replace(records(), followups=ANSWERS))
    found = resources(b, "QuestionnaireResponse")
    assert len(found) == 2
    for resource in found:
        get_fhir_model_class("QuestionnaireResponse").model_validate(resource)
        assert resource["status"] == "completed"
        assert resource["questionnaire"] == fhir_followup.QUESTIONNAIRE
    first, second = found
    assert first["authored"] == "2026-05-04" and first["identifier"]["value"] == "11"
    assert [i["linkId"] for i in first["item"]] == ["recurrence", "usual-minutes"]
    assert [i["linkId"] for i in second["item"]] == [
        "recurrence",
        "episode-start",
        "sought-care",
        "usual-minutes",
    ]
    assert second["item"][1]["answer"] == [{"valueDate": "2026-05-28"}]
    assert second["item"][3]["answer"][0]["valueQuantity"]["value"] == 60
    patient = resources(b, "Patient")[0]["id"]
    assert all(r["subject"]["reference"] == f"urn:uuid:{patient}" for r in found)


def test_pseudonymous_answers_carry_no_identifier_and_none_without_answers() -> None:
    b = bundle(replace(records(), followups=ANSWERS), pseudonymous=True)
    assert all("identifier" not in r for r in resources(b, "QuestionnaireResponse"))
    assert resources(bundle(), "QuestionnaireResponse") == []


def test_the_questionnaire_and_its_items_are_documented() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    assert fhir_followup.QUESTIONNAIRE in docs
    for link in fhir_followup.ITEM_TEXT:
        assert f"`{link}`" in docs, link
