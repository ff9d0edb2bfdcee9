"""The OpenAPI 3 document at /api/openapi.json describes every endpoint as it behaves.

Needs ``openapi-spec-validator`` (a dev dependency)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from tests.sidecar.conftest import ApiClient, MakeUser

UNSAFE = {"post", "put", "patch", "delete"}
WITH_BODY = {  # operations that take a JSON body
    ("/api/auth/register", "post"),
    ("/api/auth/login", "post"),
    ("/api/auth/tokens", "post"),
    ("/api/posts/{slug}/comments", "post"),
    ("/api/comments/{comment_id}", "patch"),
    ("/api/comments/preview", "post"),
}
# The failures the contract names for each operation, beyond the general rules below.
CONTRACT_ERRORS = {
    ("/api/auth/register", "post"): {409, 422, 429},
    ("/api/auth/login", "post"): {401, 403, 422, 429},
    ("/api/auth/me", "get"): {401},
    ("/api/auth/tokens", "post"): {401, 422},
    ("/api/auth/tokens/{token_id}", "delete"): {401, 404},
    ("/api/posts", "get"): {422},
    ("/api/posts/{slug}", "get"): {404},
    ("/api/counts", "get"): {422},
    ("/api/posts/{slug}/comments", "get"): {404, 422, 429},
    ("/api/posts/{slug}/comments", "post"): {401, 403, 404, 422, 429},
    ("/api/comments/{comment_id}", "patch"): {401, 403, 404, 422, 429},
    ("/api/comments/{comment_id}", "delete"): {401, 403, 404},
    ("/api/comments/preview", "post"): {401, 422, 429},
    ("/api/views", "post"): {422, 429},
}
NOT_AN_ERROR_ENVELOPE = {("/api/health", "get", "503")}  # the health body, by contract


@pytest.fixture
def document(app: Flask) -> dict[str, Any]:
    response = app.test_client().get("/api/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    doc: dict[str, Any] = response.get_json()
    return doc


def resolve(node: Any, doc: dict[str, Any]) -> Any:
    """The node with every local ``$ref`` replaced by what it points to."""
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = doc
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return resolve(target, doc)
        return {key: resolve(value, doc) for key, value in node.items()}
    if isinstance(node, list):
        return [resolve(item, doc) for item in node]
    return node


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in doc["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def test_the_document_is_valid_openapi_3(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] and document["info"]["version"]
    validate(document)


def test_every_api_route_is_documented_with_its_methods(
    app: Flask, document: dict[str, Any]
) -> None:
    expected: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.rule == "/api/openapi.json":
            continue
        methods = {m.lower() for m in rule.methods or ()} - {"head", "options"}
        expected.setdefault(openapi_path(rule.rule), set()).update(methods)
    documented = {
        path: {m for m in item if m in {"get", "post", "put", "patch", "delete"}}
        for path, item in document["paths"].items()
    }
    assert expected, "no /api routes found"
    for path, methods in expected.items():
        assert path in documented, f"{path} is not in the document"
        assert methods <= documented[path], f"{path}: {methods - documented[path]} missing"
    assert set(documented) <= set(expected) | {"/api/search", "/api/views"}


def test_the_error_schema_is_the_envelope(document: dict[str, Any]) -> None:
    error = resolve(document["components"]["schemas"]["Error"], document)
    assert error["required"] == ["error"]
    inner = error["properties"]["error"]
    assert set(inner["properties"]) == {"code", "message", "fields"}
    assert {"code", "message"} <= set(inner["required"])
    assert inner["properties"]["fields"]["type"] == "object"


def test_every_operation_documents_its_errors_with_the_envelope(
    document: dict[str, Any],
) -> None:
    envelope = resolve(document["components"]["schemas"]["Error"], document)
    problems: list[str] = []
    for path, method, operation in operations(document):
        responses = operation["responses"]
        statuses = {int(s) for s in responses if s.isdigit() and int(s) >= 400}
        needed = set(CONTRACT_ERRORS.get((path, method), set()))
        if method in UNSAFE:
            needed.add(400)  # the CSRF check, malformed JSON
        if (path, method) in WITH_BODY:
            needed |= {413, 422}  # every body is limited to 64 KiB and validated
        if "{" in path:
            needed.add(404)
        if missing := needed - statuses:
            problems.append(f"{method.upper()} {path} does not document {sorted(missing)}")
        if "default" not in responses and 500 not in statuses:
            problems.append(f"{method.upper()} {path} documents no unexpected-error response")
        for status, response in responses.items():
            if status != "default" and int(status) < 400:
                continue
            if (path, method, status) in NOT_AN_ERROR_ENVELOPE:
                continue
            schema = (
                resolve(response, document)
                .get("content", {})
                .get("application/json", {})
                .get("schema")
            )
            if schema != envelope:
                problems.append(f"{method.upper()} {path} {status} is not the error envelope")
    assert not problems, "\n".join(problems)


def test_request_bodies_are_described(document: dict[str, Any]) -> None:
    for path, method, operation in operations(document):
        if (path, method) not in WITH_BODY:
            continue
        body = resolve(operation.get("requestBody"), document)
        assert body, f"{method.upper()} {path} has no requestBody"
        assert body.get("required") is True
        schema = body["content"]["application/json"]["schema"]
        assert schema["type"] == "object" and schema["properties"], (path, method)
        assert schema.get("required"), f"{method.upper()} {path}: no required fields"
    described = {(p, m) for p, m, op in operations(document) if "requestBody" in op}
    assert described >= WITH_BODY


@pytest.mark.parametrize(
    ("path", "method", "field", "limit"),
    [
        ("/api/auth/register", "post", "password", ("minLength", 8)),
        ("/api/auth/register", "post", "username", ("pattern", "^[A-Za-z0-9_.-]{3,40}$")),
        ("/api/posts/{slug}/comments", "post", "body", None),
        ("/api/comments/{comment_id}", "patch", "body", None),
    ],
)
def test_request_fields_carry_their_limits(
    document: dict[str, Any], path: str, method: str, field: str, limit: tuple[str, Any] | None
) -> None:
    body = resolve(document["paths"][path][method]["requestBody"], document)
    properties = body["content"]["application/json"]["schema"]["properties"]
    assert field in properties
    if limit:
        assert properties[field][limit[0]] == limit[1]


def test_the_thread_documents_its_paging(document: dict[str, Any]) -> None:
    operation = resolve(document["paths"]["/api/posts/{slug}/comments"]["get"], document)
    query = {p["name"]: p["schema"] for p in operation["parameters"] if p["in"] == "query"}
    assert query["per_page"]["maximum"] == 100 and query["per_page"]["default"] == 50
    assert query["page"]["minimum"] == 1
    assert query["order"]["enum"] == ["oldest", "newest"] and query["order"]["default"] == "oldest"
    listed = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert {"items", "page", "per_page", "total", "pages"} <= set(listed["properties"])
    assert "top-level" in listed["properties"]["total"]["description"]


def test_real_responses_match_the_documented_schemas(
    document: dict[str, Any], api: ApiClient, make_user: MakeUser
) -> None:
    def check(path: str, method: str, status: int, response: Any) -> None:
        assert response.status_code == status, response.get_json()
        declared = document["paths"][path][method]["responses"][str(status)]
        schema = resolve(declared, document)["content"]["application/json"]["schema"]
        OAS30Validator(schema).validate(response.get_json())

    user = make_user()
    check(
        "/api/auth/login",
        "post",
        401,
        api.post("/api/auth/login", json={"login": "x", "password": "y"}),
    )
    check("/api/auth/login", "post", 200, api.login(user))
    check(
        "/api/posts/{slug}/comments",
        "post",
        422,
        api.post("/api/posts/hello/comments", json={"body": ""}),
    )
    check(
        "/api/posts/{slug}/comments",
        "post",
        201,
        api.post("/api/posts/hello/comments", json={"body": "*hi*"}),
    )
    check("/api/posts/{slug}/comments", "get", 200, api.get("/api/posts/hello/comments"))
    check("/api/posts", "get", 200, api.get("/api/posts"))
    check("/api/posts/{slug}", "get", 404, api.get("/api/posts/nope"))
    check("/api/auth/tokens", "post", 201, api.post("/api/auth/tokens", json={"name": "ci"}))
