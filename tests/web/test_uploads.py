"""Uploading watch files: real FIT files become walks; a bad file fails alone; size limits."""

from __future__ import annotations

from pathlib import Path

from .conftest import Web, page_csrf

FIT = Path(__file__).resolve().parents[1] / "data" / "fit"
HRM = FIT / "muktihari__HrmPluginTestActivity.fit"
FENIX_WALK = FIT / "fitparse__garmin-fenix-5-walk.fit"


def _files(*items: tuple[str, bytes]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (name, content, "application/octet-stream")) for name, content in items]


def test_form_upload_stores_real_fit_walks(web: Web) -> None:
    """Two real FIT files through the plain form: each is reported and its walk stored."""
    client = web.walker("ann@example.org")
    response = client.post(
        "/upload",
        data={"csrf": page_csrf(client, "/upload")},
        files=_files((HRM.name, HRM.read_bytes()), (FENIX_WALK.name, FENIX_WALK.read_bytes())),
    )
    assert response.status_code == 200, response.text
    assert HRM.name in response.text and FENIX_WALK.name in response.text
    assert response.text.count("walk stored") == 2
    person = client.get("/api/v1/me").json()["person_id"]
    walks = client.get(f"/api/v1/people/{person}/walks").json()["walks"]
    assert sorted(w["source"] for w in walks) == ["fit", "fit"]
    walk_id = walks[0]["id"]
    download = client.get(f"/walks/{walk_id}/file")
    assert download.status_code == 200
    assert download.content in (HRM.read_bytes(), FENIX_WALK.read_bytes())
    page = client.get(f"/walks/{walk_id}")
    assert "Download the original file" in page.text
    assert "Keep this record" not in page.text  # a walk recorded once has no other to choose


def test_bad_file_reports_its_error_and_keeps_the_good_one(web: Web) -> None:
    """A broken file is reported with the reason; the good file in the same upload is stored."""
    client = web.walker("bo@example.org")
    person = client.get("/api/v1/me").json()["person_id"]
    response = client.post(
        f"/api/v1/people/{person}/imports",
        headers={"X-CSRF-Token": page_csrf(client)},
        files=_files(("broken.fit", b"this is not a FIT file"), (HRM.name, HRM.read_bytes())),
    )
    assert response.status_code == 200, response.text
    files = response.json()["files"]
    assert files[0]["file"] == "broken.fit" and files[0]["failed"]
    assert files[0]["failed"][0]["error"]
    assert files[1]["stored"] and not files[1]["failed"]
    assert len(client.get(f"/api/v1/people/{person}/walks").json()["walks"]) == 1
    again = client.post(
        "/upload", data={"csrf": page_csrf(client)}, files=_files((HRM.name, HRM.read_bytes()))
    )
    assert "You uploaded this file before" in again.text


def test_upload_over_the_limit_is_413_and_stores_nothing(web: Web) -> None:
    """A file over the per-file limit refuses the whole request with a clear 413 message."""
    client = web.walker("cy@example.org")
    person = client.get("/api/v1/me").json()["person_id"]
    huge = b"\0" * ((4 << 20) + 1)
    api = client.post(
        f"/api/v1/people/{person}/imports",
        headers={"X-CSRF-Token": page_csrf(client)},
        files=_files((HRM.name, HRM.read_bytes()), ("huge.fit", huge)),
    )
    assert api.status_code == 413
    error = api.json()["error"]
    assert error["type"] == "upload_too_large"
    assert "huge.fit" in error["message"] and "limit" in error["message"]
    form = client.post(
        "/upload",
        data={"csrf": page_csrf(client)},
        files=_files((HRM.name, HRM.read_bytes()), ("huge.fit", huge)),
    )
    assert form.status_code == 413
    assert "over the 4 MB limit" in form.text
    assert client.get(f"/api/v1/people/{person}/walks").json()["walks"] == []


def test_upload_page_has_script_and_a_plain_form_fallback(web: Web) -> None:
    """The upload page posts to /upload without script, and names the API for the script."""
    client = web.walker("dee@example.org")
    page = client.get("/upload")
    assert 'action="/upload"' in page.text and 'enctype="multipart/form-data"' in page.text
    assert 'name="files"' in page.text and "multiple" in page.text
    assert "/static/upload.js" in page.text
    assert client.get("/static/upload.js").status_code == 200


def test_duplicate_walk_links_to_the_record_kept_aside(web: Web) -> None:
    """A watch file replacing a hand-logged walk says so with a link; 'keep this record' swaps."""
    client = web.walker("eve@example.org")
    csrf = page_csrf(client)
    person = client.get("/api/v1/me").json()["person_id"]
    diary_walk = client.post(
        f"/api/v1/people/{person}/walks",
        headers={"X-CSRF-Token": csrf},
        json={
            "date": "2017-06-11",
            "start": "14:32",
            "timezone": "UTC",
            "minutes": 20,
            "pain_before": 2,
        },
    ).json()
    response = client.post(
        "/upload", data={"csrf": csrf}, files=_files((FENIX_WALK.name, FENIX_WALK.read_bytes()))
    )
    link = f'<a href="/walks/{diary_walk["id"]}">open it and keep that record'
    assert link in response.text
    assert "walkrx walks prefer" not in response.text
    walks = client.get(f"/api/v1/people/{person}/walks").json()["walks"]
    assert [w["source"] for w in walks] == ["fit"]
    assert walks[0]["pain_before"] == 2  # the person's rating moved to the richer record
    fit_id = walks[0]["id"]
    # The hand-logged record, kept aside, offers to be kept instead and links the one counted.
    aside_page = client.get(f"/walks/{diary_walk['id']}").text
    assert "Keep this record" in aside_page and f'href="/walks/{fit_id}"' in aside_page
    kept_page = client.get(f"/walks/{fit_id}").text
    assert "Keep this record" not in kept_page
    assert f'<a href="/walks/{diary_walk["id"]}">walk {diary_walk["id"]}</a>' in kept_page
    client.post(f"/walks/{diary_walk['id']}/prefer", data={"csrf": csrf})
    walks = client.get(f"/api/v1/people/{person}/walks").json()["walks"]
    assert [w["id"] for w in walks] == [diary_walk["id"]]
    # And the choice can be undone from the FIT record, now the one aside.
    assert "Keep this record" in client.get(f"/walks/{fit_id}").text
    client.post(f"/walks/{fit_id}/prefer", data={"csrf": csrf})
    walks = client.get(f"/api/v1/people/{person}/walks").json()["walks"]
    assert [w["id"] for w in walks] == [fit_id]


VISNJAN = (
    Path(__file__).resolve().parents[1] / "data" / "reference" / "gpx" / "tkrajina__visnjan.gpx"
)


def test_a_record_that_is_not_plainly_a_walk_waits_for_the_walker(web: Web) -> None:
    """A sport-less file at 8.8 km/h is stored but not counted; its page says why, shows what
    the importer noticed, and counts it once the walker says it was a walk (issue 8)."""
    client = web.walker("vi@example.org", start="2014-08-18")
    response = client.post(
        "/upload",
        data={"csrf": page_csrf(client, "/upload")},
        files=_files((VISNJAN.name, VISNJAN.read_bytes())),
    )
    assert response.status_code == 200, response.text
    person = client.get("/api/v1/me").json()["person_id"]
    [walk] = client.get(f"/api/v1/people/{person}/walks").json()["walks"]
    assert walk["counted"] is False and walk["check_reason"] == "too_fast"
    assert "not counted yet" in client.get("/walks").text
    page = client.get(f"/walks/{walk['id']}").text
    assert "Not counted yet: was this a walk?" in page
    assert "faster than walking" in page
    assert "What walkrx noticed in the file" in page
    assert "The file does not name the sport" in page
    confirmed = client.post(
        f"/walks/{walk['id']}/confirm",
        data={"csrf": page_csrf(client, f"/walks/{walk['id']}")},
        follow_redirects=False,
    )
    assert confirmed.status_code == 303
    [walk] = client.get(f"/api/v1/people/{person}/walks").json()["walks"]
    assert walk["counted"] is True and walk["confirmed"] is True
    assert "You confirmed that this was a walk" in client.get(f"/walks/{walk['id']}").text
    assert "not counted yet" not in client.get("/walks").text


def test_only_the_walker_can_confirm_their_walk(web: Web) -> None:
    """Another walker's confirmation is refused like any other write to someone else's walk."""
    owner = web.walker("own@example.org", start="2014-08-18")
    owner.post(
        "/upload",
        data={"csrf": page_csrf(owner, "/upload")},
        files=_files((VISNJAN.name, VISNJAN.read_bytes())),
    )
    person = owner.get("/api/v1/me").json()["person_id"]
    [walk] = owner.get(f"/api/v1/people/{person}/walks").json()["walks"]
    other = web.walker("other@example.org")
    refused = other.post(f"/walks/{walk['id']}/confirm", data={"csrf": page_csrf(other)})
    assert refused.status_code == 404
    [walk] = owner.get(f"/api/v1/people/{person}/walks").json()["walks"]
    assert walk["counted"] is False
