"""API errors are RFC 9457 problem details; validation errors name the field."""

from __future__ import annotations

from tests.web.helpers import api_token, bearer, browser_login


async def test_a_validation_error_is_problem_json_naming_the_field(client):
    response = await client.post("/api/v1/session", json={"username": "", "extra": 1})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "urn:klagesag:problem:validation"
    assert body["status"] == 422
    assert body["instance"] == "/api/v1/session"
    errors = {e["field"]: e for e in body["errors"]}
    assert set(errors) == {"username", "password"}
    assert errors["username"]["rule"] == "string_too_short"
    assert errors["username"]["message_da"] == "Teksten er for kort."
    assert errors["password"]["rule"] == "missing"
    assert errors["password"]["message_da"] == "Feltet skal udfyldes."
    assert "username" in body["detail"] and "password" in body["detail_da"]


async def test_a_body_that_is_not_json_is_a_problem(client):
    response = await client.post(
        "/api/v1/session", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["rule"] == "json_invalid"


async def test_an_unknown_api_route_is_404_problem_json(client):
    token = await api_token(client, "leder")
    for path in ("/api/v1/findes-ikke", "/api/v2/me", "/api"):
        response = await client.get(path, headers=bearer(token))
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "urn:klagesag:problem:http-404"


async def test_a_wrong_method_is_405_problem_json(client):
    response = await client.put("/api/v1/session", json={})
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
    assert "POST" in response.headers["allow"]


async def test_an_unknown_page_is_a_danish_404_page(client):
    await browser_login(client, "leder")
    response = await client.get("/findes-ikke")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Siden findes ikke" in response.text


async def test_openapi_documents_the_api_and_its_problems(client):
    schema = (await client.get("/openapi.json")).json()
    assert "/api/v1/session" in schema["paths"]
    assert "/log-ind" not in schema["paths"]  # pages are not API
    assert set(schema["components"]["securitySchemes"]) == {"HTTPBearer", "APIKeyCookie"}
    responses = schema["paths"]["/api/v1/session"]["post"]["responses"]
    assert "application/problem+json" in responses["401"]["content"]
    assert (await client.get("/docs")).status_code in (303, 404)  # no CDN-loaded Swagger UI
