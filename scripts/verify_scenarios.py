#!/usr/bin/env python3
"""Verify apachelint's before/after scenarios against the real Apache httpd.

Every scenario directory holds two configuration trees (``baseline/`` and
``candidate/``; the shipped example names the first ``known-good/``) and a
``scenario.json``.  For each tree this script

1. copies the tree to a fresh temporary directory T and rewrites the absolute
   paths the configuration uses so that they live under T (see REWRITE below);
2. evaluates T/etc/apache2/envvars the way apache2ctl does and creates the
   run, lock and log directories it names (all under T);
3. runs ``apache2 -t`` and records the verdict and any warnings;
4. creates a fresh network namespace, brings up ``lo`` and the test addresses
   (ADDRESSES), starts any tiny HTTP backends the scenario asks for, and starts
   ``apache2 -d T/etc/apache2 -f apache2.conf -D FOREGROUND`` inside it;
5. waits until the server has written its PidFile (it has bound every Listen
   by then) or has exited (start failure: its messages are recorded);
6. sends each request with curl inside the namespace and records the status,
   the marker found in the body, the Location header and any headers the
   request asks for; then the access-log line counts and the error-level
   lines of the error logs;
7. stops everything it started in the namespace, deletes the namespace and
   the temporary directory (also on errors, timeouts and Ctrl-C).

Modes:
  record   write the observations into each scenario.json and regenerate
           tests/scenarios/SUMMARY.md
  check    compare fresh observations with the committed ones; exit 1 on any
           drift or when a scenario's verdict does not match what was observed
  show     run and print, write nothing

REWRITE (mechanical, documented in tests/scenarios/README.md): in every regular
file below T/etc and in every ``.htaccess`` file, each occurrence of one of
REWRITE_PREFIXES that starts a path (not preceded by a path character) and ends
at a path boundary is prefixed with T.  Absolute symlink targets with such a
prefix are re-pointed the same way.  Every string recorded from the server's
output has T removed again, so the recorded text shows the realistic paths.

Requires root (ip netns), iproute2, curl and /usr/sbin/apache2.  Stdlib only.
"""

from __future__ import annotations

import argparse
import atexit
import concurrent.futures
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCENARIOS_DIR = REPO / "tests" / "scenarios"
EXAMPLES = [REPO / "examples" / "shop-outage"]
APACHE = os.environ.get("APACHE2", "/usr/sbin/apache2")
PYTHON = sys.executable or "/usr/bin/python3"

REWRITE_PREFIXES = (
    "/etc/apache2",
    "/etc/ssl",
    "/var/www",
    "/var/log/apache2",
    "/var/run/apache2",
    "/var/lock/apache2",
    "/run/apache2",
    "/run/lock/apache2",
)
_PREFIX_RE = re.compile(
    r"(?<![\w.\-/])("
    + "|".join(re.escape(p) for p in sorted(REWRITE_PREFIXES, key=len, reverse=True))
    + r")(?![\w.\-])"
)

# Addresses configured on lo inside every namespace (all reach the server):
#   127.0.0.1      loopback; a local reverse proxy / monitoring agent
#   192.0.2.10     the server's "public" address (what the load balancer uses)
#   198.51.100.7   a client on the company VPN (source address for Require ip)
#   203.0.113.9    a client somewhere on the internet (source address)
ADDRESSES = ("192.0.2.10", "198.51.100.7", "203.0.113.9")

NS_PREFIX = "alsc-"
SIDE_TIMEOUT = 120  # seconds for one side of one scenario, all steps together
START_TIMEOUT = 15
CURL_ERRORS = {
    6: "could not resolve host",
    7: "connection refused",
    28: "timeout",
    35: "TLS handshake failed",
    52: "empty reply",
    56: "connection reset",
}
MARKER_RE = re.compile(rb"\b(site|page|backend|seen)=([A-Za-z0-9_./:-]+)")
LISTING_RE = re.compile(rb"<title>Index of ")
ERROR_LEVEL_RE = re.compile(r"\[([\w-]*):(error|crit|alert|emerg)\]")

# ---------------------------------------------------------------------------
# Process and cleanup registry.  Every namespace, temp dir and child process
# this script creates is registered here.  Children are only ever started
# through _spawn(), which refuses once shutdown has begun, so a Ctrl-C or
# SIGTERM cannot race with a worker thread starting something new.
# ---------------------------------------------------------------------------
_lock = threading.RLock()
_stopping = False
_live_ns: set[str] = set()
_live_tmp: set[str] = set()
_live_procs: set[subprocess.Popen] = set()
_ns_counter = 0


class Stopping(Exception):
    pass


def _spawn(argv, **kw) -> subprocess.Popen:
    with _lock:
        if _stopping:
            raise Stopping()
        p = subprocess.Popen(argv, **kw)
        _live_procs.add(p)
        return p


def _reap(p: subprocess.Popen) -> None:
    with _lock:
        _live_procs.discard(p)


def _run(argv, timeout=20, env=None):
    """subprocess.run(capture_output=True) through the registry; kills the
    child on timeout."""
    p = _spawn(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        raise
    finally:
        _reap(p)
    return subprocess.CompletedProcess(argv, p.returncode, out, err)


def _ns_pids(name: str) -> list[int]:
    try:
        out = subprocess.run(["ip", "netns", "pids", name], capture_output=True, timeout=10).stdout.decode()
    except Exception:
        return []
    return [int(x) for x in out.split() if x.isdigit()]


def _kill_ns_processes(name: str, grace: float = 3.0) -> None:
    """Stop every process inside namespace `name` (all were started by us)."""
    pids = _ns_pids(name)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.time() + grace
    while pids and time.time() < deadline:
        time.sleep(0.1)
        pids = _ns_pids(name)
    deadline = time.time() + 5
    while pids and time.time() < deadline:
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.1)
        pids = _ns_pids(name)


def _delete_ns(name: str) -> None:
    _kill_ns_processes(name)
    try:
        subprocess.run(["ip", "netns", "del", name], capture_output=True, timeout=10)
    except Exception:
        pass
    with _lock:
        _live_ns.discard(name)


def cleanup_all() -> None:
    """Stop everything: no new children, kill the registered ones, empty and
    delete our namespaces, remove our temp dirs."""
    global _stopping
    with _lock:
        _stopping = True
        procs, names, tmps = list(_live_procs), list(_live_ns), list(_live_tmp)
    for p in procs:
        if p.poll() is None:
            try:
                p.kill()
            except ProcessLookupError:
                pass
    for name in names:
        _delete_ns(name)
    for t in tmps:
        shutil.rmtree(t, ignore_errors=True)
        with _lock:
            _live_tmp.discard(t)


def cleanup_stale() -> None:
    """Remove namespaces left by an earlier run of this script that died hard
    (name alsc-<pid>-<n> whose creating process no longer exists)."""
    try:
        out = _run(["ip", "netns", "list"], timeout=10).stdout.decode()
    except Exception:
        return
    for line in out.splitlines():
        name = line.split()[0] if line.split() else ""
        m = re.fullmatch(NS_PREFIX + r"(\d+)-\d+", name)
        if not m:
            continue
        pid = int(m.group(1))
        if pid == os.getpid() or Path(f"/proc/{pid}").exists():
            continue
        print(f"removing stale namespace {name}", file=sys.stderr)
        _delete_ns(name)
    for d in Path(tempfile.gettempdir()).glob(NS_PREFIX + "*"):
        m = re.match(re.escape(NS_PREFIX) + r"(\d+)-", d.name)
        if m and d.is_dir() and not Path(f"/proc/{m.group(1)}").exists():
            print(f"removing stale temp dir {d}", file=sys.stderr)
            shutil.rmtree(d, ignore_errors=True)


class Netns:
    def __init__(self):
        global _ns_counter
        with _lock:
            _ns_counter += 1
            self.name = f"{NS_PREFIX}{os.getpid()}-{_ns_counter}"
            _live_ns.add(self.name)

    def __enter__(self):
        with _lock:  # registered and created atomically with respect to cleanup_all
            _run(["ip", "netns", "add", self.name], timeout=10).check_returncode()
        _run(["ip", "-n", self.name, "link", "set", "lo", "up"], timeout=10).check_returncode()
        for addr in ADDRESSES:
            _run(["ip", "-n", self.name, "addr", "add", f"{addr}/32", "dev", "lo"], timeout=10).check_returncode()
        return self

    def exec(self, argv):
        return ["ip", "netns", "exec", self.name, *argv]

    def __exit__(self, *exc):
        _delete_ns(self.name)


# ---------------------------------------------------------------------------
# Tree preparation
# ---------------------------------------------------------------------------


def rewrite_text(text: str, root: str) -> str:
    return _PREFIX_RE.sub(lambda m: root + m.group(1), text)


def prepare_tree(src: Path, root: Path) -> None:
    shutil.copytree(src, root, symlinks=True)
    os.chmod(root.parent, 0o755)  # the server's user must traverse to var/www
    for dirpath, dirnames, filenames in os.walk(root):
        for fn in filenames + dirnames:
            p = Path(dirpath) / fn
            if p.is_symlink():
                target = os.readlink(p)
                if target.startswith("/") and _PREFIX_RE.match(target):
                    p.unlink()
                    os.symlink(rewrite_text(target, str(root)), p)
                continue
            if not p.is_file():
                continue
            rel = p.relative_to(root).parts
            if rel[0] != "etc" and fn != ".htaccess":
                continue
            try:
                text = p.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
            new = rewrite_text(text, str(root))
            if new != text:
                p.write_text(new, encoding="utf-8")


def load_envvars(root: Path) -> dict[str, str]:
    confdir = root / "etc" / "apache2"
    base = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "APACHE_CONFDIR": str(confdir), "LANG": "C"}
    envvars = confdir / "envvars"
    if not envvars.exists():
        raise RuntimeError("tree has no etc/apache2/envvars")
    res = _run(["sh", "-c", '. "$APACHE_CONFDIR/envvars" >/dev/null 2>&1; env -0'], env=base, timeout=10)
    env = dict(kv.split("=", 1) for kv in res.stdout.decode().split("\0") if "=" in kv)
    env.pop("PWD", None)
    env.pop("SHLVL", None)
    env.pop("_", None)
    # Create what apache2ctl creates, but never outside the sandbox.
    for key in ("APACHE_RUN_DIR", "APACHE_LOCK_DIR", "APACHE_LOG_DIR"):
        d = env.get(key)
        if not d:
            continue
        if not d.startswith(str(root) + "/"):
            raise RuntimeError(f"{key}={d} lies outside the sandbox; add its prefix to REWRITE_PREFIXES")
        Path(d).mkdir(parents=True, exist_ok=True)
    if env.get("APACHE_LOCK_DIR") and env.get("APACHE_RUN_USER"):
        shutil.chown(env["APACHE_LOCK_DIR"], env["APACHE_RUN_USER"], env.get("APACHE_RUN_GROUP"))
    return env


# ---------------------------------------------------------------------------
# Observation
# ---------------------------------------------------------------------------


class Side:
    """One tree of one scenario, prepared in its own temp dir."""

    def __init__(self, tree: Path):
        self.tree = tree
        with _lock:
            if _stopping:
                raise Stopping()
            self.tmp = tempfile.mkdtemp(prefix=f"{NS_PREFIX}{os.getpid()}-")
            _live_tmp.add(self.tmp)
        self.root = Path(self.tmp) / "root"
        self.deadline = time.time() + SIDE_TIMEOUT

    def strip(self, s: str) -> str:
        return s.replace(str(self.root), "")

    def remaining(self, cap: float) -> float:
        left = self.deadline - time.time()
        if left <= 0:
            raise TimeoutError("scenario side exceeded its time limit")
        return min(cap, left)

    def close(self):
        shutil.rmtree(self.tmp, ignore_errors=True)
        with _lock:
            _live_tmp.discard(self.tmp)


def apache_argv(root: Path, *extra: str) -> list[str]:
    return [APACHE, "-d", str(root / "etc" / "apache2"), "-f", "apache2.conf", *extra]


def clean_lines(text: str, side: Side) -> list[str]:
    return [side.strip(l.rstrip()) for l in text.splitlines() if l.strip()]


_LOG_PREFIX_RE = re.compile(r"^\[[^\]]*\d{4}\] ")  # timestamp
_PID_RE = re.compile(r" \[pid \d+(:tid \d+)?\]")
_CLIENT_RE = re.compile(r"\[client ([0-9a-fA-F.:]+?):\d+\]")


def normalise_log_line(line: str) -> str:
    line = _LOG_PREFIX_RE.sub("", line)
    line = _PID_RE.sub("", line)
    return _CLIENT_RE.sub(r"[client \1]", line)


def read_error_lines(side: Side, logdir: Path, only_new_from: dict | None = None) -> list[str]:
    out = []
    if not logdir.is_dir():
        return out
    for f in sorted(logdir.iterdir()):
        if "error" not in f.name or not f.is_file():
            continue
        data = f.read_bytes()
        if only_new_from is not None:
            data = data[only_new_from.get(f.name, 0):]  # byte offsets from log_sizes()
        for line in data.decode(errors="replace").splitlines():
            if ERROR_LEVEL_RE.search(line):
                out.append(f"{f.name}: " + side.strip(normalise_log_line(line)))
    return sorted(set(out))


def log_sizes(logdir: Path) -> dict[str, int]:
    return {f.name: f.stat().st_size for f in logdir.iterdir() if f.is_file()} if logdir.is_dir() else {}


def access_log_counts(logdir: Path) -> dict[str, int]:
    counts = {}
    if logdir.is_dir():
        for f in sorted(logdir.iterdir()):
            if f.is_file() and "error" not in f.name:
                counts[f.name] = sum(1 for _ in f.open("rb"))
    return counts


def wait_ready(proc: subprocess.Popen, ns: Netns, pidfile: str | None, side: Side, ports: set[int]) -> bool:
    """True once the server has written its PidFile (every Listen is bound by
    then); without a PidFile, once one of the requested ports is listening.
    False if the server exits first."""
    deadline = time.time() + side.remaining(START_TIMEOUT)
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        if pidfile:
            if Path(pidfile).exists():
                time.sleep(0.05)
                return proc.poll() is None
        else:
            out = _run(ns.exec(["ss", "-Hltn"]), timeout=10).stdout.decode()
            if any(re.search(rf":{p}\s", out) for p in ports):
                return True
        time.sleep(0.05)
    return proc.poll() is None


def start_backends(ns: Netns, specs: list[dict], side: Side, procs: list) -> None:
    for spec in specs:
        p = _spawn(
            ns.exec([PYTHON, str(Path(__file__).resolve()), "_backend", json.dumps(spec)]),
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )
        procs.append(p)
        line = _readline_with_timeout(p, side.remaining(10))
        if line.strip() != "ready":
            raise RuntimeError(f"backend {spec} did not start")


def _readline_with_timeout(p: subprocess.Popen, timeout: float) -> str:
    result = []
    t = threading.Thread(target=lambda: result.append(p.stdout.readline().decode()), daemon=True)
    t.start()
    t.join(timeout)
    return result[0] if result else ""


def do_request(ns: Netns, req: dict, side: Side, idx: int) -> dict:
    scheme = req.get("scheme", "http")
    host = req["host"]
    default_port = 443 if scheme == "https" else 80
    port = req.get("port", default_port)
    bare_ip = re.fullmatch(r"[\d.]+", host) is not None
    ip = req.get("ip", host if bare_ip else "127.0.0.1")
    path = req.get("path", "/")
    body_f = Path(side.tmp) / f"body{idx}"
    hdr_f = Path(side.tmp) / f"hdr{idx}"
    url_host = host if port == default_port else f"{host}:{port}"
    timeout = req.get("timeout", 5)
    argv = ["curl", "-sS", "--path-as-is", "-o", str(body_f), "-D", str(hdr_f), "-w", "%{http_code}",
            "--max-time", str(timeout), "--connect-timeout", "3", "--noproxy", "*", "-H", "Expect:"]
    if bare_ip:
        if ip != host:
            raise ValueError(f"request to bare IP {host} cannot connect to another address ({ip})")
    else:
        argv += ["--resolve", f"{host}:{port}:{ip}"]
    if scheme == "https":
        argv.append("-k")
    if req.get("tls"):
        v = req["tls"]
        argv += [f"--tlsv{v}", "--tls-max", v]
    if req.get("source"):
        argv += ["--interface", req["source"]]
    if req.get("method"):
        argv += ["-X", req["method"]]
    if req.get("cookie_bytes"):
        argv += ["-H", "Cookie: consent=" + "c" * int(req["cookie_bytes"])]
    if req.get("body_bytes"):
        data_f = Path(side.tmp) / f"data{idx}"
        data_f.write_bytes(b"x" * int(req["body_bytes"]))
        argv += ["--data-binary", f"@{data_f}", "-H", "Content-Type: application/octet-stream"]
    argv.append(f"{scheme}://{url_host}{path}")

    holder = None
    try:
        if req.get("hold"):
            holder = _spawn(
                ns.exec([PYTHON, str(Path(__file__).resolve()), "_hold", ip, str(port), str(req["hold"])]),
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            )
            if _readline_with_timeout(holder, side.remaining(15)).strip() != "ready":
                raise RuntimeError("could not open the held connections")
            time.sleep(0.5)
        res = _run(ns.exec(argv), timeout=side.remaining(timeout + 10))
    finally:
        if holder is not None:
            holder.kill()
            holder.wait(timeout=10)
            _reap(holder)
    out = {"status": None, "marker": None, "location": None}
    code = res.stdout.decode().strip()
    if res.returncode == 0 and code.isdigit() and code != "000":
        out["status"] = int(code)
    else:
        out["error"] = CURL_ERRORS.get(res.returncode, f"curl exit {res.returncode}")
    headers = {}
    if hdr_f.exists():
        blocks = [b for b in hdr_f.read_bytes().decode("latin-1").split("\r\n\r\n") if b.strip()]
        if blocks:
            for line in blocks[-1].split("\r\n")[1:]:
                if ":" in line:
                    k, v = line.split(":", 1)
                    headers[k.strip().lower()] = v.strip()
    if out["status"] is not None:
        out["location"] = headers.get("location")
        body = body_f.read_bytes()[:1 << 20] if body_f.exists() else b""
        toks = []
        if LISTING_RE.search(body):
            toks.append("listing")
        for m in MARKER_RE.finditer(body):
            tok = (m.group(1) + b"=" + m.group(2)).decode()
            if tok not in toks:
                toks.append(tok)
        out["marker"] = " ".join(toks) or None
    if req.get("record_headers"):
        out["headers"] = {h: headers.get(h.lower()) for h in req["record_headers"]}
    return out


def _runs_late(req: dict) -> bool:
    return bool(req.get("hold") or req.get("informational"))


def observe(tree: Path, scenario: dict) -> dict:
    side = Side(tree)
    try:
        return _observe(side, scenario)
    finally:
        side.close()


def _observe(side: Side, scenario: dict) -> dict:
    prepare_tree(side.tree, side.root)
    env = load_envvars(side.root)
    logdir = Path(env.get("APACHE_LOG_DIR", side.root / "var/log/apache2"))
    obs: dict = {}

    t = _run(apache_argv(side.root, "-t"), env=env, timeout=side.remaining(30))
    lines = clean_lines(t.stderr.decode(errors="replace") + t.stdout.decode(errors="replace"), side)
    if t.returncode == 0:
        obs["t"] = "Syntax OK"
        obs["t_warnings"] = [l for l in lines if l != "Syntax OK"]
    else:
        obs["t"] = " ".join(lines) or f"exit {t.returncode}"
        obs["t_warnings"] = []

    ports = {r.get("port", 443 if r.get("scheme") == "https" else 80) for r in scenario["requests"]}
    children: list[subprocess.Popen] = []
    try:
        with Netns() as ns:
            start_backends(ns, scenario.get("backends", []), side, children)
            out_f = open(Path(side.tmp) / "start.out", "wb+")
            proc = _spawn(ns.exec(apache_argv(side.root, "-D", "FOREGROUND")), env=env,
                          stdout=out_f, stderr=subprocess.STDOUT)
            children.append(proc)
            try:
                ready = wait_ready(proc, ns, env.get("APACHE_PID_FILE"), side, ports)
                obs["starts"] = ready
                out_f.seek(0)
                start_out = clean_lines(out_f.read().decode(errors="replace"), side)
                obs["start_messages"] = start_out if not ready else []
                if not ready:
                    obs["start_messages"] += [l for l in read_error_lines(side, logdir) if ":emerg]" in l]
                before = log_sizes(logdir)
                reqs = list(enumerate(scenario["requests"]))
                responses = {}
                # Plain requests first; then the access logs are counted; then
                # requests with held connections (whose aborted connections may
                # or may not reach the logs in time) and informational requests,
                # so neither can change the log comparison.
                for i, r in [x for x in reqs if not _runs_late(x[1])]:
                    responses[i] = do_request(ns, r, side, i)
                time.sleep(0.3)  # let the last access-log lines be written
                obs["logs"] = access_log_counts(logdir)
                for i, r in [x for x in reqs if _runs_late(x[1])]:
                    responses[i] = do_request(ns, r, side, i)
                obs["responses"] = [responses[i] for i, _ in reqs]
                time.sleep(0.1)
                obs["errors"] = read_error_lines(side, logdir, only_new_from=before)
            finally:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
                    try:
                        proc.wait(timeout=8)
                    except subprocess.TimeoutExpired:
                        pass
                out_f.close()
    finally:
        # Netns.__exit__ killed whatever was left in the namespace; reap.
        for p in children:
            if p.poll() is None:
                p.kill()
            p.wait(timeout=10)
            _reap(p)
    order = ["t", "t_warnings", "starts", "start_messages", "responses", "logs", "errors"]
    return {k: obs[k] for k in order if k in obs}


# ---------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------


def req_label(r: dict) -> str:
    scheme = r.get("scheme", "http")
    port = r.get("port", 443 if scheme == "https" else 80)
    s = f"{scheme}://{r['host']}"
    if port != (443 if scheme == "https" else 80):
        s += f":{port}"
    s += r.get("path", "/")
    extra = []
    if r.get("method"):
        extra.append(r["method"] + (f" {r['body_bytes']}B" if r.get("body_bytes") else ""))
    if r.get("ip", "127.0.0.1") != "127.0.0.1" and r["host"] != r.get("ip"):
        extra.append(f"via {r['ip']}")
    if r.get("source"):
        extra.append(f"from {r['source']}")
    if r.get("tls"):
        extra.append(f"TLS {r['tls']} client")
    if r.get("hold"):
        extra.append(f"with {r['hold']} slow clients")
    if r.get("cookie_bytes"):
        extra.append(f"{r['cookie_bytes']}-byte cookie")
    return s + (f" ({', '.join(extra)})" if extra else "")


def answer(resp: dict) -> tuple:
    return (resp.get("status"), resp.get("marker"), resp.get("location"), resp.get("error"))


def fmt_answer(resp: dict) -> str:
    if resp.get("status") is None:
        return resp.get("error", "no answer")
    s = str(resp["status"])
    if resp.get("marker"):
        s += " " + resp["marker"]
    if resp.get("location"):
        s += " -> " + resp["location"]
    return s


def risk_signals(scenario: dict, base: dict, cand: dict) -> list[str]:
    sig = []
    if base["starts"] and not cand["starts"]:
        sig.append("server no longer starts")
    for r, a, b in zip(scenario["requests"], base["responses"], cand["responses"]):
        if r.get("informational"):
            continue
        if answer(a) != answer(b):
            sig.append(f"{req_label(r)}: {fmt_answer(a)} => {fmt_answer(b)}")
        for h, v in (a.get("headers") or {}).items():
            if v is not None and (b.get("headers") or {}).get(h) is None:
                sig.append(f"{req_label(r)}: header {h} lost")
    for f, n in base.get("logs", {}).items():
        m = cand.get("logs", {}).get(f, 0)
        if m < n:
            sig.append(f"log {f}: {n} => {m} lines")
    return sig


def consistency(scenario: dict, observed: dict) -> list[str]:
    """Problems with the label given what was observed ([] = consistent)."""
    base, cand = observed["baseline"], observed["candidate"]
    problems = []
    if not base["starts"]:
        problems.append("baseline does not start")
    bad_base = [fmt_answer(x) for r, x in zip(scenario["requests"], base["responses"])
                if x.get("status") is None and not r.get("informational")]
    if bad_base and base["starts"]:
        problems.append(f"baseline request(s) got no answer: {bad_base}")
    sig = risk_signals(scenario, base, cand)
    if scenario["verdict"] == "risky" and not sig:
        problems.append("labelled risky but nothing observable changed")
    if scenario["verdict"] == "safe" and sig:
        problems.append("labelled safe but: " + "; ".join(sig))
    if scenario["verdict"] == "safe" and scenario.get("expected"):
        problems.append("safe scenario lists expected findings")
    if scenario["verdict"] == "risky" and not (scenario.get("expected") or scenario.get("proposed")):
        problems.append("risky scenario lists no expected (or proposed) rule")
    return problems


# ---------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------


def scenario_sides(d: Path) -> tuple[Path, Path]:
    base = d / "baseline"
    if not base.is_dir():
        base = d / "known-good"
    return base, d / "candidate"


def run_scenario(d: Path) -> tuple[dict, dict, float]:
    scenario = json.loads((d / "scenario.json").read_text())
    t0 = time.time()
    base_tree, cand_tree = scenario_sides(d)
    observed = {"baseline": observe(base_tree, scenario), "candidate": observe(cand_tree, scenario)}
    return scenario, observed, time.time() - t0


def write_scenario(d: Path, scenario: dict, observed: dict) -> None:
    scenario = dict(scenario)
    scenario["observed"] = observed
    (d / "scenario.json").write_text(json.dumps(scenario, indent=2, ensure_ascii=False) + "\n")


def short_state(o: dict) -> str:
    t = "t:OK" if o["t"] == "Syntax OK" else "t:FAIL"
    if o["t"] == "Syntax OK" and o["t_warnings"]:
        t += f"({len(o['t_warnings'])}w)"
    return f"{t} {'up' if o['starts'] else 'DOWN'}"


def summary_line(d: Path, scenario: dict) -> str:
    obs = scenario.get("observed")
    if not obs:
        return f"| {d.name} | {scenario['verdict']} | — | not yet recorded |"
    sig = risk_signals(scenario, obs["baseline"], obs["candidate"])
    if any(not x.startswith("log ") for x in sig):
        sig = [x for x in sig if not x.startswith("log ")]  # log drops follow from the answers
    if not obs["candidate"]["starts"] and obs["candidate"].get("start_messages"):
        msg = obs["candidate"]["start_messages"][-1]
        sig = [f"start fails: {msg}"] + [s for s in sig if s != "server no longer starts"]
    if obs["candidate"]["t"] != "Syntax OK":
        sig.insert(0, "apache2 -t fails: " + obs["candidate"]["t"])
    elif obs["candidate"]["t_warnings"] and not obs["baseline"]["t_warnings"]:
        sig.insert(0, "apache2 -t warns: " + obs["candidate"]["t_warnings"][0])
    what = "; ".join(sig) if sig else f"all {len(scenario['requests'])} requests unchanged"
    exp = ", ".join(scenario.get("expected", [])) or "—"
    if scenario.get("proposed"):
        exp += " (proposed: " + ", ".join(scenario["proposed"]) + ")"
    what = what.replace("|", "\\|")
    return f"| {d.name} | {scenario['verdict']} | {exp} | {what} |"


def write_summary(dirs: list[Path]) -> None:
    rows = [summary_line(d, json.loads((d / "scenario.json").read_text())) for d in dirs]
    n_r = sum(1 for r in rows if "| risky |" in r)
    text = (
        "# Scenario summary\n\n"
        "Generated by `scripts/verify_scenarios.py record` from the `observed` blocks; do not edit.\n"
        f"{len(rows)} scenarios: {n_r} risky, {len(rows) - n_r} safe.\n\n"
        "| scenario | verdict | expected findings | what changed for requests (baseline => candidate) |\n"
        "|---|---|---|---|\n" + "\n".join(rows) + "\n"
    )
    (SCENARIOS_DIR / "SUMMARY.md").write_text(text)


_MISSING = object()


def diff_observed(old, new, prefix="observed") -> list[str]:
    """Paths where the committed observation `old` and the fresh `new` differ."""
    if old is _MISSING or new is _MISSING:
        shown = lambda v: "(absent)" if v is _MISSING else repr(v)  # noqa: E731
        return [f"{prefix}: {shown(old)} => {shown(new)}"]
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for k in list(old) + [k for k in new if k not in old]:
            out += diff_observed(old.get(k, _MISSING), new.get(k, _MISSING), f"{prefix}.{k}")
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        out = []
        for i, (a, b) in enumerate(zip(old, new)):
            out += diff_observed(a, b, f"{prefix}[{i}]")
        return out
    return [] if old == new else [f"{prefix}: {old!r} => {new!r}"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["record", "check", "show"])
    ap.add_argument("dirs", nargs="*", type=Path,
                    help="scenario directories (default: every tests/scenarios/*/ and examples/shop-outage)")
    ap.add_argument("-j", "--jobs", type=int, default=8,
                    help="scenarios verified in parallel, each in its own namespaces (default 8; "
                         "the work is mostly waiting, so this need not follow the CPU count)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every request's answers")
    args = ap.parse_intermixed_args(argv)

    if os.geteuid() != 0:
        print("verify_scenarios.py needs root (ip netns).", file=sys.stderr)
        return 2
    for tool in (APACHE, "curl", "ip"):
        if not shutil.which(tool):
            print(f"missing tool: {tool}", file=sys.stderr)
            return 2

    dirs = args.dirs or sorted(p.parent for p in SCENARIOS_DIR.glob("*/scenario.json")) + \
        [e for e in EXAMPLES if (e / "scenario.json").exists()]
    resolved = []
    for d in dirs:
        if not (d / "scenario.json").exists():
            hits = sorted(p for p in SCENARIOS_DIR.glob(f"{d.name}*") if (p / "scenario.json").exists())
            if len(hits) != 1:
                print(f"{d}: not a scenario directory (and not a unique prefix of one)", file=sys.stderr)
                return 2
            d = hits[0]
        resolved.append(d.resolve())
    dirs = resolved

    def on_signal(signum, frame):
        print(f"\ninterrupted (signal {signum}); cleaning up", file=sys.stderr)
        cleanup_all()
        os._exit(128 + signum)

    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, on_signal)
    atexit.register(cleanup_all)
    cleanup_stale()

    t0 = time.time()
    results: dict[Path, tuple] = {}
    failures = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futs = {pool.submit(run_scenario, d): d for d in dirs}
        for fut in concurrent.futures.as_completed(futs):
            d = futs[fut]
            try:
                results[d] = fut.result()
            except Exception as e:  # noqa: BLE001 - report and continue
                results[d] = (None, None, 0.0)
                print(f"{d.name}: ERROR {type(e).__name__}: {e}", file=sys.stderr)
                failures += 1

    header = f"{'scenario':<40} {'verdict':<6} {'baseline':<14} {'candidate':<14} {'changed':>7}  {'secs':>5}  result"
    print(header)
    print("-" * len(header))
    for d in dirs:
        scenario, observed, secs = results[d]
        if observed is None:
            print(f"{d.name:<40} {'?':<6} {'ERROR':<14}")
            continue
        problems = consistency(scenario, observed)
        sig = risk_signals(scenario, observed["baseline"], observed["candidate"])
        status = "ok"
        if args.mode == "check":
            drift = diff_observed(scenario.get("observed", _MISSING), observed)
            if drift:
                status = "DRIFT"
                problems = drift + problems
        if problems:
            failures += 1
            status = status if status != "ok" else "LABEL?"
        print(f"{d.name:<40} {scenario['verdict']:<6} {short_state(observed['baseline']):<14} "
              f"{short_state(observed['candidate']):<14} {len(sig):>7}  {secs:5.1f}  {status}")
        for p in problems:
            print(f"    ! {p}")
        if args.verbose:
            for r, a, b in zip(scenario["requests"], observed["baseline"]["responses"],
                               observed["candidate"]["responses"]):
                print(f"    {req_label(r):<60} {fmt_answer(a):<30} => {fmt_answer(b)}")
        if args.mode == "record":
            write_scenario(d, scenario, observed)
    if args.mode == "record":
        all_dirs = sorted(p.parent for p in SCENARIOS_DIR.glob("*/scenario.json"))
        if all_dirs:
            write_summary(all_dirs)
    print(f"\n{len(dirs)} scenario(s), {failures} problem(s), {time.time() - t0:.1f}s wall time "
          f"with {args.jobs} job(s)")
    return 1 if failures else 0


# ---------------------------------------------------------------------------
# Helpers that run inside a namespace
# ---------------------------------------------------------------------------


def serve_backend(spec: dict) -> None:
    """A tiny HTTP application: answers its routes with `backend=<name> seen=<path>`."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    name, routes, slow = spec["name"], spec.get("routes", ["/"]), spec.get("slow", {})

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self):
            # The raw request-target: BaseHTTPRequestHandler collapses a
            # leading "//" in self.path, which would hide slash mistakes.
            parts = self.requestline.split(" ")
            path = (parts[1] if len(parts) > 1 else self.path).split("?", 1)[0]
            n = int(self.headers.get("Content-Length") or 0)
            if n:
                self.rfile.read(n)
            if path in slow:
                time.sleep(float(slow[path]))
            ok = path in routes
            body = f"backend={name} seen={path} {'ok' if ok else 'no such route'}\n".encode()
            self.send_response(200 if ok else 404)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *a):
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", int(spec["port"])), H)
    print("ready", flush=True)
    srv.serve_forever()


def hold_connections(ip: str, port: int, count: int) -> None:
    """Open `count` connections that send an incomplete request and wait."""
    socks = []
    for _ in range(count):
        s = socket.create_connection((ip, port), timeout=5)
        s.sendall(b"GET / HTTP/1.1\r\nHost: slow.client\r\n")
        socks.append(s)
    print("ready", flush=True)
    time.sleep(120)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_backend":
        serve_backend(json.loads(sys.argv[2]))
    elif len(sys.argv) > 1 and sys.argv[1] == "_hold":
        hold_connections(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit(main())
