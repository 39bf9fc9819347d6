"""Builds vocabulary.json, the part of schema.org that dateline/testing/schemaorg.py
checks JSON-LD against, from a schema.org release file.

    python dateline/testing/data/schemaorg/build.py PATH/schemaorg-current-https.jsonld [VERSION]

VERSION is the schema.org release (e.g. 12.0); by default, the name of the
file's folder, as in schema.org's data/releases/<version>/.

The release's JSON-LD (`schemaorg-current-http(s).jsonld`) or its N-Triples /
N-Quads (`.nt`, `.nq`) both do. Standard library only. The output keeps, by
local name (`NewsArticle`, not `https://schema.org/NewsArticle`):

- types: each class and its direct supertypes. A data type (Text, Date, Number,
  Boolean...) is declared an instance of schema:DataType rather than a subclass
  of it; here DataType is made its supertype, so one walk up finds both.
- members: each enumeration member (InStock, EventScheduled, True...) and its types.
- properties: each property as [domainIncludes, rangeIncludes].
"""

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCHEMA = re.compile(r"^(?:schema:|https?://schema\.org/)([^/#]+)$")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
CLASS, PROPERTY = "rdfs:Class", "rdf:Property"
# An N-Triples / N-Quads line whose object is an IRI: <s> <p> <o> [<graph>] .
TRIPLE = re.compile(r"^<([^>]+)> <([^>]+)> <([^>]+)>")
PREDICATES = {
    RDF_TYPE: "@type",
    SUBCLASS: "rdfs:subClassOf",
    "http://schema.org/domainIncludes": "schema:domainIncludes",
    "https://schema.org/domainIncludes": "schema:domainIncludes",
    "http://schema.org/rangeIncludes": "schema:rangeIncludes",
    "https://schema.org/rangeIncludes": "schema:rangeIncludes",
}
SHORT = {
    "http://www.w3.org/2000/01/rdf-schema#Class": CLASS,
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property": PROPERTY,
}


def local(iri):
    """`NewsArticle` for schema:NewsArticle or https://schema.org/NewsArticle; None for other vocabularies."""
    match = SCHEMA.match(iri)
    return match.group(1) if match else None


def ids(value):
    """The IRIs in a JSON-LD value: one {"@id": ...}, a list of them, or a bare string."""
    values = value if isinstance(value, list) else [value]
    return [v["@id"] if isinstance(v, dict) else v for v in values if v is not None]


def read_jsonld(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))["@graph"]


def read_triples(path):
    """The same shape as the JSON-LD's @graph, from the lines of a .nt or .nq file we need."""
    nodes = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        match = TRIPLE.match(line)
        if match and match.group(2) in PREDICATES:
            subject, predicate, obj = match.groups()
            node = nodes.setdefault(subject, {"@id": subject})
            node.setdefault(PREDICATES[predicate], []).append({"@id": SHORT.get(obj, obj)})
    return list(nodes.values())


def compact(graph):
    types, members, properties = {}, {}, {}
    for node in graph:
        name = local(node["@id"])
        if name is None:
            continue
        kinds = ids(node.get("@type", []))
        if PROPERTY in kinds:
            domains = sorted(filter(None, map(local, ids(node.get("schema:domainIncludes", [])))))
            ranges = sorted(filter(None, map(local, ids(node.get("schema:rangeIncludes", [])))))
            properties[name] = [domains, ranges]
            continue
        schema_kinds = sorted(filter(None, map(local, kinds)))
        if CLASS in kinds:
            supertypes = set(filter(None, map(local, ids(node.get("rdfs:subClassOf", [])))))
            if "DataType" in schema_kinds:
                supertypes.add("DataType")
            types[name] = sorted(supertypes)
        # An instance of some type other than DataType: an enumeration member.
        if kinds := [kind for kind in schema_kinds if kind != "DataType"]:
            members[name] = kinds
    return {
        "types": dict(sorted(types.items())),
        "members": dict(sorted(members.items())),
        "properties": dict(sorted(properties.items())),
    }


def dump(vocabulary):
    """JSON with one type, member or property a line: small, and a new release diffs readably."""
    parts = []
    for key, value in vocabulary.items():
        if isinstance(value, dict):
            body = ",\n".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in value.items())
            parts.append(f"{json.dumps(key)}: {{\n{body}\n}}")
        else:
            parts.append(f"{json.dumps(key)}: {json.dumps(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def main(path, version=None):
    # Release files sit in data/releases/<version>/ in schema.org's repository and its copies.
    version = version or Path(path).parent.name
    graph = read_jsonld(path) if path.endswith(".jsonld") else read_triples(path)
    vocabulary = {"schemaorg_version": version, "source": Path(path).name, **compact(graph)}
    text = dump(vocabulary)
    assert json.loads(text) == vocabulary
    out = HERE / "vocabulary.json"
    out.write_text(text, encoding="utf-8")
    counts = ", ".join(f"{len(vocabulary[k])} {k}" for k in ("types", "members", "properties"))
    print(f"{out}: {counts}, {out.stat().st_size} bytes")


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    main(*sys.argv[1:])
