#!/usr/bin/env python3
"""gen_mutations.py: writes apachelint's differential suite of mutations.

Each case is one small, realistic textual edit to one file of one recorded tree
(the recipes in tests/differential/trees/, the pristine Debian tree among them),
stored as data in tests/mutations/cases/<category>/<NNN-slug>.json:

    {"tree": "<recipe>", "category": "...", "description": "...",
     "file": "<path in the tree>", "edit": {"op": ..., ...},
     "httpd": <apache2 -t verdict> | null}

The edit ops are documented in scripts/httpd_oracle.py (`edited_bytes`). This script
only writes the edits; `python3 scripts/httpd_oracle.py record --select mutations`
fills "httpd" with real apache2's verdict. A case whose tree, file and edit did not
change keeps its recorded verdict; a changed one gets `"httpd": null` until recorded.

How cases are chosen: every tree is materialised once (as the oracle does), its files
are read into logical lines, and the tree's committed DUMP_CONFIG golden says which of
them httpd actually used (so edits land in live configuration, or deliberately in a
skipped <IfModule> body or an unused file). `apache2 -t -D DUMP_MODULES` says which
modules each tree loads. Each category then draws its cases from hand-written templates
(most come in pairs: an edit httpd rejects and a near-miss it accepts) placed at random
but reproducible spots: the same --seed gives the same cases, byte for byte.

Standard library only. Usage:
    python3 scripts/gen_mutations.py [--seed N] [--check]
"""

import argparse
import json
import random
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import httpd_oracle as oracle  # noqa: E402

REPO = oracle.REPO
CASES_DIR = oracle.MUTATIONS_DIR
DEFAULT_SEED = 4
MODULES = oracle.MODULES_DIR

CONDITIONALS = {"ifmodule", "ifdefine", "ifversion", "iffile", "ifdirective", "ifsection"}
EXEC_ON_READ = {
    "include", "includeoptional", "define", "undefine", "serverroot", "defaultruntimedir",
    "loadmodule", "loadfile", "use", "undefmacro",
}


# --------------------------------------------------------------------------- trees


@dataclass
class Line:
    """A logical line of a config file (continuations joined)."""

    file: str
    start: int
    end: int
    raw: str  # the first physical line, as in the file (no LF)
    text: str  # the joined logical line, trimmed
    name: str  # first word, lower case ('<directory', '</directory')
    args: str
    indent: str
    stack: tuple = ()  # indexes (in Tree.lines[file]) of the enclosing openers
    active: bool = False
    closer: int = 0  # for openers: the end line of the matching closer
    index: int = 0

    @property
    def single(self):
        return self.start == self.end

    @property
    def shown(self):
        """A section's name as written ('Directory' for '<Directory /x>')."""
        return self.text.split()[0].lstrip("<").rstrip(">")

    @property
    def section(self):
        """'directory' for '<Directory', '' for other lines."""
        return self.name[1:] if self.name.startswith("<") and not self.name.startswith("</") else ""


@dataclass
class Tree:
    name: str
    recipe: dict
    root_text: dict  # file -> decoded text (lines)
    lines: dict  # file -> [Line]
    included: list  # files in include order
    modules: set
    mpm: str
    all_files: list = field(default_factory=list)

    def has(self, *modules):
        return all(m in self.modules for m in modules)

    def physical(self, file, n):
        return self.root_text[file][n - 1]

    def active_lines(self, pred=lambda ln: True):
        out = []
        for f in self.included:
            out += [ln for ln in self.lines.get(f, []) if ln.active and pred(ln)]
        return out

    def stack_of(self, ln):
        return [self.lines[ln.file][i] for i in ln.stack]

    def in_main(self, ln):
        """Outside every non-conditional section."""
        return all(s.section in CONDITIONALS for s in self.stack_of(ln))

    def enclosing(self, ln):
        return [s.section for s in self.stack_of(ln) if s.section not in CONDITIONALS]

    def cond_state(self, op):
        """Whether httpd took a conditional's body: True/False when DUMP_CONFIG
        tells (live directives in the body, or directives and none live), else None."""
        body = [x for x in self.lines[op.file] if op.start < x.start < op.closer]
        if any(x.active for x in body):
            return True
        if any(not x.name.startswith("<") and x.name not in EXEC_ON_READ for x in body):
            return False
        return None


def parse_file(file, text_lines):
    """Logical lines of one file, with section nesting (httpd's reading rules:
    a line ending in a backslash continues, comments start with '#')."""
    out, stack = [], []
    i = 0
    while i < len(text_lines):
        start = i
        joined = ""
        while True:
            phys = text_lines[i]
            stripped = phys[:-1] if phys.endswith("\r") else phys
            if stripped.endswith("\\") and i + 1 < len(text_lines):
                joined += stripped[:-1]
                i += 1
                continue
            joined += phys
            break
        end = i
        i += 1
        text = joined.strip(" \t\r\f\v")
        if not text or text.startswith("#"):
            continue
        first, _, rest = text.partition(" ")
        first = first.split("\t")[0]
        rest = text[len(first):].strip()
        raw = text_lines[start]
        ln = Line(file, start + 1, end + 1, raw, text, first.lower(), rest,
                  raw[: len(raw) - len(raw.lstrip(" \t"))], tuple(stack), index=len(out))
        out.append(ln)
        if ln.name.startswith("</"):
            if stack:
                opener = out[stack.pop()]
                opener.closer = end + 1
        elif ln.name.startswith("<"):
            stack.append(ln.index)
    return out


DUMP_FILE_RE = re.compile(r"^# In file: <ROOT>/(.*)$")
DUMP_LINE_RE = re.compile(r"^\s*#\s+(\d+):$")


def active_set(dump_config):
    """{(file, line)} of every directive in httpd's DUMP_CONFIG golden."""
    active, file = set(), None
    for line in dump_config.splitlines():
        m = DUMP_FILE_RE.match(line)
        if m:
            file = m.group(1)
            continue
        m = DUMP_LINE_RE.match(line)
        if m and file:
            active.add((file, int(m.group(1))))
    return active


def loaded_modules(sb, recipe):
    conf = sb.root / recipe["root_file"]
    server_root = sb.root / recipe.get("server_root", ".")
    code, out, err = oracle.run_apache2(
        sb, conf, server_root, oracle.tree_args(sb, recipe) + ["-D", "DUMP_MODULES"],
        oracle.tree_env(sb, recipe), "t",
    )
    if code != 0:
        raise SystemExit(f"{recipe}: apache2 -M failed: {err}")
    mods = set()
    for line in out.splitlines()[1:]:
        if line.strip():
            mods.add(line.split()[0].removesuffix("_module"))
    return mods


def load_tree(name):
    recipe = oracle.load_recipe(name)
    golden = oracle.TREES_DIR / name
    includes = (golden / "dump_includes.txt").read_text()
    included = [m.group(1) for m in re.finditer(r"<ROOT>/(\S+)", includes)]
    active = active_set((golden / "dump_config.txt").read_text())
    with oracle.Sandbox() as sb:
        oracle.materialise_tree(sb, recipe)
        modules = loaded_modules(sb, recipe)
        texts, lines, all_files = {}, {}, []
        for path in sorted(sb.root.rglob("*")):
            if not path.is_file():
                continue
            rel = path.relative_to(sb.root).as_posix()
            data = path.read_bytes()
            if b"\0" in data or len(data) > 400_000:
                continue
            try:
                text = sb.normalise(data.decode("utf-8"))
            except UnicodeDecodeError:
                continue
            all_files.append(rel)
            texts[rel] = text.split("\n")
            if text.endswith("\n"):
                texts[rel].pop()
            lines[rel] = parse_file(rel, texts[rel])
            for ln in lines[rel]:
                ln.active = rel in included and (rel, ln.end) in active
    mpm = next(m for m in modules if m.startswith("mpm_"))
    return Tree(name, recipe, texts, lines, [f for f in dict.fromkeys(included) if f in texts],
                modules, mpm, all_files)


def so_path(module):
    return f"<MODULES>/mod_{module}.so"


def load_line(module):
    return f"LoadModule {module}_module {so_path(module)}"


# --------------------------------------------------------------------------- cases


class Skip(Exception):
    """A template does not fit the tree it was offered."""


class Gen:
    def __init__(self, trees, seed):
        self.trees = trees
        self.rng = random.Random(seed)
        self.cases = defaultdict(list)
        self.usage = Counter()
        self.seen = set()
        self.pools = {}

    # ---- picking

    def tree(self, pred=lambda t: True, prefer=None):
        """An eligible tree, preferring the least used (ties broken at random)."""
        pool = [t for t in self.trees.values() if pred(t)]
        if prefer:
            preferred = [t for t in pool if t.name in prefer]
            pool = preferred or pool
        if not pool:
            raise Skip("no tree")
        low = min(self.usage[t.name] for t in pool)
        return self.rng.choice(sorted((t for t in pool if self.usage[t.name] <= low + 1), key=lambda t: t.name))

    def cycle(self, key, items):
        """The next item of a shuffled copy of `items` (refilled when used up), so
        that a template's variants are all drawn before any repeats."""
        pool = self.pools.get(key)
        if not pool:
            pool = self.pools[key] = list(items)
            self.rng.shuffle(pool)
        return pool.pop()

    def pick(self, items):
        """A random element of a list (places found in a tree); for a tuple (a
        template's fixed variants), the next one of `cycle`."""
        if isinstance(items, tuple):
            return self.cycle(repr(items), items)
        items = list(items)
        if not items:
            raise Skip("nothing to pick")
        return self.rng.choice(items)

    def directives(self, t, names=None, where=None, single=True):
        """Active non-section directives, by lower-case name and context:
        where = 'main' (outside sections), or a section name that must enclose it."""
        def ok(ln):
            if ln.name.startswith("<") or ln.name in EXEC_ON_READ:
                return False
            if single and not ln.single:
                return False
            if names is not None and ln.name not in names:
                return False
            if where == "main" and not t.in_main(ln):
                return False
            if where not in (None, "main") and where not in t.enclosing(ln):
                return False
            return True
        return t.active_lines(ok)

    def sections(self, t, kinds, where=None):
        def ok(ln):
            if ln.section not in kinds or not ln.single or not ln.closer:
                return False
            if where == "main" and not t.in_main(ln):
                return False
            return True
        return t.active_lines(ok)

    # ---- edits

    def add(self, category, slug, t, file, edit, description):
        key = (t.name, file, json.dumps(edit, sort_keys=True))
        if key in self.seen:
            raise Skip("duplicate")
        self.seen.add(key)
        self.usage[t.name] += 1
        self.cases[category].append({
            "slug": slug,
            "case": {
                "tree": t.name,
                "category": category,
                "description": description,
                "file": file,
                "edit": edit,
                "httpd": None,
            },
        })

    @staticmethod
    def indent_of(t, ln, inner=False):
        if not inner:
            return ln.indent
        nxt = [x for x in t.lines[ln.file] if x.start > ln.end and x.start < (ln.closer or 10**9)]
        if nxt and len(nxt[0].indent) > len(ln.indent):
            return nxt[0].indent
        return ln.indent + ("\t" if "\t" in ln.indent or not ln.indent else "    ")

    def insert_after(self, t, ln, text, inner=False):
        """Edit inserting `text` (LF-separated lines, indented like the context)
        after logical line `ln`; inside it when it is an opener and inner=True."""
        ind = self.indent_of(t, ln, inner)
        body = "\n".join(ind + x if x else x for x in text.split("\n"))
        return ln.file, {"op": "insert_after_line", "line": ln.end, "text": body}

    def replace(self, t, ln, new_text):
        if not ln.single:
            raise Skip("multi-line")
        if new_text == ln.raw:
            raise Skip("no change")
        return ln.file, {"op": "replace", "line": ln.start, "old": ln.raw, "new": new_text}

    def replace_args(self, t, ln, args):
        word = ln.text.split()[0]
        return self.replace(t, ln, f"{ln.indent}{word} {args}".rstrip())

    def delete(self, t, ln):
        if not ln.single:
            raise Skip("multi-line")
        return ln.file, {"op": "delete_line", "line": ln.start, "old": ln.raw}

    def closer_line(self, t, opener):
        for x in t.lines[opener.file]:
            if x.end == opener.closer and x.name.startswith("</"):
                return x
        raise Skip("no closer")

    def top_spot(self, t):
        """A live main-server directive to insert after (a line of the root file
        when possible)."""
        cands = self.directives(t, where="main")
        root = [ln for ln in cands if ln.file == t.recipe["root_file"]]
        return self.pick(root if root and self.rng.random() < 0.6 else cands)

    def at_top(self, t, text, modules=()):
        """Insert main-server configuration, loading `modules` first when the tree
        lacks them."""
        loads = [load_line(m) for m in modules if m not in t.modules]
        return self.insert_after(t, self.top_spot(t), "\n".join(loads + [text]))

    def in_section(self, t, kinds, text, modules=(), where=None):
        """Insert `text` as the first lines inside a live section of one of `kinds`.
        Modules the tree lacks are loaded just before the section opener (one hunk:
        the opener line is replaced by the LoadModule lines, itself and the text)."""
        opener = self.pick(self.sections(t, kinds, where))
        loads = [load_line(m) for m in modules if m not in t.modules]
        if not loads:
            return self.insert_after(t, opener, text, inner=True)
        if not opener.single:
            raise Skip("multi-line opener")
        ind = self.indent_of(t, opener, inner=True)
        body = "\n".join(ind + x if x else x for x in text.split("\n"))
        new = "\n".join([opener.indent + x for x in loads] + [opener.raw, body])
        return opener.file, {"op": "replace", "line": opener.start, "old": opener.raw, "new": new}


def slugify(text):
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:48].rstrip("-")


# --------------------------------------------------------------------------- templates
#
# A template is a function (g) -> (category slug, tree, file, edit, description);
# it raises Skip when the random choice does not fit. Each category lists its
# templates with how many cases to draw from each.

TYPO_KINDS = ("swap", "drop", "double", "neighbour")
KEYBOARD = "qwertyuiop asdfghjkl zxcvbnm"


def typo_word(rng, word, kind):
    letters = [i for i, c in enumerate(word) if c.isalpha()]
    if len(letters) < 4:
        raise Skip("short")
    i = rng.choice(letters[1:-1])
    if kind == "swap":
        if word[i] == word[i + 1]:
            raise Skip("same letters")
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == "drop":
        return word[:i] + word[i + 1:]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    row = next(r for r in KEYBOARD.split() if word[i].lower() in r) if any(word[i].lower() in r for r in KEYBOARD.split()) else None
    if not row:
        raise Skip("no neighbour")
    j = row.index(word[i].lower())
    c = row[j + 1] if j + 1 < len(row) else row[j - 1]
    return word[:i] + (c.upper() if word[i].isupper() else c) + word[i + 1:]


def t_typo(g):
    t = g.tree()
    ln = g.pick(g.directives(t))
    word = ln.text.split()[0]
    kind = g.pick(TYPO_KINDS)
    bad = typo_word(g.rng, word, kind)
    if bad.lower() == word.lower():
        raise Skip("no change")
    file, edit = g.replace(t, ln, ln.raw.replace(word, bad, 1))
    return f"{kind}-{word}", t, file, edit, f"typo in a live directive name ({kind}): {word} -> {bad}"


def t_typo_case(g):
    t = g.tree()
    ln = g.pick(g.directives(t))
    word = ln.text.split()[0]
    style = g.pick(("lower", "upper", "mixed"))
    new = {"lower": word.lower(), "upper": word.upper(),
           "mixed": "".join(c.upper() if i % 2 else c.lower() for i, c in enumerate(word))}[style]
    if new == word:
        raise Skip("same")
    file, edit = g.replace(t, ln, ln.raw.replace(word, new, 1))
    return f"case-{style}-{word}", t, file, edit, f"directive name in {style} case ({new}): names are case-insensitive"


def t_typo_section(g):
    t = g.tree()
    opener = g.pick(g.sections(t, {"directory", "virtualhost", "location", "files", "filesmatch", "directorymatch", "locationmatch"}))
    word = opener.text.split()[0]
    bad = "<" + typo_word(g.rng, word[1:], g.pick(("swap", "drop")))
    file, edit = g.replace(t, opener, opener.raw.replace(word, bad, 1))
    return f"section-{word[1:]}", t, file, edit, f"typo in a section opener ({word} -> {bad}), closer unchanged"


def t_typo_section_both(g):
    """A misspelt section that is consistently misspelt: one hunk re-types the
    whole block header and closer is impossible, so misspell a one-line block."""
    t = g.tree()
    name = g.pick(("Location", "Directory", "Files"))
    bad = {"Location": "Locaton", "Directory": "Directroy", "Files": "Flies"}[name]
    arg = {"Location": "/status-old", "Directory": "/srv/old", "Files": "old.txt"}[name]
    text = f"<{bad} {arg}>\n\tRequire all denied\n</{bad}>"
    file, edit = g.at_top(t, text)
    return f"section-pair-{bad}", t, file, edit, f"a new <{bad}> block (misspelt <{name}>, closer spelt the same)"


def t_typo_inactive(g):
    """Typo inside a conditional body httpd skips (a false <IfModule>/<IfDefine>)."""
    t = g.tree()
    cands = []
    for f in t.included:
        for ln in t.lines.get(f, []):
            if ln.name.startswith("<") or ln.active or not ln.single or ln.name in EXEC_ON_READ:
                continue
            st = t.stack_of(ln)
            if st and st[-1].section in CONDITIONALS and t.cond_state(st[-1]) is False:
                cands.append(ln)
    ln = g.pick(cands)
    word = ln.text.split()[0]
    bad = typo_word(g.rng, word, "swap")
    file, edit = g.replace(t, ln, ln.raw.replace(word, bad, 1))
    cond = t.stack_of(ln)[-1].text
    return f"inactive-{word}", t, file, edit, f"typo {word} -> {bad} inside a skipped conditional ({cond})"


def t_typo_unused_file(g):
    t = g.tree(lambda t: any(f.endswith(".conf") and f not in t.included and t.lines.get(f) for f in t.all_files))
    f = g.pick(sorted(f for f in t.all_files if f.endswith(".conf") and f not in t.included and t.lines.get(f)))
    ln = g.pick([x for x in t.lines[f] if x.single and not x.name.startswith("<") and x.name not in EXEC_ON_READ])
    word = ln.text.split()[0]
    bad = typo_word(g.rng, word, "drop")
    file, edit = g.replace(t, ln, ln.raw.replace(word, bad, 1))
    return f"unused-file-{word}", t, file, edit, f"typo {word} -> {bad} in {f}, which nothing includes"


def t_typo_commented(g):
    t = g.tree()
    ln = g.pick(g.directives(t))
    word = ln.text.split()[0]
    bad = typo_word(g.rng, word, "swap")
    new = ln.indent + "#" + ln.raw[len(ln.indent):].replace(word, bad, 1)
    file, edit = g.replace(t, ln, new)
    return f"commented-{word}", t, file, edit, f"a directive commented out, with a typo in the comment ({bad})"


# ---- directives of modules that are not loaded

UNLOADED = (
    # module, directive text, where ('top', 'vhost', 'directory'); the module's
    # directive named in the description is the first one of the text that it defines
    ("rewrite", "RewriteEngine On", "vhost"),
    ("rewrite", "RewriteRule ^/old$ /new [R=301,L]", "vhost"),
    ("headers", "Header always set X-Content-Type-Options nosniff", "vhost"),
    ("expires", "ExpiresActive On", "top"),
    ("ssl", "SSLProtocol all -SSLv3", "top"),
    ("proxy", "ProxyPreserveHost On", "vhost"),
    ("access_compat", "Order allow,deny\nAllow from all", "directory"),
    ("userdir", "UserDir disabled", "top"),
    ("remoteip", "RemoteIPHeader X-Forwarded-For", "top"),
    ("deflate", "DeflateCompressionLevel 6", "top"),
    ("dir", "DirectoryIndex index.php index.html", "vhost"),
    ("alias", "Alias /static /var/www/static", "vhost"),
    ("mime", "AddType application/wasm .wasm", "top"),
    ("status", "SeeRequestTail On", "top"),
    ("cgi", "ScriptLog ${APACHE_LOG_DIR}/cgi.log", "top"),
    ("php", "php_value upload_max_filesize 64M", "vhost"),
    ("security2", "SecRuleEngine On", "top"),
    ("wsgi", "WSGIDaemonProcess app threads=5", "vhost"),
    ("auth_digest", "AuthDigestProvider file", "directory"),
    ("authz_groupfile", "AuthGroupFile /etc/apache2/groups", "directory"),
    ("include", "XBitHack on", "directory"),
    ("negotiation", "LanguagePriority en de", "top"),
    ("setenvif", "SetEnvIf Request_URI \"\\.gif$\" image", "top"),
)
SOURCE_NAME = {"php": "mod_php7.c", "security2": "mod_security2.c", "wsgi": "mod_wsgi.c"}


def place(g, t, where, text, modules=()):
    if where == "top":
        return g.at_top(t, text, modules)
    kinds = {"vhost": {"virtualhost"}, "directory": {"directory"}, "location": {"location"}}[where]
    return g.in_section(t, kinds, text, modules)


def has_where(t, where):
    if where == "top":
        return True
    kind = {"vhost": "virtualhost", "directory": "directory", "location": "location"}[where]
    return any(ln.section == kind and ln.closer and ln.single for ln in t.active_lines())


def unloaded_template(guard):
    def template(g):
        mod, text, where = g.cycle("unloaded-" + guard, UNLOADED)
        loaded = guard == "loaded"
        t = g.tree(lambda t: (mod in t.modules) == loaded and has_where(t, where))
        name = text.split()[0]
        src = SOURCE_NAME.get(mod, f"mod_{mod}.c")
        if guard in ("none", "loaded"):
            body = text
        elif guard == "ifmodule-source":
            body = f"<IfModule {src}>\n" + "\n".join("\t" + x for x in text.split("\n")) + "\n</IfModule>"
        elif guard == "ifmodule-id":
            body = f"<IfModule {mod}_module>\n" + "\n".join("\t" + x for x in text.split("\n")) + "\n</IfModule>"
        elif guard == "ifmodule-wrong-name":
            body = f"<IfModule mod_{mod}>\n" + "\n".join("\t" + x for x in text.split("\n")) + "\n</IfModule>"
        elif guard == "ifmodule-negated":
            body = f"<IfModule !{src}>\n" + "\n".join("\t" + x for x in text.split("\n")) + "\n</IfModule>"
        elif guard == "ifdirective":
            body = f"<IfDirective {name}>\n" + "\n".join("\t" + x for x in text.split("\n")) + "\n</IfDirective>"
        file, edit = place(g, t, where, body)
        what = {
            "none": f"{name} (mod_{mod}, not loaded in this tree), unguarded",
            "loaded": f"{name} in a tree that loads mod_{mod}",
            "ifmodule-source": f"{name} guarded by <IfModule {src}> (mod_{mod} not loaded)",
            "ifmodule-id": f"{name} guarded by <IfModule {mod}_module> (not loaded)",
            "ifmodule-wrong-name": f"{name} guarded by <IfModule mod_{mod}> (a name that never matches)",
            "ifmodule-negated": f"{name} inside <IfModule !{src}>, which is true because the module is not loaded",
            "ifdirective": f"{name} guarded by <IfDirective {name}> (not loaded)",
        }[guard]
        return f"{guard}-{name}", t, file, edit, what
    return template


def t_unloaded_before_load(g):
    mod, text, where = g.cycle("before-load", [u for u in UNLOADED if u[2] == "top" and u[0] not in SOURCE_NAME])
    t = g.tree(lambda t: mod not in t.modules)
    ln = g.top_spot(t)
    ind = ln.indent
    body = "\n".join(ind + x for x in text.split("\n")) + "\n" + ind + load_line(mod)
    file, edit = ln.file, {"op": "insert_after_line", "line": ln.end, "text": body}
    return f"before-loadmodule-{text.split()[0]}", t, file, edit, f"{text.split()[0]} written before the LoadModule of mod_{mod} in the same hunk (pass 2 runs after all loads)"


def t_unloaded_ifmodule_before_load(g):
    mod, text, where = g.cycle("ifmodule-before-load", [u for u in UNLOADED if u[2] == "top" and u[0] not in SOURCE_NAME])
    t = g.tree(lambda t: mod not in t.modules)
    ln = g.top_spot(t)
    ind = ln.indent
    lines = [f"<IfModule mod_{mod}.c>"] + ["\t" + x for x in text.split("\n")] + ["</IfModule>", load_line(mod)]
    file, edit = ln.file, {"op": "insert_after_line", "line": ln.end, "text": "\n".join(ind + x for x in lines)}
    return f"ifmodule-before-loadmodule-{mod}", t, file, edit, f"<IfModule mod_{mod}.c> before the LoadModule that loads it: false at read time, body skipped"


# ---- arity


def t_arity_generic(g):
    t = g.tree()
    ln = g.pick(g.directives(t))
    words = ln.args.split()
    op = g.pick(("extra", "drop-last", "drop-all"))
    word = ln.text.split()[0]
    if op == "extra":
        extra = g.pick(("extra", "on", "/tmp", "x"))
        new = ln.raw.rstrip() + " " + extra
        what = f"an extra argument '{extra}' on {word}"
    elif op == "drop-last":
        if len(words) < 2 or '"' in ln.args or "'" in ln.args:
            raise Skip("few words")
        new = ln.raw.rstrip()[: len(ln.raw.rstrip()) - len(words[-1])].rstrip()
        what = f"the last argument of {word} dropped"
    else:
        if not words:
            raise Skip("no args")
        new = ln.indent + word
        what = f"{word} with its arguments removed"
    file, edit = g.replace(t, ln, new)
    return f"{op}-{word}", t, file, edit, what


ARITY = (
    # (names to replace, new args, description); applied to a live directive
    ({"servername"}, "{a} www.{a}", "ServerName given two names (the alias belongs in ServerAlias)"),
    ({"serveralias"}, "{a} www2.example.com api.example.com", "ServerAlias with several names"),
    ({"documentroot"}, "{a} /srv/other", "DocumentRoot with two paths"),
    ({"customlog"}, "{w0}", "CustomLog without its format"),
    ({"customlog"}, "{a} env=!dontlog", "CustomLog with an env= condition"),
    ({"customlog"}, "{a} env=!dontlog extra", "CustomLog with four arguments"),
    ({"errorlog"}, "", "ErrorLog without a path"),
    ({"serveradmin"}, "", "ServerAdmin without an address"),
    ({"serveradmin"}, "{a} admin@example.org", "ServerAdmin with two addresses"),
    ({"directoryindex"}, "", "DirectoryIndex with no arguments"),
    ({"directoryindex"}, "{a} index.php default.htm", "DirectoryIndex with more files"),
    ({"addtype"}, "{w0}", "AddType with a type but no extension"),
    ({"alias", "scriptalias"}, "{w0}", "Alias with only the URL path"),
    ({"alias", "scriptalias"}, "{a} extra", "Alias with three arguments"),
    ({"logformat"}, "{a} extra", "LogFormat with a third argument"),
    ({"keepalive"}, "On Off", "KeepAlive with two values (FLAG reads the first)"),
    ({"timeout"}, "", "Timeout with no value"),
    ({"listen"}, "{a} http extra", "Listen with three arguments"),
    ({"addlanguage", "addcharset", "addicon", "addhandler"}, "{w0}", "an ITERATE2 directive with one argument"),
    ({"browsermatch", "setenvif"}, "{w0}", "BrowserMatch/SetEnvIf with the regex only"),
    ({"loglevel"}, "", "LogLevel with no level"),
    ({"options"}, "", "Options with no arguments"),
    ({"redirect"}, "301 /old /new extra", "Redirect with four arguments"),
    ({"errordocument"}, "{w0}", "ErrorDocument with the status only"),
)


def t_arity_named(g):
    names, args, what = g.cycle("arity", ARITY)
    t = g.tree(lambda t: g.directives(t, names))
    ln = g.pick(g.directives(t, names))
    words = ln.args.split()
    new_args = args.format(a=ln.args, w0=words[0] if words else "")
    file, edit = g.replace_args(t, ln, new_args)
    return slugify(what)[:40], t, file, edit, f"{what}: {ln.text} -> {new_args or '(nothing)'}"


# ---- trailing comments


def t_comment_directive(g):
    t = g.tree()
    ln = g.pick(g.directives(t))
    c = g.pick(("# default", "# changed by ops", "#TODO", "# see ticket 42"))
    file, edit = g.replace(t, ln, ln.raw.rstrip() + " " + c)
    return f"trailing-{ln.text.split()[0]}", t, file, edit, f"a trailing comment '{c}' after {ln.text.split()[0]} (there are no trailing comments: the words are arguments)"


def t_comment_opener(g):
    t = g.tree()
    op = g.pick(g.sections(t, {"virtualhost", "directory", "location", "files", "filesmatch"}))
    file, edit = g.replace(t, op, op.raw.rstrip() + " # main")
    return f"after-opener-{op.section}", t, file, edit, f"a comment after the '>' of <{op.shown}> (text after '>' is ignored)"


def t_comment_inside_opener(g):
    t = g.tree()
    # (not <VirtualHost>: its extra words would be looked up in DNS)
    op = g.pick(g.sections(t, {"directory", "location", "files", "filesmatch"}))
    raw = op.raw.rstrip()
    if not raw.endswith(">"):
        raise Skip("no >")
    file, edit = g.replace(t, op, raw[:-1] + " # main>")
    return f"inside-opener-{op.section}", t, file, edit, f"a comment inside the <{op.shown} ...> brackets"


def t_comment_closer(g):
    t = g.tree()
    op = g.pick(g.sections(t, {"virtualhost", "directory", "location", "files", "filesmatch"}))
    cl = g.closer_line(t, op)
    file, edit = g.replace(t, cl, cl.raw.rstrip() + " # end " + op.section)
    return f"after-closer-{op.section}", t, file, edit, f"a comment after </{op.shown}> (ignored)"


def t_comment_cond_closer(g):
    t = g.tree()
    cands = [ln for f in t.included for ln in t.lines.get(f, []) if ln.section == "ifmodule" and ln.closer and ln.single]
    op = g.pick(cands)
    cl = g.closer_line(t, op)
    if not cl.single:
        raise Skip("multi")
    state = t.cond_state(op)
    file, edit = g.replace(t, cl, cl.raw.rstrip() + " # " + op.args.rstrip(">"))
    how = {True: " (taken: a taken body must end with exactly </IfModule>)",
           False: " (skipped: a skipped body tolerates it)", None: ""}[state]
    return "after-ifmodule-closer", t, file, edit, f"a comment after the </IfModule> of {op.text}{how}"


def t_comment_own_line(g):
    t = g.tree()
    ln = g.pick(g.directives(t))
    file, edit = g.insert_after(t, ln, "# " + g.pick(("temporarily disabled", "keep in sync with prod", "see RFC 7231")))
    return "own-line", t, file, edit, "a comment on its own line, indented like its neighbours"


def t_comment_other_syntax(g):
    t = g.tree()
    ln = g.pick(g.directives(t))
    style = g.cycle("foreign", ("; old value", "// old value", "-- old value", "<!-- old value -->"))
    file, edit = g.insert_after(t, ln, style)
    return f"foreign-comment-{style[:2]}", t, file, edit, f"a comment in another language's syntax ('{style}')"


def t_comment_hash_glued(g):
    t = g.tree()
    ln = g.pick(g.directives(t, {"listen", "serveradmin", "servername", "documentroot", "timeout", "keepalive", "loglevel", "servertokens"}))
    file, edit = g.replace(t, ln, ln.raw.rstrip() + "#note")
    return f"glued-{ln.text.split()[0]}", t, file, edit, f"'#note' glued to the last argument of {ln.text.split()[0]}"


# ---- FLAG and enumerated values

ENUMS = (
    # (directive, context, [(value, description)])
    ("KeepAlive", "main", ["Yes", "off", "ON", "1"]),
    ("HostnameLookups", "main", ["Double", "Maybe", "on", "dns"]),
    ("ServerTokens", "main", ["Full", "ProductOnly", "Min", "None", "os", "Hidden"]),
    ("ServerSignature", "main", ["EMail", "Full", "off", "Yes"]),
    ("TraceEnable", "main", ["extended", "disabled", "on", "No"]),
    ("UseCanonicalName", "main", ["DNS", "Yes", "off"]),
    ("LogLevel", "main", ["debug", "verbose", "warning", "warn ssl:info", "info core:bogus", "trace8", "trace9"]),
    ("EnableSendfile", "main", ["true", "Off"]),
    ("EnableMMAP", "main", ["1", "On"]),
    ("ContentDigest", "main", ["maybe", "on extra"]),
    ("FileETag", "main", ["MTime Size", "INode +MTime", "Modified", "None", "All -INode"]),
    ("AcceptPathInfo", "directory", ["Default", "Yes", "off"]),
    ("AllowEncodedSlashes", "main", ["NoDecode", "Decode", "On"]),
    ("HttpProtocolOptions", "main", ["Unsafe", "Lenient", "Strict LenientMethods Allow0.9"]),
    ("MergeTrailers", "main", ["on", "enabled"]),
    ("ServerSignature", "vhost", ["Off", "Hidden"]),
    ("ForceLanguagePriority", "main", ["Prefer Fallback", "First", "None"]),
    ("ExtendedStatus", "main", ["Enabled", "on"]),
    ("IndexOptions", "main", ["+FancyIndexing +HTMLTable", "FancyIndexing Bogus", "Charset=UTF-8"]),
    ("UseCanonicalPhysicalPort", "main", ["Off", "Maybe"]),
    ("AddDefaultCharset", "main", ["UTF-8", "Off", "On"]),
    ("ServerTokens", "vhost", ["Prod"]),
)
ENUM_MODULES = {"ExtendedStatus": "status", "IndexOptions": "autoindex", "ForceLanguagePriority": "negotiation"}


def set_value(g, name, value, where, mod=None):
    """Sets `name value`: replaces a live main-server occurrence when the tree has
    one (where='main'), else adds it (main server, or inside a section)."""
    t = g.tree(lambda t: (not mod or mod in t.modules) and has_where(t, "top" if where == "main" else where))
    existing = g.directives(t, {name.lower()}, where="main") if where == "main" else []
    if existing:
        ln = g.pick(existing)
        file, edit = g.replace_args(t, ln, value)
        what = f"{name} changed from '{ln.args}' to '{value}'"
    elif where == "main":
        file, edit = g.at_top(t, f"{name} {value}")
        what = f"{name} {value} added to the main server"
    else:
        file, edit = place(g, t, where, f"{name} {value}")
        what = f"{name} {value} added inside a <{SECTION_NAMES[where]}>"
    return f"{name}-{value}", t, file, edit, what


SECTION_NAMES = {"vhost": "VirtualHost", "directory": "Directory", "location": "Location"}


def t_enum(g):
    name, where, value = g.cycle("enum", [(n, w, v) for n, w, vs in ENUMS for v in vs])
    return set_value(g, name, value, where, ENUM_MODULES.get(name))


# ---- numbers

NUMBERS = (
    ("Timeout", "main", ["abc", "60s", "-5"]),
    ("KeepAliveTimeout", "main", ["abc", "500ms", "-1", "5 s"]),
    ("MaxKeepAliveRequests", "main", ["abc", "-1"]),
    ("LimitRequestBody", "directory", ["-1", "1048576", "10M"]),
    ("LimitRequestFields", "main", ["abc", "-3"]),
    ("LimitRequestFieldSize", "main", ["100000", "abc"]),
    ("LimitRequestLine", "main", ["abc", "-1"]),
    ("LimitXMLRequestBody", "directory", ["-5", "huge"]),
    ("ListenBacklog", "main", ["abc", "0"]),
    ("MaxRanges", "directory", ["unlimited", "-2", "lots"]),
    ("LimitInternalRecursion", "main", ["0", "abc", "10 5"]),
    ("SendBufferSize", "main", ["100", "abc"]),
    ("DeflateCompressionLevel", "main", ["9", "10", "0"]),
    ("RequestReadTimeout", "main", ["header=20-40,MinRate=500", "header=abc", "body=10,minrate=x"]),
    ("ExpiresDefault", "main", ['"access plus 1 month"', '"access plus one month"', "A3600", "B3600"]),
    ("MaxConnectionsPerChild", "main", ["abc"]),
    ("ThreadStackSize", "main", ["abc", "1000"]),
)
NUMBER_MODULES = {"DeflateCompressionLevel": "deflate", "RequestReadTimeout": "reqtimeout", "ExpiresDefault": "expires"}


def t_number(g):
    name, where, value = g.cycle("number", [(n, w, v) for n, w, vs in NUMBERS for v in vs])
    return set_value(g, name, value, where, NUMBER_MODULES.get(name))


# ---- contexts

CONTEXTS = (
    # (text, where, modules, description)
    ("Listen 8080", "directory", (), "Listen inside <Directory>"),
    ("Listen 8080", "vhost", (), "Listen inside <VirtualHost>"),
    ("DocumentRoot /var/www/html", "location", (), "DocumentRoot inside <Location>"),
    ("ServerName www.example.com", "directory", (), "ServerName inside <Directory>"),
    ("Require all granted", "top", ("authz_core",), "Require in the main server, outside any section"),
    ("Require all granted", "vhost", ("authz_core",), "Require directly inside <VirtualHost>"),
    ("Require all granted", "location", ("authz_core",), "Require inside <Location>"),
    ("AllowOverride All", "location", (), "AllowOverride inside <Location> (only a warning)"),
    ("AllowOverride All", "vhost", (), "AllowOverride directly inside <VirtualHost>"),
    ("AllowOverride All", "top", (), "AllowOverride in the main server"),
    ("Options -Indexes", "vhost", (), "Options directly inside <VirtualHost>"),
    ("Options -Indexes", "top", (), "Options in the main server"),
    ("<Directory /srv/nested>\n\tRequire all denied\n</Directory>", "directory", ("authz_core",), "<Directory> nested in <Directory>"),
    ("<Location /inner>\n\tRequire all denied\n</Location>", "location", ("authz_core",), "<Location> nested in <Location>"),
    ("<Files \"*.bak\">\n\tRequire all denied\n</Files>", "directory", ("authz_core",), "<Files> inside <Directory>"),
    ("<Directory /srv/app>\n\tRequire all granted\n</Directory>", "vhost", ("authz_core",), "<Directory> inside <VirtualHost>"),
    ("<VirtualHost *:8081>\n\tServerName inner.example\n</VirtualHost>", "vhost", (), "<VirtualHost> nested in <VirtualHost>"),
    ("<VirtualHost *:8081>\n\tServerName inner.example\n</VirtualHost>", "directory", (), "<VirtualHost> inside <Directory>"),
    ("<Limit POST PUT>\n\tRequire all denied\n</Limit>", "top", ("authz_core",), "<Limit> in the main server"),
    ("<LimitExcept GET POST>\n\tRequire all denied\n</LimitExcept>", "directory", ("authz_core",), "<LimitExcept> inside <Directory>"),
    ("ServerAlias www.example.com", "top", (), "ServerAlias in the main server"),
    ("ErrorLog ${APACHE_LOG_DIR}/dir-error.log", "directory", (), "ErrorLog inside <Directory>"),
    ("LogLevel info", "directory", (), "LogLevel inside <Directory>"),
    ("KeepAlive Off", "directory", (), "KeepAlive inside <Directory>"),
    ("KeepAlive Off", "vhost", (), "KeepAlive inside <VirtualHost>"),
    ("AddType text/plain .log", "vhost", ("mime",), "AddType inside <VirtualHost>"),
    ("Alias /docs /usr/share/doc", "directory", ("alias",), "Alias inside <Directory>"),
    ("Redirect /old /new", "location", ("alias",), "Redirect inside <Location> (one-argument form needed)"),
    ("Redirect /new", "location", ("alias",), "Redirect inside <Location>, destination only"),
    ("DirectoryIndex index.php", "location", ("dir",), "DirectoryIndex inside <Location>"),
    ("SetHandler server-status", "top", (), "SetHandler in the main server"),
    ("AuthType Basic", "top", ("authn_core",), "AuthType in the main server"),
    ("AuthType Basic\nAuthName \"private\"", "directory", ("authn_core",), "AuthType/AuthName inside <Directory>"),
    ("LoadModule rewrite_module <MODULES>/mod_rewrite.so", "directory", (), "LoadModule inside <Directory> (runs while reading)"),
    ("Define IN_VHOST", "vhost", (), "Define inside <VirtualHost> (global)"),
    ("RewriteEngine On\nRewriteBase /app/", "top", ("rewrite",), "RewriteBase in the main server"),
    ("RewriteEngine On\nRewriteBase /app/", "directory", ("rewrite",), "RewriteBase inside <Directory>"),
    ("Header set X-Robots-Tag noindex", "location", ("headers",), "Header inside <Location>"),
    ("MaxRequestWorkers 50", "vhost", (), "MaxRequestWorkers inside <VirtualHost>"),
    ("User nobody", "vhost", (), "User inside <VirtualHost>"),
    ("ServerRoot /etc/apache2", "directory", (), "ServerRoot inside <Directory>"),
    ("<If \"%{HTTPS} != 'on'\">\n\tRequire all denied\n</If>", "top", ("authz_core",), "<If> in the main server"),
    ("<Location /x>\n\tRequire all denied\n</Location>", "directory", ("authz_core",), "<Location> inside <Directory>"),
    ("<Files x.txt>\n\tRequire all denied\n</Files>", "location", ("authz_core",), "<Files> inside <Location>"),
)


def t_context(g):
    text, where, modules, what = g.cycle("context", CONTEXTS)
    t = g.tree(lambda t: has_where(t, where))
    file, edit = place(g, t, where, text, modules)
    return slugify(what)[:40], t, file, edit, what


def t_context_htaccess(g):
    t = g.tree(lambda t: any(f.endswith(".htaccess") for f in t.all_files))
    f = g.pick([f for f in t.all_files if f.endswith(".htaccess")])
    text = g.cycle("htaccess", ("Listen 8080", "BogusDirective on", "<VirtualHost *:80>", "ServerName htaccess.example"))
    return "htaccess-" + slugify(text), t, f, {"op": "append", "text": text}, f"'{text}' appended to {f}, a .htaccess file -t never reads"


# ---- sections

def t_section_delete_closer(g):
    t = g.tree()
    op = g.pick(g.sections(t, {"virtualhost", "directory", "location", "files", "filesmatch", "ifmodule", "locationmatch", "directorymatch"} ))
    cl = g.closer_line(t, op)
    file, edit = g.delete(t, cl)
    return f"delete-closer-{op.section}", t, file, edit, f"the closer of <{op.shown}> (line {op.start}) deleted"


def t_section_delete_opener(g):
    t = g.tree()
    op = g.pick(g.sections(t, {"virtualhost", "directory", "location", "files", "filesmatch"}))
    file, edit = g.delete(t, op)
    return f"delete-opener-{op.section}", t, file, edit, f"the opener of a <{op.shown}> deleted, closer left"


def t_section_wrong_closer(g):
    t = g.tree()
    op = g.pick(g.sections(t, {"virtualhost", "directory", "location", "files", "filesmatch"}))
    cl = g.closer_line(t, op)
    other = g.pick([x for x in ("Directory", "VirtualHost", "Location", "Files") if x.lower() != op.section])
    word = cl.text.split()[0]
    file, edit = g.replace(t, cl, cl.raw.replace(word, f"</{other}>", 1))
    return f"wrong-closer-{op.section}", t, file, edit, f"<{op.shown}> closed by </{other}>"


def t_section_opener_no_gt(g):
    t = g.tree()
    op = g.pick(g.sections(t, {"virtualhost", "directory", "location", "files", "filesmatch", "ifmodule", "ifdefine"}))
    raw = op.raw.rstrip()
    if not raw.endswith(">"):
        raise Skip("no >")
    file, edit = g.replace(t, op, raw[:-1])
    return f"opener-missing-gt-{op.section}", t, file, edit, f"<{op.shown} ...> opener missing its '>'"


def t_section_closer_variants(g):
    t = g.tree()
    op = g.pick(g.sections(t, {"virtualhost", "directory", "location", "files", "filesmatch", "ifmodule"}))
    cl = g.closer_line(t, op)
    word = cl.text.split()[0]
    v = g.pick(("no-gt", "space-gt", "lower", "upper", "trailing-word", "space-after-slash"))
    bare = word[2:-1] if word.endswith(">") else word[2:]
    new = {"no-gt": f"</{bare}", "space-gt": f"</{bare} >", "lower": f"</{bare.lower()}>",
           "upper": f"</{bare.upper()}>", "trailing-word": f"</{bare}> end", "space-after-slash": f"</ {bare}>"}[v]
    file, edit = g.replace(t, cl, cl.raw.replace(word, new, 1))
    return f"closer-{v}-{op.section}", t, file, edit, f"closer of <{op.shown}> written '{new}'"


def t_section_opener_variants(g):
    t = g.tree()
    op = g.pick(g.sections(t, {"virtualhost", "directory", "location", "files", "filesmatch"}))
    raw = op.raw.rstrip()
    if not raw.endswith(">"):
        raise Skip("no >")
    word = op.text.split()[0]
    v = g.pick(("upper", "two-args", "no-args", "text-after", "space-before-gt", "space-after-lt"))
    if v == "upper":
        new = raw.replace(word, word.upper(), 1)
    elif v == "two-args":
        extra = {"virtualhost": "*:8080", "directory": "/srv/two", "location": "/two", "files": "two.txt", "filesmatch": "two"}[op.section]
        new = raw[:-1] + " " + extra + ">"
    elif v == "no-args":
        new = op.indent + word + ">"
    elif v == "text-after":
        new = raw + " extra"
    elif v == "space-before-gt":
        new = raw[:-1] + " >"
    else:
        new = raw.replace("<", "< ", 1)
    file, edit = g.replace(t, op, new)
    return f"opener-{v}-{op.section}", t, file, edit, f"<{op.shown}> opener changed ({v}): {new.strip()}"


def t_section_new_block(g):
    t = g.tree()
    v = g.pick(("ok", "unclosed", "double-close", "swapped"))
    text = {
        "ok": "<Location /healthz>\n\tRequire all granted\n</Location>",
        "unclosed": "<Location /healthz>\n\tRequire all granted",
        "double-close": "<Location /healthz>\n\tRequire all granted\n</Location>\n</Location>",
        "swapped": "<Location /healthz>\n\t<Files x.txt>\n\t\tRequire all denied\n\t</Location>\n</Files>",
    }[v]
    file, edit = g.at_top(t, text)
    return f"new-location-{v}", t, file, edit, f"a new <Location> block added: {v}"


def t_section_unknown(g):
    t = g.tree()
    name = g.pick(("Site", "Server", "Host", "RequireAnything"))
    file, edit = g.at_top(t, f"<{name} example>\n\tServerAdmin a@example.com\n</{name}>")
    return f"unknown-section-{name}", t, file, edit, f"an unknown section <{name}>"


# ---- includes

def t_include(g):
    v = g.pick((
        ("Include conf-enabled/missing.conf", "Include of a missing file"),
        ("IncludeOptional conf-enabled/missing.conf", "IncludeOptional of a missing file"),
        ("Include conf-enabled/*.nothing", "Include glob that matches nothing"),
        ("IncludeOptional conf-enabled/*.nothing", "IncludeOptional glob that matches nothing"),
        ("Include nosuchdir/*.conf", "Include glob in a missing directory"),
        ("IncludeOptional nosuchdir/*.conf", "IncludeOptional glob in a missing directory"),
        ("Include /etc/apache2-nonexistent/extra.conf", "Include of a missing absolute path"),
        ("Include", "Include with no argument"),
        ("Include a.conf b.conf", "Include with two files"),
        ("Include \"conf-enabled/my extra.conf\"", "Include of a quoted missing path with a space"),
        ("IncludeOptional /dev/null", "IncludeOptional /dev/null"),
    ))
    text, what = v
    t = g.tree(lambda t: any(f.startswith("conf-enabled/") for f in t.included) or "conf-enabled" not in text)
    file, edit = g.at_top(t, text)
    return slugify(what), t, file, edit, what


def t_include_edit_existing(g):
    t = g.tree()
    cands = [ln for f in t.included for ln in t.lines.get(f, [])
             if ln.name in ("include", "includeoptional") and ln.single]
    ln = g.pick(cands)
    word = ln.text.split()[0]
    arg = ln.args.strip('"')
    v = g.pick(("optional-to-plain", "plain-to-optional", "typo-path", "case-path", "dir-instead-of-glob", "other-ext"))
    if v == "optional-to-plain":
        if word.lower() != "includeoptional":
            raise Skip("not optional")
        new = ln.raw.replace(word, "Include", 1)
    elif v == "plain-to-optional":
        if word.lower() != "include":
            raise Skip("not plain")
        new = ln.raw.replace(word, "IncludeOptional", 1)
    elif v == "typo-path":
        base = arg.rsplit("/", 1)[-1]
        if len(base) < 5 or "*" in base[:3]:
            raise Skip("short")
        new = ln.raw.replace(base, base[:2] + base[3:], 1)
    elif v == "case-path":
        if arg.upper() == arg:
            raise Skip("no letters")
        new = ln.raw.replace(arg, arg.upper(), 1)
    elif v == "dir-instead-of-glob":
        if "/*" not in arg:
            raise Skip("no glob")
        new = ln.raw.replace(arg, arg.rsplit("/*", 1)[0] + "/", 1)
    else:
        if not arg.endswith(".conf"):
            raise Skip("not .conf")
        new = ln.raw.replace(arg, arg[:-5] + ".cfg", 1)
    if new == ln.raw:
        raise Skip("same")
    file, edit = g.replace(t, ln, new)
    return f"{v}", t, file, edit, f"{ln.text} changed to {new.strip()}"


def t_include_new_file(g):
    t = g.tree(lambda t: any(ln.name == "includeoptional" and "sites-enabled" in ln.args for f in t.included for ln in t.lines.get(f, [])))
    v = g.pick((
        ("ok", "<VirtualHost *:80>\n\tServerName new.example\n\tDocumentRoot /var/www/html\n</VirtualHost>"),
        ("error", "<VirtualHost *:80>\n\tServerName new.example\n\tDocumentRot /var/www/html\n</VirtualHost>"),
        ("unclosed", "<VirtualHost *:80>\n\tServerName new.example\n\tDocumentRoot /var/www/html"),
        ("wrong-ext", "<VirtualHost *:80>\n\tServerNme new.example\n</VirtualHost>"),
    ))
    name = "new-site.conf" if v[0] != "wrong-ext" else "new-site.conf.disabled"
    return f"new-site-{v[0]}", t, f"sites-enabled/{name}", {"op": "append", "text": v[1]}, f"a new file sites-enabled/{name} ({v[0]})"


# ---- quoting

QUOTING_VARIANTS = (
    "unterminated", "quote-arg", "unquote-logformat", "single-quotes", "empty", "glued", "quote-section",
    "unterminated-section", "escaped", "quoted-name", "mismatched", "glued-after-close", "define-unterminated",
    "unquoted-space", "empty-directoryindex",
)


def t_quoting(g):
    v = g.pick(QUOTING_VARIANTS)
    t = g.tree()
    target = None
    if v == "unterminated":
        ln = g.pick(g.directives(t, {"documentroot", "serveradmin", "errorlog", "alias", "customlog", "servername"}))
        w = ln.args.split()[0]
        new = ln.raw.replace(w, '"' + w, 1) if not w.startswith('"') else ln.raw.rstrip().rstrip('"')
        what = f"an unterminated quote in {ln.text.split()[0]}"
    elif v == "quote-arg":
        ln = g.pick(g.directives(t, {"servername", "serveradmin", "documentroot", "errorlog"}))
        if '"' in ln.args:
            raise Skip("quoted")
        new = ln.raw.replace(ln.args, '"' + ln.args + '"', 1)
        what = f"{ln.text.split()[0]} argument quoted"
    elif v == "unquote-logformat":
        ln = g.pick(g.directives(t, {"logformat"}))
        m = re.match(r'^"((?:[^"\\]|\\.)*)"(.*)$', ln.args)
        if not m:
            raise Skip("unquoted")
        new = ln.raw.replace(ln.args, m.group(1) + m.group(2), 1)
        what = "a LogFormat string left unquoted"
    elif v == "single-quotes":
        ln = g.pick(g.directives(t, {"documentroot", "serveradmin", "servername", "alias", "errorlog", "logformat"}))
        if ln.name == "logformat":
            m = re.match(r'^"((?:[^"\\]|\\.)*)"(.*)$', ln.args)
            if not m or "'" in m.group(1):
                raise Skip("x")
            new = ln.raw.replace(ln.args, "'" + m.group(1) + "'" + m.group(2), 1)
        else:
            words = ln.args.split()
            if len(words) != 1 or '"' in ln.args:
                raise Skip("x")
            new = ln.raw.replace(words[0], "'" + words[0] + "'", 1)
        what = f"{ln.text.split()[0]} argument in single quotes"
    elif v == "empty":
        ln = g.pick(g.directives(t, {"documentroot", "serveradmin", "servername", "errorlog"}))
        new = ln.indent + ln.text.split()[0] + ' ""'
        what = f"{ln.text.split()[0]} \"\" (an empty string)"
    elif v == "empty-directoryindex":
        ln = g.pick(g.directives(t, {"directoryindex", "addtype", "addlanguage"}))
        new = ln.raw.rstrip() + ' ""'
        what = f"an empty string \"\" appended to {ln.text.split()[0]}"
    elif v in ("glued", "glued-after-close"):
        ln = g.pick(g.directives(t, {"documentroot", "serveradmin", "servername", "errorlog", "adddefaultcharset"}))
        words = ln.args.split()
        if len(words) != 1 or '"' in ln.args:
            raise Skip("x")
        w = words[0]
        cut = max(1, len(w) // 2)
        if v == "glued":
            new = ln.raw.replace(w, '"' + w[:cut] + '"' + w[cut:], 1)
            what = f"quotes closed in the middle of {ln.text.split()[0]}'s argument (two tokens)"
        else:
            new = ln.raw.replace(w, '"' + w + '"x', 1)
            what = f"a character right after the closing quote of {ln.text.split()[0]}'s argument"
    elif v == "mismatched":
        ln = g.pick(g.directives(t, {"documentroot", "serveradmin", "servername", "errorlog"}))
        words = ln.args.split()
        if len(words) != 1 or '"' in ln.args:
            raise Skip("x")
        new = ln.raw.replace(words[0], '"' + words[0] + "'", 1)
        what = f"{ln.text.split()[0]} argument opened with \" and closed with '"
    elif v in ("quote-section", "unterminated-section"):
        target = g.pick(g.sections(t, {"directory", "location", "files", "filesmatch"}))
        arg = target.args.rstrip().rstrip(">").strip()
        if not arg:
            raise Skip("no arg")
        if v == "quote-section":
            if arg.startswith('"'):
                raise Skip("quoted")
            new = target.raw.replace(arg, '"' + arg + '"', 1)
            what = f"<{target.shown}> argument quoted"
        else:
            new = target.raw.replace(arg, arg[:-1], 1) if arg.endswith('"') else target.raw.replace(arg, '"' + arg, 1)
            what = f"<{target.shown}> argument with an unterminated quote"
    elif v == "escaped":
        file, edit = g.at_top(t, 'Define GREETING "say \\"hi\\""\nServerAdmin "ops@example.com"')
        return v, t, file, edit, "a Define value with escaped quotes, and a quoted ServerAdmin"
    elif v == "define-unterminated":
        file, edit = g.at_top(t, 'Define ADMIN "ops@example.com\nServerAdmin ${ADMIN}')
        return v, t, file, edit, "a Define value with an unterminated quote, then used"
    elif v == "unquoted-space":
        file, edit = place(g, t, "vhost" if has_where(t, "vhost") else "top",
                           "Redirect 301 /old page.html /new-page.html", ("alias",))
        return v, t, file, edit, "Redirect of a path with a space, left unquoted"
    else:
        ln = g.pick(g.directives(t, {"serveradmin", "servername", "documentroot", "timeout"}))
        word = ln.text.split()[0]
        new = ln.raw.replace(word, f'"{word}"', 1)
        what = f"the directive name {word} in quotes"
    file, edit = g.replace(t, target or ln, new)
    return v, t, file, edit, what


def t_quoting_header(g):
    t = g.tree(lambda t: has_where(t, "vhost"))
    text = g.pick((
        'Header set Content-Security-Policy "default-src \'self\'; img-src *"',
        "Header set Content-Security-Policy default-src 'self'",
        'Header set X-Note "a \\"quoted\\" word"',
        'Header set X-Note "unterminated value',
        "Header set X-Note 'single quoted value'",
    ))
    file, edit = place(g, t, "vhost", text, ("headers",))
    return "header-" + slugify(text)[:30], t, file, edit, f"quoting in {text}"


# ---- continuations

CONTINUATION_VARIANTS = (
    "split", "split-name", "space-after", "comment-swallows", "double-backslash", "blank-after",
    "split-opener", "space-after-comment", "stray", "swallow-closer", "tab-after",
)


def t_continuation(g):
    t = g.tree()
    v = g.pick(CONTINUATION_VARIANTS)
    if v in ("split", "space-after", "double-backslash", "blank-after", "tab-after"):
        ln = g.pick([x for x in g.directives(t) if len(x.args.split()) >= 2 and '"' not in x.args and "\t" not in x.raw.strip()])
        words = ln.raw.strip().split(" ")
        words = [w for w in words if w]
        k = len(words) // 2 if len(words) > 2 else 1
        head, tail = ln.indent + " ".join(words[:k]), " ".join(words[k:])
        ind = ln.indent + "    "
        new = {"split": f"{head} \\\n{ind}{tail}",
               "space-after": f"{head} \\ \n{ind}{tail}",
               "tab-after": f"{head} \\\t\n{ind}{tail}",
               "double-backslash": f"{head} \\\\\n{ind}{tail}",
               "blank-after": f"{head} \\\n\n{ind}{tail}"}[v]
        what = {"split": "a directive split over two lines with a backslash",
                "space-after": "a backslash followed by a space (no continuation)",
                "tab-after": "a backslash followed by a tab (no continuation)",
                "double-backslash": "a line ending in two backslashes (still continues)",
                "blank-after": "a continuation followed by a blank line"}[v] + f" ({words[0]})"
    elif v == "split-name":
        ln = g.pick([x for x in g.directives(t) if len(x.text.split()[0]) >= 6])
        word = ln.text.split()[0]
        k = len(word) // 2
        new = ln.raw.replace(word, word[:k] + "\\\n" + word[k:], 1)
        what = f"a continuation in the middle of the name {word} (joined without a space)"
    elif v == "comment-swallows":
        ln = g.pick(g.directives(t))
        new = ln.indent + "# was: " + ln.text.split()[0] + " \\\n" + ln.raw
        what = f"a comment ending in a backslash swallows the next line ({ln.text.split()[0]})"
    elif v == "space-after-comment":
        ln = g.pick(g.directives(t))
        new = ln.indent + "# note \\ \n" + ln.raw
        what = "a comment ending in backslash-space (does not swallow the next line)"
    elif v == "stray":
        ln = g.pick([x for x in g.directives(t) if x.index + 1 < len(t.lines[x.file])
                     and t.lines[x.file][x.index + 1].start == x.end + 1])
        new = ln.raw.rstrip() + " \\"
        what = f"a stray backslash at the end of {ln.text.split()[0]} joins the next line to it"
    elif v == "swallow-closer":
        op = g.pick(g.sections(t, {"virtualhost", "directory", "location", "files", "filesmatch"}))
        cl = g.closer_line(t, op)
        ln = next((x for x in t.lines[op.file] if x.end == cl.start - 1 and x.single and not x.name.startswith("<")), None)
        if ln is None:
            raise Skip("closer not right after a directive")
        new = ln.raw.rstrip() + " \\"
        what = f"a trailing backslash on the last line inside <{op.shown}> swallows its closer"
    else:
        op = g.pick(g.sections(t, {"virtualhost", "directory", "location"}))
        raw = op.raw.rstrip()
        word = op.text.split()[0]
        new = raw.replace(word + " ", word + " \\\n" + op.indent + "    ", 1)
        if new == raw:
            raise Skip("no space")
        file, edit = g.replace(t, op, new)
        return v, t, file, edit, f"<{op.shown}> opener split over two lines"
    file, edit = g.replace(t, ln, new)
    return f"{v}-{ln.text.split()[0]}", t, file, edit, what


def t_continuation_eof(g):
    t = g.tree()
    f = g.pick([f for f in t.included if t.lines.get(f) and f.endswith(".conf")])
    v = g.pick(("nl", "no-nl"))
    edit = {"op": "append", "text": "ServerSignature Off \\", "final_newline": v == "nl"}
    if v == "nl":
        edit.pop("final_newline")
    what = ("a trailing backslash on the last line, file ends without a newline (literal '\\' argument)" if v == "no-nl"
            else "a trailing backslash on the last line of a file (nothing to join)")
    return f"eof-{v}", t, f, edit, what


# ---- regexes

REGEX_CASES = (
    ("rewrite", "vhost", "RewriteEngine On\nRewriteRule ^/old/(.*$ /new/$1 [R=301,L]", "RewriteRule regex with an unclosed group"),
    ("rewrite", "vhost", "RewriteEngine On\nRewriteRule ^/old/(.*)$ /new/$1 [R=301,L]", "RewriteRule with a valid regex"),
    ("rewrite", "vhost", "RewriteEngine On\nRewriteRule *.php$ /index.php [L]", "RewriteRule regex starting with a quantifier"),
    ("rewrite", "vhost", "RewriteEngine On\nRewriteRule ^/(?<slug>[a-z-]+)$ /page.php?slug=$1 [L]", "RewriteRule with a named group"),
    ("rewrite", "vhost", "RewriteEngine On\nRewriteCond %{HTTP_HOST} ^(www\\.example\\.com [NC]\nRewriteRule ^ https://example.com%{REQUEST_URI} [R=301,L]", "RewriteCond with an unclosed group"),
    ("rewrite", "vhost", "RewriteEngine On\nRewriteCond %{HTTP_HOST} ^www\\.(.+)$ [NC]\nRewriteRule ^ https://%1%{REQUEST_URI} [R=301,L]", "RewriteCond with a valid regex"),
    ("rewrite", "vhost", "RewriteEngine On\nRewriteCond %{REQUEST_URI} !^/[a-z]{2,}/\nRewriteRule ^ - [F]", "negated RewriteCond regex with a bounded repeat"),
    ("rewrite", "vhost", "RewriteEngine On\nRewriteRule ^/a[b-]$ /x", "RewriteRule with a character class ending in '-'"),
    ("rewrite", "vhost", "RewriteEngine On\nRewriteRule ^/a[z-b]$ /x", "RewriteRule with a reversed class range"),
    ("", "top", "<LocationMatch \"^/(api|admin\">\n\tRequire all denied\n</LocationMatch>", "<LocationMatch> with an unclosed group"),
    ("", "top", "<LocationMatch \"^/(api|admin)/\">\n\tRequire all denied\n</LocationMatch>", "<LocationMatch> with a valid regex"),
    ("", "top", "<Location ~ \"\\.(bak|old$\">\n\tRequire all denied\n</Location>", "<Location ~> with an unclosed group"),
    ("", "top", "<Directory ~ \"^/var/www/(a|b\">\n\tRequire all denied\n</Directory>", "<Directory ~> with an unclosed group"),
    ("", "top", "<Directory ~ \"^/var/www/(a|b)\">\n\tRequire all denied\n</Directory>", "<Directory ~> with a valid regex"),
    ("", "top", "<DirectoryMatch \"^/var/www/[\">\n\tRequire all denied\n</DirectoryMatch>", "<DirectoryMatch> with an unclosed class"),
    ("", "top", "<FilesMatch \"*.bak\">\n\tRequire all denied\n</FilesMatch>", "<FilesMatch> glob instead of regex (quantifier first)"),
    ("", "top", "<FilesMatch \"\\.(?i:bak|old)$\">\n\tRequire all denied\n</FilesMatch>", "<FilesMatch> with an inline case-insensitive group"),
    ("", "top", "<FilesMatch \"(?<!\\.php)$\">\n\tRequire all denied\n</FilesMatch>", "<FilesMatch> with a lookbehind"),
    ("alias", "vhost", "RedirectMatch 301 ^/old/(.*$ /new/$1", "RedirectMatch with an unclosed group"),
    ("alias", "vhost", "RedirectMatch 301 ^/old/(.*)$ /new/$1", "RedirectMatch with a valid regex"),
    ("alias", "vhost", "AliasMatch ^/files/(.*\\.(png|jpg)$ /srv/files/$1", "AliasMatch with an unbalanced group"),
    ("alias", "vhost", "AliasMatch ^/files/(.*)\\.(png|jpg)$ /srv/files/$1.$2", "AliasMatch with a valid regex"),
    ("setenvif", "top", "SetEnvIf Request_URI \"\\.(gif|png$\" image-request", "SetEnvIf with an unclosed group"),
    ("setenvif", "top", "SetEnvIf Request_URI \"\\.(gif|png)$\" image-request", "SetEnvIf with a valid regex"),
    ("setenvif", "top", "SetEnvIfNoCase User-Agent \"+bot\" is-bot", "SetEnvIfNoCase regex starting with '+'"),
    ("setenvif", "top", "BrowserMatch \"MSIE [1-5\\.\" old-ie", "BrowserMatch with an unclosed class"),
    ("setenvif", "top", "BrowserMatchNoCase \"(googlebot|bingbot)\" crawler", "BrowserMatchNoCase with a valid regex"),
    ("", "top", "<If \"%{REQUEST_URI} =~ m#^/(a|b#\">\n\tRequire all denied\n</If>", "<If> with an unclosed group in =~"),
    ("", "top", "<If \"%{REQUEST_URI} =~ m#^/(a|b)#\">\n\tRequire all denied\n</If>", "<If> with a valid =~ regex"),
    ("proxy", "vhost", "ProxyPassMatch ^/(api|v2/.*)$ http://127.0.0.1:8080/$1", "ProxyPassMatch with a valid regex"),
    ("proxy", "vhost", "ProxyPassMatch ^/(api|v2/.*$ http://127.0.0.1:8080/$1", "ProxyPassMatch with an unclosed group"),
)


def t_regex(g):
    mod, where, text, what = g.pick(REGEX_CASES)
    mods = {"rewrite": ("rewrite",), "proxy": ("proxy", "proxy_http"), "alias": ("alias",), "setenvif": ("setenvif",)}.get(mod, ())
    needs_auth = "Require" in text
    t = g.tree(lambda t: has_where(t, where) and (not needs_auth or "authz_core" in t.modules)
               and (mod in ("rewrite", "proxy") or not mod or mod in t.modules))
    file, edit = place(g, t, where, text, mods)
    return slugify(what)[:40], t, file, edit, what


# ---- RewriteRule flags

# Flag lists that look wrong and that look right (httpd is the judge either way).
REWRITE_FLAGS_ODD = (
    "[BOGUS]", "[L,R=301", "[R=999]", "[L, R]", "[R=301 L]", "L", "[L]]", "[]", "[R=3xx]", "[QSA;L]", "[X]",
    "[R=301|L]", "[L,R=301,]", "(L)", "[last;redirect]", "[F,L", "[NC,L] extra", "[R=301,L ]",
)
REWRITE_FLAGS_OK = (
    "[R=301,L]", "[QSA,NC]", "[R=permanent]", "[redirect=302,last]", "[NE,L]", "[E=CACHE:1]",
    "[CO=lang:en:.example.com]", "[END]", "[F]", "[G]", "[PT,L]", "[P]", "[H=text/plain]", "[T=application/json]",
    "[S=2]", "[N=10]", "[QSD]", "[B,L]", "[BNP]", "[DPI]", "[UnsafeAllow3F]", "[nocase]", "[C]", "[Redirect]",
)
REWRITECOND_FLAGS = ("[NC]", "[NC,OR]", "[OR]", "[NV]", "[BOGUS]", "[nocase,ornext]", "[NC OR]", "NC", "[NC,]", "[OR")


def rewrite_flag_template(kind):
    def template(g):
        t = g.tree(lambda t: has_where(t, "vhost"))
        if kind == "cond":
            flag = g.pick(REWRITECOND_FLAGS)
            text = f"RewriteEngine On\nRewriteCond %{{HTTP_HOST}} ^www\\. {flag}\nRewriteRule ^/(.*)$ https://example.com/$1 [R=301,L]"
            what = f"RewriteCond with flags {flag}"
        else:
            flag = g.pick(REWRITE_FLAGS_ODD if kind == "odd" else REWRITE_FLAGS_OK)
            target = "http://127.0.0.1:8080/$1" if flag == "[P]" else "/new/$1"
            text = f"RewriteEngine On\nRewriteRule ^/old/(.*)$ {target} {flag}"
            what = f"RewriteRule with flags {flag}"
        file, edit = place(g, t, "vhost", text, ("rewrite",))
        loaded = "" if "rewrite" in t.modules else " (mod_rewrite loaded with it)"
        return ("cond-" if kind == "cond" else "rule-") + (slugify(flag) or "none"), t, file, edit, what + loaded
    return template


# ---- Listen

LISTEN = (
    ("dup", "Listen 80", "the same port twice"),
    ("new", "Listen 8080", "a new port"),
    ("addr", "Listen 127.0.0.1:80", "an address on a port already open on all addresses"),
    ("zero", "Listen 0", "port 0"),
    ("big", "Listen 70000", "port 70000"),
    ("word", "Listen http", "a port name instead of a number"),
    ("proto", "Listen 8443 https", "a port with a protocol"),
    ("bogus-proto", "Listen 8081 bogusproto", "a port with an unknown protocol word"),
    ("ipv6", "Listen [::1]:8082", "an IPv6 address"),
    ("empty-port", "Listen 127.0.0.1:", "an address with an empty port"),
    ("range", "Listen 8000-8010", "a port range"),
    ("two-ports", "Listen 8083 8084", "two ports on one line"),
    ("dup-addr", "Listen 127.0.0.2:8085\nListen 127.0.0.2:8085", "the same address:port twice"),
    ("negative", "Listen -80", "a negative port"),
    ("colon-only", "Listen :8086", "a port after a bare colon"),
    ("wildcard", "Listen *:8087", "a '*' address"),
)


def t_listen(g):
    key, text, what = g.pick(LISTEN)
    t = g.tree()
    if key in ("dup", "addr"):
        ln = g.pick(g.directives(t, {"listen"}))
        port = ln.args.split()[0].rsplit(":", 1)[-1]
        text = text.replace("80", port)
        file, edit = g.insert_after(t, ln, text.replace("Listen ", "Listen ", 1))
        what = f"{what} ({text} after {ln.text})"
    elif key == "edit":
        raise Skip("x")
    else:
        file, edit = g.at_top(t, text)
    return key, t, file, edit, f"Listen: {what}"


def t_listen_edit(g):
    t = g.tree()
    ln = g.pick(g.directives(t, {"listen"}))
    new = g.pick(("8o80", "80.", "443", "127.0.0.1:80", "0.0.0.0:80", "[::]:80", "65535", "65536", "8080 http", "80 https"))
    file, edit = g.replace_args(t, ln, new)
    return f"edit-{slugify(new)}", t, file, edit, f"Listen changed from '{ln.args}' to '{new}'"


def t_listen_vhost(g):
    t = g.tree(lambda t: has_where(t, "vhost"))
    file, edit = place(g, t, "vhost", "Listen 8089")
    return "in-vhost", t, file, edit, "Listen inside a <VirtualHost>"


# ---- Require

REQUIRE = (
    "Require all granted", "Require all allowed", "Require everyone", "Require ip 10.0.0.0/8",
    "Require ip 192.168.1.999", "Require ip 10.0.0.0/33", "Require ip 2001:db8::/32", "Require ip 10.1",
    "Require host example.com", "Require host", "Require not ip 10.0.0.1", "Require local",
    "Require valid-user", "Require user alice bob", "Require group admins", "Require env LET_ME_IN",
    "Require method GET POST", "Require method FETCH", "Require expr \"%{REQUEST_URI} =~ m#^/ok#\"",
    "Require expr \"%{REQUEST_URI\"", "Require all granted # allow", "Require all", "Require forward-dns example.com",
    "Require not all granted", "Require all Granted",
)


PROVIDER_MODULES = {"ip": "authz_host", "host": "authz_host", "forward-dns": "authz_host", "local": "authz_host",
                    "valid-user": "authz_user", "user": "authz_user", "group": "authz_groupfile"}


def require_modules(text):
    mods = {"authz_core"}
    for m in re.finditer(r"Require\s+(?:not\s+)?(\S+)", text):
        if m.group(1) in PROVIDER_MODULES:
            mods.add(PROVIDER_MODULES[m.group(1)])
    return tuple(sorted(mods))


def t_require(g):
    text = g.pick(REQUIRE)
    t = g.tree(lambda t: has_where(t, "directory"))
    where = "location" if has_where(t, "location") and g.rng.random() < 0.4 else "directory"
    mods = require_modules(text)
    file, edit = place(g, t, where, text, mods)
    missing = [m for m in mods if m not in t.modules]
    loaded = f" (mod_{', mod_'.join(missing)} loaded with it)" if missing else ""
    return slugify(text[8:])[:40] or "bare", t, file, edit, f"'{text}' added to a <{SECTION_NAMES[where]}>{loaded}"


def t_require_provider_unloaded(g):
    text = g.pick(("Require ip 10.0.0.0/8", "Require valid-user", "Require group admins", "Require host example.com"))
    mod = PROVIDER_MODULES[text.split()[1]]
    t = g.tree(lambda t: mod not in t.modules and "authz_core" in t.modules and has_where(t, "directory"))
    file, edit = place(g, t, "directory", text)
    return "unloaded-" + slugify(text[8:])[:30], t, file, edit, f"'{text}' in a tree without mod_{mod}"


REQUIRE_BLOCKS = (
    ("<RequireAll>\n\tRequire all granted\n\tRequire not ip 10.0.0.1\n</RequireAll>", "RequireAll with a positive and a negated Require"),
    ("<RequireAll>\n\tRequire not ip 10.0.0.1\n</RequireAll>", "RequireAll holding only a negated Require"),
    ("<RequireNone>\n\tRequire ip 10.0.0.1\n</RequireNone>", "RequireNone directly in a section (an implicit RequireAny)"),
    ("<RequireAny>\n\tRequire not ip 10.0.0.1\n\tRequire all granted\n</RequireAny>", "negated Require inside RequireAny"),
    ("<RequireAll>\n</RequireAll>", "empty RequireAll"),
    ("<RequireAll>\n\tRequire all granted\n\t<RequireNone>\n\t\tRequire ip 10.0.0.1\n\t</RequireNone>\n</RequireAll>", "RequireNone nested in RequireAll"),
    ("<RequireAny>\n\t<RequireNone>\n\t\tRequire ip 10.0.0.1\n\t</RequireNone>\n\tRequire all granted\n</RequireAny>", "RequireNone inside RequireAny"),
    ("<RequireAll>\n\tRequire ip 10.0.0.0/8\n\tRequire not ip 10.0.0.1\n</RequireAll>", "RequireAll: a network minus one address"),
    ("<RequireNotAll>\n\tRequire ip 10.0.0.1\n</RequireNotAll>", "RequireNotAll (compiled out of httpd)"),
)


def t_require_block(g):
    text, what = g.pick(REQUIRE_BLOCKS)
    t = g.tree(lambda t: has_where(t, "directory"))
    file, edit = place(g, t, "directory", text, require_modules(text))
    return slugify(what)[:40], t, file, edit, what


def t_require_edit(g):
    t = g.tree()
    ln = g.pick(g.directives(t, {"require"}))
    new = g.pick(("all denied", "all granted", "all deny", "ip 127.0.0.1", "ip localhost", "host localhost", "local granted", "all granted extra", "granted", "not local"))
    file, edit = g.replace_args(t, ln, new)
    return f"edit-{slugify(new)}", t, file, edit, f"Require {ln.args} changed to Require {new}"


# ---- Options

OPTIONS = (
    "Indexes FollowSymLinks", "+Indexes -MultiViews", "Indexes +FollowSymLinks", "FollowSymlinks",
    "Bogus", "All", "None", "-All", "+None", "Includes", "ExecCgi", "+Indexes FollowSymLinks",
    "Indexes # listing", "SymLinksIfOwnerMatch", "+IncludesNOEXEC", "-Indexes +Indexes", "MultiViews -Indexes",
    "Indexes,FollowSymLinks", "+RunScripts", "=Indexes",
)


def t_options(g):
    value = g.pick(OPTIONS)
    t = g.tree()
    existing = g.directives(t, {"options"})
    if existing and g.rng.random() < 0.6:
        ln = g.pick(existing)
        file, edit = g.replace_args(t, ln, value)
        what = f"Options {ln.args} changed to Options {value}"
    else:
        where = g.pick(("directory", "vhost", "location"))
        if not has_where(t, where):
            where = "top"
        file, edit = place(g, t, where, f"Options {value}")
        what = f"Options {value} added ({where})"
    return slugify(value), t, file, edit, what


# ---- AllowOverride / AllowOverrideList

ALLOWOVERRIDE = (
    "All", "None", "AuthConfig FileInfo", "Bogus", "Options=Indexes,MultiViews", "Options=Bogus",
    "All None", "Limit Indexes", "", "all", "AuthConfig # for .htpasswd", "Nonfatal=Unknown",
    "Nonfatal=Bogus", "Options=All", "FileInfo=RewriteEngine", "Options Indexes", "AuthConfig,FileInfo",
)
ALLOWOVERRIDELIST = ("Redirect RedirectMatch", "None", "", "RewriteEngine RewriteRule", "Bogus")


def t_allowoverride(g):
    t = g.tree(lambda t: has_where(t, "directory"))
    if g.rng.random() < 0.25:
        value = g.pick(ALLOWOVERRIDELIST)
        where = g.pick(("directory", "directory", "top", "vhost"))
        if not has_where(t, where):
            where = "directory"
        file, edit = place(g, t, where, f"AllowOverrideList {value}".rstrip())
        return f"list-{slugify(value) or 'empty'}-{where}", t, file, edit, f"AllowOverrideList {value} ({where})"
    value = g.pick(ALLOWOVERRIDE)
    existing = g.directives(t, {"allowoverride"})
    if existing:
        ln = g.pick(existing)
        file, edit = g.replace_args(t, ln, value)
        what = f"AllowOverride {ln.args} changed to AllowOverride {value}"
    else:
        file, edit = place(g, t, "directory", f"AllowOverride {value}".rstrip())
        what = f"AllowOverride {value} added"
    return slugify(value) or "empty", t, file, edit, what


# ---- Header / RequestHeader

HEADERS = (
    "Header set X-Frame-Options DENY", "Header always set X-Frame-Options \"SAMEORIGIN\"",
    "Header sett X-Frame-Options DENY", "Header set X-Frame-Options", "Header unset X-Powered-By",
    "Header unset X-Powered-By DENY", "Header set X-A b env=HTTPS", "Header set X-A b bogus=1",
    "Header edit Set-Cookie ^(.*)$ \"$1; HttpOnly\"", "Header edit Set-Cookie (.*$ $1", "Header set X-A b c d",
    "Header onsuccess set X-A b", "Header sometimes set X-A b", "Header append Vary Accept-Encoding",
    "Header merge Cache-Control no-cache", "Header add Link \"</style.css>; rel=preload\"",
    "Header echo ^X-Req", "Header note X-Req reqnote", "Header set X-A b \"expr=%{REQUEST_URI} =~ m#^/a#\"",
    "Header set X-A b \"expr=%{REQUEST_URI\"", "Header always setifempty X-A b", "Header",
    "RequestHeader set X-Forwarded-Proto https", "RequestHeader unset Proxy early", "RequestHeader echo X-A",
    "RequestHeader always set X-A b", "RequestHeader set X-A", "RequestHeader edit Host ^www\\. \"\"",
    "RequestHeader set X-A b early", "Header set X-A b early",
)


def t_header(g):
    text = g.pick(HEADERS)
    t = g.tree(lambda t: has_where(t, "vhost"))
    where = g.pick(("vhost", "vhost", "directory", "top"))
    if not has_where(t, where):
        where = "vhost"
    file, edit = place(g, t, where, text, ("headers",))
    return slugify(text)[:40], t, file, edit, f"'{text}' ({where}{', mod_headers loaded with it' if 'headers' not in t.modules else ''})"


# ---- ProxyPass

PROXY = (
    ("vhost", "ProxyPass /api/ http://127.0.0.1:8080/\nProxyPassReverse /api/ http://127.0.0.1:8080/", "ProxyPass and ProxyPassReverse"),
    ("vhost", "ProxyPass /api/", "ProxyPass without a target"),
    ("vhost", "ProxyPass /api/ !", "ProxyPass exclusion"),
    ("vhost", "ProxyPass /api/ http://127.0.0.1:8080/ timeout=abc", "ProxyPass with a non-numeric timeout"),
    ("vhost", "ProxyPass /api/ http://127.0.0.1:8080/ retry=5 connectiontimeout=2 timeout=30", "ProxyPass with worker parameters"),
    ("vhost", "ProxyPass /api/ http://127.0.0.1:8080/ bogus=1", "ProxyPass with an unknown parameter"),
    ("location", "ProxyPass http://127.0.0.1:8080/", "ProxyPass with one argument inside <Location>"),
    ("location", "ProxyPass /api/ http://127.0.0.1:8080/", "ProxyPass with a path inside <Location>"),
    ("vhost", "ProxyPass /api/ 127.0.0.1:8080", "ProxyPass target without a scheme"),
    ("vhost", "ProxyPass /ws/ ws://127.0.0.1:8080/", "ProxyPass to ws:// (mod_proxy_wstunnel not loaded)"),
    ("vhost", "ProxyPass /api/ http://127.0.0.1:8080/ keepalive=On", "ProxyPass keepalive=On"),
    ("vhost", "ProxyPass /api/ http://127.0.0.1:8080/ keepalive=maybe", "ProxyPass keepalive=maybe"),
    ("vhost", "ProxyPass \"/api/\" \"http://127.0.0.1:8080/\"", "ProxyPass with quoted arguments"),
    ("vhost", "ProxyPassReverse /api/", "ProxyPassReverse without a target"),
    ("vhost", "ProxyPreserveHost yes", "ProxyPreserveHost yes"),
    ("vhost", "ProxyPreserveHost On\nProxyRequests Off", "ProxyPreserveHost On and ProxyRequests Off"),
    ("vhost", "ProxyPass /api/ balancer://app/\n<Proxy balancer://app>\n\tBalancerMember http://127.0.0.1:8080\n</Proxy>", "a balancer without mod_proxy_balancer"),
    ("vhost", "ProxyPass /api/ http://127.0.0.1:8080/ max=20 ttl=120 flushpackets=on", "ProxyPass with pool parameters"),
    ("vhost", "ProxyPass /api/ http://127.0.0.1:8080/ flushpackets=sometimes", "ProxyPass flushpackets=sometimes"),
    ("vhost", "ProxyTimeout 60", "ProxyTimeout"),
    ("vhost", "ProxyPass /api/ http://[::1:8080/", "ProxyPass with a broken IPv6 URL"),
    ("vhost", "ProxyPass /api http://127.0.0.1:8080/ disablereuse=On", "ProxyPass disablereuse=On"),
)


def t_proxy(g):
    where, text, what = g.pick(PROXY)
    t = g.tree(lambda t: has_where(t, where))
    file, edit = place(g, t, where, text, ("proxy", "proxy_http"))
    loaded = "" if t.has("proxy", "proxy_http") else " (mod_proxy and mod_proxy_http loaded with it)"
    return slugify(what)[:40], t, file, edit, what + loaded


def t_proxy_unloaded(g):
    t = g.tree(lambda t: "proxy" not in t.modules and has_where(t, "vhost"))
    file, edit = place(g, t, "vhost", "ProxyPass /api/ http://127.0.0.1:8080/")
    return "without-mod-proxy", t, file, edit, "ProxyPass in a tree that does not load mod_proxy"


# ---- SSL

SSL = (
    ("vhost", "SSLEngine on", "SSLEngine on"),
    ("vhost", "SSLEngine yes", "SSLEngine yes"),
    ("vhost", "SSLEngine optional", "SSLEngine optional"),
    ("vhost", "SSLCertificateFile /etc/ssl/certs/nonexistent.pem", "SSLCertificateFile that does not exist"),
    ("vhost", "SSLCertificateFile /etc/ssl/certs/ssl-cert-snakeoil.pem\nSSLCertificateKeyFile /etc/ssl/private/ssl-cert-snakeoil.key", "the snakeoil certificate and key"),
    ("vhost", "SSLCertificateKeyFile /etc/ssl/private/nonexistent.key", "SSLCertificateKeyFile that does not exist"),
    ("vhost", "SSLCertificateFile /dev/null", "SSLCertificateFile /dev/null (empty)"),
    ("top", "SSLProtocol all -SSLv3 -TLSv1 -TLSv1.1", "SSLProtocol all minus old versions"),
    ("top", "SSLProtocol TLSv9", "SSLProtocol TLSv9"),
    ("top", "SSLProtocol -all +TLSv1.2 +TLSv1.3", "SSLProtocol -all +TLSv1.2 +TLSv1.3"),
    ("top", "SSLCipherSuite HIGH:!aNULL:!MD5", "SSLCipherSuite HIGH:!aNULL:!MD5"),
    ("top", "SSLCipherSuite NOT-A-CIPHER", "SSLCipherSuite with an unknown cipher"),
    ("vhost", "SSLVerifyClient require\nSSLVerifyDepth 2", "SSLVerifyClient require"),
    ("vhost", "SSLVerifyClient sometimes", "SSLVerifyClient sometimes"),
    ("vhost", "SSLVerifyDepth abc", "SSLVerifyDepth abc"),
    ("top", "SSLSessionCache shmcb:${APACHE_RUN_DIR}/ssl_scache(512000)", "SSLSessionCache shmcb"),
    ("top", "SSLSessionCache bogus:/tmp/x", "SSLSessionCache with an unknown provider"),
    ("top", "SSLSessionCacheTimeout abc", "SSLSessionCacheTimeout abc"),
    ("directory", "SSLOptions +StdEnvVars", "SSLOptions +StdEnvVars"),
    ("directory", "SSLOptions +Bogus", "SSLOptions +Bogus"),
    ("directory", "SSLOptions StdEnvVars +ExportCertData", "SSLOptions mixing + and plain"),
    ("vhost", "SSLCACertificateFile /etc/ssl/certs/nonexistent-ca.pem", "SSLCACertificateFile that does not exist"),
    ("top", "SSLHonorCipherOrder maybe", "SSLHonorCipherOrder maybe"),
    ("top", "SSLUseStapling on\nSSLStaplingCache shmcb:${APACHE_RUN_DIR}/ocsp(128000)", "OCSP stapling"),
    ("vhost", "SSLProxyEngine on", "SSLProxyEngine on"),
    ("top", "SSLRandomSeed startup builtin", "SSLRandomSeed startup builtin"),
    ("top", "SSLRandomSeed sometime builtin", "SSLRandomSeed sometime"),
    ("directory", "SSLRequireSSL", "SSLRequireSSL"),
    ("vhost", "SSLCertificateChainFile /etc/ssl/certs/ssl-cert-snakeoil.pem", "SSLCertificateChainFile (deprecated)"),
)


def t_ssl(g):
    where, text, what = g.pick(SSL)
    needs_sock = "shmcb" in text
    t = g.tree(lambda t: has_where(t, where), prefer=[n for n, tr in g.trees.items() if "ssl" in tr.modules])
    mods = ("ssl",) + (("socache_shmcb",) if needs_sock else ())
    file, edit = place(g, t, where, text, mods)
    loaded = "" if "ssl" in t.modules else " (mod_ssl loaded with it)"
    return slugify(what)[:40], t, file, edit, what + loaded


def t_ssl_edit(g):
    t = g.tree(lambda t: g.directives(t, {"sslcertificatefile", "sslcertificatekeyfile", "sslengine", "sslprotocol", "sslciphersuite"}))
    ln = g.pick(g.directives(t, {"sslcertificatefile", "sslcertificatekeyfile", "sslengine", "sslprotocol", "sslciphersuite"}))
    name = ln.text.split()[0]
    new = {
        "sslcertificatefile": g.pick((ln.args.replace(".pem", ".crt") if ".pem" in ln.args else ln.args + ".bak", "/etc/ssl/certs/ssl-cert-snakeoil.pem")),
        "sslcertificatekeyfile": g.pick((ln.args + ".old", "/etc/ssl/private/ssl-cert-snakeoil.key")),
        "sslengine": g.pick(("off", "On", "enable")),
        "sslprotocol": g.pick(("all -SSLv2 -SSLv3", "TLSv1.2+", "+TLSv1.3")),
        "sslciphersuite": g.pick(("HIGH:!aNULL", "'HIGH:!aNULL'")),
    }[ln.name]
    file, edit = g.replace_args(t, ln, new)
    return f"edit-{name}", t, file, edit, f"{name} changed from '{ln.args[:60]}' to '{new}'"


# ---- MPM

MPM = (
    ("MinSpareServers 5", "prefork directive under another MPM"),
    ("MaxSpareServers 10", "prefork directive MaxSpareServers"),
    ("MaxClients 150", "MaxClients (old name of MaxRequestWorkers)"),
    ("ServerLimit 16", "ServerLimit 16"),
    ("ThreadsPerChild 1000", "ThreadsPerChild above ThreadLimit"),
    ("MaxRequestWorkers 100000", "MaxRequestWorkers far above ServerLimit"),
    ("StartServers 0", "StartServers 0"),
    ("AsyncRequestWorkerFactor 2", "AsyncRequestWorkerFactor 2"),
    ("AsyncRequestWorkerFactor abc", "AsyncRequestWorkerFactor abc"),
    ("MinSpareThreads abc", "MinSpareThreads abc"),
    ("MaxRequestsPerChild 1000", "MaxRequestsPerChild (old name)"),
    ("<IfModule mpm_prefork_module>\n\tMinSpareServers 5\n\tMaxSpareServers 10\n</IfModule>", "prefork settings guarded by IfModule"),
    ("<IfModule mpm_worker_module>\n\tThreadsPerChild 25\n</IfModule>", "worker settings guarded by IfModule"),
    ("ThreadLimit 100000", "ThreadLimit above the compile-time limit"),
    ("MaxRequestWorkers 10", "MaxRequestWorkers below ThreadsPerChild"),
    ("MaxRequestWorkers 160", "MaxRequestWorkers not a multiple of ThreadsPerChild"),
    ("ServerLimit abc", "ServerLimit abc"),
    ("MaxSpareThreads 10", "MaxSpareThreads below MinSpareThreads"),
    ("ThreadsPerChild 25", "ThreadsPerChild (a threaded-MPM directive)"),
    ("MaxConnectionsPerChild 0", "MaxConnectionsPerChild 0"),
    ("ListenCoresBucketsRatio 8", "ListenCoresBucketsRatio"),
    ("GracefulShutdownTimeout 10", "GracefulShutdownTimeout"),
    ("StartServers 2 4", "StartServers with two values"),
    ("MaxRequestWorkers", "MaxRequestWorkers without a value"),
    ("MinSpareServers 5\nMaxSpareServers 10", "prefork spare-server settings"),
    ("MaxRequestWorkers 150 # was 400", "MaxRequestWorkers with a trailing comment"),
)


def t_mpm(g):
    text, what = g.pick(MPM)
    t = g.tree()
    if g.rng.random() < 0.5:
        existing = g.directives(t, {text.split()[0].lower()})
        if existing and "\n" not in text:
            ln = g.pick(existing)
            file, edit = g.replace(t, ln, ln.indent + text)
            return slugify(what)[:40], t, file, edit, f"{what} under {t.mpm} (replacing {ln.text})"
    file, edit = g.at_top(t, text)
    return slugify(what)[:40], t, file, edit, f"{what} under {t.mpm}"


def t_mpm_vhost(g):
    t = g.tree(lambda t: has_where(t, "vhost"))
    text = g.pick(("MaxRequestWorkers 50", "StartServers 2"))
    file, edit = place(g, t, "vhost", text)
    return "in-vhost-" + slugify(text), t, file, edit, f"{text} inside a <VirtualHost>"


# ---- macros

MACRO_DEF = "<Macro AppSite $name $domain>\n<VirtualHost *:80>\n\tServerName $domain\n\tDocumentRoot /var/www/html\n\tErrorLog ${APACHE_LOG_DIR}/$name-error.log\n</VirtualHost>\n</Macro>"
MACROS = (
    (MACRO_DEF + "\nUse AppSite shop shop.example\nUndefMacro AppSite", "a macro defined, used once and undefined"),
    (MACRO_DEF + "\nUse AppSite shop", "Use with too few arguments"),
    (MACRO_DEF + "\nUse AppSite shop shop.example extra", "Use with too many arguments"),
    (MACRO_DEF + "\nUse appsite shop shop.example", "Use with the macro name in another case"),
    (MACRO_DEF + "\nUse Site shop shop.example", "Use of an undefined macro"),
    ("Use AppSite shop shop.example\n" + MACRO_DEF, "Use before the macro is defined"),
    (MACRO_DEF, "a macro that is never used"),
    ("<Macro Broken $x>\n\tServerAdmin $x\n", "a <Macro> without </Macro>"),
    ("<Macro Bad $name>\n<VirtualHost *:80>\n\tServerNmae $name\n</VirtualHost>\n</Macro>\nUse Bad bad.example", "a macro whose body has a typo, then used"),
    ("<Macro Bad $name>\n<VirtualHost *:80>\n\tServerNmae $name\n</VirtualHost>\n</Macro>", "a macro with a typo in its body, never used"),
    ("<Macro Dir $path>\n<Directory $path>\n\tRequire all granted\n</Directory>\n</Macro>\nUse Dir /srv/a\nUse Dir \"/srv/b c\"", "a macro used with a quoted argument holding a space"),
    ("<Macro Q @path>\n<Directory @path>\n\tRequire all granted\n</Directory>\n</Macro>\nUse Q \"/srv/b c\"", "an @-parameter (quoted on substitution)"),
    ("<Macro Tag name>\n\tServerAdmin name@example.com\n</Macro>\nUse Tag ops", "a macro parameter without a $/%/@ prefix"),
    (MACRO_DEF + "\nUndefMacro AppSite\nUse AppSite shop shop.example", "Use after UndefMacro"),
    ("UndefMacro Nothing", "UndefMacro of an undefined macro"),
    ("<Macro Rec $x>\n\tUse Rec $x\n</Macro>\nUse Rec a", "a recursive macro"),
    ("<Macro Empty>\n</Macro>\nUse Empty", "an empty macro used"),
    ("<Macro Two $a $a>\n\tServerAdmin $a\n</Macro>", "a macro with a duplicate parameter"),
    ("<Macro Unused $a $b>\n\tServerAdmin $a@example.com\n</Macro>\nUse Unused ops x", "a macro parameter that is never used"),
)


def late_file(t):
    """The last configuration file httpd reads (all modules are loaded by then):
    text appended to it is main-server configuration."""
    return next(f for f in reversed(t.included) if f.endswith((".conf", ".include")) and t.lines.get(f))


def t_macro(g):
    text, what = g.pick(MACROS)
    t = g.tree(prefer=[n for n, tr in g.trees.items() if "macro" in tr.modules])
    if ("<Directory" in text or "Require" in text) and "authz_core" not in t.modules:
        raise Skip("no authz")
    if "macro" not in t.modules:
        text = load_line("macro") + "\n" + text
        what += " (mod_macro loaded with it)"
    file = late_file(t)
    return slugify(what)[:40], t, file, {"op": "append", "text": text}, what + f" (at the end of {file})"


def t_macro_before_load(g):
    """<Macro>/Use read before the LoadModule of mod_macro: unknown while reading,
    but pass 2 runs with the module loaded."""
    text, what = g.pick((
        (MACROS[0][0], "a macro defined and used"),
        (MACROS[1][0], "Use with too few arguments"),
    ))
    def early(t):
        root = t.recipe["root_file"]
        loads = [ln for f in t.included for ln in t.lines.get(f, []) if ln.name == "loadmodule" and ln.args.startswith("macro_module")]
        return loads and loads[0].file != root
    t = g.tree(lambda t: "macro" in t.modules and early(t))
    ln = g.pick([x for x in g.directives(t, where="main") if x.file == t.recipe["root_file"]
                 and x.end < next(i.end for i in t.lines[x.file] if i.name in ("include", "includeoptional"))])
    file, edit = g.insert_after(t, ln, text)
    return "before-loadmodule-" + slugify(what)[:30], t, file, edit, f"{what}, written before the Include that loads mod_macro"


def t_macro_unloaded(g):
    t = g.tree(lambda t: "macro" not in t.modules)
    file, edit = g.at_top(t, MACRO_DEF + "\nUse AppSite shop shop.example")
    return "without-mod-macro", t, file, edit, "a macro defined and used without mod_macro"


def t_macro_edit_existing(g):
    t = g.tree(lambda t: any(ln.name == "use" for f in t.included for ln in t.lines.get(f, [])))
    ln = g.pick([ln for f in t.included for ln in t.lines.get(f, []) if ln.name == "use"])
    v = g.pick(("drop-arg", "extra-arg", "rename", "comment"))
    words = ln.raw.split()
    new = {"drop-arg": ln.indent + " ".join(words[:-1]), "extra-arg": ln.raw + " extra",
           "rename": ln.raw.replace(words[1], words[1] + "2", 1), "comment": ln.raw + " # site"}[v]
    file, edit = g.replace(t, ln, new)
    return f"use-{v}", t, file, edit, f"{ln.text} changed: {v}"


# ---- conditionals

CONDS = (
    ("<IfModule mod_rewrite>\n\tRewriteEngine On\n</IfModule>", "<IfModule mod_rewrite> (a name that never matches)"),
    ("<IfModule mod_alias.c\n\tAlias /x /var/www/x\n</IfModule>", "<IfModule ...> opener missing '>'"),
    ("<IfModule>\n\tServerAdmin a@example.com\n</IfModule>", "<IfModule> with no argument"),
    ("<IfModule !mod_nothere.c>\n\tServerAdmin a@example.com\n</IfModule>", "negated <IfModule> of a missing module"),
    ("<IfModule nothere.c>\n\t<Files x>\n</IfModule>", "skipped <IfModule> body with an unclosed <Files>"),
    ("<IfModule nothere.c>\n\tBogusDirective ${UNDEFINED_VAR}\n</IfModule>", "skipped <IfModule> body with junk"),
    ("<IfDefine NOTDEFINED>\n\tServerAdmin a@example.com\n", "false <IfDefine> never closed"),
    ("<IfDefine !NOTDEFINED>\n\tServerAdmin a@example.com\n", "true <IfDefine> never closed (runs to end of file)"),
    ("<IfVersion >= 2.4>\n\tServerAdmin a@example.com\n</IfVersion>", "<IfVersion >= 2.4>"),
    ("<IfVersion = 2.4>\n\tBogus\n</IfVersion>", "<IfVersion = 2.4> (false: exact compare)"),
    ("<IfVersion bogus>\n\tServerAdmin a@example.com\n</IfVersion>", "<IfVersion bogus>"),
    ("<IfVersion !2.4.71>\n\tServerAdmin a@example.com\n</IfVersion>", "<IfVersion !2.4.71> (! glued)"),
    ("<IfVersion ! = 2.4.71>\n\tServerAdmin a@example.com\n</IfVersion>", "<IfVersion ! = 2.4.71>"),
    ("<IfVersion ~ ^2\\.4>\n\tServerAdmin a@example.com\n</IfVersion>", "<IfVersion ~ regex>"),
    ("<IfVersion < 3>\n\tServerAdmin a@example.com\n</IfVersion>", "<IfVersion < 3>"),
    ("<IfFile /etc/passwd>\n\tServerAdmin a@example.com\n</IfFile>", "<IfFile /etc/passwd>"),
    ("<IfFile /nonexistent>\n\tBogus\n</IfFile>", "false <IfFile> with junk"),
    ("<IfDirective RewriteEngine>\n\tRewriteEngine On\n</IfDirective>", "<IfDirective RewriteEngine>"),
    ("<IfDirective !RewriteEngine>\n\tRewriteEngine On\n</IfDirective>", "<IfDirective !RewriteEngine>"),
    ("<IfSection Proxy>\n\t<Proxy *>\n\t\tRequire all denied\n\t</Proxy>\n</IfSection>", "<IfSection Proxy>"),
    ("<Else>\n\tServerAdmin a@example.com\n</Else>", "an orphan <Else>"),
    ("<If \"%{HTTPS} == 'on'\">\n\tServerSignature Off\n</If>\n<Else>\n\tServerSignature On\n</Else>", "<If>/<Else>"),
    ("<If \"%{HTTPS} ==\">\n\tServerSignature Off\n</If>", "<If> with an incomplete expression"),
    ("<If \"-f %{REQUEST_FILENAME}\">\n\tServerSignature Off\n</If>\n<ElseIf \"%{HTTPS} == 'on'\">\n\tServerSignature On\n</ElseIf>", "<If>/<ElseIf>"),
    ("<If \"%{HTTPS} == 'on'\">\n\tServerSignature Off\n</If>\nServerTokens Prod\n<Else>\n\tServerSignature On\n</Else>", "<Else> after a directive that follows </If>"),
    ("<IfModule mod_ssl.c>\n\tListen 8443\n</IfModule >", "</IfModule > with a space"),
    ("<IfModule mod_ssl.c>\n\t<IfModule mod_headers.c>\n\t\tHeader set X a\n\t</IfModule>\n</IfModule>", "nested IfModules"),
    ("<IfDefine>\n\tServerAdmin a@example.com\n</IfDefine>", "<IfDefine> with no argument"),
    ("<IfModule \"mod_dir.c\">\n\tDirectoryIndex index.html\n</IfModule>", "<IfModule> with a quoted name"),
    ("<ifmodule mod_dir.c>\n\tDirectoryIndex index.html\n</IFMODULE>", "<IfModule> in other cases"),
)


def t_conditional(g):
    text, what = g.pick(CONDS)
    t = g.tree()
    if ("Require" in text and "authz_core" not in t.modules):
        raise Skip("no authz")
    file, edit = g.at_top(t, text)
    return slugify(what)[:40], t, file, edit, what


def t_conditional_edit(g):
    t = g.tree()
    cands = [ln for f in t.included for ln in t.lines.get(f, []) if ln.section in ("ifmodule", "ifdefine") and ln.single and ln.closer]
    op = g.pick(cands)
    state = {True: "true", False: "false", None: "unknown"}[t.cond_state(op)]
    was = "" if state == "unknown" else f" (was {state})"
    v = g.pick(("negate", "lowercase", "strip-suffix", "closer-space"))
    arg = op.args.rstrip(">").strip()
    if v == "negate":
        new = op.raw.replace(arg, arg[1:] if arg.startswith("!") else "!" + arg, 1)
    elif v == "lowercase":
        if arg.lower() == arg:
            raise Skip("same")
        new = op.raw.replace(arg, arg.lower(), 1)
    elif v == "strip-suffix":
        if not arg.endswith(".c"):
            raise Skip("no .c")
        new = op.raw.replace(arg, arg[:-2], 1)
    else:
        cl = g.closer_line(t, op)
        new = cl.raw.replace(">", " >", 1)
        file, edit = g.replace(t, cl, new)
        return f"closer-space-{state}", t, file, edit, f"{new.strip()} closing {op.text}{was}"
    file, edit = g.replace(t, op, new)
    return f"{v}-{state}", t, file, edit, f"{op.text} changed to {new.strip()}{was}"


# ---- Define / ${VAR}

DEFINES = (
    ("Define SITE example.com\nServerAdmin webmaster@${SITE}", "Define then ${SITE}"),
    ("ServerAdmin webmaster@${UNDEFINED_SITE}", "${VAR} never defined (a warning)"),
    ("Define A:B x", "Define of a name with ':'"),
    ("Define", "Define with no argument"),
    ("Define X y z", "Define with three words"),
    ("Define ADMIN \"ops team@example.com\"\nServerAdmin ${ADMIN}", "a Define value with a space, used unquoted"),
    ("Define ADMIN \"ops team@example.com\"\nServerAdmin \"${ADMIN}\"", "a Define value with a space, used quoted"),
    ("UnDefine NOTHING", "UnDefine of an undefined name"),
    ("ServerAdmin ${LATER}\nDefine LATER ops@example.com", "${VAR} used before its Define"),
    ("Define site_name example.com\nServerAdmin ops@${SITE_NAME}", "${VAR} in another case than its Define"),
    ("Define FLAG\n<IfDefine FLAG>\n\tServerSignature Off\n</IfDefine>", "Define then <IfDefine>"),
    ("Define FLAG\n<IfDefine flag>\n\tBogusDirective\n</IfDefine>", "<IfDefine> is case-sensitive"),
    ("Define D Server\n${D}Admin ops@example.com", "a directive name built from a variable"),
    ("Define EMPTY \"\"\nServerAdmin ${EMPTY}", "Define with an empty value, then used"),
    ("Define LOGS ${APACHE_LOG_DIR}\nCustomLog ${LOGS}/extra.log combined", "a Define built from an environment variable"),
    ("ServerAdmin ${}", "an empty ${}"),
    ("ServerAdmin ${unterminated", "an unterminated ${"),
)


def t_define(g):
    text, what = g.pick(DEFINES)
    t = g.tree(lambda t: "log_config" in t.modules or "CustomLog" not in text)
    file, edit = g.at_top(t, text)
    return slugify(what)[:40], t, file, edit, what


def t_define_env_typo(g):
    t = g.tree(lambda t: any("${APACHE_" in ln.args for ln in t.active_lines()))
    ln = g.pick([ln for ln in g.directives(t) if "${APACHE_" in ln.args and ln.name != "user" and ln.name != "group"])
    m = re.search(r"\$\{(APACHE_[A-Z_]+)\}", ln.raw)
    var = m.group(1)
    bad = var.replace("_DIR", "DIR") if "_DIR" in var else var + "S"
    file, edit = g.replace(t, ln, ln.raw.replace(var, bad, 1))
    return f"env-typo-{ln.text.split()[0]}", t, file, edit, f"${{{var}}} misspelt ${{{bad}}} in {ln.text.split()[0]}"


def t_define_runtime(g):
    t = g.tree(lambda t: any(ln.name == "defaultruntimedir" for f in t.included for ln in t.lines.get(f, [])))
    ln = g.pick([ln for f in t.included for ln in t.lines.get(f, []) if ln.name == "defaultruntimedir"])
    new = g.pick(("${APACHE_RUN_DIRECTORY}", "/nonexistent/run", "${APACHE_RUN_DIR}/", "/tmp"))
    file, edit = g.replace_args(t, ln, new)
    return f"runtimedir-{slugify(new)}", t, file, edit, f"DefaultRuntimeDir {new}"


# ---- ServerName

SERVERNAMES = (
    "www.example.com", "www.example.com:80", "www.example.com:abc", "www.example.com:0", "www.example.com:70000",
    "https://www.example.com", "https://www.example.com:443", "http://www.example.com:abc", "*.example.com",
    "[::1]:8080", "example.com.", "example_com", ":80", "www.example.com:", "www.example.com:8080/path",
    "www.example.com:-1", "localhost", "127.0.0.1:65535", "127.0.0.1:65536", "ftp://www.example.com",
)


def t_servername(g):
    value = g.pick(SERVERNAMES)
    t = g.tree()
    existing = g.directives(t, {"servername"})
    if existing and g.rng.random() < 0.6:
        ln = g.pick(existing)
        file, edit = g.replace_args(t, ln, value)
        what = f"ServerName {ln.args} changed to {value}"
    elif has_where(t, "vhost") and g.rng.random() < 0.5:
        file, edit = place(g, t, "vhost", f"ServerName {value}")
        what = f"ServerName {value} added to a <VirtualHost>"
    else:
        file, edit = g.at_top(t, f"ServerName {value}")
        what = f"global ServerName {value}"
    return slugify(value)[:40], t, file, edit, what


# ---- ErrorDocument

ERRORDOCS = (
    "404 /404.html", "999 /err.html", "200 /ok.html", "404 \"Not found\"", "404", "abc /err.html",
    "500 http://example.com/err", "404 default", "599 /err.html", "404 /a /b", "302 /moved.html",
    "418 /teapot.html", "4040 /x.html", "503 \"Down for maintenance", "401 https://login.example.com/",
    "400 /bad.html", "-1 /x.html", "500 'Oops'", "413 /toolarge.html", "301 /x.html",
)


def t_errordocument(g):
    value = g.pick(ERRORDOCS)
    t = g.tree()
    existing = g.directives(t, {"errordocument"})
    if existing and g.rng.random() < 0.4:
        ln = g.pick(existing)
        file, edit = g.replace_args(t, ln, value)
        what = f"ErrorDocument {ln.args} changed to {value}"
    else:
        where = g.pick(("top", "vhost", "directory"))
        if not has_where(t, where):
            where = "top"
        file, edit = place(g, t, where, f"ErrorDocument {value}")
        what = f"ErrorDocument {value} ({where})"
    return slugify(value)[:40] or "none", t, file, edit, what


# ---- LoadModule

LOADMODULE = (
    ("LoadModule rewrite_module <MODULES>/mod_rewrite.so", "load a module the tree lacks"),
    ("LoadModule log_config_module <MODULES>/mod_log_config.so", "LoadModule of the built-in mod_log_config"),
    ("LoadModule so_module <MODULES>/mod_so.so", "LoadModule of the built-in mod_so"),
    ("LoadModule foo_module <MODULES>/mod_foo.so", "LoadModule of a missing .so"),
    ("LoadModule rewrite_modul <MODULES>/mod_rewrite.so", "LoadModule with a misspelt module symbol"),
    ("LoadModule rewrite_module <MODULES>/mod_rewrite", "LoadModule path without .so"),
    ("LoadModule rewrite_module", "LoadModule with one argument"),
    ("LoadModule mpm_prefork_module <MODULES>/mod_mpm_prefork.so", "a second MPM"),
    ("LoadModule rewrite_module modules/mod_rewrite.so", "LoadModule with a path relative to ServerRoot"),
    ("LoadModule expires_module <MODULES>/mod_rewrite.so", "LoadModule with the wrong .so for the symbol"),
    ("LoadFile /usr/lib/x86_64-linux-gnu/libnothere.so.1", "LoadFile of a missing library"),
    ("LoadModule version_module <MODULES>/mod_version.so", "LoadModule of the built-in mod_version"),
)


def t_loadmodule(g):
    text, what = g.pick(LOADMODULE)
    t = g.tree()
    if "rewrite_module <MODULES>" in text and "rewrite" in t.modules and what.startswith("load a module"):
        what = "LoadModule of a module the tree already loads"
    if text.startswith("LoadModule expires_module") and "expires" in t.modules:
        raise Skip("loaded")
    if "mpm_prefork" in text and t.mpm == "mpm_prefork":
        text = text.replace("prefork", "event")
    file, edit = g.at_top(t, text)
    return slugify(what)[:40], t, file, edit, what


def t_loadmodule_edit(g):
    t = g.tree()
    cands = [ln for f in t.included for ln in t.lines.get(f, []) if ln.name == "loadmodule" and ln.single]
    ln = g.pick(cands)
    mod = ln.args.split()[0]
    v = g.pick(("delete", "typo-so", "dup"))
    if v == "delete":
        file, edit = g.delete(t, ln)
        what = f"LoadModule {mod} deleted"
    elif v == "typo-so":
        so = ln.args.split()[1]
        file, edit = g.replace(t, ln, ln.raw.replace(so, so.replace("mod_", "mod-", 1), 1))
        what = f"the .so path of {mod} misspelt"
    else:
        file, edit = g.insert_after(t, ln, ln.raw.strip())
        what = f"LoadModule {mod} repeated"
    return f"{v}-{mod.removesuffix('_module')}", t, file, edit, what


# ---- DocumentRoot

DOCROOTS = (
    ("top", "/nonexistent/htdocs", "a missing DocumentRoot in the main server"),
    ("vhost", "/nonexistent/htdocs", "a missing DocumentRoot in a <VirtualHost> (a warning)"),
    ("top", "/var/www/html", "DocumentRoot /var/www/html in the main server"),
    ("top", "/var/www/html/", "DocumentRoot with a trailing slash"),
    ("top", "htdocs", "a relative DocumentRoot (ServerRoot-relative, missing)"),
    ("top", "<ROOT>", "DocumentRoot pointing at the config tree itself"),
    ("top", "\"/var/www/html\"", "a quoted DocumentRoot"),
    ("top", "/etc/hostname", "DocumentRoot naming a file"),
    ("vhost", "/etc/hostname", "DocumentRoot naming a file, in a <VirtualHost>"),
    ("top", "/tmp", "DocumentRoot /tmp"),
    ("top", "/var/www/html /var/www", "DocumentRoot with two paths"),
    ("top", "${APACHE_DOCROOT}", "DocumentRoot from an undefined variable"),
    ("vhost", "/var/www/htm", "a misspelt DocumentRoot in a <VirtualHost>"),
)


def t_documentroot(g):
    where, value, what = g.pick(DOCROOTS)
    t = g.tree(lambda t: has_where(t, where))
    existing = g.directives(t, {"documentroot"}, where="main" if where == "top" else "virtualhost")
    if existing and g.rng.random() < 0.6:
        ln = g.pick(existing)
        file, edit = g.replace_args(t, ln, value)
        what += f" (replacing {ln.args})"
    else:
        file, edit = place(g, t, where, f"DocumentRoot {value}")
    return slugify(what)[:40], t, file, edit, what


def t_documentroot_delete(g):
    t = g.tree()
    ln = g.pick(g.directives(t, {"documentroot"}))
    file, edit = g.delete(t, ln)
    return "delete", t, file, edit, f"DocumentRoot {ln.args} deleted"


# ---- User / Group

USERS = (
    ("User", "nosuchuser"), ("User", "www-data"), ("User", "#12345"), ("Group", "nosuchgroup"), ("Group", "#12345"),
    ("User", "nobody"), ("Group", "nogroup"), ("User", "${APACHE_RUN_USR}"), ("User", "www-data extra"),
    ("Group", "www-data"), ("User", "root"), ("Group", "root"), ("User", "#-1"), ("User", "WWW-DATA"),
    ("User", "\"www-data\""), ("Group", "#abc"), ("User", ""), ("Group", "${APACHE_RUN_GROUP}x"),
)


def t_user(g):
    name, value = g.pick(USERS)
    t = g.tree()
    existing = g.directives(t, {name.lower()}, where="main")
    if existing:
        ln = g.pick(existing)
        file, edit = g.replace_args(t, ln, value)
        what = f"{name} {ln.args} changed to {name} {value}".rstrip()
    else:
        file, edit = g.at_top(t, f"{name} {value}".rstrip())
        what = f"{name} {value} added"
    return f"{name.lower()}-{slugify(value) or 'empty'}", t, file, edit, what


# --------------------------------------------------------------------------- plan

CATEGORIES = {
    "typo": [(t_typo, 10), (t_typo_case, 5), (t_typo_section, 2), (t_typo_section_both, 1),
             (t_typo_inactive, 2), (t_typo_unused_file, 1), (t_typo_commented, 1)],
    "unloaded-module": [(unloaded_template("none"), 7), (unloaded_template("loaded"), 3),
                        (unloaded_template("ifmodule-source"), 2), (unloaded_template("ifmodule-id"), 1),
                        (unloaded_template("ifmodule-wrong-name"), 1), (unloaded_template("ifmodule-negated"), 2),
                        (unloaded_template("ifdirective"), 1), (t_unloaded_before_load, 2),
                        (t_unloaded_ifmodule_before_load, 1)],
    "arity": [(t_arity_generic, 10), (t_arity_named, 12)],
    "comments": [(t_comment_directive, 9), (t_comment_opener, 2), (t_comment_inside_opener, 2),
                 (t_comment_closer, 2), (t_comment_cond_closer, 3), (t_comment_own_line, 1),
                 (t_comment_other_syntax, 2), (t_comment_hash_glued, 2)],
    "flag-enum": [(t_enum, 22)],
    "numbers": [(t_number, 22)],
    "context": [(t_context, 20), (t_context_htaccess, 2)],
    "sections": [(t_section_delete_closer, 3), (t_section_delete_opener, 2), (t_section_wrong_closer, 2),
                 (t_section_opener_no_gt, 2), (t_section_closer_variants, 5), (t_section_opener_variants, 5),
                 (t_section_new_block, 3), (t_section_unknown, 1)],
    "includes": [(t_include, 11), (t_include_edit_existing, 8), (t_include_new_file, 4)],
    "quoting": [(t_quoting, 17), (t_quoting_header, 4)],
    "continuations": [(t_continuation, 18), (t_continuation_eof, 3)],
    "regex": [(t_regex, 24)],
    "rewrite-flags": [(rewrite_flag_template("odd"), 9), (rewrite_flag_template("ok"), 8), (rewrite_flag_template("cond"), 5)],
    "listen": [(t_listen, 15), (t_listen_edit, 6), (t_listen_vhost, 1)],
    "require": [(t_require, 13), (t_require_provider_unloaded, 2), (t_require_block, 6), (t_require_edit, 3)],
    "options": [(t_options, 21)],
    "allowoverride": [(t_allowoverride, 21)],
    "headers": [(t_header, 22)],
    "proxypass": [(t_proxy, 20), (t_proxy_unloaded, 2)],
    "ssl": [(t_ssl, 19), (t_ssl_edit, 4)],
    "mpm": [(t_mpm, 20), (t_mpm_vhost, 2)],
    "macros": [(t_macro, 17), (t_macro_before_load, 2), (t_macro_unloaded, 1), (t_macro_edit_existing, 3)],
    "conditionals": [(t_conditional, 17), (t_conditional_edit, 6)],
    "define-vars": [(t_define, 15), (t_define_env_typo, 4), (t_define_runtime, 2)],
    "servername": [(t_servername, 21)],
    "errordocument": [(t_errordocument, 21)],
    "loadmodule": [(t_loadmodule, 14), (t_loadmodule_edit, 7)],
    "documentroot": [(t_documentroot, 18), (t_documentroot_delete, 3)],
    "user-group": [(t_user, 21)],
}


def generate(trees, seed):
    g = Gen(trees, seed)
    for category, templates in CATEGORIES.items():
        # Each category draws from its own stream (and balances trees on its own),
        # so that changing one category's templates leaves the others' cases alone.
        g.rng = random.Random(f"{seed}/{category}")
        g.pools = {}
        g.usage = Counter()
        for template, count in templates:
            made, tries = 0, 0
            while made < count:
                tries += 1
                if tries > count * 60:
                    raise SystemExit(f"{category}/{template.__name__}: only {made} of {count} cases after {tries} tries")
                try:
                    slug, t, file, edit, what = template(g)
                except Skip:
                    continue
                edit = {k: v for k, v in edit.items()}
                try:
                    g.add(category, slugify(slug) or "case", t, file, edit, what)
                except Skip:
                    continue
                made += 1
    return g


def check_applies(trees, cases):
    """Every edit applies to its freshly materialised tree."""
    by_tree = defaultdict(list)
    for case in cases:
        by_tree[case["tree"]].append(case)
    for name, group in by_tree.items():
        with oracle.Sandbox() as sb:
            oracle.materialise_tree(sb, oracle.load_recipe(name))
            for case in group:
                applied = oracle.AppliedEdit(sb, case)
                applied.undo()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--check", action="store_true",
                        help="do not write: exit 1 if the committed cases differ from what this seed generates")
    args = parser.parse_args()

    trees = {name: load_tree(name) for name in oracle.tree_names()}
    g = generate(trees, args.seed)

    outputs = {}
    for category, items in g.cases.items():
        for i, item in enumerate(items, 1):
            path = CASES_DIR / category / f"{i:03d}-{item['slug']}.json"
            outputs[path] = item["case"]
    check_applies(trees, outputs.values())

    existing = {p: json.loads(p.read_text()) for p in CASES_DIR.glob("*/*.json")}
    recorded = {}
    for case in existing.values():
        key = json.dumps({k: case[k] for k in ("tree", "file", "edit")}, sort_keys=True)
        if case.get("httpd") is not None:
            recorded[key] = case["httpd"]
    changed = 0
    texts = {}
    for path, case in outputs.items():
        key = json.dumps({k: case[k] for k in ("tree", "file", "edit")}, sort_keys=True)
        case["httpd"] = recorded.get(key)
        texts[path] = oracle.render_json(case)
    stale = set(existing) - set(outputs)
    for path, text in texts.items():
        if not path.exists() or path.read_text() != text:
            changed += 1
            if not args.check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text)
    if not args.check:
        for path in stale:
            path.unlink()
    per_cat = Counter(p.parent.name for p in outputs)
    unrecorded = sum(1 for c in outputs.values() if c["httpd"] is None)
    print(f"{len(outputs)} cases in {len(per_cat)} categories; {changed} new or changed, "
          f"{len(stale)} stale, {unrecorded} without an httpd verdict")
    used = Counter(c["tree"] for c in outputs.values())
    print("trees used: " + ", ".join(f"{n} {c}" for n, c in sorted(used.items())))
    if unrecorded and not args.check:
        print("next: python3 scripts/httpd_oracle.py record --select mutations")
    if args.check:
        if changed or stale:
            print("gen_mutations --check FAILED: the committed cases differ from what this seed generates "
                  "(run scripts/gen_mutations.py, then record)")
            return 1
        print("gen_mutations --check ok")
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
