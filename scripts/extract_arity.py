#!/usr/bin/env python3
"""Derive each httpd directive's argument class and req_override bits, and
confirm them against the installed Debian apache2 binary.

Writes two fact tables (no httpd code or prose besides what `apache2 -L`
prints about the binary itself):

* data/directive-arity.tsv: one row per (directive, registering module), from
  the AP_INIT_* command tables of the httpd 2.4.x source and from `apache2 -L`
  of the Debian build with every shipped module loaded (event, prefork and
  worker MPMs in turn). Columns are described in data/README.md.
* data/mpm-directives.tsv: the directives each Debian-shipped MPM registers
  (`apache2 -L` with that MPM loaded), with their help text, so that
  MPM-specific arity messages can be produced without the binary.

Confirmation against the binary: every directive the binary registers is run
through `apache2 -t` with 0, 1, 2, 3 and 4 `x` arguments, in a context where
it is allowed, and classified from httpd's exact arity messages
("takes one argument", "takes 1-2 arguments", "must be On or Off", ...).
Where the binary and the source disagree, the binary wins; the source's
class stays in its own column. req_override bits are confirmed by rendering
them exactly as `apache2 -L` does ("Allowed in *.conf ...") and comparing.

Usage:
    scripts/extract_arity.py [--httpd-src DIR] [--apache2 PATH] [--etc DIR]
                             [--jobs N] [--probe-cache FILE]

Defaults: --httpd-src $HTTPD_SRC or /tmp/httpd (httpd 2.4.x tree at commit
HTTPD_COMMIT; if the directory does not exist it is exported with `git archive`
from --httpd-git, default $HTTPD_GIT or /work/.mirror/apache+httpd/repo),
--apache2 /usr/sbin/apache2, --etc /etc/apache2 (copied, never modified),
shared data from $APACHELINT_SHARED or <repo>/../shared.
Python standard library only.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import apache2_probe  # noqa: E402
import httpd_source  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The 2.4.x commit the shared documentation tables were taken from.
HTTPD_COMMIT = "f45abec1bd20396cea777a411bd5975abefad279"

ARITY_MESSAGE_CLASS = {
    "takes one argument": "TAKE1",
    "takes two arguments": "TAKE2",
    "takes 1-2 arguments": "TAKE12",
    "takes three arguments": "TAKE3",
    "takes two or three arguments": "TAKE23",
    "takes one, two or three arguments": "TAKE123",
    "takes one or three arguments": "TAKE13",
    "requires at least one argument": "ITERATE",
    "requires at least two arguments": "ITERATE2",
    "must be On or Off": "FLAG",
    "takes no arguments": "NO_ARGS",
}
FIXED_CLASSES = [c for c in ARITY_MESSAGE_CLASS.values() if c != "NO_ARGS"]
HANDLER_PARSED = ("RAW_ARGS", "TAKE_ARGV")
PROBE_ARG_COUNTS = range(0, 5)

# The override set at top level / in <VirtualHost> (server/config.c): RSRC_CONF
# plus OR_ALL without OR_AUTHCFG and OR_LIMIT.
TOP_LEVEL_BITS = 128 | 2 | 4 | 16


def class_rejects(arg_class: str, count: int) -> bool:
    """Whether invoke_cmd rejects `count` non-empty words that are not On/Off."""
    if arg_class in HANDLER_PARSED:
        return False
    return {
        "TAKE1": count != 1,
        "TAKE2": count != 2,
        "TAKE12": not 1 <= count <= 2,
        "TAKE3": count != 3,
        "TAKE23": not 2 <= count <= 3,
        "TAKE123": not 1 <= count <= 3,
        "TAKE13": count not in (1, 3),
        "ITERATE": count < 1,
        "ITERATE2": count < 2,
        "FLAG": True,
    }[arg_class]


def render_allowed(bits: int) -> str:
    """`Allowed in ...` exactly as server/config.c show_overrides prints it,
    without the module-dependent ` [no per-dir config]` note."""
    or_all = httpd_source.OR_ALL
    text = "Allowed in *.conf "
    if bits & (2 | 4 | 16) or (bits & 128 and bits & (64 | 8 | 1)):
        text += "anywhere"
    elif bits & 128:
        text += "only outside <Directory>, <Files>, <Location>, or <If>"
    else:
        text += "only inside <Directory>, <Files>, <Location>, or <If>"
    if bits & or_all:
        text += " and in .htaccess\nwhen AllowOverride"
        if bits & or_all == or_all:
            text += " isn't None"
        else:
            names = [n for n, b in (("AuthConfig", 8), ("Limit", 1), ("Options", 2),
                                    ("FileInfo", 4), ("Indexes", 16)) if bits & b]
            text += " includes " + " or ".join(names)
    return text


def bits_from_allowed(allowed: str) -> int:
    """The smallest req_override whose rendering is `allowed`."""
    allowed = allowed.replace(" [no per-dir config]", "")
    bits = 0
    for name, value in (("AuthConfig", 8), ("Limit", 1), ("Options", 2), ("FileInfo", 4), ("Indexes", 16)):
        if re.search(rf"\b{name}\b", allowed.split("\n", 1)[-1]) and "\n" in allowed:
            bits |= value
    if "isn't None" in allowed:
        bits |= httpd_source.OR_ALL
    if "anywhere" in allowed and not bits & (2 | 4 | 16):
        bits |= 128 | (0 if bits else 64)
    elif "only outside" in allowed:
        bits |= 128
    elif "only inside" in allowed and not bits:
        bits |= 64
    if render_allowed(bits) != allowed:
        raise SystemExit(f"cannot derive req_override from {allowed!r}")
    return bits


def probe_text(name: str, count: int, bits: int) -> str:
    words = " x" * count
    if name.startswith("<"):
        body = f"{name}{words}>\n</{name[1:]}>\n"
    else:
        body = f"{name}{words}\n"
    if bits & 256 or bits & TOP_LEVEL_BITS:
        return body
    return f"<Directory /nonexistent-probe>\n{body}</Directory>\n"


def arity_message_class(name: str, help_text: str | None, output: str) -> str | None:
    """The class whose generic invoke_cmd message (server/config.c) appears in
    `output`: `<name> <phrase>`, then `, <help>` when the command has a help
    string (never for FLAG). A handler's own look-alike text without the help
    does not count."""
    for phrase, arg_class in ARITY_MESSAGE_CLASS.items():
        expected = f"{name} {phrase}"
        if help_text is not None and arg_class not in ("FLAG", "NO_ARGS"):
            expected += f", {help_text}"
        for spelling in {expected, expected.replace("\n", "\\n")}:
            if re.search(rf"(?:\A|\n|: ){re.escape(spelling)}(?:\n|\Z)", output):
                return arg_class
    return None


def infer_class(name: str, observed: dict[int, str | None]) -> list[str]:
    """Classes consistent with the observed arity messages per word count."""
    section = name.startswith("<")
    candidates = []
    for arg_class in FIXED_CLASSES + list(HANDLER_PARSED):
        consistent = True
        for count, seen in observed.items():
            words = max(count, 1) if section else count  # `<Name>` passes ">"
            expected = arg_class if class_rejects(arg_class, words) else None
            if seen != expected:
                consistent = False
        if consistent:
            candidates.append(arg_class)
    return candidates


def shared_dir() -> str:
    return os.environ.get("APACHELINT_SHARED") or os.path.join(REPO, "..", "shared")


def load_names(etc: str) -> dict[str, str]:
    """module identifier -> mods-available load name (`ssl` for ssl.load)."""
    result = {}
    available = os.path.join(etc, "mods-available")
    for name in sorted(os.listdir(available)):
        if name.endswith(".load"):
            for line in open(os.path.join(available, name), encoding="utf-8"):
                words = line.split()
                if len(words) == 3 and words[0] == "LoadModule":
                    result[words[1]] = name[: -len(".load")]
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--httpd-src", default=os.environ.get("HTTPD_SRC", "/tmp/httpd"))
    parser.add_argument("--httpd-git", default=os.environ.get("HTTPD_GIT", "/work/.mirror/apache+httpd/repo"))
    parser.add_argument("--apache2", default="/usr/sbin/apache2")
    parser.add_argument("--etc", default="/etc/apache2")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--probe-cache", help="JSON file: reuse probe results from it, or write them to it")
    parser.add_argument("--out-dir", default=os.path.join(REPO, "data"))
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="apachelint-arity-")
    source_tree = args.httpd_src
    if not os.path.isdir(source_tree):
        source_tree = os.path.join(workdir, "httpd")
        os.makedirs(source_tree)
        archive = subprocess.run(["git", "-C", args.httpd_git, "archive", HTTPD_COMMIT],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", source_tree], input=archive, check=True)
    entries = list(httpd_source.read_command_tables(source_tree))
    module_of_source = {e.module_source: e.module_id for e in entries}
    source_rows: dict[tuple[str, str], list] = {}
    for entry in entries:
        source_rows.setdefault((entry.name.lower(), entry.module_source), []).append(entry)

    envs: dict[tuple, apache2_probe.ProbeEnv] = {}

    def env_for(mpm: str, excluded=()) -> apache2_probe.ProbeEnv:
        key = (mpm, tuple(sorted(excluded)))
        if key not in envs:
            envs[key] = apache2_probe.ProbeEnv(args.apache2, args.etc, workdir, mpm, excluded)
        return envs[key]

    # What each MPM build registers.
    listings = {}
    for mpm in apache2_probe.MPM_LOADS:
        result = env_for(mpm).run("-L")
        if result.returncode != 0:
            raise SystemExit(f"apache2 -L with {mpm} failed: {result.stderr}")
        listings[mpm] = apache2_probe.parse_directive_listing(result.stdout)
    shared_listing = apache2_probe.parse_directive_listing(
        open(os.path.join(shared_dir(), "data", "apache2-L.txt"), encoding="utf-8").read()
    )
    if shared_listing != listings["event"]:
        print("warning: apache2 -L (event) differs from shared data/apache2-L.txt", file=sys.stderr)

    # (name, source) -> -L entry, over all three MPM builds; MPM-specific sets.
    registered: dict[tuple[str, str], dict] = {}
    mpm_names: dict[str, set[str]] = {mpm: set() for mpm in listings}
    mpm_of_source = {"event.c": "event", "prefork.c": "prefork", "worker.c": "worker"}
    for mpm, listing in listings.items():
        for item in listing:
            if item["source"] in mpm_of_source and mpm_of_source[item["source"]] != mpm:
                continue
            registered.setdefault((item["name"], item["source"]), item | {"mpm": mpm})
            if item["source"] == f"{mpm}.c":
                mpm_names[mpm].add(item["name"].lower())

    identifier_load = load_names(args.etc)
    sources_by_name: dict[str, set[str]] = {}
    for name, source in registered:
        sources_by_name.setdefault(name.lower(), set()).add(source)

    def source_bits(name: str, source: str) -> int | None:
        rows = source_rows.get((name.lower(), source), [])
        values = {r.req_override for r in rows}
        return values.pop() if len(values) == 1 else None

    # Plan the probes.
    jobs = []
    for (name, source), item in sorted(registered.items()):
        bits = source_bits(name, source)
        if bits is None:
            bits = bits_from_allowed(item["allowed"])
        excluded = set()
        for other in sources_by_name[name.lower()] - {source}:
            if other in mpm_of_source:
                continue
            load = identifier_load.get(module_of_source.get(other, ""))
            if load is None:
                raise SystemExit(f"{name}: no .load file for {other}")
            excluded.add(load)
        mpm = item["mpm"] if source in mpm_of_source else "event"
        for count in PROBE_ARG_COUNTS:
            jobs.append((name, source, count, mpm, tuple(sorted(excluded)), bits))

    cache = {}
    if args.probe_cache and os.path.exists(args.probe_cache):
        cache = json.load(open(args.probe_cache, encoding="utf-8"))

    def run_probe(job):
        name, source, count, mpm, excluded, bits = job
        key = f"{mpm}|{','.join(excluded)}|{name}|{source}|{count}"
        if key in cache:
            return key, cache[key]
        env = env_for(mpm, excluded)
        probe_path = os.path.join(workdir, f"probe-{os.getpid()}-{abs(hash(key))}.conf")
        result = env.check_config(probe_text(name, count, bits), probe_path)
        os.unlink(probe_path)
        output = result.stderr.replace("\r", "")
        return key, {"rc": result.returncode, "output": output[-2000:]}

    for job in jobs:  # create the configuration copies before running in parallel
        env_for(job[3], job[4])
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = dict(pool.map(run_probe, jobs))
    if args.probe_cache:
        with open(args.probe_cache, "w", encoding="utf-8") as out:
            json.dump(results, out, indent=1, sort_keys=True)

    # Classify.
    observations: dict[tuple[str, str], dict[int, str | None]] = {}
    context_failures = []
    for name, source, count, mpm, excluded, _bits in jobs:
        key = f"{mpm}|{','.join(excluded)}|{name}|{source}|{count}"
        output = results[key]["output"]
        if re.search(rf"(?:^|: ){re.escape(name)}>? not allowed", output, re.M):
            context_failures.append((name, source, count))
        help_text = registered[(name, source)]["help"]
        observations.setdefault((name, source), {})[count] = arity_message_class(name, help_text, output)
    if context_failures:
        raise SystemExit(f"probes in a forbidden context: {context_failures[:10]}")

    rows = []
    problems = []
    for (name, source), item in sorted(registered.items()):
        srcs = source_rows.get((name.lower(), source), [])
        src_classes = sorted({r.arg_class for r in srcs})
        candidates = infer_class(name, observations[(name, source)])
        if not candidates:
            problems.append(f"{name} ({source}): probes inconsistent with every class: "
                            f"{observations[(name, source)]}")
            continue
        if len(candidates) == 1:
            (arg_class,) = candidates
            if not src_classes:
                confirmed = "binary-only"
            elif src_classes == [arg_class]:
                confirmed = "binary"
            else:
                confirmed = "binary-disagrees-source"
        elif len(src_classes) == 1 and src_classes[0] in candidates:
            # No generic arity message for 0-4 words: RAW_ARGS and TAKE_ARGV (and,
            # for `<Name>` sections, whose `>` is always a word, ITERATE) look alike.
            arg_class, confirmed = src_classes[0], "binary-consistent"
        elif "RAW_ARGS" in candidates:
            arg_class = "RAW_ARGS"
            confirmed = "binary-consistent-not-in-source" if not src_classes else "binary-disagrees-source"
        else:
            problems.append(f"{name} ({source}): ambiguous classes {candidates}")
            continue

        bits = source_bits(name, source)
        allowed = item["allowed"].replace(" [no per-dir config]", "")
        if bits is None:
            bits, override_confirmed = bits_from_allowed(item["allowed"]), "L-text-derived"
        elif render_allowed(bits) == allowed:
            override_confirmed = "L-text"
        else:
            problems.append(f"{name} ({source}): source bits render {render_allowed(bits)!r}, -L says {allowed!r}")
            bits, override_confirmed = bits_from_allowed(item["allowed"]), "L-text-disagrees-source"
        mpms = ",".join(m for m in apache2_probe.MPM_LOADS if name.lower() in mpm_names[m]) \
            if source in mpm_of_source else ""
        rows.append(row(name, source, module_of_source.get(source, ""), srcs, "registered",
                        arg_class, confirmed, bits, override_confirmed, mpms))

    # Source entries the Debian build does not register.
    registered_keys = {(n.lower(), s) for n, s in registered}
    for (lower, source), srcs in sorted(source_rows.items()):
        if (lower, source) in registered_keys:
            continue
        classes = sorted({r.arg_class for r in srcs})
        bits = source_bits(srcs[0].name, source)
        rows.append(row(srcs[0].name, source, srcs[0].module_id, srcs, "absent",
                        "|".join(classes), "source-only", bits, "source-only", ""))

    rows.sort(key=lambda r: (r[0].lower(), r[1]))
    header = ["name", "module_source", "module_id", "source_path", "source_condition",
              "source_class", "source_override", "debian_binary", "class", "class_confirmed",
              "req_override", "override_confirmed", "mpms"]
    write_tsv(os.path.join(args.out_dir, "directive-arity.tsv"), header, rows)

    mpm_rows = []
    for mpm, listing in listings.items():
        for item in listing:
            if item["source"] == f"{mpm}.c":
                mpm_rows.append([mpm, item["name"], item["source"], item["help"] or "",
                                 item["allowed"].replace("\n", " ")])
    write_tsv(os.path.join(args.out_dir, "mpm-directives.tsv"),
              ["mpm", "name", "module_source", "help", "allowed"], mpm_rows)

    summary = {}
    for r in rows:
        summary[r[9]] = summary.get(r[9], 0) + 1
    print(f"{len(rows)} rows; class confirmation: {summary}", file=sys.stderr)
    for r in rows:
        if r[9] == "binary-disagrees-source":
            print(f"  disagreement: {r[0]} ({r[1]}): source {r[5]}, binary {r[8]}", file=sys.stderr)
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    return 1 if problems else 0


def row(name, source, module_id, srcs, binary, arg_class, confirmed, bits, override_confirmed, mpms):
    paths = sorted({r.source_path for r in srcs})
    conditions = sorted({r.condition for r in srcs if r.condition})
    src_classes = sorted({r.arg_class for r in srcs})
    src_bits = sorted({r.req_override for r in srcs if r.req_override is not None})
    return [
        name, source, module_id, ",".join(paths), " / ".join(conditions),
        "|".join(src_classes), ",".join(httpd_source.override_names(b) for b in src_bits),
        binary, arg_class, confirmed,
        httpd_source.override_names(bits) if bits is not None else "",
        override_confirmed, mpms,
    ]


def write_tsv(path: str, header: list[str], rows: list[list[str]]) -> None:
    for r in rows:
        for field in r:
            if "\t" in field or "\n" in field:
                raise SystemExit(f"{path}: field with a tab or newline: {field!r}")
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write("\t".join(header) + "\n")
        for r in rows:
            out.write("\t".join(r) + "\n")


if __name__ == "__main__":
    sys.exit(main())
