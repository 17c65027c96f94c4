"""Validates recorded ghsim responses against GitHub's OpenAPI description.

Usage: validate.py SPEC.json CASES.json
CASES is a list of {"path", "method", "status", "body"} with `path` as the spec writes it
(`/app/installations/{installation_id}`). OpenAPI 3.0's `nullable` is turned into JSON
Schema's null type first. Prints one line per case and exits 1 if any body does not match.
"""

import json
import sys

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4


def nullable_to_json_schema(node):
    if isinstance(node, list):
        return [nullable_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: nullable_to_json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        if "type" in node and isinstance(node["type"], str):
            node["type"] = [node["type"], "null"]
            if "enum" in node:
                node["enum"] = list(node["enum"]) + [None]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


def alternatives_as_any_of(node):
    """Enterprise Server's descriptions give an installation's account as
    allOf(Simple User, Enterprise): no real account satisfies both, and github.com's own
    description says anyOf. Read that construct (and only it) as anyOf."""
    if isinstance(node, list):
        return [alternatives_as_any_of(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: alternatives_as_any_of(value) for key, value in node.items()}
    titles = [member.get("title") for member in node.get("allOf", []) if isinstance(member, dict)]
    if sorted(str(title) for title in titles) == ["Enterprise", "Simple User"]:
        node["anyOf"] = node.pop("allOf")
    return node


def response_schema(spec, path, method, status):
    responses = spec["paths"][path][method]["responses"]
    if str(status) not in responses and status >= 400:
        # Errors an operation does not list (a 401 on GET /app) carry GitHub's basic-error.
        return {"$ref": "#/components/schemas/basic-error"}
    response = responses[str(status)]
    if "$ref" in response:
        response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response["content"]["application/json"]["schema"]


def main():
    spec = alternatives_as_any_of(nullable_to_json_schema(json.load(open(sys.argv[1]))))
    cases = json.load(open(sys.argv[2]))
    registry = Registry().with_resource("spec", Resource.from_contents(spec, default_specification=DRAFT4))
    failures = 0
    for case in cases:
        schema = response_schema(spec, case["path"], case["method"], case["status"])
        schema = json.loads(json.dumps(schema).replace('"$ref": "#/', '"$ref": "spec#/'))
        validator = jsonschema.Draft4Validator(schema, registry=registry)
        errors = sorted(validator.iter_errors(case["body"]), key=lambda e: list(e.path))
        label = f'{case["method"].upper()} {case["path"]} {case["status"]}'
        if errors:
            failures += 1
            print(f"MISMATCH {label}")
            for error in errors[:10]:
                where = "/".join(str(p) for p in error.path)
                print(f"  at {where or '(root)'}: {error.message[:300]}")
        else:
            print(f"ok {label}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
