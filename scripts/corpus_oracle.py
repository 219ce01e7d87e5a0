#!/usr/bin/env python3
"""corpus_oracle.py: real apache2's verdict on every file of the shared corpus, one file
at a time, to back the expectations in tests/corpus-expectations.tsv.

What it holds
  * How one corpus file is judged: it is copied alone into a fresh sandbox (see
    scripts/httpd_oracle.py) as the configuration file and read with `apache2 -t`
    twice:
      - `default`: Debian's default modules (httpd_oracle.DEBIAN_DEFAULT_MODULES) plus
        mod_macro;
      - `all`: every module Debian ships (one MPM), libraries first;
    so that most `<IfModule x>` and `<IfModule !x>` bodies are read for real (not
    soaked as a false conditional) in at least one run.
    When httpd stops in pass 1 for a reason of this machine or of the file being read
    alone (a LoadModule/LoadFile of a module that is not here, an Include of a file
    that is not beside it, a ServerRoot that does not exist, a `Use`/`UndefMacro` of a
    macro httpd refuses), that line is commented out (line numbers kept) and the file
    is read again, so that httpd reads the whole file whenever it can.
  * The verdict of a run, as the TSV's `apache2` column writes it:
      - `pass1-clean`: httpd read the whole file in pass 1 without an error (it said
        Syntax OK, or failed later: pass 2 `Invalid command`, a missing log dir ...);
      - `<kind>@<line>`: httpd stopped at a structural error of the parser's kinds
        (`unmatched-close`, `mismatched-close`, `close-missing-angle`, `unclosed`,
        `line-too-long`, `macro-unclosed`), at that line of the file;
      - `conditional@<line>`: a structural error about a conditional section (whether
        httpd sees it depends on evaluation: the loader's judgement, not the parser's);
      - `read@<line>`: another pass-1 error it could not get past (mod_macro refusing
        a `<Macro` definition, `<IfModule>` without argument ...);
      - `timeout`.
    A file's value is the common verdict of both runs, or `default:<v> all:<v>`; with
    `neutralized:<lines>` appended when lines were commented out.
  * `verdicts [PATH ...]`: prints `path<TAB>apache2 value<TAB>httpd's first message` for
    corpus files (default: all).
  * `verify`: recomputes the `apache2` column of tests/corpus-expectations.tsv (one row
    per corpus file; symlink rows, `none`, are not run) and exits 1 on any difference,
    or when a corpus file has no row or a row names a file the corpus lacks.

What it promises
  * Everything runs through httpd_oracle's sandbox: /etc/apache2 is never written, no
    server is started, every run has a timeout. The corpus is read in place.

Standard library only (python3 >= 3.9).
"""

import argparse
import concurrent.futures
import os
import re
import sys
from pathlib import Path

import httpd_oracle as oracle

EXPECTATIONS = oracle.REPO / "tests" / "corpus-expectations.tsv"
RUNS = ("default", "all")

# Modules that others link against: loaded before the rest (the rest in name order).
LIBRARY_MODULES = (
    "ldap", "dbd", "proxy", "proxy_balancer", "xml2enc", "session", "cache", "dav",
    "socache_shmcb", "slotmem_shm",
)
OTHER_MPMS = ("mpm_prefork", "mpm_worker")

# Directives whose pass-1 failure says nothing about the file's structure.
NEUTRALIZABLE = {"loadmodule", "loadfile", "include", "includeoptional", "serverroot",
                 "use", "undefmacro"}
MAX_NEUTRALIZED = 64

CONDITIONALS = "IfModule|IfDefine|IfVersion|IfFile|IfDirective|IfSection"
STRUCTURAL_KINDS = (
    ("conditional", re.compile(rf"^Expected </({CONDITIONALS})> (but saw </.*>|before end of configuration)$", re.I)),
    ("unmatched-close", re.compile(r"^</.* without matching <.* section$")),
    ("mismatched-close", re.compile(r"^Expected </.*> but saw </.*>$")),
    ("close-missing-angle", re.compile(r"^</[^ ]*> directive missing closing '>'$")),
    ("unclosed", re.compile(r"was not closed\.$")),
    ("line-too-long", re.compile(r": Line too long$")),
    ("macro-unclosed", re.compile(r"contents error: expected token not found: </Macro>$")),
)
# One entry of httpd's "was not closed" list: `<file>:<line>: <X> was not closed.`
UNCLOSED_ENTRY_RE = re.compile(r":(\d+): <[^>]*> was not closed\.")


def corpus_dir():
    env = os.environ.get("APACHELINT_CORPUS")
    return Path(env) if env else oracle.shared_dir() / "corpus"


def module_args(run):
    """The `-C LoadModule ...` arguments of one run."""
    if run == "default":
        pairs = list(oracle.DEBIAN_DEFAULT_MODULES) + [("macro_module", "mod_macro.so")]
    else:
        names = sorted(
            p.stem.removeprefix("mod_") for p in Path(oracle.MODULES_DIR).glob("mod_*.so")
        )
        names = [n for n in names if n not in OTHER_MPMS and n not in LIBRARY_MODULES]
        pairs = [(f"{n}_module", f"mod_{n}.so") for n in (*LIBRARY_MODULES, *names)]
    args = []
    for module, so in pairs:
        args += ["-C", f"LoadModule {module} {oracle.MODULES_DIR}/{so}"]
    return args


def classify(record, own_file):
    """(verdict, line, message) of one run: verdict is `pass1-clean`, a structural kind,
    `conditional`, `read` or `timeout`; line is where httpd stopped in `own_file`."""
    error = record["first_error"]
    if error is None or error["phase"] in ("walk", "check"):
        return "pass1-clean", None, (error or {}).get("message", "")
    if error["phase"] == "timeout":
        return "timeout", None, error["message"]
    message = error["message"]
    line = error["line"] if error["file"] == own_file else None
    for kind, pattern in STRUCTURAL_KINDS:
        if pattern.search(message):
            unclosed = UNCLOSED_ENTRY_RE.search(message)
            if kind == "unclosed" and unclosed:
                line = int(unclosed.group(1))
            return kind, line, message
    return "read", line, message


def neutralize(lines, line_no):
    """Comments out physical line `line_no` when it is a whole logical line holding a
    directive from NEUTRALIZABLE; returns whether it did."""
    if line_no is None or not 1 <= line_no <= len(lines):
        return False
    if line_no > 1 and lines[line_no - 2].rstrip(b"\r\n").endswith(b"\\"):
        return False
    words = lines[line_no - 1].split()
    if not words or words[0].decode("latin-1").lower() not in NEUTRALIZABLE:
        return False
    lines[line_no - 1] = b"#" + lines[line_no - 1]
    return True


def run_file(rel, run):
    """apache2 -t on one corpus file alone, neutralizing as needed; returns
    (verdict, line, message, neutralized line numbers)."""
    source = corpus_dir() / rel
    lines = source.read_bytes().splitlines(keepends=True)
    neutralized = []
    with oracle.Sandbox() as sb:
        sb.root.mkdir()
        target = sb.root / source.name
        args = module_args(run) + ["-C", sb.expand(oracle.FIXTURE_ERROR_LOG)]
        while True:
            target.write_bytes(b"".join(lines))
            code, out, err = oracle.run_apache2(sb, target, sb.root, args, sb.base_env(), "t")
            verdict, line, message = classify(
                oracle.verdict(sb, code, out, err), f"<ROOT>/{source.name}"
            )
            if verdict != "read" or len(neutralized) >= MAX_NEUTRALIZED:
                break
            if not neutralize(lines, line):
                break
            neutralized.append(line)
    return verdict, line, message, neutralized


def summary(verdict, line):
    return verdict if line is None or verdict == "pass1-clean" else f"{verdict}@{line}"


def judge(rel):
    """(apache2 column value, httpd's first message) for one file."""
    results = {run: run_file(rel, run) for run in RUNS}
    values = {run: summary(v, line) for run, (v, line, _, _) in results.items()}
    if values["default"] == values["all"]:
        value = values["default"]
    else:
        value = " ".join(f"{run}:{values[run]}" for run in RUNS)
    neutralized = sorted({n for _, _, _, ns in results.values() for n in ns})
    if neutralized:
        value += " neutralized:" + ",".join(map(str, neutralized))
    message = next((m for _, _, m, _ in results.values() if m), "")
    return value, message.replace("\t", " ").replace("\\n", " | ")


def judge_many(rels, jobs):
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        return dict(zip(rels, pool.map(judge, rels)))


def all_corpus_files():
    root = corpus_dir()
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def cmd_verdicts(args):
    for rel, (value, message) in sorted(judge_many(args.paths or all_corpus_files(), args.jobs).items()):
        print(f"{rel}\t{value}\t{message}")
    return 0


# ------------------------------------------------------------------ expectations


def expectation_rows():
    """{path: apache2 column} of the expectations."""
    rows = {}
    for line in EXPECTATIONS.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        path, _parse_as, _expect, apache2 = line.split("\t")[:4]
        rows[path] = apache2
    return rows


def cmd_verify(args):
    rows = expectation_rows()
    files = all_corpus_files()
    problems = [f"{rel}: no row" for rel in files if rel not in rows]
    problems += [f"{rel}: row for a file the corpus lacks" for rel in rows if rel not in files]
    claimed = {rel: rows[rel] for rel in files if rows.get(rel, "none") != "none"}
    for rel, (value, message) in sorted(judge_many(list(claimed), args.jobs).items()):
        if value != claimed[rel]:
            problems.append(f"{rel}: the TSV says {claimed[rel]!r}, apache2 says {value!r}: {message}")
    for p in problems:
        print(f"DIFFERS: {p}")
    print(f"verify {'FAILED' if problems else 'ok'}: {len(claimed)} files, "
          f"{len(RUNS)} runs each, {len(problems)} differences")
    return 1 if problems else 0


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jobs", type=int, default=2, help="files judged in parallel (default 2)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("verdicts", help="print apache2's verdict on corpus files")
    p.add_argument("paths", nargs="*", help="paths relative to the corpus (default: all)")
    sub.add_parser("verify", help="recompute the apache2 column of tests/corpus-expectations.tsv")
    args = parser.parse_args()
    return {"verdicts": cmd_verdicts, "verify": cmd_verify}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
