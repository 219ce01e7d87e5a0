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
The NOT_IN_* bits handlers pass to ap_check_cmd_context are probed the same
way: the directive, with arguments its arity check accepts, inside
<VirtualHost>, <Directory>, <Location>, <Files> and <Proxy> (where its
req_override allows it); a refusal or a `Syntax OK` overrides the source.

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
import atexit
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading

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

EXEC_ON_READ = 256
# The override set at top level / in <VirtualHost> (server/config.c): RSRC_CONF
# plus OR_ALL without OR_AUTHCFG and OR_LIMIT.
TOP_LEVEL_BITS = 128 | 2 | 4 | 16
DIRECTORY_BITS = httpd_source.OR_ALL | 64
NOT_IN_DIR_LOC_FILE = 0x04 | 0x08 | 0x10
NOT_IN_HTACCESS = 0x20
# context -> (opening line, closing line, req_override bits it allows, the
# NOT_IN_* bit a refusal there shows).
CONTEXT_PROBES = {
    "vhost": ("<VirtualHost 127.0.0.1:8080>\n", "</VirtualHost>\n", TOP_LEVEL_BITS, 0x01),
    "directory": ("<Directory /nonexistent-probe>\n", "</Directory>\n", DIRECTORY_BITS, 0x04),
    "location": ("<Location /probe>\n", "</Location>\n", DIRECTORY_BITS, 0x08),
    "files": ("<Files probe>\n", "</Files>\n", DIRECTORY_BITS, 0x10),
    "proxy": ("<Proxy http://probe.invalid/>\n", "</Proxy>\n", DIRECTORY_BITS | 2048, 0x40),
}


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


def section_or_line(name: str, words: str) -> str:
    if name.startswith("<"):
        return f"{name}{words}>\n</{name[1:]}>\n"
    return f"{name}{words}\n"


def arity_probe_text(name: str, count: int, bits: int) -> str:
    """The directive with `count` words, where its req_override allows it."""
    body = section_or_line(name, " x" * count)
    if bits & EXEC_ON_READ or bits & TOP_LEVEL_BITS:
        return body
    return f"<Directory /nonexistent-probe>\n{body}</Directory>\n"


def accepted_words(arg_class: str) -> str:
    """Words the generic arity check accepts for `arg_class`."""
    if arg_class == "FLAG":
        return " On"
    return " x" * {"TAKE2": 2, "TAKE3": 3, "TAKE23": 2, "ITERATE2": 2}.get(arg_class, 1)


def context_probe_text(name: str, arg_class: str, context: str) -> str:
    opener, closer, _allowed, _bit = CONTEXT_PROBES[context]
    return opener + section_or_line(name, accepted_words(arg_class)) + closer


def context_outcome(name: str, context: str, rc: int, output: str) -> str:
    """How the binary treated the directive inside `context`:
    `refused` (ap_check_cmd_context names that section, or for <VirtualHost>
    the vhost), `refused-directory-context` (the check's "directory context"
    form, used when all of NOT_IN_DIR_LOC_FILE is forbidden), `accepted`
    (Syntax OK), or `other` (some other error: inconclusive)."""
    spelled = name + (">" if name.startswith("<") else "")
    match = re.search(rf"(?:\A|\n|: ){re.escape(spelled)} cannot occur within (.*?)(?:\n|\Z)", output)
    if match:
        where = match.group(1)
        if where == "directory context":
            return "refused-directory-context"
        if where == CONTEXT_PROBES[context][0].split()[0].removesuffix(">") + "> section":
            return "refused"
        return "other"
    if rc == 0 and "Syntax OK" in output:
        return "accepted"
    return "other"


def not_in_from_probes(source_bits: int, outcomes: dict[str, str]) -> int:
    """The source's NOT_IN_* bits corrected by conclusive probe outcomes."""
    bits = source_bits
    for context, outcome in outcomes.items():
        bit = CONTEXT_PROBES[context][3]
        if outcome == "refused" or (outcome == "refused-directory-context" and bit & NOT_IN_DIR_LOC_FILE):
            bits |= bit
        elif outcome == "accepted":
            bits &= ~bit
    return bits


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


def decide_class(src_classes: list[str], candidates: list[str]) -> tuple[str, str] | None:
    """(class, how it was confirmed), or None if the binary cannot be read."""
    if len(candidates) == 1:
        (arg_class,) = candidates
        if not src_classes:
            return arg_class, "binary-only"
        if src_classes == [arg_class]:
            return arg_class, "binary"
        return arg_class, "binary-disagrees-source"
    if len(src_classes) == 1 and src_classes[0] in candidates:
        # No generic arity message for 0-4 words: RAW_ARGS and TAKE_ARGV (and,
        # for `<Name>` sections, whose `>` is always a word, ITERATE) look alike.
        return src_classes[0], "binary-consistent"
    if "RAW_ARGS" in candidates:
        return "RAW_ARGS", ("binary-disagrees-source" if src_classes else "binary-consistent-not-in-source")
    return None


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


COLUMNS = [
    "name", "module_source", "module_id", "source_path", "source_condition",
    "source_class", "source_override", "debian_binary", "class", "class_confirmed",
    "req_override", "override_confirmed", "mpms",
    "source_not_in", "context_probes", "not_in", "not_in_confirmed",
]


class Prober:
    """Runs `apache2 -t` probes on configuration copies, in parallel, with an
    optional JSON cache of their outputs (keyed by build and probe text)."""

    def __init__(self, args, workdir: str):
        self.args = args
        self.workdir = workdir
        self.envs: dict[tuple, apache2_probe.ProbeEnv] = {}
        self.cache = {}
        if args.probe_cache and os.path.exists(args.probe_cache):
            with open(args.probe_cache, encoding="utf-8") as handle:
                self.cache = json.load(handle)

    def env(self, mpm: str, excluded=()) -> apache2_probe.ProbeEnv:
        key = (mpm, tuple(sorted(excluded)))
        if key not in self.envs:
            self.envs[key] = apache2_probe.ProbeEnv(
                self.args.apache2, self.args.etc, self.workdir, mpm, key[1])
        return self.envs[key]

    def run(self, probes: list[tuple[str, tuple, str]]) -> list[dict]:
        """probes: (mpm, excluded loads, probe text) -> [{rc, output}]."""
        for mpm, excluded, _text in probes:  # create the copies before going parallel
            self.env(mpm, excluded)

        def run_one(probe):
            mpm, excluded, text = probe
            key = f"{mpm}|{','.join(excluded)}|{text}"
            if key not in self.cache:
                path = os.path.join(self.workdir, f"probe-{threading.get_ident()}.conf")
                result = self.env(mpm, excluded).check_config(text, path)
                output = result.stderr.replace("\r", "")
                self.cache[key] = {"rc": result.returncode, "output": output[-2000:]}
            return self.cache[key]

        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, self.args.jobs)) as pool:
            results = list(pool.map(run_one, probes))
        if self.args.probe_cache:
            with open(self.args.probe_cache, "w", encoding="utf-8") as out:
                json.dump(self.cache, out, indent=1, sort_keys=True)
        return results


def export_source(args, workdir: str) -> str:
    if os.path.isdir(args.httpd_src):
        return args.httpd_src
    tree = os.path.join(workdir, "httpd")
    os.makedirs(tree)
    archive = subprocess.run(["git", "-C", args.httpd_git, "archive", HTTPD_COMMIT],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", tree], input=archive, check=True)
    return tree


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
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    entries = httpd_source.read_command_tables(export_source(args, workdir))
    module_of_source = {e.module_source: e.module_id for e in entries}
    source_rows: dict[tuple[str, str], list] = {}
    for entry in entries:
        source_rows.setdefault((entry.name.lower(), entry.module_source), []).append(entry)
    prober = Prober(args, workdir)

    # What each MPM build registers.
    listings = {}
    for mpm in apache2_probe.MPM_LOADS:
        result = prober.env(mpm).run("-L")
        if result.returncode != 0:
            raise SystemExit(f"apache2 -L with {mpm} failed: {result.stderr}")
        listings[mpm] = apache2_probe.parse_directive_listing(result.stdout)
    with open(os.path.join(shared_dir(), "data", "apache2-L.txt"), encoding="utf-8") as handle:
        if apache2_probe.parse_directive_listing(handle.read()) != listings["event"]:
            print("warning: apache2 -L (event) differs from shared data/apache2-L.txt", file=sys.stderr)

    # (name, source) -> -L entry over the three MPM builds, with the build to probe in.
    registered: dict[tuple[str, str], dict] = {}
    mpm_names: dict[str, set[str]] = {mpm: set() for mpm in listings}
    mpm_of_source = {f"{mpm}.c": mpm for mpm in apache2_probe.MPM_LOADS}
    for mpm, listing in listings.items():
        for item in listing:
            if mpm_of_source.get(item["source"], mpm) != mpm:
                continue
            registered.setdefault((item["name"], item["source"]), item | {"mpm": mpm})
            if item["source"] == f"{mpm}.c":
                mpm_names[mpm].add(item["name"].lower())

    identifier_load = load_names(args.etc)
    sources_by_name: dict[str, set[str]] = {}
    for name, source in registered:
        sources_by_name.setdefault(name.lower(), set()).add(source)

    def build_for(name: str, source: str) -> tuple[str, tuple]:
        """The MPM and the left-out modules under which `source`'s handler answers."""
        excluded = set()
        for other in sources_by_name[name.lower()] - {source}:
            if other in mpm_of_source:
                continue
            load = identifier_load.get(module_of_source.get(other, ""))
            if load is None:
                raise SystemExit(f"{name}: no .load file for {other}")
            excluded.add(load)
        mpm = registered[(name, source)]["mpm"] if source in mpm_of_source else "event"
        return mpm, tuple(sorted(excluded))

    def unique(values):
        values = set(values)
        return values.pop() if len(values) == 1 else None

    problems = []
    rows = []
    keys = sorted(registered)

    # Phase 1: argument classes and req_override.
    facts = {}
    for key in keys:
        name, source = key
        item = registered[key]
        srcs = source_rows.get((name.lower(), source), [])
        src_override = unique(r.req_override for r in srcs)
        allowed = item["allowed"].replace(" [no per-dir config]", "")
        if src_override is None:
            bits, override_confirmed = bits_from_allowed(allowed), "L-text-derived"
        elif render_allowed(src_override) == allowed:
            bits, override_confirmed = src_override, "L-text"
        else:
            problems.append(f"{name} ({source}): source bits render {render_allowed(src_override)!r}, "
                            f"-L says {allowed!r}")
            bits, override_confirmed = bits_from_allowed(allowed), "L-text-disagrees-source"
        facts[key] = {"srcs": srcs, "bits": bits, "override_confirmed": override_confirmed}

    probes = [(*build_for(*key), arity_probe_text(key[0], count, facts[key]["bits"]))
              for key in keys for count in PROBE_ARG_COUNTS]
    outputs = iter(prober.run(probes))
    for key in keys:
        name, source = key
        observed = {}
        for count in PROBE_ARG_COUNTS:
            result = next(outputs)
            if re.search(rf"(?:^|: ){re.escape(name)}>? not allowed", result["output"], re.M):
                problems.append(f"{name} ({source}): probed in a forbidden context")
            observed[count] = arity_message_class(name, registered[key]["help"], result["output"])
        src_classes = sorted({r.arg_class for r in facts[key]["srcs"]})
        decided = decide_class(src_classes, infer_class(name, observed))
        if decided is None:
            problems.append(f"{name} ({source}): probes fit no single class: {observed}")
            decided = ("|".join(src_classes), "unreadable")
        facts[key]["class"], facts[key]["class_confirmed"] = decided

    # Phase 2: handler-level context checks (ap_check_cmd_context), probed with
    # arguments the arity check accepts, in each context req_override allows.
    context_probes = []
    for key in keys:
        bits = facts[key]["bits"]
        contexts = [c for c, (_o, _c, allowed, _b) in CONTEXT_PROBES.items()
                    if bits & allowed or bits & EXEC_ON_READ]
        facts[key]["contexts"] = contexts
        for context in contexts:
            context_probes.append((*build_for(*key), context_probe_text(key[0], facts[key]["class"], context)))
    outputs = iter(prober.run(context_probes))
    for key in keys:
        outcomes = {}
        for context in facts[key]["contexts"]:
            result = next(outputs)
            outcomes[context] = context_outcome(key[0], context, result["rc"], result["output"])
        srcs = facts[key]["srcs"]
        source_not_in = unique(r.handler_not_in for r in srcs) if srcs else None
        expected = source_not_in or 0
        if facts[key]["bits"] & EXEC_ON_READ:
            # Run while reading: cmd->server is the main server, cmd->path is
            # NULL and ap_check_cmd_context returns early for EXEC_ON_READ, so
            # only NOT_IN_HTACCESS can fire (server/core.c).
            expected &= NOT_IN_HTACCESS
        not_in = not_in_from_probes(expected, outcomes)
        conclusive = [o for o in outcomes.values() if o != "other"]
        if not_in != expected:
            not_in_confirmed = "binary-disagrees-source" if srcs else "binary-only"
        elif conclusive:
            not_in_confirmed = "binary" if srcs else "binary-only"
        elif expected != (source_not_in or 0):
            not_in_confirmed = "exec-on-read"
        else:
            not_in_confirmed = "source"
        name, source = key
        mpms = ",".join(m for m in apache2_probe.MPM_LOADS if name.lower() in mpm_names[m]) \
            if source in mpm_of_source else ""
        rows.append(fact_row(
            name, source, module_of_source.get(source, ""), srcs, "registered",
            facts[key]["class"], facts[key]["class_confirmed"], facts[key]["bits"],
            facts[key]["override_confirmed"], mpms,
            ",".join(f"{c}:{o}" for c, o in outcomes.items()), not_in, not_in_confirmed))

    # Source entries the Debian build does not register.
    registered_keys = {(n.lower(), s) for n, s in registered}
    for (lower, source), srcs in sorted(source_rows.items()):
        if (lower, source) in registered_keys:
            continue
        rows.append(fact_row(
            srcs[0].name, source, srcs[0].module_id, srcs, "absent",
            "|".join(sorted({r.arg_class for r in srcs})), "source-only",
            unique(r.req_override for r in srcs), "source-only", "",
            "", unique(r.handler_not_in for r in srcs), "source-only"))

    rows.sort(key=lambda r: (r["name"].lower(), r["module_source"]))
    write_tsv(os.path.join(args.out_dir, "directive-arity.tsv"), COLUMNS,
              [[r[c] for c in COLUMNS] for r in rows])

    mpm_rows = []
    for mpm, listing in listings.items():
        for item in listing:
            if item["source"] == f"{mpm}.c":
                mpm_rows.append([mpm, item["name"], item["source"], item["help"] or "",
                                 item["allowed"].replace("\n", " ")])
    write_tsv(os.path.join(args.out_dir, "mpm-directives.tsv"),
              ["mpm", "name", "module_source", "help", "allowed"], mpm_rows)

    for column in ("class_confirmed", "override_confirmed", "not_in_confirmed"):
        counts = {}
        for r in rows:
            counts[r[column]] = counts.get(r[column], 0) + 1
        print(f"{column}: {dict(sorted(counts.items()))}", file=sys.stderr)
    for r in rows:
        if r["class_confirmed"] == "binary-disagrees-source":
            print(f"  class disagreement: {r['name']} ({r['module_source']}): "
                  f"source {r['source_class']}, binary {r['class']}", file=sys.stderr)
        if r["not_in_confirmed"] == "binary-disagrees-source":
            print(f"  NOT_IN disagreement: {r['name']} ({r['module_source']}): source "
                  f"{r['source_not_in'] or '-'}, binary {r['not_in'] or '-'} ({r['context_probes']})",
                  file=sys.stderr)
    print(f"{len(rows)} rows", file=sys.stderr)
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    return 1 if problems else 0


def fact_row(name, source, module_id, srcs, binary, arg_class, class_confirmed, bits,
             override_confirmed, mpms, context_probes, not_in, not_in_confirmed) -> dict:
    src_bits = sorted({r.req_override for r in srcs if r.req_override is not None})
    src_not_in = sorted({r.handler_not_in for r in srcs if r.handler_not_in is not None})
    return {
        "name": name,
        "module_source": source,
        "module_id": module_id,
        "source_path": ",".join(sorted({r.source_path for r in srcs})),
        "source_condition": " / ".join(sorted({r.condition for r in srcs if r.condition})),
        "source_class": "|".join(sorted({r.arg_class for r in srcs})),
        "source_override": ",".join(httpd_source.override_names(b) for b in src_bits),
        "debian_binary": binary,
        "class": arg_class,
        "class_confirmed": class_confirmed,
        "req_override": httpd_source.override_names(bits) if bits is not None else "",
        "override_confirmed": override_confirmed,
        "mpms": mpms,
        "source_not_in": ",".join(httpd_source.not_in_names(b) for b in src_not_in),
        "context_probes": context_probes,
        "not_in": httpd_source.not_in_names(not_in) if not_in is not None else "",
        "not_in_confirmed": not_in_confirmed,
    }


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
