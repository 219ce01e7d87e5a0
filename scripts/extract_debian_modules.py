#!/usr/bin/env python3
"""Record the Debian apache2 package's module facts in data/debian-modules.tsv.

For every module the installed Debian build can load, one row with:
its identifier (`ssl_module`, the first argument of LoadModule and a name
`<IfModule>` accepts), its source file name (`mod_ssl.c`, the other name
`<IfModule>` accepts), whether it is compiled in (`apache2 -l`) or shared,
the a2enmod name and exact LoadModule line of its mods-available/*.load file,
the `# Depends:` / `# Conflicts:` notes of that file (read only by a2enmod),
whether a mods-available/<name>.conf exists, and whether the module is loaded
by the stock Debian configuration (compiled in, or linked in
/etc/apache2/mods-enabled, which holds the package's default set on this
machine).

The source file name is read from the binary itself: the `name` field of the
module structure (`module.name`, set from `__FILE__`), found through the
module's exported symbol in the ELF file (.so, or /usr/sbin/apache2 for the
compiled-in modules) and its R_X86_64_RELATIVE relocation. Each name is then
confirmed with the running binary: `<IfModule name.c>` must be true (checked
with `-t -D DUMP_CONFIG`, which prints the bodies of the true ones), in a
build with every shipped module and the module's MPM loaded.

Usage: scripts/extract_debian_modules.py [--apache2 PATH] [--etc DIR] [--out FILE]
Python standard library only; /etc/apache2 is copied, never modified.
"""

from __future__ import annotations

import argparse
import atexit
import os
import re
import shutil
import struct
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import apache2_probe  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_load_files(etc: str) -> list[dict]:
    available = os.path.join(etc, "mods-available")
    result = []
    for name in sorted(os.listdir(available)):
        if not name.endswith(".load"):
            continue
        load_name = name[: -len(".load")]
        notes = {"Depends": "", "Conflicts": ""}
        lines = []
        for line in open(os.path.join(available, name), encoding="utf-8"):
            line = line.strip()
            note = re.match(r"#\s*(Depends|Conflicts):\s*(.*)", line)
            if note:
                notes[note.group(1)] = " ".join(note.group(2).split())
            elif line.startswith("LoadModule"):
                lines.append(line)
        if len(lines) != 1:
            raise SystemExit(f"{name}: expected exactly one LoadModule line, found {lines}")
        _, identifier, so_path = lines[0].split()
        result.append({
            "identifier": identifier,
            "load_name": load_name,
            "so_path": so_path,
            "load_line": lines[0],
            "depends": notes["Depends"],
            "conflicts": notes["Conflicts"],
            "has_conf": os.path.exists(os.path.join(available, load_name + ".conf")),
            "default_loaded": os.path.exists(os.path.join(etc, "mods-enabled", name)),
        })
    return result


def module_struct_name(path: str, symbol: str) -> str:
    """The `name` field of the `module` structure exported as `symbol` by the
    x86-64 ELF file at `path` (include/http_config.h: three ints, then
    `const char *name`, at offset 16)."""
    data = open(path, "rb").read()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise SystemExit(f"{path}: not a 64-bit little-endian ELF file")
    (phoff,) = struct.unpack_from("<Q", data, 0x20)
    (shoff,) = struct.unpack_from("<Q", data, 0x28)
    phentsize, phnum, shentsize, shnum = struct.unpack_from("<HHHH", data, 0x36)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    segments = []
    for i in range(phnum):
        p_type, _flags, offset, vaddr, _paddr, filesz = struct.unpack_from("<IIQQQQ", data, phoff + i * phentsize)
        if p_type == 1:  # PT_LOAD
            segments.append((vaddr, offset, filesz))

    def file_offset(vaddr: int) -> int:
        for start, offset, size in segments:
            if start <= vaddr < start + size:
                return offset + vaddr - start
        raise SystemExit(f"{path}: address {vaddr:#x} is not in a loaded segment")

    def c_string(offset: int) -> str:
        return data[offset : data.index(b"\0", offset)].decode()

    address = None
    for section in sections:
        if section[1] == 11:  # SHT_DYNSYM
            names = sections[section[6]][4]
            for k in range(section[5] // 24):
                st_name, _info, _other, shndx, value, _size = struct.unpack_from("<IBBHQQ", data, section[4] + k * 24)
                if shndx and c_string(names + st_name) == symbol:
                    address = value
    if address is None:
        raise SystemExit(f"{path}: no symbol {symbol}")
    name_field = address + 16
    for section in sections:
        if section[1] == 4:  # SHT_RELA
            for k in range(section[5] // 24):
                offset, info, addend = struct.unpack_from("<QQq", data, section[4] + k * 24)
                if offset == name_field and info & 0xFFFFFFFF == 8:  # R_X86_64_RELATIVE
                    return c_string(file_offset(addend))
    (pointer,) = struct.unpack_from("<Q", data, file_offset(name_field))
    if not pointer:
        raise SystemExit(f"{path}: {symbol}.name is not set")
    return c_string(file_offset(pointer))


def true_ifmodule_names(env: apache2_probe.ProbeEnv, names: set[str], workdir: str) -> set[str]:
    probe = "".join(f"<IfModule {n}>\nServerAdmin probe@{n}\n</IfModule>\n" for n in sorted(names))
    path = os.path.join(workdir, f"ifmodule-{os.getpid()}.conf")
    with open(path, "w", encoding="utf-8") as out:
        out.write(probe)
    result = env.run("-c", f"Include {path}", "-t", "-D", "DUMP_CONFIG")
    if result.returncode != 0:
        raise SystemExit(f"DUMP_CONFIG probe failed: {result.stderr}")
    return set(re.findall(r"^\s*ServerAdmin probe@(\S+)$", result.stdout, re.M))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--apache2", default="/usr/sbin/apache2")
    parser.add_argument("--etc", default="/etc/apache2")
    parser.add_argument("--out", default=os.path.join(REPO, "data", "debian-modules.tsv"))
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="apachelint-modules-")
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    envs = {mpm: apache2_probe.ProbeEnv(args.apache2, args.etc, workdir, mpm) for mpm in apache2_probe.MPM_LOADS}
    loads = read_load_files(args.etc)

    compiled_in = [line.strip() for line in envs["event"].run("-l").stdout.splitlines()[1:] if line.strip()]
    loaded = envs["event"].run("-M").stdout.splitlines()
    static_ids = [line.split()[0] for line in loaded if line.endswith("(static)")]
    if len(static_ids) != len(compiled_in):
        raise SystemExit(f"-l {compiled_in} and -M static {static_ids} differ in length")

    names = {identifier: module_struct_name(args.apache2, identifier) for identifier in static_ids}
    for identifier, source in zip(static_ids, compiled_in):
        if names[identifier] != source:
            raise SystemExit(f"{identifier}: binary says {names[identifier]}, apache2 -l order says {source}")
    for load in loads:
        names[load["identifier"]] = module_struct_name(load["so_path"], load["identifier"])
    if len(set(names.values())) != len(names):
        raise SystemExit("two modules share a source file name")

    mpm_of = {f"mpm_{mpm}_module": mpm for mpm in envs}
    true_in = {mpm: true_ifmodule_names(env, set(names.values()), workdir) for mpm, env in envs.items()}
    for identifier, source in names.items():
        if source not in true_in[mpm_of.get(identifier, "event")]:
            raise SystemExit(f"<IfModule {source}> is false although {identifier} is loaded")
        if source in (true_in["event"] - {names[i] for i in names if mpm_of.get(i, "event") == "event"}):
            raise SystemExit(f"<IfModule {source}> is true without its module")

    rows = []
    for identifier, source in zip(static_ids, compiled_in):
        rows.append([identifier, names[identifier], "static", "", "", "", "", "", "0", "1"])
    for load in loads:
        rows.append([
            load["identifier"], names[load["identifier"]], "shared", load["load_name"],
            load["so_path"], load["load_line"], load["depends"], load["conflicts"],
            "1" if load["has_conf"] else "0", "1" if load["default_loaded"] else "0",
        ])
    rows.sort(key=lambda r: r[0])
    header = ["identifier", "source_file", "linkage", "load_name", "so_path", "load_line",
              "depends", "conflicts", "has_conf", "default_loaded"]
    with open(args.out, "w", encoding="utf-8", newline="\n") as out:
        out.write("\t".join(header) + "\n")
        for row in rows:
            out.write("\t".join(row) + "\n")
    print(f"{len(rows)} modules ({len(static_ids)} compiled in)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
