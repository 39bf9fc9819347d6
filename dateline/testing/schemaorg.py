"""Checks JSON-LD against the schema.org vocabulary, offline.

Search engines drop structured data they do not understand without saying so,
so a misspelt property or one put on the wrong type (`coverageStartTime` on a
NewsArticle) goes unnoticed in production. Tests call `assert_valid` on what a
page emits. The vocabulary is a schema.org release reduced to types,
enumeration members and properties (`data/schemaorg/`, with its source and how
to rebuild it): release 12.0, so a term added to schema.org since 2021 is
reported as unknown until the vocabulary is rebuilt from a newer release.

What is checked, for every object with an `@type`, however deeply nested
(lists and `@graph` included):

- each type exists in schema.org;
- each property (keys starting with `@` aside) exists and, by its
  domainIncludes, belongs to one of the types or to one of their supertypes;
- each value fits the property's rangeIncludes: a typed object must be of a
  range type or a subtype of one; a string fits Text and URL, an ISO 8601
  string Date, DateTime and Time, a member's name or a URL an enumeration, and
  a URL any other type (schema.org accepts text for a Thing; we take it only
  when it is a link); numbers fit Number, Integer and Float; booleans Boolean.

Where schema.org is lenient, so is this: a Role may stand in for any value, an
`{"@id": ...}` reference or an untyped object is not checked, nor is null, and
an Action's `query-input` style annotations are read as their property.
"""

import json
import re
from datetime import date, datetime, time
from functools import cache

from dateline.testing import DATA

VOCABULARY = DATA / "schemaorg" / "vocabulary.json"
PREFIX = re.compile(r"^(?:schema:|https?://schema\.org/)")
LINK = re.compile(r"^https?://\S+$")
ISO = {"DateTime": datetime.fromisoformat, "Date": date.fromisoformat, "Time": time.fromisoformat}


@cache
def vocabulary():
    return json.loads(VOCABULARY.read_text(encoding="utf-8"))


@cache
def ancestors(name):
    """The type and all its supertypes."""
    found = {name}
    for parent in vocabulary()["types"].get(name, []):
        found |= ancestors(parent)
    return frozenset(found)


def _local(name):
    return PREFIX.sub("", name)


def _types(node):
    value = node["@type"]
    return [_local(t) for t in (value if isinstance(value, list) else [value])]


def _parses(parse, text):
    try:
        parse(text)
    except ValueError:
        return False
    return True


def _string_fits(text, ranges):
    """Whether a plain string is a fair value for a property with these ranges."""
    if any("Text" in ancestors(r) for r in ranges):  # Text, URL and the other kinds of text
        return True
    if any(_parses(ISO[r], text) for r in ranges if r in ISO):
        return True
    members = vocabulary()["members"].get(_local(text), [])  # "InStock", "https://schema.org/True"
    if any(ancestors(m) & set(ranges) for m in members):
        return True
    # A link to the thing, where a thing rather than a number or a date is expected.
    return bool(LINK.match(text)) and any("DataType" not in ancestors(r) for r in ranges)


def _value_problem(where, prop, value, ranges):
    """What is wrong with one value of `prop`, or None."""
    if value is None or not ranges:
        return None
    expected = " or ".join(ranges)
    if isinstance(value, bool):
        return None if "Boolean" in ranges else f"{where}: {prop} is {value!r}, expected {expected}"
    if isinstance(value, int | float):
        numbers = {"Number", "Float"} | ({"Integer"} if isinstance(value, int) else set())
        return None if numbers & set(ranges) else f"{where}: {prop} is the number {value!r}, expected {expected}"
    if isinstance(value, str):
        return None if _string_fits(value, ranges) else f"{where}: {prop} is the text {value!r}, expected {expected}"
    if isinstance(value, dict) and "@type" in value:
        given = _types(value)
        if any(ancestors(t) & ({"Role"} | set(ranges)) for t in given):
            return None
        return f"{where}: {prop} is a {'/'.join(given)}, expected {expected}"
    return None  # a reference, or an object that says not what it is


def _node_problems(where, node):
    types, problems = _types(node), []
    known = vocabulary()["types"]
    for name in types:
        if name not in known:
            problems.append(f"{where}: unknown type '{name}'")
    supertypes = set().union(*(ancestors(t) for t in types if t in known))
    if not supertypes:
        return problems
    properties = vocabulary()["properties"]
    for key, value in node.items():
        if key.startswith("@"):
            continue
        prop, ranges = _local(key), None
        if prop.endswith(("-input", "-output")) and "Action" in supertypes:  # `query-input` on a SearchAction
            prop, ranges = prop.rsplit("-", 1)[0], ["Text", "PropertyValueSpecification"]
        if prop not in properties:
            problems.append(f"{where}: unknown property '{key}'")
            continue
        domains, ranges = properties[prop][0], ranges or properties[prop][1]
        if not supertypes & set(domains):
            problems.append(f"{where}: property '{key}' is not for {'/'.join(types)} (it is for {', '.join(domains)})")
            continue
        for item in value if isinstance(value, list) else [value]:
            if problem := _value_problem(where, key, item, ranges):
                problems.append(problem)
    return problems


def _walk(node, path, problems):
    if isinstance(node, list):
        for index, item in enumerate(node):
            _walk(item, f"{path}[{index}]", problems)
    elif isinstance(node, dict):
        if "@type" in node:
            label = "/".join(_types(node))
            where = f"{path} ({label})" if path else label
            problems.extend(_node_problems(where, node))
        for key, value in node.items():
            _walk(value, f"{path}.{key}" if path else key, problems)


def problems(node):
    """What is wrong with a JSON-LD object (dict or list), one line each; [] if nothing."""
    found = []
    _walk(node, "", found)
    return found


def assert_valid(node):
    found = problems(node)
    assert not found, "JSON-LD that schema.org does not allow:\n" + "\n".join(found)
