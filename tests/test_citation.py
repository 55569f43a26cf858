"""CITATION.cff is valid Citation File Format 1.2.0 and agrees with pyproject.toml and LICENSE.

cffconvert 2.0.0 (the reference validator) pins jsonschema<4, ruamel.yaml<0.17 and click<8, which
clash with this project's pins, so the check is jsonschema against the part of the CFF 1.2.0 schema
(https://citation-file-format.github.io/1.2.0/schema) this file uses: the required keys, the
allowed top-level keys, persons and entities as authors, the SPDX id used and the date pattern.
"""

from __future__ import annotations

import tomllib

import jsonschema
import pytest
import yaml

from analysis.loading.config import PROJ_ROOT

#: Top-level keys of CFF 1.2.0 (the schema's ``properties``; ``additionalProperties: false``).
CFF_KEYS = ["abstract", "authors", "cff-version", "commit", "contact", "date-released", "doi", "identifiers",
            "keywords", "license", "license-url", "message", "preferred-citation", "references", "repository",
            "repository-artifact", "repository-code", "title", "type", "url", "version"]
PERSON = {"type": "object", "additionalProperties": True, "anyOf": [{"required": ["family-names"]},
                                                                     {"required": ["given-names"]}],
          "properties": {"family-names": {"type": "string", "minLength": 1},
                         "given-names": {"type": "string", "minLength": 1},
                         "orcid": {"type": "string", "pattern": r"^https://orcid\.org/[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]$"}}}
ENTITY = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string", "minLength": 1}}}
SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["authors", "cff-version", "message", "title"],
    "properties": {
        **{k: {} for k in CFF_KEYS},
        "cff-version": {"type": "string", "pattern": r"^1\.2\.0$"},
        "message": {"type": "string", "minLength": 1},
        "title": {"type": "string", "minLength": 1},
        "abstract": {"type": "string", "minLength": 1},
        "type": {"enum": ["dataset", "software"]},
        "authors": {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"anyOf": [PERSON, ENTITY]}},
        "version": {"anyOf": [{"type": "string", "minLength": 1}, {"type": "number"}]},
        "license": {"enum": ["MIT"]},  # the SPDX id of LICENSE; the schema's enum has them all
        "keywords": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "date-released": {"type": "string", "pattern": r"^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$"},
        "repository-code": {"type": "string", "format": "uri", "pattern": "^https?://"},
    },
}


@pytest.fixture(scope="module")
def cff():
    text = (PROJ_ROOT / "CITATION.cff").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    # the CFF schema wants dates as strings (YAML would read 2026-01-01 as a date)
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}


def test_citation_cff_validates_against_the_cff_1_2_0_schema(cff):
    jsonschema.validate(cff, SCHEMA)


def test_schema_rejects_what_cff_rejects(cff):
    for bad in ({**cff, "cff-version": "1.1.0"}, {**cff, "autors": []}, {k: v for k, v in cff.items() if k != "message"},
                {**cff, "authors": [{"affiliation": "x"}]}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, SCHEMA)


def test_citation_agrees_with_the_package_and_licence(cff):
    project = tomllib.loads((PROJ_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert str(cff["version"]) == project["version"]
    assert (PROJ_ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License") and cff["license"] == "MIT"
    assert "belong to their outlets" in cff["message"]
