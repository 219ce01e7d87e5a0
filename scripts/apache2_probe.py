"""Run the installed Debian apache2 binary on throw-away copies of /etc/apache2.

Used by extract_arity.py and extract_debian_modules.py. A ProbeEnv copies the
configuration directory to a temp dir (the original is never modified),
enables every shipped module (mods-available/*.load) with exactly one MPM,
optionally leaving some modules out, and runs `apache2 -d <copy> -f
apache2.conf ...` with the Debian environment variables pointing into the temp
dir. This is the setup described in the shared data/README.md.

Python standard library only.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile

MPM_LOADS = {"event": "mpm_event", "prefork": "mpm_prefork", "worker": "mpm_worker"}

DIRECTIVE_LINE_RE = re.compile(r"^(<?[A-Za-z_0-9]+) \(([^)]*)\)$")
ALLOWED_PREFIX = "\tAllowed in *.conf "


class ProbeEnv:
    """One configuration copy: one MPM, every other shipped module except
    `excluded_loads` (names of mods-available/*.load files without `.load`)."""

    def __init__(self, apache2: str, etc: str, workdir: str, mpm: str, excluded_loads=()):
        self.apache2 = apache2
        self.root = tempfile.mkdtemp(prefix=f"{mpm}-", dir=workdir)
        self.conf = os.path.join(self.root, "conf")
        shutil.copytree(etc, self.conf, symlinks=True)
        enabled = os.path.join(self.conf, "mods-enabled")
        for name in os.listdir(enabled):
            os.unlink(os.path.join(enabled, name))
        other_mpms = {load for key, load in MPM_LOADS.items() if key != mpm}
        for name in sorted(os.listdir(os.path.join(self.conf, "mods-available"))):
            stem, ext = os.path.splitext(name)
            if ext != ".load" or stem in other_mpms or stem in excluded_loads:
                continue
            os.symlink(f"../mods-available/{name}", os.path.join(enabled, name))
        mpm_conf = f"{MPM_LOADS[mpm]}.conf"
        if os.path.exists(os.path.join(self.conf, "mods-available", mpm_conf)):
            os.symlink(f"../mods-available/{mpm_conf}", os.path.join(enabled, mpm_conf))
        for sub in ("run", "lock", "log"):
            os.makedirs(os.path.join(self.root, sub), exist_ok=True)
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
            "LANG": "C",
            "APACHE_RUN_USER": "www-data",
            "APACHE_RUN_GROUP": "www-data",
            "APACHE_RUN_DIR": os.path.join(self.root, "run"),
            "APACHE_LOCK_DIR": os.path.join(self.root, "lock"),
            "APACHE_LOG_DIR": os.path.join(self.root, "log"),
            "APACHE_PID_FILE": os.path.join(self.root, "run", "apache2.pid"),
        }

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run(
            [self.apache2, "-d", self.conf, "-f", "apache2.conf", *args],
            env=self.env,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
        )

    def check_config(self, probe_text: str, probe_path: str) -> subprocess.CompletedProcess:
        """`apache2 -t` with `probe_text` included after the whole configuration."""
        with open(probe_path, "w", encoding="utf-8") as probe:
            probe.write(probe_text)
        return self.run("-c", f"Include {probe_path}", "-t")


def parse_directive_listing(text: str) -> list[dict]:
    """Parse `apache2 -L` output into entries {name, source, help, allowed}.

    `help` is the text between the directive line and the `Allowed in` line
    (None when the command has no help string); it may span several lines.
    `allowed` is the `Allowed in ...` text with its continuation line, joined
    by a newline, without the leading tabs.
    """
    entries = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        match = DIRECTIVE_LINE_RE.match(lines[i])
        if not match:
            i += 1
            continue
        j = i + 1
        help_lines = []
        while j < len(lines) and not lines[j].startswith(ALLOWED_PREFIX):
            help_lines.append(lines[j])
            j += 1
        allowed = lines[j][1:] if j < len(lines) else ""
        if j + 1 < len(lines) and lines[j + 1].startswith("\twhen AllowOverride"):
            allowed += "\n" + lines[j + 1][1:]
            j += 1
        help_text = None
        if help_lines:
            help_lines[0] = help_lines[0].removeprefix("\t")
            help_text = "\n".join(help_lines)
        entries.append(
            {"name": match.group(1), "source": match.group(2), "help": help_text, "allowed": allowed}
        )
        i = j + 1
    return entries
