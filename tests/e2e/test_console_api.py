"""What the browser console needs from the app, without a browser: its pages with their security
headers, the admin page outside the admin API's login, the original as a JSON link shown inline (the
inline choice signed), and the audit verification over HTTP."""

from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from tests.e2e.scenario import upload
from tests.helpers.images import encoded, sign
from tests.helpers.tenants import ADMIN


async def test_the_pages_and_their_files_carry_a_strict_policy(client):
    for path in ("/", "/admin/", "/console/tenant.js", "/console/style.css"):
        response = await client.get(path, headers={"Authorization": ""})
        assert response.status_code == 200, path
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert response.headers["x-content-type-options"] == "nosniff"
    page = (await client.get("/")).text
    assert "<script" in page and "onclick" not in page and "<style" not in page  # nothing inline
    assert (await client.get("/admin/tenants", headers={"Authorization": ""})).status_code == 401
    assert (await client.post("/admin/", headers={"Authorization": ""})).status_code in (401, 405)


async def test_the_original_as_a_link_a_browser_shows_inline(client):
    picture = await upload(client, "crane.png", encoded(sign(["The crane"]), "PNG"), "image/png")
    page = await upload(client, "page.html", b"<html><body><p>A page.</p></body></html>", "text/html")
    assert picture.status_code == page.status_code == 201
    link = await client.get(f"/v1/documents/{picture.json()['id']}/original", params={"redirect": "false"})
    assert link.status_code == 200 and link.headers["cache-control"] == "no-store"
    url = urlsplit(link.json()["url"])
    served = await client.get(f"{url.path}?{url.query}", headers={"Authorization": ""})
    assert served.status_code == 200 and served.headers["content-disposition"].startswith("inline")
    assert served.content.startswith(b"\x89PNG")
    # the inline choice is signed: dropping it (a download link made from a viewer's) is refused
    params = {k: v[0] for k, v in parse_qs(url.query).items() if k != "disposition"}
    forged = await client.get(f"{url.path}?{urlencode(params)}", headers={"Authorization": ""})
    assert forged.status_code == 403
    # HTML would run in this origin: never inline
    html = await client.get(f"/v1/documents/{page.json()['id']}/original", params={"redirect": "false"})
    html_url = urlsplit(html.json()["url"])
    assert "disposition" not in parse_qs(html_url.query)
    attachment = await client.get(f"{html_url.path}?{html_url.query}", headers={"Authorization": ""})
    assert attachment.headers["content-disposition"].startswith("attachment")
    # the redirect, as before, and a clear 400 for a value that is neither
    redirected = await client.get(f"/v1/documents/{picture.json()['id']}/original")
    assert redirected.status_code == 307 and "disposition" not in redirected.headers["location"]
    bad = await client.get(f"/v1/documents/{picture.json()['id']}/original", params={"redirect": "maybe"})
    assert bad.status_code == 400 and "redirect" in bad.json()["error"]["message"]


async def test_the_audit_trail_is_verified_over_http_by_the_administrator_only(client):
    assert (await upload(client, "a.txt", b"Ferries leave every hour.", "text/plain")).status_code == 201
    verdict = await client.post("/admin/audit/verify", auth=httpx.BasicAuth(*ADMIN))
    assert verdict.status_code == 200, verdict.text
    body = verdict.json()
    assert body["ok"] is True and body["problems"] == [] and body["chains"] >= 1 and body["records"] >= 2
    assert (await client.post("/admin/audit/verify")).status_code == 401  # a tenant's key is not enough
