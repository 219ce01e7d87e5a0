#!/usr/bin/env python3
"""record_expr_corpus.py: httpd's verdicts on ap_expr expressions, for tests/expr_corpus.rs.

Writes tests/expr/corpus.jsonl: one JSON object per line,

    {"mode": "condition"|"string", "ssl": bool, "expr": "...", "httpd": null | "message"}

where "httpd" is what real apache2 -t says about the expression (null: accepted), as it
prints it (error-log escaping included, the consumer's prefix removed), or the whole
message for the scanner jam (`flex scanner jammed`).

A condition runs as `<If "...">` (its quotes and backslashes escaped for
ap_getword_conf), with mod_ssl loaded when "ssl" is true; a string runs as
`AuthName "..."` in a `<Directory>` (so never empty: AuthName needs an argument). The expressions are a fixed list of hand-picked
cases plus seeded random ones: token soups (mostly errors) and mutations of
well-formed expressions (near misses on both sides), so the file is the same on every
run for the same apache2.

    python3 scripts/record_expr_corpus.py            # rewrite the corpus
    python3 scripts/record_expr_corpus.py --verify   # exit 1 when apache2 disagrees

Standard library only; uses httpd_oracle.py's sandbox (never touches /etc/apache2).
"""

import argparse
import json
import random
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import httpd_oracle as oracle  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "expr" / "corpus.jsonl"
SEED = 20240601
RANDOM_CASES = {"soup": 900, "mutant": 1300, "string": 500}

# Hand-picked: every construct of the grammar on both sides of its boundary.
CONDITIONS = [
    "", "true", "false", "!true", "! ! false", "true && false || !true", "(true)", "((true) || (false))",
    "true true", "(true true)", "(true", "true)", "&& true", "not true", "true and false or true",
    "%{REQUEST_URI} == '/x'", "%{request_uri} == '/x'", "%{FOO} == 'x'", "%{REQUEST_URI}",
    "%{}", "%{1}", "%{ REQUEST_URI}", "%{REQUEST_URI", "%{HTTP:Host} == 'a'", "%{http:Host} == 'a'",
    "%{req:}", "%{req:X-Y}z == 'a'", "%{BOGUS:x} == 'a'", "%{env:%{REQUEST_URI}} == 'a'",
    "%{env:'x'} == 'a'", "%{env:a\\}", "%{env:a$1b} == ''",
    "'a' == 'b'", "'a' = 'b'", "'a' != 'b'", "'a' < 'b'", "'a' <= 'b'", "'a' > 'b'", "'a' >= 'b'",
    "1 -eq 2", "1 -ne 2", "1 -lt 2", "1 -le 2", "1 -gt 2", "1 -ge 2", "1 eq 2", "1 lt 2", "-1 == -2",
    "'a' =~ /b/", "'a' =~ /b/i", "'a' !~ m#b#", "'a' =~ m#b#i", "'a' =~ m_b_", "'a' =~ /(/", "'a' =~ /b",
    "'a' =~ 'b'", "'a' =~ m{b}", "%{FOO} =~ /(/", "'a' =~ /(?<n>x)|(?<n>y)/",
    "'a' -in {'a', 'b'}", "'a' in {'a'}", "'a' -in {'a' 'b'}", "'a' -in {}", "'a' -in {'a',}",
    "'a' -in split('x')", "'a' -in PeerExtList('x')", "'a' -in bogus", "'a' -in 'b'",
    "-f '/etc/passwd'", "-d '/tmp'", "-e 'x'", "-s 'x'", "-L 'x'", "-h 'x'", "-x 'x'", "-F 'x'",
    "-U '/x'", "-A '/x'", "-n 'x'", "-z ''", "-T 'on'", "-l 'x'", "-q 'x'", "-f", "-f -d 'x'",
    "-R '10.0.0.0/8'", "-R '10.1'", "-R '::1'", "-R 'fe80::/10'", "-R '::ffff:1.2.3.4'", "-R ''",
    "-R '1.2.3.4/33'", "-R '1.2.3.4/255.255.0.0'", "-R 10", "-R %{REMOTE_ADDR}", "-R 'a' . 'b'",
    "-R '1.2.3.4\\0junk'",
    "%{REMOTE_ADDR} -ipmatch '192.168.0.0/16'", "%{REMOTE_ADDR} -IPMATCH 'x'",
    "%{REMOTE_ADDR} -ipmatch %{REMOTE_ADDR}", "'a' -strmatch 'a*'", "'a' -strcmatch 'A*'",
    "'a' -fnmatch '*'", "'a' -bogus 'b'", "'a' -in_x 'b'", "'a' -inx 'b'",
    "tolower('A') == 'a'", "TOLOWER('A') == 'a'", "toupper(%{REQUEST_URI}) == 'A'", "bogus('x') == 'a'",
    "tolower 'x'", "tolower('x' 'y') == ''", "tolower('x'", "tolower() == 'a'",
    "req('Host') == 'x'", "http('Host') == 'x'", "resp('X') == 'x'", "env('X') == 'x'",
    "osenv('X') == 'x'", "note('X') == 'x'", "reqenv('X') == 'x'", "req_novary('X') == 'x'",
    "escape('x') == 'x'", "unescape('x') == 'x'", "base64('x') == 'x'", "unbase64('x') == 'x'",
    "sha1('x') == 'x'", "md5('x') == 'x'", "file('/x') == 'x'", "filesize('/x') -gt 0",
    "ldap('x') == 'x'", "SSL('x') == 'x'", "hc('x') == 'x'",
    "'a' . 'b' == 'ab'", "'a' . %{REQUEST_URI} . 'b' == 'x'", "'a' . == 'b'", "'a' .. 'b' == 'x'",
    "$1 == 'a'", "'$1' == 'a'", "'x$1y' == 'a'", "$a == 'b'", "'%{REQUEST_URI}x' == 'a'",
    "'a\\'b' == 'x'", "\"a\\\"b\" == 'x'", "'\\101' == 'A'", "'\\400' == 'x'", "'\\8' == 'x'",
    "'\\19' == 'x'", "'\\1234' == 'x'", "'\\n\\t\\r\\b\\f\\q' == 'x'", "'abc\\'", "'abc",
    "\"a'b\" == 'x'", "'a\"b' == 'x'", "'' == ''", "\"\" == ''",
    "%{REQUEST_URI} == 'a' %", "%{FOO}%", "& true", "| true", "true & false", "true | false",
    "#x", "@", "[a]", "a", "abc", "a(", "truex", "andx == 'a'", "m", "m x", "~", "-", "- 1",
    "%{REQUEST_URI} == 'a' &&", "%{REQUEST_URI} == 'a' || (", "!(%{REQUEST_URI} == 'a')",
    "'a' == 'b' == 'c'", "'a' 'b'", "'a'", "1", "1 == 1 1", "-1a == 'x'", "'x' == 1a",
    "%{SSL_CIPHER} == 'x'", "%{SSL:x} == 'x'", "%{HC_X} == 'x'", "%{TIME_YEAR} -gt 2000",
    "%{HTTPS} == 'on'", "%{HTTP2} == 'on'", "%{IPV6} == 'on'", "%{CONN_REMOTE_ADDR} == 'x'",
    "%{REQUEST_STATUS} == '200'", "%{API_VERSION} == 'x'", "%{HTTP_ACCEPT} == 'x'",
    "%{REMOTE_PORT} == '1'", "%{SCRIPT_USER} == 'x'", "%{CONTEXT_DOCUMENT_ROOT} == 'x'",
    "%{X-Forwarded-For} == 'x'", "%{HTTP_X_FORWARDED_FOR} == 'x'", "%{REMOTE_ADDR} == 'x'",
    "\t%{REMOTE_ADDR}\t==\t'x'\t", " true ", "true\r", "'é' == 'x'", "é",
    "'a' =~ /x/ix", "'a' =~ /x/ && true", "'a' -in {'a'} && 'b' -in {'c', %{REQUEST_URI}}",
    "('a' == 'b') == 'c'", "! 'a'", "!'a' == 'b'", "-T", "-T -T 'x'",
]
STRINGS = [
    "plain text", "100%", "%", "%{", "%{REQUEST_URI}", "%{FOO}", "%{}", "%{1}", "a %{ x}",
    "%{REQUEST_URI", "%{req:X}", "%{req:}", "%{BOGUS:x}", "%{env:'x'}", "$1", "$a", "a$1b", "\\8",
    "x\\8", "\\400", "\\101", "a\\", "it's \"quoted\"", "{}", "a}b", "%{req:%{REQUEST_URI}}",
    "%{SSL_CIPHER}", "%{tolower:A}", "a\\%{b}", "line\\nbreak", "%{env:a$1}", "%%{REQUEST_URI}",
]

FRAGMENTS = [
    "%{REQUEST_URI}", "%{FOO}", "%{HTTP:Host}", "%{req:X-Y}", "%{env:", "%{", "}", "'a'", '"b"',
    "'", '"', "''", "==", "=", "!=", "<", "<=", ">", ">=", "=~", "!~", "-eq", "-lt", "eq", "lt",
    "/x/", "/(/", "/a/i", "m#a#i", "m#(#", "m_a_", "-f", "-l", "-d", "-z", "-n", "-R", "-ipmatch",
    "-strmatch", "-fnmatch", "-foo", "'10.0.0.0/8'", "'10.1'", "'::1/128'", "(", ")", "{", "}",
    ",", "&&", "||", "!", "and", "or", "not", "true", "false", "tolower(", "toupper(", "bogus(",
    "split(", "-in", "in", "1", "-1", "42", "$1", ".", "%", "\\", "foo", ":", "'%{REMOTE_ADDR}'",
    "'a$1b'", "'x\\8'", "'\\400'", "'\\101'", "file(", "%{tolower:%{REQUEST_URI}}", "%{ENV:a}",
    "'%'", "'}'", "$", "&", "|", "~", "-", "m", "#", ";", "[", "]", "@",
    "%{REMOTE_ADDR} -ipmatch '10.0.0.0/8'", "-R '1.2.3.4'", "-T 'on'", "%{HTTP_HOST} == 'x'",
    "'a' . 'b'", "%{SSL_CIPHER}", "PeerExtList(", "SSL(", "%{SSL:x}", "%{x:y:z}",
    "%{REQUEST_URI:}", "\t", "-_", "-_a", "-a1", "m'x'", "truex", "andx", "1a",
]

WORDS = ["'a'", '"b c"', "''", "%{REQUEST_URI}", "%{HTTP:Host}", "%{FOO}", "1", "-2", "$1",
         "tolower(%{REQUEST_URI})", "'x%{REQUEST_METHOD}y'", "'$2x'", "%{env:%{REQUEST_URI}}",
         "'a' . 'b'", "bogus('x')", "%{req:X-Y}"]
COMPARE = ["==", "!=", "<", ">=", "-eq", "-lt", "eq", "=", "-strmatch", "-fnmatch", "-bogus"]


def well_formed(rng, depth=0):
    roll = rng.random()
    if depth < 2 and roll < 0.2:
        return f"{well_formed(rng, depth + 1)} {rng.choice(['&&', '||', 'and', 'or'])} {well_formed(rng, depth + 1)}"
    if depth < 2 and roll < 0.3:
        return rng.choice(["!", "! ", "not "]) + well_formed(rng, depth + 1)
    if depth < 2 and roll < 0.4:
        return f"({well_formed(rng, depth + 1)})"
    if roll < 0.5:
        return f"{rng.choice(['-f', '-d', '-n', '-z', '-T', '-U'])} {rng.choice(WORDS)}"
    if roll < 0.6:
        return f"{rng.choice(WORDS)} {rng.choice(['=~', '!~'])} {rng.choice(['/^a/', 'm#b#i', '/(x|y)/', '/[/'])}"
    if roll < 0.7:
        items = ", ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 3)))
        return f"{rng.choice(WORDS)} -in {{{items}}}"
    if roll < 0.75:
        return rng.choice(["true", "false", "-R '10.0.0.0/8'", "%{REMOTE_ADDR} -ipmatch '::1'"])
    return f"{rng.choice(WORDS)} {rng.choice(COMPARE)} {rng.choice(WORDS)}"


def tokens_of(text):
    return re.findall(r"'[^']*'|\"[^\"]*\"|%\{[^}]*\}|\S+", text)


def mutate(rng, text):
    toks = tokens_of(text)
    for _ in range(rng.randint(0, 2)):
        if not toks:
            break
        i = rng.randrange(len(toks))
        op = rng.random()
        if op < 0.35:
            del toks[i]
        elif op < 0.7:
            toks.insert(i, rng.choice(FRAGMENTS))
        else:
            toks[i] = rng.choice(FRAGMENTS)
    return " ".join(toks)


def soup(rng):
    parts = []
    for _ in range(rng.randint(1, 7)):
        parts.append(rng.choice(FRAGMENTS))
        parts.append(rng.choice(["", " ", " ", "  "]))
    return "".join(parts).strip()


def cases():
    rng = random.Random(SEED)
    out = [("condition", False, e) for e in CONDITIONS]
    out += [("condition", True, e) for e in CONDITIONS if "SSL" in e or "PeerExtList" in e]
    out += [("string", False, e) for e in STRINGS]
    for _ in range(RANDOM_CASES["soup"]):
        out.append(("condition", rng.random() < 0.2, soup(rng)))
    for _ in range(RANDOM_CASES["mutant"]):
        out.append(("condition", rng.random() < 0.2, mutate(rng, well_formed(rng))))
    for _ in range(RANDOM_CASES["string"]):
        text = "".join(rng.choice(FRAGMENTS + ["text", " ", "/path/", "x"]) for _ in range(rng.randint(1, 5)))
        out.append(("string", False, text))
    seen, unique = set(), []
    for case in out:
        usable = "\n" not in case[2] and "${" not in case[2] and (case[0] == "condition" or case[2])
        if case not in seen and usable:
            seen.add(case)
            unique.append(case)
    return unique


def quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


CONDITION_PREFIX = "Cannot parse condition clause: "
STRING_RE = re.compile(r"^Cannot parse expression '.*' in AuthName: (.*)$", re.S)


def verdict(case):
    mode, ssl, text = case
    if mode == "condition":
        conf = f"<If {quote(text)}>\n</If>\n"
    else:
        conf = f"<Directory />\nAuthName {quote(text)}\n</Directory>\n"
    extra = ["-C", f"LoadModule ssl_module {oracle.MODULES_DIR}/mod_ssl.so"] if ssl else []
    with oracle.Sandbox() as sb:
        sb.root.mkdir()
        target = sb.root / "expr.conf"
        target.write_bytes(conf.encode())
        args = []
        for module, so in oracle.DEBIAN_DEFAULT_MODULES:
            args += ["-C", f"LoadModule {module} {oracle.MODULES_DIR}/{so}"]
        args += ["-C", sb.expand(oracle.FIXTURE_ERROR_LOG)] + extra
        code, out, err = oracle.run_apache2(sb, target, sb.root, args, sb.base_env(), "t")
        record = oracle.verdict(sb, code, out, err)
    if record["ok"]:
        return None
    message = record["first_error"]["message"]
    if mode == "condition" and message.startswith(CONDITION_PREFIX):
        return message[len(CONDITION_PREFIX):]
    m = STRING_RE.match(message)
    if mode == "string" and m:
        return m.group(1)
    if message == "flex scanner jammed":
        return message
    raise SystemExit(f"unexpected apache2 output for {case!r}: {record['raw']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verify", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    all_cases = cases()
    with ThreadPoolExecutor(2) as pool:
        verdicts = list(pool.map(verdict, all_cases))
    lines = [
        json.dumps({"mode": m, "ssl": s, "expr": e, "httpd": v}, ensure_ascii=False)
        for (m, s, e), v in zip(all_cases, verdicts)
    ]
    text = "\n".join(lines) + "\n"
    if args.verify:
        if CORPUS.read_text(encoding="utf-8") != text:
            print(f"{CORPUS} differs from apache2's verdicts: re-record it", file=sys.stderr)
            return 1
        print(f"{len(lines)} expressions: apache2 agrees")
        return 0
    CORPUS.parent.mkdir(parents=True, exist_ok=True)
    CORPUS.write_text(text, encoding="utf-8")
    accepted = sum(v is None for v in verdicts)
    print(f"wrote {len(lines)} expressions ({accepted} accepted) to {CORPUS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
