#!/usr/bin/env python3
"""Generate src/model/directives.rs and src/model/modules.rs.

Inputs (all read-only):
* the shared data directory ($APACHELINT_SHARED/data, default <repo>/../shared/data):
  apache2-L.txt, apache2-M.txt, httpd-directives.tsv, httpd-modules.tsv;
* the project's derived fact tables: data/directive-arity.tsv,
  data/mpm-directives.tsv, data/debian-modules.tsv (see data/README.md).

Which entries become registry rows: every (directive, module) the Debian build
registers, under any shipped MPM; plus source-only entries whose name is
documented and which either belong to a module Debian does not build
(Windows, NetWare, Solaris, examples) or carry a name the Debian build does
not register at all (GprofDir, EnableExceptionHook, ...). Documented names
that no source or binary registers are reported on stderr and left out.

The output is deterministic and already formatted as rustfmt formats it.

Usage: scripts/gen_registry.py [--check]
  --check  exit 1 (and say which) if the committed files differ from the output.
Python standard library only.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from apache2_probe import parse_directive_listing  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY_VERSION = "Apache/2.4.71 (Debian)"
DOCS_COMMIT = "f45abec1bd"
OUTPUT_DIRECTIVES = os.path.join(REPO, "src", "model", "directives.rs")
OUTPUT_MODULES = os.path.join(REPO, "src", "model", "modules.rs")

ARITY_VARIANT = {
    "RAW_ARGS": "RawArgs",
    "TAKE1": "Take1",
    "TAKE2": "Take2",
    "TAKE12": "Take12",
    "TAKE3": "Take3",
    "TAKE23": "Take23",
    "TAKE123": "Take123",
    "TAKE13": "Take13",
    "ITERATE": "Iterate",
    "ITERATE2": "Iterate2",
    "FLAG": "Flag",
    "TAKE_ARGV": "TakeArgv",
}
EVIDENCE_VARIANT = {
    "binary": "Binary",
    "binary-only": "Binary",
    "binary-disagrees-source": "Binary",
    "binary-consistent": "BinaryConsistent",
    "binary-consistent-not-in-source": "BinaryConsistent",
    "exec-on-read": "Source",
    "source": "Source",
    "source-only": "Source",
}
NOT_IN_CONSTS = {
    "NOT_IN_VIRTUALHOST": "VIRTUALHOST",
    "NOT_IN_LIMIT": "LIMIT",
    "NOT_IN_DIRECTORY": "DIRECTORY",
    "NOT_IN_LOCATION": "LOCATION",
    "NOT_IN_FILES": "FILES",
    "NOT_IN_HTACCESS": "HTACCESS",
    "NOT_IN_PROXY": "PROXY",
    "NOT_IN_DIR_LOC_FILE": "DIR_LOC_FILE",
    "NOT_IN_DIR_CONTEXT": "DIR_CONTEXT",
    "GLOBAL_ONLY": "GLOBAL_ONLY",
}
MPM_OF_SOURCE = {
    "event.c": "Event",
    "prefork.c": "Prefork",
    "worker.c": "Worker",
    "mpm_winnt.c": "WinNt",
    "mpm_netware.c": "NetWare",
    "mpmt_os2.c": "MpmtOs2",
}
OVERRIDE_CONSTS = [
    "OR_LIMIT", "OR_OPTIONS", "OR_FILEINFO", "OR_AUTHCFG", "OR_INDEXES", "OR_UNSET",
    "ACCESS_CONF", "RSRC_CONF", "EXEC_ON_READ", "NONFATAL_OVERRIDE", "NONFATAL_UNKNOWN",
    "PROXY_CONF",
]
DOC_CONTEXT_BITS = {
    "server config": 1,
    "virtual host": 2,
    "directory": 4,
    ".htaccess": 8,
    "proxy section": 16,
}
DOC_OVERRIDE_CONSTS = {
    "Limit": ["OR_LIMIT"],
    "Options": ["OR_OPTIONS"],
    "FileInfo": ["OR_FILEINFO"],
    "AuthConfig": ["OR_AUTHCFG"],
    "Indexes": ["OR_INDEXES"],
    "All": ["OR_ALL"],
}


def read_tsv(path: str) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def fail(message: str) -> None:
    raise SystemExit(f"gen_registry: {message}")


def rust_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    escaped = escaped.replace("\r", "\\r").replace("\t", "\\t")
    return f'"{escaped}"'


def option_string_field(indent: str, field: str, text: str | None) -> str:
    """`field: Some("..."),` as rustfmt lays it out: on one line if it fits in
    100 columns, else with the literal on its own line."""
    if text is None:
        return f"{indent}{field}: None,\n"
    line = f"{indent}{field}: Some({rust_string(text)}),"
    if len(line) <= 100:
        return line + "\n"
    return f"{indent}{field}: Some(\n{indent}    {rust_string(text)},\n{indent}),\n"


def slice_field(indent: str, field: str, items: list[str]) -> str:
    """`field: &[a, b],` as rustfmt lays it out: one line while the items take
    at most 60 columns (`array_width`), else one item per line."""
    joined = ", ".join(items)
    if len(joined) <= 60:
        return f"{indent}{field}: &[{joined}],\n"
    lines = "".join(f"{indent}    {item},\n" for item in items)
    return f"{indent}{field}: &[\n{lines}{indent}],\n"


def use_list(path: str, names: list[str]) -> str:
    """`use path::{names};` as rustfmt lays it out (sorted, filled to 100 columns)."""
    names = sorted(names)
    one_line = f"use {path}::{{{', '.join(names)}}};"
    if len(one_line) <= 100:
        return one_line + "\n"
    lines = []
    current = "   "
    for name in names:
        if len(current) + 1 + len(name) + 1 > 100:
            lines.append(current)
            current = "   "
        current += f" {name},"
    lines.append(current)
    return f"use {path}::{{\n" + "\n".join(lines) + "\n};\n"


def override_names(flags: str) -> list[str]:
    names = [name for name in flags.split("|") if name]
    for name in names:
        if name not in OVERRIDE_CONSTS and name != "OR_ALL":
            fail(f"unknown override flag {name!r}")
    return names


def not_in_expression(flags: str) -> str:
    names = [name for name in flags.split("|") if name]
    if not names:
        return "NotIn(0)"
    for name in names:
        if name not in NOT_IN_CONSTS:
            fail(f"unknown NOT_IN flag {name!r}")
    return "NotIn(" + " | ".join(f"NotIn::{NOT_IN_CONSTS[n]}" for n in names) + ")"


def override_expression(names: list[str]) -> str:
    return f"Overrides({' | '.join(names) if names else '0'})"


def shared_data_dir() -> str:
    root = os.environ.get("APACHELINT_SHARED") or os.path.join(REPO, "..", "shared")
    return os.path.join(root, "data")


class Inputs:
    def __init__(self) -> None:
        shared = shared_data_dir()
        data = os.path.join(REPO, "data")
        if not os.path.isdir(shared):
            fail(f"{shared} not found (set APACHELINT_SHARED)")
        with open(os.path.join(shared, "apache2-L.txt"), encoding="utf-8") as handle:
            self.listing = parse_directive_listing(handle.read())
        with open(os.path.join(shared, "apache2-M.txt"), encoding="utf-8") as handle:
            self.loaded = [line.split()[0] for line in handle if line.startswith(" ")]
        self.docs = read_tsv(os.path.join(shared, "httpd-directives.tsv"))
        self.doc_modules = read_tsv(os.path.join(shared, "httpd-modules.tsv"))
        self.arity = read_tsv(os.path.join(data, "directive-arity.tsv"))
        self.mpm_directives = read_tsv(os.path.join(data, "mpm-directives.tsv"))
        self.debian_modules = read_tsv(os.path.join(data, "debian-modules.tsv"))


def build_directives(inputs: Inputs) -> tuple[list[dict], list[str]]:
    """The registry rows, and notes about documented names left out."""
    help_of = {}
    for item in inputs.listing:
        key = (item["name"], item["source"])
        if key in help_of:
            fail(f"apache2-L.txt lists {key} twice")
        help_of[key] = item["help"]
    for item in inputs.mpm_directives:
        key = (item["name"], item["module_source"])
        help_text = item["help"] or None
        if item["mpm"] == "event" and help_of.get(key, help_text) != help_text:
            fail(f"mpm-directives.tsv and apache2-L.txt disagree on {key}")
        help_of[key] = help_text

    doc_module_source = {m["module"]: m["sourcefile"] for m in inputs.doc_modules}
    docs_by_name: dict[str, list[dict]] = {}
    for doc in inputs.docs:
        docs_by_name.setdefault(doc["name"].lower(), []).append(doc)

    registered_names = {r["name"].lower() for r in inputs.arity if r["debian_binary"] == "registered"}
    debian_sources = {m["source_file"] for m in inputs.debian_modules}

    # Which MPMs register each name: the binary for Debian's, the source for the others.
    mpms_of_name: dict[str, set[str]] = {}
    for r in inputs.arity:
        source = r["module_source"]
        if source in MPM_OF_SOURCE and (source not in debian_sources or r["debian_binary"] == "registered"):
            mpms_of_name.setdefault(r["name"].lower(), set()).add(MPM_OF_SOURCE[source])
    mpm_order = list(MPM_OF_SOURCE.values())

    listed = set()
    rows = []
    for r in inputs.arity:
        name, source = r["name"], r["module_source"]
        lower = name.lower()
        registered = r["debian_binary"] == "registered"
        is_section = name.startswith("<")
        # `<LuaHookFixups` is not the documented (non-section) LuaHookFixups.
        docs = [d for d in docs_by_name.get(lower.lstrip("<"), []) if (d["is_section"] == "1") == is_section]
        if not registered:
            if not docs or (source in debian_sources and lower in registered_names):
                continue
        if registered:
            if (name, source) not in help_of:
                fail(f"{name} ({source}) is registered but has no apache2 -L entry")
            listed.add((name, source))
        if r["class"] not in ARITY_VARIANT:
            fail(f"{name} ({source}): class {r['class']!r}")
        doc = pick_doc(docs, source, doc_module_source)
        contexts = 0
        if doc is not None:
            for context in filter(None, doc["contexts"].split(",")):
                contexts |= DOC_CONTEXT_BITS[context]
        doc_override = []
        if doc is not None:
            for klass in filter(None, doc["override"].split(",")):
                doc_override.extend(DOC_OVERRIDE_CONSTS[klass])
        mpms = []
        if source in MPM_OF_SOURCE:
            mpms = [m for m in mpm_order if m in mpms_of_name.get(lower, set())]
        rows.append({
            "name": name,
            "module_source": source,
            "module_id": r["module_id"],
            "arity": ARITY_VARIANT[r["class"]],
            "evidence": EVIDENCE_VARIANT[r["class_confirmed"]],
            "req_override": override_names(r["req_override"]),
            "help": help_of.get((name, source)) if registered else None,
            "is_section": is_section,
            "in_debian_build": registered,
            "mpms": mpms,
            "not_in": not_in_expression(r["not_in"]),
            "not_in_evidence": EVIDENCE_VARIANT[r["not_in_confirmed"]],
            "documented": doc is not None,
            "doc_contexts": contexts,
            "doc_override": doc_override,
        })

    missing_rows = set(help_of) - listed
    if missing_rows:
        fail(f"listed by the binary but missing from data/directive-arity.tsv: {sorted(missing_rows)}")

    covered = {row["name"].lower().lstrip("<") for row in rows}
    notes = sorted(
        f"{doc['name']} ({doc['module']})" for doc in inputs.docs if doc["name"].lower() not in covered
    )
    for row in rows:
        if not row["name"].isascii():
            fail(f"non-ASCII directive name {row['name']!r}")
    rows.sort(key=lambda row: (row["name"].lower(), row["module_source"]))
    return rows, notes


def pick_doc(docs: list[dict], source: str, doc_module_source: dict[str, str]) -> dict | None:
    """The documentation row for an entry of `source` among the rows of its name."""
    if len(docs) <= 1:
        return docs[0] if docs else None
    for doc in docs:
        if doc_module_source.get(doc["module"]) == source:
            return doc
    return docs[0]


def emit_directive(row: dict) -> str:
    return (
        "    DirectiveSpec {\n"
        f"        name: {rust_string(row['name'])},\n"
        f"        module_source: {rust_string(row['module_source'])},\n"
        f"        module_id: {rust_string(row['module_id'])},\n"
        f"        arity: Arity::{row['arity']},\n"
        f"        arity_evidence: Evidence::{row['evidence']},\n"
        f"        req_override: {override_expression(row['req_override'])},\n"
        + option_string_field("        ", "help", row["help"])
        + f"        is_section: {str(row['is_section']).lower()},\n"
        + f"        in_debian_build: {str(row['in_debian_build']).lower()},\n"
        + slice_field("        ", "mpms", [f"Mpm::{m}" for m in row["mpms"]])
        + f"        handler_forbids: {row['not_in']},\n"
        + f"        handler_forbids_evidence: Evidence::{row['not_in_evidence']},\n"
        + f"        documented: {str(row['documented']).lower()},\n"
        f"        doc_contexts: DocContexts({row['doc_contexts']}),\n"
        f"        doc_override: {override_expression(row['doc_override'])},\n"
        "    },\n"
    )


def used_override_consts(rows: list[dict]) -> list[str]:
    used = {name for row in rows for name in row["req_override"] + row["doc_override"]}
    return [name for name in ["OR_ALL"] + OVERRIDE_CONSTS if name in used]


def render_directives(rows: list[dict], notes: list[str]) -> str:
    directives = [row for row in rows if not row["is_section"]]
    sections = [row for row in rows if row["is_section"]]
    debian = sum(1 for row in rows if row["in_debian_build"])
    confirmed = sum(1 for row in rows if row["evidence"] == "Binary")
    consistent = sum(1 for row in rows if row["evidence"] == "BinaryConsistent")
    imports = use_list("super::registry", [
        "Arity", "DirectiveSpec", "DocContexts", "Evidence", "Mpm", "NotIn", "Overrides",
    ] + used_override_consts(rows))
    left_out = "".join(f"//! - {note}\n" for note in notes)
    header = f"""//! The directive and section table: every command httpd 2.4 registers in
//! the Debian build `{BINARY_VERSION}` (`apache2 -L` with every shipped module
//! loaded, under each shipped MPM), plus the documented directives that only
//! other platforms or builds register (`in_debian_build: false`).
//!
//! **Generated** by `python3 scripts/gen_registry.py` from
//! `../shared/data/apache2-L.txt`, `httpd-directives.tsv` and `httpd-modules.tsv`
//! (httpd 2.4.x docs, commit {DOCS_COMMIT}) and the derived tables
//! `data/directive-arity.tsv` and `data/mpm-directives.tsv`; do not edit.
//! `python3 scripts/gen_registry.py --check` (run by `tests/registry_fresh.rs`)
//! fails if this file is stale. Types and lookups: [`super::registry`].
//!
//! {len(directives)} directive entries and {len(sections)} section entries; {debian} are in
//! the Debian build. Arity confirmed by the binary's messages: {confirmed}; consistent with
//! the binary, class from the source: {consistent}; source only: {len(rows) - confirmed - consistent}.
//! Both tables are sorted by ASCII-lowercased name, then module source.
//! `doc_contexts` bits: 1 server config, 2 virtual host, 4 directory, 8 .htaccess,
//! 16 proxy section.
//!
//! Documented names no module registers (left out):
{left_out}
{imports}
/// Every directive entry (sections excluded).
pub static DIRECTIVES: &[DirectiveSpec] = &[
"""
    body = "".join(emit_directive(row) for row in directives)
    middle = """];

/// Every `<Name` section entry.
pub static SECTIONS: &[DirectiveSpec] = &[
"""
    tail = "".join(emit_directive(row) for row in sections) + "];\n"
    return header + body + middle + tail


def build_modules(inputs: Inputs, rows: list[dict]) -> list[dict]:
    debian = {m["identifier"]: m for m in inputs.debian_modules}
    docs = {m["identifier"]: m for m in inputs.doc_modules if m["identifier"]}
    loaded = set(inputs.loaded)
    expected_loaded = {i for i, m in debian.items() if m["load_name"] not in ("mpm_prefork", "mpm_worker")}
    if loaded != expected_loaded:
        fail(f"apache2-M.txt and data/debian-modules.tsv disagree: {sorted(loaded ^ expected_loaded)}")
    row_sources = {}
    for row in rows:
        row_sources.setdefault(row["module_id"], set()).add(row["module_source"])
    identifiers = sorted(set(debian) | set(docs) | set(row_sources))
    modules = []
    for identifier in identifiers:
        deb = debian.get(identifier)
        doc = docs.get(identifier)
        if deb is not None:
            source_file = deb["source_file"]
        elif doc is not None and doc["sourcefile"]:
            source_file = doc["sourcefile"]
        else:
            (source_file,) = row_sources[identifier]
        for source in row_sources.get(identifier, ()):
            if source != source_file:
                fail(f"{identifier}: directive rows say {source}, module table says {source_file}")
        if doc is not None:
            name = doc["module"]
        elif source_file == "core.c":
            name = "core"
        else:
            name = source_file.removesuffix(".c")
        shared = deb is not None and deb["linkage"] == "shared"
        modules.append({
            "identifier": identifier,
            "source_file": source_file,
            "name": name,
            "so_file": deb["so_path"] if shared else None,
            "load_name": deb["load_name"] if shared else None,
            "load_line": deb["load_line"] if shared else None,
            "depends": deb["depends"].split() if shared else [],
            "static": deb is not None and deb["linkage"] == "static",
            "shipped": shared,
            "default_loaded": deb is not None and deb["default_loaded"] == "1",
        })
    return modules


def render_modules(modules: list[dict]) -> str:
    static = sum(1 for m in modules if m["static"])
    shipped = sum(1 for m in modules if m["shipped"])
    default = sum(1 for m in modules if m["default_loaded"])
    header = f"""//! The module table: every module of the Debian build `{BINARY_VERSION}`
//! ({static} compiled in, {shipped} shipped as `.so`, {default} loaded by the stock configuration)
//! and every other module the httpd 2.4 documentation describes or whose
//! directives are in [`super::directives`]; {len(modules)} modules.
//!
//! **Generated** by `python3 scripts/gen_registry.py` from `data/debian-modules.tsv`
//! (module names read from the binary, Debian's `mods-available/*.load` lines),
//! `../shared/data/httpd-modules.tsv` and `apache2-M.txt` (httpd 2.4.x docs, commit
//! {DOCS_COMMIT}); do not edit. `python3 scripts/gen_registry.py --check` fails if this
//! file is stale. Types and lookups: [`super::registry`].

use super::registry::ModuleSpec;

/// Every module, sorted by identifier.
pub static MODULES: &[ModuleSpec] = &[
"""
    body = []
    for m in modules:
        body.append(
            "    ModuleSpec {\n"
            f"        identifier: {rust_string(m['identifier'])},\n"
            f"        source_file: {rust_string(m['source_file'])},\n"
            f"        name: {rust_string(m['name'])},\n"
            + option_string_field("        ", "so_file", m["so_file"])
            + option_string_field("        ", "debian_load_name", m["load_name"])
            + option_string_field("        ", "debian_load_line", m["load_line"])
            + slice_field("        ", "debian_depends", [rust_string(d) for d in m["depends"]])
            + f"        debian_static: {str(m['static']).lower()},\n"
            f"        debian_shipped: {str(m['shipped']).lower()},\n"
            f"        debian_default_loaded: {str(m['default_loaded']).lower()},\n"
            "    },\n"
        )
    by_source = sorted(range(len(modules)), key=lambda i: modules[i]["source_file"])
    sources = [modules[i]["source_file"] for i in by_source]
    if len(set(sources)) != len(sources):
        fail("two modules share a source file name")
    index = "".join(f"    ({rust_string(modules[i]['source_file'])}, {i}),\n" for i in by_source)
    return (
        header
        + "".join(body)
        + "];\n\n/// `(source file name, index into MODULES)`, sorted by source file name.\n"
        + "pub static MODULES_BY_SOURCE_FILE: &[(&str, u16)] = &[\n"
        + index
        + "];\n"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()

    inputs = Inputs()
    rows, notes = build_directives(inputs)
    modules = build_modules(inputs, rows)
    outputs = {
        OUTPUT_DIRECTIVES: render_directives(rows, notes),
        OUTPUT_MODULES: render_modules(modules),
    }
    stale = []
    for path, text in outputs.items():
        current = None
        if os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                current = handle.read()
        if current == text:
            continue
        if args.check:
            stale.append(os.path.relpath(path, REPO))
        else:
            with open(path, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
    if stale:
        print(f"stale generated files: {', '.join(stale)}; run python3 scripts/gen_registry.py",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
