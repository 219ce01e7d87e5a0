#!/usr/bin/env python3
"""httpd_oracle.py: runs the real Debian `apache2` as the judge of apachelint's tests.

What it holds
  * A library (import it, or use the subcommands) that materialises a configuration in a
    fresh temp dir, runs `apache2 -d <root> -f <file> [-D ...] [-C ...]` in one of four
    modes (`-t`, `-S`, `-t -D DUMP_INCLUDES`, `-t -D DUMP_CONFIG` with mod_info loaded by
    `-C`), always with a timeout (an Include of a FIFO hangs httpd forever), and
    normalises the output into a verdict record:

        {"exit": 0|1, "ok": bool,
         "first_error": {"file": "<ROOT>/x.conf", "line": N, "message": "...",
                         "phase": "read"|"walk"|"check"} | null,
         "warnings": ["..."], "raw": "..."}

  * Golden recording and verification for
      - grammar-fixtures/{ok,err}/<case>.conf  ->  <case>.httpd.json (the -t verdict;
        for OK cases also the DUMP_CONFIG text)
      - tests/differential/trees/<name>/tree.json (a recipe)  ->  verdict.json,
        dump_includes.txt, vhosts.txt, dump_config.txt in the same folder.
      - tests/mutations/cases/<category>/<NNN-slug>.json (one small edit to one file of
        one recipe's tree, written by scripts/gen_mutations.py)  ->  its "httpd" field:
        the -t verdict of the edited tree, run exactly like the recipe.

What it promises
  * /etc/apache2 is never written and no server is started: every run is `-t`/`-S`
    on a throw-away copy, with APACHE_RUN_USER/GROUP=www-data and APACHE_RUN_DIR,
    APACHE_LOCK_DIR, APACHE_LOG_DIR, APACHE_PID_FILE inside the temp dir.
  * Output is reproducible: temp paths become `<ROOT>` (the materialised config root),
    `<VAR>` (run/lock/log dirs) and `<TMP>` (anything else in the temp dir); log
    timestamps and `[pid N:tid N]` are dropped; the AH00558 "Could not reliably
    determine the server's fully qualified domain name" notice is dropped, and the name
    it falls back to (the machine's hostname) is shown as `<FQDN>` in `-S` vhost tables;
    resolver texts `(EAI n)...:` become `(EAI)`; the `Mutex` lines of `-S`, which httpd
    prints in hash order, are sorted.
  * Phases, by output format: `read` = pass 1 (`apache2: Syntax error on line N of F: msg`,
    include prefixes nested, the innermost file/line kept; also `Syntax error in -C/-c
    directive` and `Could not open configuration file`), `walk` = pass 2 (`AH00526: Syntax
    error on line N of F:` + message line), `check` = any other fatal exit (its last line
    that is not `AH00014: Configuration check failed`; e.g. AH02291, AH00543, AH00534).
  * `verify` re-runs everything into a temp location, diffs against the committed
    goldens and exits 1 on any drift (changed, missing or stale golden files).

Standard library only (python3 >= 3.9). Run `scripts/httpd_oracle.py --help`.
"""

import argparse
import difflib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURES_DIR = REPO / "grammar-fixtures"
TREES_DIR = REPO / "tests" / "differential" / "trees"
DEBIAN_SNAPSHOT_DIR = REPO / "tests" / "differential" / "debian-default"
MUTATIONS_DIR = REPO / "tests" / "mutations" / "cases"

APACHE2 = "apache2"
MODULES_DIR = "/usr/lib/apache2/modules"
RUN_TIMEOUT_SECONDS = 30

# The modules a fresh install of Debian's apache2 2.4.71-1~deb12u1 enables:
# the LoadModule lines of /etc/apache2/mods-enabled/*.load, in that glob's (strcmp) order.
# Grammar fixtures run with exactly these loaded via -C, so Require, DirectoryIndex,
# AddType, Alias ... are known directives. `debian_environment_notes()` compares this list
# with the machine.
DEBIAN_DEFAULT_MODULES = (
    ("access_compat_module", "mod_access_compat.so"),
    ("alias_module", "mod_alias.so"),
    ("auth_basic_module", "mod_auth_basic.so"),
    ("authn_core_module", "mod_authn_core.so"),
    ("authn_file_module", "mod_authn_file.so"),
    ("authz_core_module", "mod_authz_core.so"),
    ("authz_host_module", "mod_authz_host.so"),
    ("authz_user_module", "mod_authz_user.so"),
    ("autoindex_module", "mod_autoindex.so"),
    ("deflate_module", "mod_deflate.so"),
    ("dir_module", "mod_dir.so"),
    ("env_module", "mod_env.so"),
    ("filter_module", "mod_filter.so"),
    ("mime_module", "mod_mime.so"),
    ("mpm_event_module", "mod_mpm_event.so"),
    ("negotiation_module", "mod_negotiation.so"),
    ("reqtimeout_module", "mod_reqtimeout.so"),
    ("setenvif_module", "mod_setenvif.so"),
    ("status_module", "mod_status.so"),
)

# Without ServerRoot-relative `logs/`, httpd's default ErrorLog fails the -t check
# (AH02291). Fixtures get this ErrorLog as their last -C directive; a fixture's own
# ErrorLog still overrides it.
FIXTURE_ERROR_LOG = "ErrorLog <VAR>/log/error.log"

# A fixture may start with `# oracle: <apache2 arguments>` (shell words).
FIXTURE_HEADER = b"# oracle:"
FIXTURE_HEADER_FLAGS = ("-C", "-c", "-D")

MODES = {
    "t": ["-t"],
    "S": ["-S"],
    "dump_includes": ["-t", "-D", "DUMP_INCLUDES"],
    "dump_config": [
        "-C",
        f"LoadModule info_module {MODULES_DIR}/mod_info.so",
        "-t",
        "-D",
        "DUMP_CONFIG",
    ],
}
TREE_GOLDEN_FILES = {
    "dump_includes": "dump_includes.txt",
    "S": "vhosts.txt",
    "dump_config": "dump_config.txt",
}

# pass-1 messages that come from section structure (httpd: server/config.c
# ap_build_config_sub, ap_soak_end_container; server/core.c unclosed_directive;
# server/util.c ap_varbuf_cfg_getline). The Rust grammar test uses the same list.
STRUCTURAL_PATTERNS = (
    re.compile(r"^</.* without matching <.* section$"),
    re.compile(r"^Expected </.*> but saw </.*>$"),
    re.compile(r"^Expected </.*> before end of configuration$"),
    re.compile(r" directive missing closing '>'$"),
    re.compile(r"was not closed\.$"),
    re.compile(r": Line too long$"),
)

CONDITIONAL_RE = re.compile(
    rb"(?im)^[ \t]*<[ \t]*If(Module|Define|Version|File|Directive|Section)\b"
)
MACRO_RE = re.compile(rb"(?im)^[ \t]*(<[ \t]*Macro\b|Use[ \t])")
INCLUDE_RE = re.compile(rb"(?im)^[ \t]*Include(Optional)?[ \t]")


# --------------------------------------------------------------------------- sandbox


class Sandbox:
    """A temp dir with `root/` (the config) and `var/{run,lock,log}`; knows how to
    expand recipe placeholders and how to normalise output back to them."""

    def __init__(self):
        # Always under /tmp: httpd cuts very long messages (128 nested include
        # prefixes) at a fixed length, so the temp path length must not vary.
        self.tmp = Path(tempfile.mkdtemp(prefix="httpd-oracle-", dir="/tmp"))
        self.root = self.tmp / "root"
        self.var = self.tmp / "var"
        for sub in ("run", "lock", "log"):
            (self.var / sub).mkdir(parents=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def expand(self, text):
        return (
            text.replace("<ROOT>", str(self.root))
            .replace("<VAR>", str(self.var))
            .replace("<MODULES>", MODULES_DIR)
        )

    def base_env(self):
        return {
            "PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
            "LANG": "C",
            "LC_ALL": "C",
            "APACHE_RUN_USER": "www-data",
            "APACHE_RUN_GROUP": "www-data",
            "APACHE_RUN_DIR": str(self.var / "run"),
            "APACHE_LOCK_DIR": str(self.var / "lock"),
            "APACHE_LOG_DIR": str(self.var / "log"),
            "APACHE_PID_FILE": str(self.var / "run" / "apache2.pid"),
        }

    def normalise(self, text):
        pairs = []
        for path, name in ((self.root, "<ROOT>"), (self.var, "<VAR>"), (self.tmp, "<TMP>")):
            pairs.append((str(path), name))
            real = os.path.realpath(path)
            if real != str(path):
                pairs.append((real, name))
        pairs.sort(key=lambda p: -len(p[0]))
        for old, new in pairs:
            text = text.replace(old, new)
        return text


# --------------------------------------------------------------------------- running


def run_apache2(sandbox, conf, server_root, args, env, mode):
    """Runs apache2 once; returns (exit code or None on timeout, stdout, stderr)
    as text with undecodable bytes shown as \\xHH."""
    cmd = [APACHE2, "-d", str(server_root), "-f", str(conf), *args, *MODES[mode]]
    proc = subprocess.Popen(
        cmd,
        cwd=sandbox.tmp,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=RUN_TIMEOUT_SECONDS)
        code = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        code = None
    decode = lambda b: b.decode("utf-8", errors="backslashreplace")  # noqa: E731
    return code, decode(out), decode(err)


LOG_PREFIX_RE = re.compile(r"^\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d(\.\d+)? \d{4}\] ")
PID_RE = re.compile(r"\[pid \d+(:tid \d+)?\] ")
EAI_RE = re.compile(r"\(EAI -?\d+\)[^:]*:")
FQDN_NOTICE_RE = re.compile(
    r"^AH00558: apache2: Could not reliably determine the server's fully qualified "
    r"domain name, using (\S+)\. Set the 'ServerName' directive globally to suppress this message$"
)


def normalise_lines(sandbox, text):
    """Normalised lines of one output stream, and the AH00558 fallback name (or None)."""
    lines, fallback_name = [], None
    for line in sandbox.normalise(text).splitlines():
        line = PID_RE.sub("", LOG_PREFIX_RE.sub("", line))
        line = EAI_RE.sub("(EAI)", line)
        notice = FQDN_NOTICE_RE.match(line)
        if notice:
            fallback_name = notice.group(1)
            continue
        lines.append(line)
    return lines, fallback_name


def hide_fallback_name(stdout, fallback_name):
    """In a -S vhost table, the name httpd derived from the hostname becomes <FQDN>."""
    if not fallback_name:
        return stdout
    pattern = re.compile(
        r"(?m)(^\S+\s+|default server |port \S+ namevhost )" + re.escape(fallback_name) + r"(?= \()"
    )
    return pattern.sub(lambda m: m.group(1) + "<FQDN>", stdout)


def sort_mutex_lines(stdout):
    """-S lists `Mutex <name>: ...` lines in APR hash order, which changes from run to
    run; the block is sorted so that goldens are stable."""
    lines = stdout.split("\n")
    mutex = [i for i, line in enumerate(lines) if line.startswith("Mutex ")]
    for i, line in zip(mutex, sorted(lines[i] for i in mutex)):
        lines[i] = line
    return "\n".join(lines)


READ_RE = re.compile(r"^apache2: Syntax error on line (\d+) of (.+?): (.*)$")
NESTED_RE = re.compile(r"^Syntax error on line (\d+) of (.+?): (.*)$")
READ_CMDLINE_RE = re.compile(r"^apache2: Syntax error in -C/-c directive: (.*)$")
READ_OPEN_RE = re.compile(r"^apache2: (Could not open configuration file .*)$")
WALK_RE = re.compile(r"^AH00526: Syntax error on line (\d+) of (.+):$")
CHECK_FAILED = "AH00014: Configuration check failed"


def first_error(lines):
    """(error record, indexes of the lines it used) for a failed run."""
    for i, line in enumerate(lines):
        m = READ_RE.match(line)
        if m:
            line_no, file, message = int(m.group(1)), m.group(2), m.group(3)
            while True:
                inner = NESTED_RE.match(message)
                if not inner:
                    break
                line_no, file, message = int(inner.group(1)), inner.group(2), inner.group(3)
            return error_record(file, line_no, message, "read"), {i}
        m = READ_CMDLINE_RE.match(line)
        if m:
            return error_record("-C/-c directives", None, m.group(1), "read"), {i}
        m = READ_OPEN_RE.match(line)
        if m:
            return error_record(None, None, m.group(1), "read"), {i}
        m = WALK_RE.match(line)
        if m:
            message = lines[i + 1] if i + 1 < len(lines) else ""
            return error_record(m.group(2), int(m.group(1)), message, "walk"), {i, i + 1}
    for i in range(len(lines) - 1, -1, -1):
        if lines[i] != CHECK_FAILED:
            used = {i} | {j for j in range(i, len(lines)) if lines[j] == CHECK_FAILED}
            return error_record(None, None, lines[i], "check"), used
    return error_record(None, None, "", "check"), set()


def error_record(file, line, message, phase):
    return {"file": file, "line": line, "message": message, "phase": phase}


def verdict(sandbox, code, stdout, stderr):
    """The normalised verdict record of one run."""
    lines, _ = normalise_lines(sandbox, stderr)
    out_lines, _ = normalise_lines(sandbox, stdout)
    record = {"exit": code, "ok": code == 0, "first_error": None, "warnings": []}
    used = set()
    if code is None:
        record["first_error"] = error_record(
            None, None, f"timed out after {RUN_TIMEOUT_SECONDS}s", "timeout"
        )
    elif code != 0:
        record["first_error"], used = first_error(lines)
    record["warnings"] = [
        line for i, line in enumerate(lines) if i not in used and line != "Syntax OK"
    ]
    record["raw"] = "\n".join(out_lines + lines)
    return record


def is_structural(message):
    return any(p.search(message) for p in STRUCTURAL_PATTERNS)


# --------------------------------------------------------------------------- fixtures


def fixture_cases(only=None):
    """(kind, conf path) of every fixture, ok/ then err/, sorted by name."""
    cases = []
    for kind in ("ok", "err"):
        for conf in sorted((FIXTURES_DIR / kind).glob("*.conf")):
            if only and conf.stem not in only:
                continue
            cases.append((kind, conf))
    return cases


def fixture_header_args(conf_bytes, name):
    first = conf_bytes.split(b"\n", 1)[0]
    if not first.startswith(FIXTURE_HEADER):
        return []
    args = shlex.split(first[len(FIXTURE_HEADER):].decode("utf-8"))
    if len(args) % 2 or any(flag not in FIXTURE_HEADER_FLAGS for flag in args[::2]):
        raise SystemExit(f"{name}: the oracle header takes pairs of {FIXTURE_HEADER_FLAGS}: {args}")
    return args


def fixture_files(conf):
    """The fixture's files: the conf, then everything in its `<case>.files/` sidecar."""
    files = [conf]
    sidecar = conf.with_suffix(".files")
    if sidecar.is_dir():
        files += sorted(p for p in sidecar.rglob("*") if p.is_file() and not p.is_symlink())
    return files


def fixture_tags(conf, header_args):
    texts = [p.read_bytes() for p in fixture_files(conf)]
    tags = []
    if any(CONDITIONAL_RE.search(t) for t in texts):
        tags.append("conditional")
    if any(MACRO_RE.search(t) for t in texts):
        tags.append("macro")
    if any(b"${" in t for t in texts):
        tags.append("variables")
    if any(INCLUDE_RE.search(t) for t in texts):
        tags.append("include")
    if conf.with_suffix(".files").is_dir():
        tags.append("multi-file")
    if header_args:
        tags.append("oracle-args")
    return tags


def judge(record, tags):
    """The first apachelint stage that must reproduce httpd's verdict: `parser` for a
    pass-1 structural error in files without conditionals, macros or ${VAR}s,
    `loader` for any other pass-1 outcome that needs them (or includes, defines,
    LoadModule), `check` for pass-2 and later errors and for every OK verdict."""
    error = record["first_error"]
    if error is None or error["phase"] in ("walk", "check"):
        return "check"
    if error["phase"] == "read" and is_structural(error["message"]):
        in_fixture = (error["file"] or "").startswith("<ROOT>/")
        if in_fixture and not {"conditional", "macro", "variables"} & set(tags):
            return "parser"
    return "loader"


def run_fixture(kind, conf):
    conf_bytes = conf.read_bytes()
    name = f"{kind}/{conf.name}"
    header_args = fixture_header_args(conf_bytes, name)
    with Sandbox() as sb:
        sb.root.mkdir()
        target = sb.root / conf.name
        target.write_bytes(conf_bytes)
        sidecar = conf.with_suffix(".files")
        if sidecar.is_dir():
            shutil.copytree(sidecar, sb.root, symlinks=True, dirs_exist_ok=True)
        args = []
        for module, so in DEBIAN_DEFAULT_MODULES:
            args += ["-C", f"LoadModule {module} {MODULES_DIR}/{so}"]
        args += ["-C", sb.expand(FIXTURE_ERROR_LOG)]
        args += [sb.expand(a) for a in header_args]
        code, out, err = run_apache2(sb, target, sb.root, args, sb.base_env(), "t")
        record = verdict(sb, code, out, err)
        dump_config = None
        if record["ok"]:
            _, out, _ = run_apache2(sb, target, sb.root, args, sb.base_env(), "dump_config")
            dump_config = sb.normalise(out)
    tags = fixture_tags(conf, header_args)
    golden = {
        "fixture": name,
        "oracle_args": header_args,
        "tags": tags,
        "judge": judge(record, tags),
    }
    golden.update(record)
    golden["dump_config"] = dump_config
    return golden


def fixture_golden_path(conf):
    return conf.with_suffix(".httpd.json")


def render_json(value):
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def fixture_outputs(only=None):
    """{golden path: text} for every fixture, plus a list of placement problems
    (an ok/ fixture httpd rejects, or an err/ fixture it accepts)."""
    outputs, problems = {}, []
    for kind, conf in fixture_cases(only):
        golden = run_fixture(kind, conf)
        if golden["ok"] != (kind == "ok"):
            problems.append(
                f"{kind}/{conf.name}: httpd says {'OK' if golden['ok'] else 'error'}: "
                f"{(golden['first_error'] or {}).get('message', '')}"
            )
        outputs[fixture_golden_path(conf)] = render_json(golden)
    return outputs, problems


# --------------------------------------------------------------------------- trees


def shared_dir():
    env = os.environ.get("APACHELINT_SHARED")
    return Path(env) if env else REPO.parent / "shared"


def load_recipe(name):
    return json.loads((TREES_DIR / name / "tree.json").read_text())


def tree_names(only=None):
    names = sorted(p.parent.name for p in TREES_DIR.glob("*/tree.json"))
    return [n for n in names if not only or n in only]


def materialise_debian_default(dest):
    """Rebuilds the pristine Debian /etc/apache2 from the committed snapshot."""
    manifest = json.loads((DEBIAN_SNAPSHOT_DIR / "MANIFEST.json").read_text())
    for directory in manifest["directories"]:
        (dest / directory).mkdir(parents=True, exist_ok=True)
    for rel in manifest["files"]:
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DEBIAN_SNAPSHOT_DIR / rel, dest / rel)
    for rel, target in manifest["symlinks"].items():
        os.symlink(target, dest / rel)


def copy_corpus_tree(src, dest, symlinks):
    """Copies a corpus tree with plain, writable files (the corpus is read-only), and
    turns the entries listed in `symlinks` back into symlinks: the copy of the corpus
    in shared/ stores each symlink as a file holding its target, and either form is
    accepted as long as the target is the recorded one."""
    for dirpath, dirnames, filenames in os.walk(src):
        rel_dir = Path(dirpath).relative_to(src)
        (dest / rel_dir).mkdir(parents=True, exist_ok=True)
        for name in dirnames + filenames:
            source = Path(dirpath) / name
            if source.is_symlink():
                os.symlink(os.readlink(source), dest / rel_dir / name)
            elif source.is_file():
                (dest / rel_dir / name).write_bytes(source.read_bytes())
    for rel, target in symlinks.items():
        path = dest / rel
        stored = os.readlink(path) if path.is_symlink() else path.read_bytes().decode()
        if stored != target:
            raise SystemExit(f"{rel}: recipe says symlink to {target!r}, corpus has {stored!r}")
        path.unlink()
        os.symlink(target, path)


def flattened_symlinks(src):
    """Entries of a corpus tree that are symlinks, or files holding nothing but the
    relative path of an existing entry (how shared/ stores symlinks): {rel: target}."""
    found = {}
    for dirpath, _, filenames in os.walk(src):
        for name in filenames:
            path = Path(dirpath) / name
            if path.is_symlink():
                target = os.readlink(path)
            else:
                data = path.read_bytes()
                if not data or len(data) > 255 or any(c in data for c in b" \t\n\0"):
                    continue
                target = data.decode("utf-8", errors="replace")
                if not os.path.lexists(path.parent / target):
                    continue
            found[path.relative_to(src).as_posix()] = target
    return dict(sorted(found.items()))


def materialise_source(sb, source):
    kind = source["kind"]
    if kind == "debian-default":
        materialise_debian_default(sb.root)
    elif kind == "corpus":
        dest = sb.root / source.get("into", ".")
        copy_corpus_tree(shared_dir() / "corpus" / source["path"], dest, source.get("symlinks", {}))
    elif kind == "gen_large":
        pristine = sb.tmp / "pristine"
        materialise_debian_default(pristine)
        script = shared_dir() / "perf" / "gen_large.py"
        subprocess.run(
            [sys.executable, str(script), "--out", str(sb.root), "--pristine", str(pristine),
             *source["args"]],
            check=True,
            stdout=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )
        shutil.rmtree(pristine)
    else:
        raise SystemExit(f"unknown tree source kind {kind!r}")


def apply_adjustment(sb, adj):
    op = adj["op"]
    at = lambda rel: sb.root / rel  # noqa: E731
    if op == "replace":
        path = at(adj["file"])
        text = path.read_bytes()
        old, new = adj["old"].encode(), sb.expand(adj["new"]).encode()
        found = text.count(old)
        if found != adj["count"]:
            raise SystemExit(f"replace in {adj['file']}: {adj['old']!r} found {found}x, recipe says {adj['count']}")
        if path.is_symlink():
            path.unlink()
        path.write_bytes(text.replace(old, new))
    elif op == "write":
        path = at(adj["path"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(sb.expand(adj["text"]).encode())
    elif op == "symlink":
        path = at(adj["path"])
        path.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(sb.expand(adj["target"]), path)
    elif op == "mkdir":
        at(adj["path"]).mkdir(parents=True, exist_ok=True)
    elif op == "remove":
        path = at(adj["path"])
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    elif op == "rename":
        at(adj["from"]).rename(at(adj["to"]))
    elif op == "copy_debian":
        path = at(adj["to"])
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DEBIAN_SNAPSHOT_DIR / adj["from"], path)
    else:
        raise SystemExit(f"unknown adjustment op {op!r}")


def materialise_tree(sb, recipe):
    materialise_source(sb, recipe["source"])
    for adj in recipe.get("adjustments", []):
        apply_adjustment(sb, adj)


def tree_args(sb, recipe):
    args = []
    for directive in recipe.get("pre_directives", []):
        args += ["-C", sb.expand(directive)]
    for name in recipe.get("defines", []):
        args += ["-D", name]
    return args


def tree_env(sb, recipe):
    env = {"PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"), "LANG": "C", "LC_ALL": "C"}
    env.update({k: sb.expand(v) for k, v in recipe.get("env", {}).items()})
    return env


def tree_outputs(name, dest_dir):
    """{golden path under dest_dir: text} for one recipe."""
    recipe = load_recipe(name)
    with Sandbox() as sb:
        materialise_tree(sb, recipe)
        conf = sb.root / recipe["root_file"]
        server_root = sb.root / recipe.get("server_root", ".")
        args, env = tree_args(sb, recipe), tree_env(sb, recipe)
        outputs, exits = {}, {}
        record = None
        for mode in MODES:
            code, out, err = run_apache2(sb, conf, server_root, args, env, mode)
            exits[mode] = code
            if mode == "t":
                record = verdict(sb, code, out, err)
                continue
            _, fallback_name = normalise_lines(sb, err)
            text = sb.normalise(out)
            if mode == "S":
                text = sort_mutex_lines(hide_fallback_name(text, fallback_name))
            outputs[dest_dir / TREE_GOLDEN_FILES[mode]] = text
    golden = {"tree": name, "exit_by_mode": exits}
    golden.update(record)
    outputs[dest_dir / "verdict.json"] = render_json(golden)
    return outputs


# --------------------------------------------------------------------------- mutations


class EditError(Exception):
    """A mutation's edit does not apply to its tree (the tree or the case changed)."""


def split_lines(data):
    """Physical lines as httpd reads them (split on LF only), and whether the data
    ended with a LF."""
    ends = data.endswith(b"\n")
    lines = data.split(b"\n")
    if ends:
        lines.pop()
    return lines, ends


def edited_bytes(original, edit, expand):
    """The bytes of a file after one mutation edit. `original` is None for a file
    that does not exist yet (only `append` may create one). Text fields may hold
    the placeholders <ROOT>, <VAR>, <MODULES> (`expand` replaces them).

      replace            {"line": N, "old": s, "new": s}  physical line N must be
                         exactly `old`; it becomes `new` (which may hold LFs)
      delete_line        {"line": N, "old": s}            line N must be `old`; removed
      insert_after_line  {"line": N, "text": s}           `text` + LF after line N (0: at the top)
      append             {"text": s, "final_newline": b}  at the end (after a LF if the file
                         lacks one), then a LF unless final_newline is false

    The other ops keep whether the file ended with a LF."""
    op = edit["op"]
    if op == "append":
        data = original or b""
        if data and not data.endswith(b"\n"):
            data += b"\n"
        data += expand(edit["text"]).encode()
        if edit.get("final_newline", True):
            data += b"\n"
        return data
    if original is None:
        raise EditError(f"{op}: the file does not exist")
    lines, ends = split_lines(original)
    n = edit["line"]
    if op == "insert_after_line":
        if not 0 <= n <= len(lines):
            raise EditError(f"insert_after_line {n}: the file has {len(lines)} lines")
        lines[n:n] = [expand(edit["text"]).encode()]
    elif op in ("replace", "delete_line"):
        if not 1 <= n <= len(lines):
            raise EditError(f"{op} {n}: the file has {len(lines)} lines")
        old = expand(edit["old"]).encode()
        if lines[n - 1] != old:
            raise EditError(f"{op} {n}: line is {lines[n - 1]!r}, the case expects {old!r}")
        if op == "replace":
            lines[n - 1] = expand(edit["new"]).encode()
        else:
            del lines[n - 1]
    else:
        raise EditError(f"unknown edit op {op!r}")
    return b"\n".join(lines) + (b"\n" if ends and lines else b"")


class AppliedEdit:
    """Applies a mutation to a materialised tree and undoes it again (the file's
    bytes restored, or the file and any directories it needed removed)."""

    def __init__(self, sb, case):
        self.path = sb.root / case["file"]
        exists = self.path.exists()
        if self.path.is_symlink() and not exists:
            raise EditError(f"{case['file']} is a dangling symlink")
        self.original = self.path.read_bytes() if exists else None
        data = edited_bytes(self.original, case["edit"], sb.expand)
        self.made_dirs = []
        parent = self.path.parent
        while not parent.exists():
            self.made_dirs.append(parent)
            parent = parent.parent
        for directory in reversed(self.made_dirs):
            directory.mkdir()
        self.path.write_bytes(data)

    def undo(self):
        if self.original is None:
            self.path.unlink()
        else:
            self.path.write_bytes(self.original)
        for directory in self.made_dirs:
            directory.rmdir()


def mutation_cases(only=None):
    """Case files, sorted; `only` holds `<category>/<stem>`, stems or categories."""
    cases = sorted(MUTATIONS_DIR.glob("*/*.json"))
    if only:
        cases = [
            c for c in cases
            if c.stem in only or c.parent.name in only or f"{c.parent.name}/{c.stem}" in only
        ]
    return cases


class TreeCache:
    """Materialised recipes, one set per worker thread, reused across the cases of
    a run (each case undoes its edit). Removed by close()."""

    def __init__(self):
        self.local = threading.local()
        self.lock = threading.Lock()
        self.sandboxes = []

    def get(self, name):
        trees = getattr(self.local, "trees", None)
        if trees is None:
            trees = self.local.trees = {}
        if name not in trees:
            recipe = load_recipe(name)
            sb = Sandbox()
            with self.lock:
                self.sandboxes.append(sb)
            materialise_tree(sb, recipe)
            trees[name] = (sb, recipe)
        return trees[name]

    def close(self):
        for sb in self.sandboxes:
            sb.__exit__(None, None, None)


def mutation_verdict(cache, case):
    """apache2 -t's normalised verdict on the case's tree with its edit applied."""
    sb, recipe = cache.get(case["tree"])
    conf = sb.root / recipe["root_file"]
    server_root = sb.root / recipe.get("server_root", ".")
    applied = AppliedEdit(sb, case)
    try:
        code, out, err = run_apache2(sb, conf, server_root, tree_args(sb, recipe), tree_env(sb, recipe), "t")
    finally:
        applied.undo()
    record = verdict(sb, code, out, err)
    del record["raw"]
    return record


def mutation_jobs():
    """Worker threads for mutation runs: $ORACLE_JOBS, else the number of CPUs."""
    return max(1, int(os.environ.get("ORACLE_JOBS") or os.cpu_count() or 1))


def mutation_outputs(only=None, dest_root=REPO):
    """{case path under dest_root: case text with a fresh "httpd" verdict}."""
    paths = mutation_cases(only)
    cache = TreeCache()

    def one(path):
        case = json.loads(path.read_text())
        try:
            case["httpd"] = mutation_verdict(cache, case)
        except EditError as e:
            raise SystemExit(f"{path.relative_to(REPO)}: {e}")
        return dest_root / path.relative_to(REPO), render_json(case)

    try:
        with ThreadPoolExecutor(max_workers=mutation_jobs()) as pool:
            return dict(pool.map(one, paths))
    finally:
        cache.close()



# --------------------------------------------------------------------------- debian snapshot


def debian_package_version():
    out = subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}", "apache2"], capture_output=True, text=True
    )
    return out.stdout.strip() if out.returncode == 0 else None


def snapshot_debian(etc=Path("/etc/apache2")):
    """Writes the apache2 package's own files under /etc/apache2 (per `dpkg -L`) and
    the *-enabled symlinks into tests/differential/debian-default/."""
    listed = subprocess.run(["dpkg", "-L", "apache2"], capture_output=True, text=True, check=True)
    owned = sorted(
        Path(p).relative_to(etc).as_posix()
        for p in listed.stdout.splitlines()
        if p.startswith(str(etc) + "/") and Path(p).is_file() and not Path(p).is_symlink()
    )
    symlinks = {
        p.relative_to(etc).as_posix(): os.readlink(p)
        for p in sorted(etc.glob("*-enabled/*"))
        if p.is_symlink()
    }
    directories = sorted(p.relative_to(etc).as_posix() for p in etc.iterdir() if p.is_dir())
    if DEBIAN_SNAPSHOT_DIR.exists():
        shutil.rmtree(DEBIAN_SNAPSHOT_DIR)
    for rel in owned:
        (DEBIAN_SNAPSHOT_DIR / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(etc / rel, DEBIAN_SNAPSHOT_DIR / rel)
    manifest = {
        "what": "The pristine /etc/apache2 of a fresh install of Debian's apache2 package: "
        "the package's own files (dpkg -L apache2) and the *-enabled symlinks its "
        "postinst creates. Rebuilt by tests/support/trees.rs and scripts/httpd_oracle.py.",
        "package": "apache2",
        "version": debian_package_version(),
        "directories": directories,
        "files": owned,
        "symlinks": symlinks,
    }
    (DEBIAN_SNAPSHOT_DIR / "MANIFEST.json").write_text(render_json(manifest))
    print(f"wrote {len(owned)} files and {len(symlinks)} symlinks to {DEBIAN_SNAPSHOT_DIR}")


def debian_environment_notes():
    """Differences between this machine and what the goldens were recorded with.
    They are notes, not drift: goldens never read /etc/apache2."""
    notes = []
    manifest = json.loads((DEBIAN_SNAPSHOT_DIR / "MANIFEST.json").read_text())
    version = debian_package_version()
    if version != manifest["version"]:
        notes.append(f"apache2 package is {version}, snapshot is {manifest['version']}")
    etc = Path("/etc/apache2")
    enabled = sorted(p.name for p in (etc / "mods-enabled").glob("*.load"))
    expected = sorted(so.removeprefix("mod_").removesuffix(".so") + ".load" for _, so in DEBIAN_DEFAULT_MODULES)
    if enabled != expected:
        notes.append(f"/etc/apache2/mods-enabled/*.load differs from DEBIAN_DEFAULT_MODULES: {enabled}")
    for rel in manifest["files"]:
        if not (etc / rel).is_file() or (etc / rel).read_bytes() != (DEBIAN_SNAPSHOT_DIR / rel).read_bytes():
            notes.append(f"/etc/apache2/{rel} differs from the committed snapshot")
    return notes


# --------------------------------------------------------------------------- commands


def collect(select, dest_root, only):
    """{path relative to the repo: text} of every golden the selection produces,
    written as if the repo were at dest_root; plus placement problems."""
    outputs, problems = {}, []
    started = time.monotonic()
    if select in ("all", "fixtures"):
        fixture_out, problems = fixture_outputs(only)
        outputs.update({p.relative_to(REPO): t for p, t in fixture_out.items()})
        started = lap("fixtures", started)
    if select in ("all", "trees"):
        for name in tree_names(only):
            rel_dir = (TREES_DIR / name).relative_to(REPO)
            for path, text in tree_outputs(name, dest_root / rel_dir).items():
                outputs[path.relative_to(dest_root)] = text
        started = lap("trees", started)
    if select in ("all", "mutations"):
        mutation_out = mutation_outputs(only, dest_root)
        outputs.update({p.relative_to(dest_root): t for p, t in mutation_out.items()})
        rejected = sum(not json.loads(t)["httpd"]["ok"] for t in mutation_out.values())
        print(f"mutations: {len(mutation_out)} cases, {rejected} rejected by apache2")
        lap(f"mutations ({mutation_jobs()} jobs)", started)
    return outputs, problems


def lap(what, started):
    now = time.monotonic()
    print(f"{what}: {now - started:.1f}s")
    return now


def committed_goldens(select, only):
    paths = set()
    if select in ("all", "fixtures"):
        for _, conf in fixture_cases(only):
            paths.add(fixture_golden_path(conf).relative_to(REPO))
        for kind in ("ok", "err"):
            for golden in (FIXTURES_DIR / kind).glob("*.httpd.json"):
                if not only or golden.name.removesuffix(".httpd.json") in only:
                    paths.add(golden.relative_to(REPO))
    if select in ("all", "trees"):
        for name in tree_names(only):
            for file in ["verdict.json", *TREE_GOLDEN_FILES.values()]:
                paths.add((TREES_DIR / name / file).relative_to(REPO))
    if select in ("all", "mutations"):
        paths.update(p.relative_to(REPO) for p in mutation_cases(only))
    return paths


def cmd_record(args):
    outputs, problems = collect(args.select, REPO, args.only)
    for rel, text in sorted(outputs.items()):
        path = REPO / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            print(f"wrote {rel}")
    for stale in sorted(committed_goldens(args.select, args.only) - set(outputs)):
        (REPO / stale).unlink()
        print(f"removed stale {stale}")
    for p in problems:
        print(f"MISPLACED: {p}", file=sys.stderr)
    print(f"recorded {len(outputs)} golden files")
    return 1 if problems else 0


def cmd_verify(args):
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="httpd-oracle-verify-") as scratch:
        outputs, problems = collect(args.select, Path(scratch), args.only)
    drift = 0
    for rel in sorted(set(outputs) | committed_goldens(args.select, args.only)):
        path = REPO / rel
        fresh = outputs.get(rel)
        old = path.read_text() if path.exists() else None
        if fresh == old:
            continue
        drift += 1
        if old is None:
            print(f"DRIFT: {rel}: no committed golden (run `record`)")
        elif fresh is None:
            print(f"DRIFT: {rel}: committed golden has no fixture or recipe")
        else:
            print(f"DRIFT: {rel}:")
            sys.stdout.writelines(
                difflib.unified_diff(
                    old.splitlines(keepends=True), fresh.splitlines(keepends=True),
                    f"committed/{rel}", f"apache2/{rel}",
                )
            )
    for p in problems:
        print(f"MISPLACED: {p}")
    for note in debian_environment_notes():
        print(f"note: {note}")
    elapsed = time.monotonic() - started
    status = "FAILED" if drift or problems else "ok"
    print(f"verify {status}: {len(outputs)} golden files, {drift} drifted, "
          f"{len(problems)} misplaced, {elapsed:.1f}s")
    return 1 if drift or problems else 0


def cmd_run(args):
    """Ad-hoc: run one file as a fixture would be run and print its verdict."""
    conf = Path(args.file).resolve()
    print(render_json(run_fixture("adhoc", conf)), end="")
    return 0


def cmd_run_tree(args):
    """Ad-hoc: print every output of one recipe."""
    with tempfile.TemporaryDirectory() as scratch:
        for path, text in sorted(tree_outputs(args.name, Path(scratch)).items()):
            print(f"==> {path.name}")
            print(text, end="" if text.endswith("\n") or not text else "\n")
    return 0


def cmd_run_mutation(args):
    """Ad-hoc: run one mutation case, print apache2's raw output and the verdict; with
    --keep, leave the edited tree in place and print how to run apachelint on it."""
    paths = mutation_cases([args.case])
    if len(paths) != 1:
        raise SystemExit(f"{args.case}: {len(paths)} cases match (give <category>/<stem>)")
    case = json.loads(paths[0].read_text())
    recipe = load_recipe(case["tree"])
    sb = Sandbox()
    try:
        materialise_tree(sb, recipe)
        applied = AppliedEdit(sb, case)
        conf = sb.root / recipe["root_file"]
        server_root = sb.root / recipe.get("server_root", ".")
        args_, env = tree_args(sb, recipe), tree_env(sb, recipe)
        code, out, err = run_apache2(sb, conf, server_root, args_, env, "t")
        print(f"==> {case['tree']}: {case['description']}")
        print(f"==> apache2 -t exited {code}")
        print(sb.normalise(out + err), end="")
        record = verdict(sb, code, out, err)
        del record["raw"]
        print("==> verdict" + ("" if record == case["httpd"] else " (DIFFERS from the committed one)"))
        print(render_json(record), end="")
        if args.keep:
            words = ["apachelint", "check", str(conf), "--server-root", str(server_root)]
            for flag, value in zip(args_[::2], args_[1::2]):
                words += [flag, value]
            words += [f"--env={k}={v}" for k, v in env.items() if k not in ("PATH", "LANG", "LC_ALL")]
            print(f"==> the edited tree is kept in {sb.tmp}; try:")
            print(" ".join(shlex.quote(w) for w in words))
        else:
            applied.undo()
    finally:
        if not args.keep:
            sb.__exit__(None, None, None)
    return 0


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("record", "run apache2 and write the goldens"),
        ("verify", "run apache2 into a temp dir and diff against the goldens; exit 1 on drift"),
    ):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--select", choices=("all", "fixtures", "trees", "mutations"), default="all")
        p.add_argument(
            "only", nargs="*",
            help="fixture stems, tree names, mutation categories or <category>/<stem> (default: all)",
        )
    p = sub.add_parser("run", help="print the verdict for one config file, run as a fixture")
    p.add_argument("file")
    p = sub.add_parser("run-tree", help="print every output for one tree recipe")
    p.add_argument("name")
    p = sub.add_parser("run-mutation", help="run one mutation case and print apache2's output and verdict")
    p.add_argument("case", help="<category>/<stem> of a case in tests/mutations/cases")
    p.add_argument("--keep", action="store_true", help="keep the edited tree and print an apachelint command for it")
    p = sub.add_parser("corpus-symlinks", help="print the symlinks (stored or flattened) of a corpus tree, for a recipe")
    p.add_argument("path", help="a path under the shared corpus")
    sub.add_parser("snapshot-debian", help="copy the pristine /etc/apache2 into tests/differential/debian-default")
    p = sub.add_parser("materialise-debian", help="rebuild the committed pristine /etc/apache2 snapshot at DEST (gen_large.py's --pristine)")
    p.add_argument("dest", help="a directory that does not exist yet")
    args = parser.parse_args()
    if args.command == "corpus-symlinks":
        print(render_json(flattened_symlinks(shared_dir() / "corpus" / args.path)), end="")
        return 0
    if args.command == "snapshot-debian":
        snapshot_debian()
        return 0
    if args.command == "materialise-debian":
        dest = Path(args.dest)
        if dest.exists():
            raise SystemExit(f"{dest} exists; refusing to overwrite")
        materialise_debian_default(dest)
        return 0
    handlers = {"record": cmd_record, "verify": cmd_verify, "run": cmd_run, "run-tree": cmd_run_tree,
                "run-mutation": cmd_run_mutation}
    return handlers[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
