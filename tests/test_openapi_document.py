"""openapi.yaml is generated from the schemas that serialise responses; it must be current."""
import re
from pathlib import Path

import yaml
from openapi_spec_validator import validate

DOCUMENT = Path(__file__).resolve().parent.parent / "openapi.yaml"


def _generated(app) -> dict:
    return app.extensions["exchange.api"].spec.to_dict()


def test_committed_document_is_what_the_code_generates(app):
    committed = yaml.safe_load(DOCUMENT.read_text())
    assert committed == _generated(app), (
        "openapi.yaml is out of date: run `make openapi` and commit the result.")


def test_document_is_valid_openapi(app):
    validate(yaml.safe_load(DOCUMENT.read_text()))


def _served(app) -> dict[str, set[str]]:
    served: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>", r"{\1}", rule.rule)
        served.setdefault(path, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    return served


def test_every_route_is_documented_with_its_methods(app):
    paths = yaml.safe_load(DOCUMENT.read_text())["paths"]
    for path, methods in _served(app).items():
        if not path.startswith("/api/v1"):
            continue
        assert path in paths, f"{path} is served but not documented"
        documented = {m.upper() for m in paths[path] if m != "parameters"}
        assert methods <= documented, path


def test_every_documented_operation_is_served(app):
    paths = yaml.safe_load(DOCUMENT.read_text())["paths"]
    served = _served(app)
    for path, operations in paths.items():
        assert path in served, f"{path} is documented but not served"
        for method in operations:
            if method != "parameters":
                assert method.upper() in served[path], f"{method} {path}"
