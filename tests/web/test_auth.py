"""Sign-up, sign-in and sign-out through the forms; cookie attributes; CSRF on every form."""

from __future__ import annotations

from walkrx.web.deps import SESSION_COOKIE

from .conftest import PASSWORD, Web, csrf_of, page_csrf


def _set_cookie(response_headers: list[str], name: str) -> str:
    found = [h for h in response_headers if h.startswith(f"{name}=")]
    assert found, f"no {name} cookie set"
    return found[0]


def test_sign_up_signs_in_and_leads_to_onboarding(web: Web) -> None:
    """A new walker is signed in at once and sent to the onboarding steps."""
    client = web.sign_up("ann@example.org")
    response = client.get("/today", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/onboarding"
    assert client.get("/api/v1/me").json()["email"] == "ann@example.org"


def test_session_cookie_is_httponly_secure_and_lax(web: Web) -> None:
    """The session cookie cannot be read by scripts, travels only over https, and is SameSite."""
    client = web.client()
    form = client.get("/signup")
    response = client.post(
        "/signup",
        data={"email": "bo@example.org", "password": PASSWORD, "name": "Bo"}
        | {"csrf": csrf_of(form.text)},
        follow_redirects=False,
    )
    cookie = _set_cookie(response.headers.get_list("set-cookie"), SESSION_COOKIE).lower()
    assert "httponly" in cookie
    assert "secure" in cookie
    assert "samesite=lax" in cookie
    assert "path=/" in cookie


def test_sign_out_then_sign_in_again(web: Web) -> None:
    """Signing out ends the session on the server; signing in with the password opens a new one."""
    client = web.walker("cy@example.org")
    old = client.cookies.get(SESSION_COOKIE)
    out = client.post("/signout", data={"csrf": page_csrf(client)}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/today", follow_redirects=False).headers["location"].startswith("/signin")
    replay = web.client()
    replay.cookies.set(SESSION_COOKIE, old or "", domain="testserver")
    assert replay.get("/api/v1/me").status_code == 401
    form = client.get("/signin")
    signed_in = client.post(
        "/signin",
        data={"email": "cy@example.org", "password": PASSWORD, "csrf": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/today"
    assert client.get("/today").status_code == 200


def test_wrong_password_is_refused_with_a_page(web: Web) -> None:
    """A wrong password gives a 403 page with a message, and no session."""
    web.sign_up("dee@example.org")
    client = web.client()
    form = client.get("/signin")
    response = client.post(
        "/signin",
        data={
            "email": "dee@example.org",
            "password": "not the password",
            "csrf": csrf_of(form.text),
        },
    )
    assert response.status_code == 403
    assert "<html" in response.text
    assert SESSION_COOKIE not in client.cookies


def test_form_without_csrf_token_is_refused(web: Web) -> None:
    """A form post without the CSRF field is 403 and changes nothing; with the field it works."""
    client = web.walker("eve@example.org")
    refused = client.post("/log", data={"minutes": "20", "date": "2017-01-03"})
    assert refused.status_code == 403
    assert client.get("/api/v1/me").status_code == 200
    person = client.get("/api/v1/me").json()["person_id"]
    assert client.get(f"/api/v1/people/{person}/walks").json()["walks"] == []
    wrong = client.post("/log", data={"minutes": "20", "date": "2017-01-03", "csrf": "forged"})
    assert wrong.status_code == 403
    accepted = client.post(
        "/log", data={"minutes": "20", "date": "2017-01-03", "csrf": page_csrf(client)}
    )
    assert accepted.status_code == 200
    assert len(client.get(f"/api/v1/people/{person}/walks").json()["walks"]) == 1


def test_api_with_session_needs_the_csrf_header(web: Web) -> None:
    """A cookie session on the API needs X-CSRF-Token on unsafe methods."""
    client = web.walker("fay@example.org")
    person = client.get("/api/v1/me").json()["person_id"]
    url = f"/api/v1/people/{person}/walks"
    assert client.post(url, json={"minutes": 20}).status_code == 403
    ok = client.post(url, json={"minutes": 20}, headers={"X-CSRF-Token": page_csrf(client)})
    assert ok.status_code == 201


def test_sign_in_form_needs_its_double_submit_token(web: Web) -> None:
    """Sign-in and sign-up without the pre-session token (a cross-site post) are refused."""
    web.sign_up("gus@example.org")
    client = web.client()
    response = client.post(
        "/signin", data={"email": "gus@example.org", "password": PASSWORD, "csrf": "x"}
    )
    assert response.status_code == 403
    response = client.post(
        "/signup", data={"email": "new@example.org", "password": PASSWORD, "name": "N"}
    )
    assert response.status_code == 403


def test_signed_out_pages_redirect_and_api_answers_401(web: Web) -> None:
    """Without a session, pages send the person to sign in and the API gives a JSON 401."""
    client = web.client()
    page = client.get("/walks", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/signin?next=/walks"
    api = client.get("/api/v1/me")
    assert api.status_code == 401
    assert api.json()["error"]["type"] == "sign_in_required"


def test_next_only_goes_to_local_paths(web: Web) -> None:
    """After sign-in, `next` may send the person to a page of walkrx, never to another site."""
    web.walker("hal@example.org")
    client = web.client()
    form = client.get("/signin?next=//evil.example/x")
    response = client.post(
        "/signin",
        data={
            "email": "hal@example.org",
            "password": PASSWORD,
            "csrf": csrf_of(form.text),
            "next": "//evil.example/x",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/today"
