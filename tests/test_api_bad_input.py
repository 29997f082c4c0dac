"""Bad input to every API operation, one class at a time, generated from the OpenAPI schema
and the access registry's valid bodies (so that each request reaches validation and, when
valid otherwise, the write): explicit null in every body field, a lone surrogate in every
string, dates outside 1900–2200 in every date field and date query parameter, a body nested
too deep. Never a server error; each refused with a 422 in Japanese where the class is
always invalid (surrogate, out-of-range date, nesting).
The findings of the probe that led here are pinned in tests/test_bad_input_findings.py."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from sasaeai.core.json_input import MAX_DEPTH

from .access_registry import Target
from .access_world import REQUESTERS, api_operations, module_world, reaches

pytestmark = pytest.mark.django_db

SURROGATE = "a\ud800b"
BAD_DATES = ("9999-12-31", "0001-01-01")
WRITERS = ["tier1", "admin", "tier2"]


def _schema() -> dict:
    from sasaeai.site.api import api

    return api.get_openapi_schema()


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _kinds(schema: dict, prop: dict) -> set[str]:
    """ "string", "date", "integer" … a property may take (anyOf unwrapped)."""
    prop = _resolve(schema, prop)
    found: set[str] = set()
    for option in prop.get("anyOf", [prop]):
        option = _resolve(schema, option)
        if option.get("format") == "date":
            found.add("date")
        elif option.get("type"):
            found.add(option["type"])
    return found


def _body_properties(schema: dict, spec: dict) -> dict[str, dict]:
    body = spec.get("requestBody", {}).get("content", {}).get("application/json")
    if not body:
        return {}
    return _resolve(schema, body["schema"]).get("properties", {})


world = module_world()


def _operations(world):
    """(key, method, path with ids filled, a valid body, a client that may write, spec)."""
    schema = _schema()
    for op in api_operations():
        access = world.api.get(op.key)
        if access is None:
            continue
        built = world.built.get((f"api:{op.key}", "here"))
        target = built.target if built else Target()
        body = target.data if target.data is not None else (built.data if built else None)
        path = op.path
        for name in op.params:
            path = path.replace("{" + name + "}", str(target.kwargs.get(name, "")))
        requester = next(
            (
                r
                for r in WRITERS
                if reaches(access, world.users[r], world.here if access.obj else None)
            ),
            None,
        )
        if requester is None:
            continue
        spec = schema["paths"][op.path][op.method.lower()]
        yield op.key, op.method, path, body, requester, spec


def _send(client: Client, method: str, path: str, body: Any):
    if method == "GET":
        return client.get(path, body)
    return client.generic(
        method, path, json.dumps(body, ensure_ascii=True), content_type="application/json"
    )


def _japanese_422(response) -> bool:
    if response.status_code != 422:
        return False
    text = json.dumps(response.json(), ensure_ascii=False)
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


def test_every_operation_refuses_each_class_of_bad_input(world):
    schema = _schema()
    clients = {r: world.client_for(r) for r in REQUESTERS if world.users[r] is not None}
    failures: list[str] = []
    tried = {"null": 0, "surrogate": 0, "date": 0, "query date": 0, "nesting": 0}
    for key, method, path, body, requester, spec in _operations(world):
        client = clients[requester]
        if method != "GET" and isinstance(body, dict):
            for name, prop in _body_properties(schema, spec).items():
                kinds = _kinds(schema, prop)
                cases = [("null", None, False)]
                if "string" in kinds:
                    cases.append(("surrogate", SURROGATE, True))
                if "date" in kinds:
                    cases += [("date", d, True) for d in BAD_DATES]
                for kind, value, must_422 in cases:
                    tried[kind] += 1
                    response = _send(client, method, path, {**body, name: value})
                    label = f"{requester} {key} {name}={value!r}"
                    if response.status_code >= 500:
                        failures.append(f"{label}: server error {response.status_code}")
                    elif must_422 and not _japanese_422(response):
                        failures.append(
                            f"{label}: expected a Japanese 422, got {response.status_code}"
                        )
            if _body_properties(schema, spec):
                tried["nesting"] += 1
                nested: Any = "x"
                for _ in range(MAX_DEPTH + 5):
                    nested = [nested]
                response = _send(client, method, path, {**body, "deep": nested})
                if not _japanese_422(response):
                    failures.append(f"{key} nested body: got {response.status_code}")
        for parameter in spec.get("parameters", []):
            if parameter.get("in") == "query" and "date" in _kinds(schema, parameter["schema"]):
                for value in BAD_DATES:
                    tried["query date"] += 1
                    query = f"{'&' if '?' in path else '?'}{parameter['name']}={value}"
                    response = _send(
                        client, method, path + query, body if method != "GET" else None
                    )
                    if not _japanese_422(response):
                        failures.append(
                            f"{key} ?{parameter['name']}={value}: got {response.status_code}"
                        )
    print(f"\nbad input: {tried}")
    assert all(tried.values()), tried  # every class really generated
    assert not failures, "\n".join(failures)
