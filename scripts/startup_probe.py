#!/usr/bin/env python3
"""startup_probe.py: starts the real Debian `apache2` on a configuration and records
what it logs — the evidence for start-up failures `apache2 -t` cannot see (a key
that does not match its certificate, `SSLEngine on` without a certificate, OCSP
stapling without a cache …).

What it does
  * Materialises a case (`tests/startup/<case>.conf`, the test keys of `tests/pki/`
    copied to `<ROOT>/pki/`) in a temp dir, as scripts/httpd_oracle.py does, and runs
    `apache2 -X` (one process, in the foreground) inside a private network namespace
    made for the run (`ip netns add`), with Debian's default modules and the case's
    `# oracle:` header arguments, logging to `<VAR>/log/error.log`.
  * A server still running after a few seconds has started (it is then stopped); one
    that exited has failed. The record is `started: yes|no` and the error log's
    lines, normalised like the oracle's (temp paths as <ROOT>/<VAR>, no timestamps or
    pids; the AH01882 note that mod_ssl was built against a newer OpenSSL is dropped,
    it depends on the machine's library).
  * Never touches /etc/apache2; every process and the namespace are removed.

Usage (as root; needs `ip netns`):
  scripts/startup_probe.py run FILE          print the record of one configuration
  scripts/startup_probe.py record [CASE...]  write tests/startup/<case>.startup.txt
  scripts/startup_probe.py verify            re-run every case, exit 1 on any drift

Standard library only.
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import httpd_oracle as oracle  # noqa: E402

CASES_DIR = oracle.REPO / "tests" / "startup"
PKI_DIR = oracle.REPO / "tests" / "pki"
STARTED_AFTER_SECONDS = 4
DROPPED = ("AH01882:",)


def netns(*args):
    subprocess.run(["ip", "netns", *args], check=True, capture_output=True)


def probe(conf):
    """Starts apache2 on `conf`; returns the record text."""
    conf_bytes = conf.read_bytes()
    header_args = oracle.fixture_header_args(conf_bytes, conf.name)
    name = f"alprobe{os.getpid()}"
    with oracle.Sandbox() as sb:
        sb.root.mkdir()
        shutil.copytree(PKI_DIR, sb.root / "pki")
        target = sb.root / conf.name
        target.write_bytes(conf_bytes)
        args = []
        for module, so in oracle.DEBIAN_DEFAULT_MODULES:
            args += ["-C", f"LoadModule {module} {oracle.MODULES_DIR}/{so}"]
        args += ["-C", sb.expand(oracle.FIXTURE_ERROR_LOG)]
        args += ["-C", sb.expand("PidFile <VAR>/run/apache2.pid"), "-C", "TypesConfig /etc/mime.types"]
        args += ["-C", "User www-data", "-C", "Group www-data"]
        args += [sb.expand(a) for a in header_args]
        netns("add", name)
        try:
            netns("exec", name, "ip", "link", "set", "lo", "up")
            cmd = ["ip", "netns", "exec", name, oracle.APACHE2, "-d", str(sb.root), "-f", str(target), *args, "-X"]
            proc = subprocess.Popen(cmd, cwd=sb.tmp, env=sb.base_env(), stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
            try:
                out, _ = proc.communicate(timeout=STARTED_AFTER_SECONDS)
                started = False
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    out, _ = proc.communicate(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    out, _ = proc.communicate()
                started = True
        finally:
            time.sleep(0.2)
            netns("del", name)
        log = sb.var / "log" / "error.log"
        text = out.decode("utf-8", "backslashreplace")
        if log.exists():
            text += log.read_text("utf-8", "backslashreplace")
        lines, _ = oracle.normalise_lines(sb, text)
    keep = [l for l in lines if l.strip() and not any(d in l for d in DROPPED)]
    if started:
        # What a stopped server logs on the way out is not part of the verdict.
        keep = [l for l in keep if "caught SIGTERM" not in l and "AH00491" not in l]
    return f"started: {'yes' if started else 'no'}\n" + "".join(f"{l}\n" for l in keep)


def cases(only=None):
    found = sorted(CASES_DIR.glob("*.conf"))
    if only:
        found = [c for c in found if c.stem in only]
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run").add_argument("file", type=Path)
    sub.add_parser("record").add_argument("cases", nargs="*")
    sub.add_parser("verify")
    opts = parser.parse_args()
    if opts.command == "run":
        sys.stdout.write(probe(opts.file.resolve()))
        return 0
    drift = 0
    for conf in cases(getattr(opts, "cases", None)):
        record = probe(conf)
        golden = conf.with_suffix(".startup.txt")
        if opts.command == "record":
            golden.write_text(record)
            print(f"wrote {golden.relative_to(oracle.REPO)}")
        elif not golden.exists() or golden.read_text() != record:
            drift += 1
            print(f"DRIFT {conf.stem}:\n{record}")
    if opts.command == "verify":
        print(f"{len(cases())} start-up cases, {drift} drifted")
    return 1 if drift else 0


if __name__ == "__main__":
    sys.exit(main())
