"""The walker's download of everything walkrx holds about them (issue 12): a zip with each part,
linked from the API tokens and erase pages; a clinician cannot download it, and nobody signed out.
On SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import zipfile

from walkrx.services import care
from walkrx.services.access import Actor
from walkrx.storage import UnitOfWork

from .conftest import Web, page_csrf
from .test_uploads import FENIX_WALK, _files


def test_the_walker_downloads_a_zip_of_everything(web: Web) -> None:
    client = web.walker("ann@example.org")
    client.post(
        "/upload",
        data={"csrf": page_csrf(client, "/upload")},
        files=_files((FENIX_WALK.name, FENIX_WALK.read_bytes())),
    )
    assert 'href="/account/export.zip"' in client.get("/tokens").text
    assert 'href="/account/export.zip"' in client.get("/account/erase").text

    response = client.get("/account/export.zip")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"].startswith('attachment; filename="walkrx-')
    assert response.headers["cache-control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert names[0] == "README.txt"
    assert {"fhir-bundle.json", "tables/walks.csv", "account.json", "records.json"} <= set(names)
    (device,) = [n for n in names if n.startswith("device-files/")]
    assert archive.read(device) == FENIX_WALK.read_bytes()
    assert json.loads(archive.read("account.json"))["account"]["email"] == "ann@example.org"


def test_a_clinician_cannot_download_a_patients_data(web: Web) -> None:
    web.walker("ann@example.org")
    doctor = web.sign_up("dr@clinic.example", role="clinician")
    dr, ann = web.user("dr@clinic.example"), web.user("ann@example.org")
    invitation = care.invite(UnitOfWork(web.db), dr.id, "ann@example.org")
    care.accept_invitation(UnitOfWork(web.db), Actor.user(ann.id), invitation.code)
    refused = doctor.get("/account/export.zip")
    assert refused.status_code == 403
    assert "zip" not in refused.headers["content-type"]
    assert 'href="/account/export.zip"' not in doctor.get("/tokens").text
    signed_out = web.client().get("/account/export.zip", follow_redirects=False)
    assert signed_out.status_code == 303 and signed_out.headers["location"].startswith("/signin")
