"""Every citation key the project uses resolves in docs/references.bib.

Keys are cited Pandoc-style, ``[@key]`` or ``[@a; @b]``, in scenario ``source``
strings, in sim/params.py ``source`` strings and in docs/*.md. A source that
names one of the project's texts (the two seed studies, Caishui [2019] No. 46,
the published games) must also carry that text's key, so the appendix table
of values and sources can print a reference for it.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import bibtexparser
import pytest
import yaml
from bibtexparser.bparser import BibTexParser

from sim.params import names, spec

ROOT = Path(__file__).resolve().parent.parent
BIB = ROOT / "docs" / "references.bib"
SCENARIO_FILES = sorted((ROOT / "scenarios").rglob("*.toml"))
DOC_FILES = sorted((ROOT / "docs").glob("*.md"))

#: A bracketed citation group: "[@a]", "[@a; @b]", "[see @a, p. 3]".
_GROUP = re.compile(r"\[([^\[\]]*@[^\[\]]*)\]")
#: One key inside a group; '@' must open the group or follow a space or ';'
#: (so an e-mail address is not read as a key).
_KEY = re.compile(r"(?:^|(?<=[\s;]))-?@([A-Za-z0-9](?:[\w:.#$%&+?<>~/-]*\w)?)")
_ENTRY = re.compile(r"^\s*@(\w+)\s*\{\s*([^,\s]+)\s*,", re.MULTILINE)

#: How a source names a text -> the key it must cite. Extend when a scenario
#: starts quoting a new text.
NAMED_TEXTS = {
    r"\bRuian\b": "ruian-study",
    r"\bSichuan\b": "sichuan-study",
    r"\bCaishui\b": "caishui2019-46",
    r"Liu, Wang (?:&|and) Dai": "liu2023",
    r"Wang, Liu (?:&|and) Dai": "wang2024",
    r"\bYang (?:&|and) Yue\b": "yang2018",
}


def cited_keys(text: str) -> list[str]:
    """Keys cited in ``text``, in order of appearance."""
    return [key for group in _GROUP.findall(text) for key in _KEY.findall(group)]


def bib_entries() -> dict[str, dict[str, str]]:
    parser = BibTexParser(common_strings=False)
    parser.ignore_nonstandard_types = False
    with BIB.open(encoding="utf-8") as handle:
        database = bibtexparser.load(handle, parser=parser)
    return {entry["ID"]: entry for entry in database.entries}


def scenario_sources() -> list[tuple[str, str]]:
    """(where, source) for every ``source`` string in the scenario files, at any depth."""
    found: list[tuple[str, str]] = []

    def walk(node: object, where: str, dotted: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                inner = f"{dotted}.{key}" if dotted else key
                if key == "source" and isinstance(value, str):
                    found.append((f"{where}:{dotted}", value))
                else:
                    walk(value, where, inner)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, where, f"{dotted}[{i}]")

    for path in SCENARIO_FILES:
        walk(tomllib.loads(path.read_text(encoding="utf-8")), str(path.relative_to(ROOT)), "")
    return found


def unresolved(citing: list[tuple[str, str]], known: set[str]) -> list[str]:
    return [f"{where}: [@{key}]" for where, text in citing for key in cited_keys(text)
            if key not in known]


def test_key_parser_reads_pandoc_groups_and_ignores_other_brackets():
    text = ("Caishui [2019] No. 46 [@caishui2019-46]; see [@a; @b-c, p. 3] and "
            "[-@grimm2020]; mail me@example.org; [2019] [...]")
    assert cited_keys(text) == ["caishui2019-46", "a", "b-c", "grimm2020"]


def test_bib_parses_with_unique_keys_and_required_fields():
    raw_keys = [key for _, key in _ENTRY.findall(BIB.read_text(encoding="utf-8"))]
    duplicates = sorted({key for key in raw_keys if raw_keys.count(key) > 1})
    assert not duplicates, f"duplicate keys in {BIB.name}: {duplicates}"
    entries = bib_entries()
    assert sorted(entries) == sorted(raw_keys), "an entry the regex sees was not parsed"
    problems = []
    for key, entry in entries.items():
        if not entry.get("title"):
            problems.append(f"{key}: no title")
        if entry["ENTRYTYPE"] == "article" and not (entry.get("journal") and entry.get("year")):
            problems.append(f"{key}: an article needs journal and year")
        if "doi" in entry and not re.fullmatch(r"10\.\d{4,9}/\S+", entry["doi"]):
            problems.append(f"{key}: doi {entry['doi']!r} is not a bare DOI (10.xxxx/...)")
    assert not problems, "\n".join(problems)


def test_bib_has_the_texts_the_project_is_built_on():
    entries = bib_entries()
    for key in ("ruian-study", "sichuan-study", "guobanfa2017-95", "measures2018", "guofa2019-4",
                "caishui2019-46", "yang2018", "grimm2006", "grimm2010", "grimm2020",
                "terhoeven2025", "kazil2020", "herman2017"):
        assert key in entries, f"{BIB.name} lacks {key}"
    assert entries["grimm2020"]["journal"] == "Journal of Artificial Societies and Social Simulation"
    assert (entries["grimm2020"]["volume"], entries["grimm2020"]["number"],
            entries["grimm2020"]["pages"]) == ("23", "2", "7")
    assert entries["caishui2019-46"]["number"] == "Caishui [2019] No. 46"
    assert entries["guobanfa2017-95"]["number"] == "Guo Ban Fa [2017] No. 95"


def test_every_scenario_key_resolves():
    missing = unresolved(scenario_sources(), set(bib_entries()))
    assert not missing, f"keys not defined in {BIB.name}:\n" + "\n".join(missing)


def test_every_scenario_source_that_names_a_text_cites_it():
    problems = []
    for where, source in scenario_sources():
        keys = set(cited_keys(source))
        for pattern, key in NAMED_TEXTS.items():
            if re.search(pattern, source) and key not in keys:
                problems.append(f"{where}: names {pattern!r} but does not cite [@{key}]: {source!r}")
    assert not problems, "\n".join(problems)


def test_scenario_sources_are_found_in_every_file_that_has_them():
    # Guards the walker above: a file with `source =` lines must yield sources.
    with_sources = {p for p in SCENARIO_FILES if "source" in p.read_text(encoding="utf-8")}
    seen = {where.split(":")[0] for where, _ in scenario_sources()}
    assert {str(p.relative_to(ROOT)) for p in with_sources} <= seen
    assert len(scenario_sources()) > 50


def test_parameter_source_keys_resolve():
    # Parameter sources are checked only for the keys they carry (sim/params.py
    # is edited elsewhere; keys are added there as its sources are revised).
    citing = [(f"sim/params.py:{n}", spec(n).source) for n in names()]
    missing = unresolved(citing, set(bib_entries()))
    assert not missing, f"keys not defined in {BIB.name}:\n" + "\n".join(missing)


def without_code(markdown: str) -> str:
    """Markdown with fenced blocks and inline code removed (a key shown as code is not a citation)."""
    return re.sub(r"`[^`\n]*`", "", re.sub(r"^```.*?^```", "", markdown, flags=re.MULTILINE | re.DOTALL))


def test_doc_citation_keys_resolve():
    citing = [(str(p.relative_to(ROOT)), without_code(p.read_text(encoding="utf-8"))) for p in DOC_FILES]
    assert any(cited_keys(text) for _, text in citing), "no doc cites anything: is the parser broken?"
    missing = unresolved(citing, set(bib_entries()))
    assert not missing, f"keys not defined in {BIB.name}:\n" + "\n".join(missing)


def test_citation_keys_in_the_code_resolve():
    citing = [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8"))
              for p in sorted((ROOT / "sim").rglob("*.py"))]
    missing = unresolved(citing, set(bib_entries()))
    assert not missing, f"keys not defined in {BIB.name}:\n" + "\n".join(missing)


def test_code_in_docs_is_not_read_as_citations():
    text = "cite as `[@key]`, or\n```toml\nsource = \"x [@nokey]\"\n```\nreal [@grimm2020]"
    assert cited_keys(without_code(text)) == ["grimm2020"]


@pytest.mark.parametrize("text", ["Ruian study [@ruian-studdy]: 'x'", "see [@nobody1999]"])
def test_an_unknown_key_is_reported(text):
    assert unresolved([("x.toml:a", text)], set(bib_entries())) == [
        f"x.toml:a: [@{cited_keys(text)[0]}]"]


def test_citation_cff_matches_the_package():
    # Full schema validation was done with cffconvert (it pins jsonschema < 4,
    # which the project's other packages outgrew); these are the fields a
    # release can silently get wrong.
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert cff["cff-version"] == "1.2.0"
    assert cff["message"].strip() and cff["title"].strip()
    assert cff["version"] == project["version"], "CITATION.cff version differs from pyproject.toml"
    assert cff["license"] == project["license"] == "MIT"
    assert cff["authors"] and all("name" in a or "family-names" in a for a in cff["authors"])
    for ref in cff.get("references", []):
        assert ref["type"] and ref["title"] and ref["authors"]
        assert re.fullmatch(r"10\.\d{4,9}/\S+", str(ref.get("doi", "10.0000/x")))
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License") and "coopsim contributors" in licence
