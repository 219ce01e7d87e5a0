"""Read the command tables of the httpd 2.4 C sources.

Used by extract_arity.py. Finds every `command_rec NAME[] = { ... };` table,
expands the macros the tables use (SSL_CMD_SRV, LISTEN_COMMANDS, MD_CMD_*, ...)
with a small preprocessor that ignores conditional compilation (every branch
is read, and the `#if` conditions around an entry are recorded), and returns
one CommandEntry per `AP_INIT_*` entry: directive name, argument class,
`req_override` bits, the module that registers the table, where the entry
is written, and the NOT_IN_* bits its handler passes to
`ap_check_cmd_context` (any call anywhere in the handler's body, so possibly
conditional; helpers it calls are not followed). Nothing of httpd's code or prose is kept: only those facts.

Python standard library only.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace

# AP_INIT_NO_ARGS is compiled as RAW_ARGS (include/http_config.h).
INIT_KIND_TO_CLASS = {
    "NO_ARGS": "RAW_ARGS",
    "RAW_ARGS": "RAW_ARGS",
    "TAKE_ARGV": "TAKE_ARGV",
    "TAKE1": "TAKE1",
    "ITERATE": "ITERATE",
    "TAKE2": "TAKE2",
    "TAKE12": "TAKE12",
    "ITERATE2": "ITERATE2",
    "TAKE13": "TAKE13",
    "TAKE23": "TAKE23",
    "TAKE123": "TAKE123",
    "TAKE3": "TAKE3",
    "FLAG": "FLAG",
}

# The req_override bits of include/http_config.h, in the order they are
# written to the TSV. Checked against the header by `override_bits()`.
OVERRIDE_BITS = [
    ("OR_LIMIT", 1),
    ("OR_OPTIONS", 2),
    ("OR_FILEINFO", 4),
    ("OR_AUTHCFG", 8),
    ("OR_INDEXES", 16),
    ("OR_UNSET", 32),
    ("ACCESS_CONF", 64),
    ("RSRC_CONF", 128),
    ("EXEC_ON_READ", 256),
    ("NONFATAL_OVERRIDE", 512),
    ("NONFATAL_UNKNOWN", 1024),
    ("PROXY_CONF", 2048),
]
OR_ALL = 1 | 2 | 4 | 8 | 16

# The `forbidden` bits of ap_check_cmd_context (include/http_config.h), and
# the composites written in their place when all their bits are set.
NOT_IN_BITS = [
    ("NOT_IN_VIRTUALHOST", 0x01),
    ("NOT_IN_LIMIT", 0x02),
    ("NOT_IN_DIRECTORY", 0x04),
    ("NOT_IN_LOCATION", 0x08),
    ("NOT_IN_FILES", 0x10),
    ("NOT_IN_HTACCESS", 0x20),
    ("NOT_IN_PROXY", 0x40),
]
NOT_IN_COMPOSITES = [
    ("GLOBAL_ONLY", 0x01 | 0x02 | 0x04 | 0x08 | 0x10 | 0x40),
    ("NOT_IN_DIR_CONTEXT", 0x02 | 0x04 | 0x08 | 0x10 | 0x40),
    ("NOT_IN_DIR_LOC_FILE", 0x04 | 0x08 | 0x10),
]


@dataclass(frozen=True)
class Tok:
    kind: str  # id, str, num, chr, punct
    text: str
    origin: str  # repository path of the file the token is written in


@dataclass(frozen=True)
class Macro:
    params: tuple[str, ...] | None  # None for an object-like macro
    body: tuple[Tok, ...]


@dataclass(frozen=True)
class CommandEntry:
    name: str
    arg_class: str
    req_override: int | None  # None if the expression could not be evaluated
    module_source: str  # basename of the file declaring the module ("mod_ssl.c")
    module_id: str  # "ssl_module"
    source_path: str  # repository path where the AP_INIT_* entry is written
    condition: str  # "#ifdef GPROF" etc., "" if unconditional
    handler: str  # the handler function's name
    handler_not_in: int | None  # NOT_IN_* bits its ap_check_cmd_context calls pass; None if not found


_TOKEN_RE = re.compile(
    r"""
    (?P<str>"(?:\\.|[^"\\])*")
  | (?P<chr>'(?:\\.|[^'\\])*')
  | (?P<id>[A-Za-z_][A-Za-z_0-9]*)
  | (?P<num>\.?[0-9](?:[eEpP][+-]|[A-Za-z0-9_.])*)
  | (?P<punct>\#\#|\#|->|<<|>>|[&|]{2}|[<>=!]=|.)
    """,
    re.VERBOSE | re.DOTALL,
)


def tokenize(text: str, origin: str) -> list[Tok]:
    tokens = []
    for match in _TOKEN_RE.finditer(text):
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "punct" and value.isspace():
            continue
        tokens.append(Tok(kind, value, origin))
    return tokens


def strip_comments(text: str) -> str:
    """Join backslash continuations, then blank out comments (keeping newlines
    of block comments so line structure survives)."""
    text = text.replace("\\\r\n", "").replace("\\\n", "")
    out = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(" " + "\n" * text.count("\n", i, j))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        else:
            out.append(c)
            i += 1
    return "".join(out)


_DEFINE_RE = re.compile(r"^\s*#\s*define\s+([A-Za-z_]\w*)(\(([^)]*)\))?(.*)$")


def collect_macros(text: str, origin: str, macros: dict[str, Macro]) -> None:
    """Add the file's #defines to `macros`; the first definition of a name wins."""
    for line in text.split("\n"):
        match = _DEFINE_RE.match(line)
        if not match or match.group(1) in macros:
            continue
        name = match.group(1)
        if name.startswith("AP_INIT_"):
            continue  # the entries themselves are what we look for
        params = None
        if match.group(2) is not None:
            params = tuple(p.strip() for p in match.group(3).split(",") if p.strip())
        macros[name] = Macro(params, tuple(tokenize(match.group(4), origin)))


def split_args(tokens: list[Tok], start: int) -> tuple[list[list[Tok]], int]:
    """Split the parenthesised argument list whose `(` is at tokens[start - 1].
    Returns the arguments and the index just after the closing `)`."""
    args: list[list[Tok]] = [[]]
    depth = 0
    i = start
    while i < len(tokens):
        tok = tokens[i]
        if tok.text in "([{" and tok.kind == "punct":
            depth += 1
        elif tok.text in ")]}" and tok.kind == "punct":
            if depth == 0:
                return args, i + 1
            depth -= 1
        elif tok.text == "," and depth == 0:
            args.append([])
            i += 1
            continue
        args[-1].append(tok)
        i += 1
    return args, i


def _stringize(arg: list[Tok], origin: str) -> Tok:
    text = " ".join(t.text for t in arg).replace("\\", "\\\\").replace('"', '\\"')
    return Tok("str", '"' + text + '"', origin)


def _substitute(macro: Macro, args: list[list[Tok]], macros, disabled) -> list[Tok]:
    params = macro.params or ()
    raw = dict(zip(params, args))
    body = list(macro.body)
    out: list[Tok] = []
    i = 0
    while i < len(body):
        tok = body[i]
        if tok.text == "#" and i + 1 < len(body) and body[i + 1].text in raw:
            out.append(_stringize(raw[body[i + 1].text], tok.origin))
            i += 2
            continue
        if tok.text == "##" and out and i + 1 < len(body):
            right = body[i + 1]
            right_tokens = raw.get(right.text, [right]) if right.kind == "id" else [right]
            left = out.pop()
            pasted = left.text + (right_tokens[0].text if right_tokens else "")
            out.extend(tokenize(pasted, left.origin))
            out.extend(right_tokens[1:])
            i += 2
            continue
        if tok.kind == "id" and tok.text in raw:
            next_is_paste = i + 1 < len(body) and body[i + 1].text == "##"
            arg = raw[tok.text]
            out.extend(arg if next_is_paste else expand(arg, macros, disabled))
            i += 1
            continue
        out.append(tok)
        i += 1
    return out


def expand(tokens: list[Tok], macros: dict[str, Macro], disabled=frozenset()) -> list[Tok]:
    out: list[Tok] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        macro = macros.get(tok.text) if tok.kind == "id" else None
        if macro is None or tok.text in disabled:
            out.append(tok)
            i += 1
            continue
        if macro.params is None:
            out.extend(expand(list(macro.body), macros, disabled | {tok.text}))
            i += 1
            continue
        if i + 1 < len(tokens) and tokens[i + 1].text == "(":
            args, after = split_args(tokens, i + 2)
            if args == [[]] and not macro.params:
                args = []
            body = _substitute(macro, args, macros, disabled | {tok.text})
            out.extend(expand(body, macros, disabled | {tok.text}))
            i = after
            continue
        out.append(tok)
        i += 1
    return out


def _decode_c_string(tokens: list[Tok]) -> str | None:
    """Concatenate adjacent string literals; None if the tokens are not all strings."""
    if not tokens or any(t.kind != "str" for t in tokens):
        return None
    return "".join(
        re.sub(r"\\(.)", lambda m: m.group(1), t.text[1:-1]) for t in tokens
    )


def _eval_override(tokens: list[Tok], constants: dict[str, int]) -> int | None:
    parts = []
    for tok in tokens:
        if tok.kind == "id":
            if tok.text not in constants:
                return None
            parts.append(str(constants[tok.text]))
        elif tok.kind == "num":
            parts.append(str(int(tok.text.rstrip("uUlL"), 0)))
        elif tok.text in "|&~()":
            parts.append(tok.text)
        else:
            return None
    expression = " ".join(parts)
    if not expression:
        return None
    return eval(expression, {"__builtins__": {}}, {})  # only digits and | & ~ ( )


def override_names(bits: int) -> str:
    names = []
    if bits & OR_ALL == OR_ALL:
        names.append("OR_ALL")
        bits &= ~OR_ALL
    names.extend(name for name, value in OVERRIDE_BITS if bits & value)
    return "|".join(names)


def not_in_names(bits: int) -> str:
    names = []
    for name, value in NOT_IN_COMPOSITES:
        if bits & value == value:
            names.append(name)
            bits &= ~value
    names.extend(name for name, value in NOT_IN_BITS if bits & value)
    return "|".join(names)


def _check_not_in_constants(src: str) -> None:
    header = open(os.path.join(src, "include/http_config.h"), encoding="utf-8").read()
    found = {name: int(value, 0) for name, value in re.findall(r"#define\s+(NOT_IN_\w+)\s+(0x[0-9a-fA-F]+)", header)}
    for name, value in NOT_IN_BITS:
        if found.get(name) != value:
            raise SystemExit(f"include/http_config.h: {name} is {found.get(name)}, expected {value}")


def _only_warns(body: str, call_start: int) -> bool:
    """Whether the call at `call_start` is `if (ap_check_cmd_context(...)) {
    ap_log_error(...); }`: a refusal turned into a warning (AllowOverride in
    <Location>), not an error."""
    if not re.search(r"\bif\s*\(\s*$", body[:call_start]):
        return False
    block = re.match(r"[^;{]*?\)\s*\)\s*\{([^{}]*)\}", body[call_start:], re.S)
    return bool(block) and "ap_log_error" in block.group(1) and "return" not in block.group(1)


_HANDLER_START_RE = re.compile(r"\b(\w+)\s*\(\s*cmd_parms\s*\*\s*\w+\s*,[^;{]*?\)\s*\{")


def handler_context_checks(text: str) -> dict[str, int]:
    """function name -> union of the forbidden bits its ap_check_cmd_context
    calls pass, for every function in `text` (comments stripped) whose first
    parameter is a cmd_parms pointer."""
    values = dict(NOT_IN_BITS + NOT_IN_COMPOSITES)
    result = {}
    for match in _HANDLER_START_RE.finditer(text):
        depth = 1
        i = match.end()
        while i < len(text) and depth:
            if text[i] == "{":
                depth += 1
            elif text[i] == "}":
                depth -= 1
            i += 1
        body = text[match.end() : i]
        bits = 0
        for call in re.finditer(r"ap_check_cmd_context\s*\(", body):
            args, _after = split_args(tokenize(body[call.end() :], ""), 0)
            if len(args) != 2 or _only_warns(body, call.start()):
                continue
            for tok in args[1]:
                if tok.kind == "id":
                    if tok.text not in values:
                        raise SystemExit(f"{match.group(1)}: unknown context flag {tok.text}")
                    bits |= values[tok.text]
        result[match.group(1)] = bits
    return result


def _check_header_constants(src: str) -> dict[str, int]:
    header = open(os.path.join(src, "include/http_config.h"), encoding="utf-8").read()
    found = {}
    for name, value in re.findall(r"#define\s+([A-Z_]+)\s+(\d+)\b", header):
        found[name] = int(value)
    for name, value in OVERRIDE_BITS:
        if found.get(name) != value:
            raise SystemExit(f"include/http_config.h: {name} is {found.get(name)}, expected {value}")
    return {name: value for name, value in OVERRIDE_BITS} | {"OR_ALL": OR_ALL, "OR_NONE": 0}


def _table_bodies(text: str):
    """Yield (table name, body text, offset of body) for each command_rec table."""
    for match in re.finditer(r"command_rec\s+(\w+)\s*\[\s*\]\s*=\s*\{", text):
        start = match.end()
        depth = 1
        i = start
        while i < len(text) and depth:
            c = text[i]
            if c == '"':
                i += 1
                while i < len(text) and text[i] != '"':
                    i += 2 if text[i] == "\\" else 1
            elif c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
            i += 1
        yield match.group(1), text[start : i - 1]


def _body_with_conditions(body: str, origin: str) -> list[tuple[str, list[Tok]]]:
    """Split a table body at preprocessor lines; each chunk carries the
    conditions (from inside the table) that guard it."""
    chunks: list[tuple[str, list[Tok]]] = []
    stack: list[str] = []
    pending: list[str] = []

    def flush():
        if pending:
            chunks.append((" && ".join(stack), tokenize("\n".join(pending), origin)))
            pending.clear()

    for line in body.split("\n"):
        stripped = line.strip()
        if not stripped.startswith("#"):
            pending.append(line)
            continue
        flush()
        directive = re.match(r"#\s*(\w+)\s*(.*)", stripped)
        if not directive:
            continue
        keyword, rest = directive.group(1), directive.group(2).strip()
        if keyword in ("if", "ifdef", "ifndef"):
            stack.append(f"#{keyword} {rest}")
        elif keyword == "elif" and stack:
            stack[-1] = f"#elif {rest} (after {stack[-1]})"
        elif keyword == "else" and stack:
            stack[-1] = f"#else of {stack[-1]}"
        elif keyword == "endif" and stack:
            stack.pop()
    flush()
    return chunks


_MODULE_RE = re.compile(
    r"(?:AP_DECLARE_MODULE\((\w+)\)|\bmodule\s+(?:[A-Z_]+_DECLARE_DATA\s+)?(\w+))\s*=\s*\{"
)


def read_command_tables(src: str) -> list[CommandEntry]:
    """Every AP_INIT_* entry of every command table under server/ and modules/."""
    constants = _check_header_constants(src)
    _check_not_in_constants(src)
    header_macros: dict[str, Macro] = {}
    for name in sorted(os.listdir(os.path.join(src, "include"))):
        if name.endswith(".h") and name != "http_config.h":
            path = os.path.join(src, "include", name)
            collect_macros(strip_comments(open(path, encoding="utf-8", errors="replace").read()),
                           f"include/{name}", header_macros)
    # OR_ALL and friends are numeric constants, never expanded.
    for name in constants:
        header_macros.pop(name, None)

    c_files = []
    for top in ("server", "modules", "os"):
        for root, _dirs, files in os.walk(os.path.join(src, top)):
            for name in files:
                if name.endswith(".c"):
                    c_files.append(os.path.relpath(os.path.join(root, name), src))
    c_files.sort()

    texts = {}
    for rel in c_files:
        texts[rel] = strip_comments(open(os.path.join(src, rel), encoding="utf-8", errors="replace").read())

    checks = {rel: handler_context_checks(text) for rel, text in texts.items()}

    def handler_not_in(table_file: str, handler: str) -> int | None:
        for scope in (
            [table_file],
            sorted(f for f in checks if os.path.dirname(f) == os.path.dirname(table_file)),
            sorted(f for f in checks if f.startswith("server/")),
        ):
            found = [checks[f][handler] for f in scope if handler in checks[f]]
            if len(found) == 1:
                return found[0]
        found = [c[handler] for c in checks.values() if handler in c]
        return found[0] if len(found) == 1 else None

    # table name -> [(file, table body)]
    tables: dict[str, list[tuple[str, str]]] = {}
    for rel, text in texts.items():
        for table, body in _table_bodies(text):
            tables.setdefault(table, []).append((rel, body))

    def macros_for(rel: str) -> dict[str, Macro]:
        macros: dict[str, Macro] = {}
        collect_macros(texts[rel], rel, macros)
        directory = os.path.dirname(rel)
        for name in sorted(os.listdir(os.path.join(src, directory))):
            if name.endswith(".h"):
                path = os.path.join(src, directory, name)
                collect_macros(strip_comments(open(path, encoding="utf-8", errors="replace").read()),
                               f"{directory}/{name}", macros)
        for name, macro in header_macros.items():
            macros.setdefault(name, macro)
        for name in constants:
            macros.pop(name, None)
        return macros

    entries: list[CommandEntry] = []
    for rel, text in texts.items():
        for match in _MODULE_RE.finditer(text):
            module_id = (match.group(1) + "_module") if match.group(1) else match.group(2)
            struct_tokens = tokenize(text[match.end() : text.find("}", match.end())], rel)
            table = _module_table(rel, struct_tokens, tables)
            if table is None:
                continue
            table_file, body = table
            macros = macros_for(table_file)
            for condition, chunk in _body_with_conditions(body, table_file):
                for entry in _entries(expand(chunk, macros), condition, constants,
                                      os.path.basename(rel), module_id):
                    entries.append(replace(entry, handler_not_in=handler_not_in(table_file, entry.handler)))
    return entries


def _module_table(rel: str, struct_tokens: list[Tok], tables):
    for tok in struct_tokens:
        if tok.kind != "id" or tok.text not in tables:
            continue
        candidates = tables[tok.text]
        for preferred in (
            [c for c in candidates if c[0] == rel],
            [c for c in candidates if os.path.dirname(c[0]) == os.path.dirname(rel)],
            candidates if len(candidates) == 1 else [],
        ):
            if len(preferred) == 1:
                return preferred[0]
    return None


def _entries(tokens, condition, constants, module_source, module_id):
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if (
            tok.kind == "id"
            and tok.text.startswith("AP_INIT_")
            and i + 1 < len(tokens)
            and tokens[i + 1].text == "("
        ):
            args, after = split_args(tokens, i + 2)
            kind = tok.text[len("AP_INIT_"):]
            name = _decode_c_string(args[0]) if args else None
            if kind in INIT_KIND_TO_CLASS and name and len(args) >= 4:
                yield CommandEntry(
                    name=name,
                    arg_class=INIT_KIND_TO_CLASS[kind],
                    req_override=_eval_override(args[3], constants),
                    module_source=module_source,
                    module_id=module_id,
                    source_path=tok.origin,
                    condition=condition,
                    handler=" ".join(t.text for t in args[1]),
                    handler_not_in=None,
                )
            i = after
            continue
        i += 1
