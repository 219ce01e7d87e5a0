//! Loader tests: each is a multi-file fixture (`#- /path` headers) loaded
//! from memory, with the expected DUMP_CONFIG-style output and findings.
//! The cases are the confirmed httpd behaviours of apache-semantics.md §3,
//! §5, §6 and §12.

use std::sync::Arc;

use super::provider::MemBackend;
use super::render;
use super::vfs::Vfs;
use super::{LoadOptions, load};
use crate::load::tree::Config;

/// Builds a memory tree from `#- /path` sections (`#- /path -> target` for
/// a symlink) and loads `/etc/apache2/apache2.conf`.
fn load_fixture(fixture: &str) -> Config {
    let mut mem = MemBackend::new();
    let mut current: Option<(String, String)> = None;
    let flush = |cur: &mut Option<(String, String)>, mem: &mut MemBackend| {
        if let Some((path, text)) = cur.take() {
            *mem = std::mem::take(mem).file(path, text);
        }
    };
    for line in fixture.lines() {
        if let Some(header) = line.strip_prefix("#- ") {
            flush(&mut current, &mut mem);
            match header.split_once(" -> ") {
                Some((link, target)) => mem = std::mem::take(&mut mem).symlink(link, target),
                None => current = Some((header.trim().to_string(), String::new())),
            }
        } else if let Some((_, text)) = current.as_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    flush(&mut current, &mut mem);
    let vfs = Vfs::direct(Arc::new(mem));
    let mut options = LoadOptions::debian("/etc/apache2/apache2.conf");
    options.profile.defines.push("CMDLINE".to_string());
    load(&vfs, &options)
}

/// The include-depth errors (`AL014`) of a loaded fixture.
fn include_depth_errors(config: &Config) -> Vec<String> {
    findings(config)
        .into_iter()
        .filter(|f| f.starts_with("AL014"))
        .collect()
}

/// The effective configuration, one `name args` per line, nested by two
/// spaces (DUMP_CONFIG without file headers and line markers).
fn effective(config: &Config) -> String {
    render::dump_config(config, &|n| n.to_string())
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect()
}

fn findings(config: &Config) -> Vec<String> {
    config
        .findings
        .iter()
        .map(|f| {
            let file = config.sources.get(f.primary.file);
            let pos = file.line_col(f.primary.range.start());
            format!(
                "{} {}:{} {}",
                f.rule.code,
                file.config_path.display(),
                pos.line,
                f.message
            )
        })
        .collect()
}

#[test]
fn include_globs_sort_by_bytes_and_skip_dotfiles() {
    let c = load_fixture(
        "#- /etc/apache2/apache2.conf
Include conf.d/*.conf
#- /etc/apache2/conf.d/10-a.conf
A 10
#- /etc/apache2/conf.d/9-b.conf
A 9
#- /etc/apache2/conf.d/.hidden.conf
A hidden
#- /etc/apache2/conf.d/Z.conf
A Z
",
    );
    assert_eq!(effective(&c), "A 10\nA 9\nA Z\n");
    assert_eq!(
        render::includes(&c),
        "Included configuration files:\n  (*) /etc/apache2/apache2.conf\n    (1) /etc/apache2/conf.d/10-a.conf\n    (1) /etc/apache2/conf.d/9-b.conf\n    (1) /etc/apache2/conf.d/Z.conf\n"
    );
}

#[test]
fn missing_include_is_httpds_error_optional_is_silent() {
    let c = load_fixture(
        "#- /etc/apache2/apache2.conf
IncludeOptional sites-enabled/*.conf
Include missing.conf
Include none/*.conf
#- /etc/apache2/sites-enabled/old.conf -> ../sites-available/old.conf
",
    );
    assert_eq!(
        findings(&c),
        [
            "AL011 /etc/apache2/apache2.conf:2 Could not open configuration file /etc/apache2/missing.conf: No such file or directory",
            "AL011 /etc/apache2/apache2.conf:3 Include/IncludeOptional: Could not open directory /etc/apache2/none: No such file or directory",
        ]
    );
}

#[test]
fn self_include_hits_the_depth_limit_once() {
    let c = load_fixture(
        "#- /etc/apache2/apache2.conf
Include apache2.conf
",
    );
    let f = findings(&c);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].starts_with("AL014"));
    assert_eq!(c.includes.len(), 129);
}

#[test]
fn defines_substitute_in_read_order_and_retokenize() {
    let c = load_fixture(
        "#- /etc/apache2/apache2.conf
ServerAdmin ${EARLY}
Define EARLY x
Define D \"a b\"
ServerAdmin ${D}
ServerAdmin \"${D}\"
Define Foo v
ServerName ${FOO}
Define A ${B}y
Define B x
ServerAlias ${A}
Define D2 Server
${D2}Admin y
ErrorLog ${APACHE_LOG_DIR}/error.log
ServerAlias ${with:colon}
",
    );
    assert_eq!(
        effective(&c),
        "ServerAdmin ${EARLY}\nServerAdmin a b\nServerAdmin \"a b\"\nServerName v\nServerAlias ${B}y\nServerAdmin y\nErrorLog /var/log/apache2/error.log\nServerAlias ${with:colon}\n"
    );
    // Only the genuinely undefined names warn (AH00111), not `${B}` inside
    // a Define value, not names with ':'.
    assert_eq!(
        findings(&c),
        [
            "AL020 /etc/apache2/apache2.conf:1 variable ${EARLY} is not defined here; httpd keeps the text literally",
            "AL020 /etc/apache2/apache2.conf:8 variable ${B} is not defined here; httpd keeps the text literally",
        ]
    );
    let ctx = &c.nodes[c.walk_effective()[1].0 as usize];
    assert_eq!(
        ctx.args.len(),
        2,
        "a value with a space becomes two arguments"
    );
}

#[test]
fn ifdefine_is_case_sensitive_and_sees_cmdline_defines() {
    let c = load_fixture(
        "#- /etc/apache2/apache2.conf
Define Foo x
<IfDefine FOO>
  A upper
</IfDefine>
<IfDefine Foo>
  A exact
</IfDefine>
<IfDefine CMDLINE>
  A cmdline
</IfDefine>
<IfDefine !NOPE>
  A negated
</IfDefine>
",
    );
    assert_eq!(effective(&c), "A exact\nA cmdline\nA negated\n");
}

#[test]
fn ifmodule_matches_identifier_or_source_file_in_read_order() {
    let c = load_fixture(
        "#- /etc/apache2/apache2.conf
<IfModule expires_module>
  A before-load
</IfModule>
LoadModule expires_module /usr/lib/apache2/modules/mod_expires.so
<IfModule expires_module>
  A identifier
</IfModule>
<IfModule mod_expires.c>
  A source
</IfModule>
<IfModule mod_expires>
  A wrong
</IfModule>
<IfModule !!mod_expires.c>
  A double-bang
</IfModule>
<IfModule mod_version.c>
  A builtin
</IfModule>
",
    );
    assert_eq!(
        effective(&c),
        "A identifier\nA source\nA double-bang\nA builtin\n"
    );
}

#[test]
fn false_branch_is_kept_inactive_and_never_substituted() {
    let c = load_fixture(
        "#- /etc/apache2/apache2.conf
<IfModule nothere.c>
  Bogus ${UNDEFINED}
  Include does-not-exist.conf
</IfModule>
",
    );
    assert!(c.findings.is_empty(), "{:?}", findings(&c));
    assert_eq!(effective(&c), "");
    let inactive: Vec<_> = c.nodes.iter().filter(|n| !n.active).collect();
    assert_eq!(inactive.len(), 2);
}

#[test]
fn conditional_closing_rules_depend_on_truth() {
    // True: only an exact line closes; `</IfModule> # c` is a stray closer.
    let c = load_fixture(
        "#- /etc/apache2/apache2.conf
<IfModule mod_version.c>
  A a
</IfModule> # c
",
    );
    assert_eq!(
        findings(&c),
        ["AL021 /etc/apache2/apache2.conf:3 </IfModule> without matching <IfModule> section"]
    );
    // False: the same line is accepted; `</IfModule >` is not.
    let c = load_fixture(
        "#- /etc/apache2/apache2.conf
<IfModule nothere.c>
</IfModule> # c
<IfModule nothere.c>
</IfModule >
",
    );
    assert_eq!(
        findings(&c),
        ["AL002 /etc/apache2/apache2.conf:4 Expected </IfModule> but saw </IfModul>"]
    );
    // httpd names the line of the false <IfModule>.
    assert_eq!(c.findings[0].httpd.as_ref().unwrap().line, 3);
}

#[test]
fn unclosed_conditionals_true_is_accepted_false_is_refused() {
    let c = load_fixture(
        "#- /etc/apache2/apache2.conf
<IfModule mod_version.c>
  A a
",
    );
    assert_eq!(effective(&c), "A a\n");
    assert_eq!(c.findings.len(), 1);
    assert_eq!(c.findings[0].severity, crate::finding::Severity::Warning);
    let c = load_fixture(
        "#- /etc/apache2/apache2.conf
<IfModule nothere.c>
  <Foo>
</IfModule>
",
    );
    assert_eq!(
        findings(&c),
        ["AL002 /etc/apache2/apache2.conf:3 Expected </Foo> but saw </IfModule>"]
    );
}

#[test]
fn sections_never_span_files() {
    let c = load_fixture(
        "#- /etc/apache2/apache2.conf
<Directory /srv>
Include close.conf
#- /etc/apache2/close.conf
</Directory>
",
    );
    assert_eq!(
        findings(&c),
        [
            "AL003 /etc/apache2/close.conf:1 </Directory> without matching <Directory> section",
            "AL001 /etc/apache2/apache2.conf:1 <Directory> was not closed.",
        ]
    );
}

#[test]
fn server_root_changes_later_relative_includes() {
    let c = load_fixture(
        "#- /etc/apache2/apache2.conf
Include a.conf
ServerRoot /srv/other
Include a.conf
#- /etc/apache2/a.conf
A first
#- /srv/other/a.conf
A second
",
    );
    assert_eq!(effective(&c), "A first\nA second\n");
}

#[test]
fn macros_expand_into_the_reading_stream() {
    let c = load_fixture(
        "#- /etc/apache2/apache2.conf
LoadModule macro_module /usr/lib/apache2/modules/mod_macro.so
<Macro VHost $name $dir>
  <VirtualHost *:80>
    ServerName $name
    DocumentRoot $dir
</Macro>
Use VHost shop.example /srv/shop
</VirtualHost>
",
    );
    // mod_macro notices the unbalanced body and warns, as httpd does.
    assert_eq!(
        findings(&c),
        [
            "AL031 /etc/apache2/apache2.conf:2 AH02795: bad cumulated nesting (+1) in macro 'vhost' (defined on line 2 of \"/etc/apache2/apache2.conf\")"
        ]
    );
    assert_eq!(
        effective(&c),
        "<VirtualHost *:80>\n  ServerName shop.example\n  DocumentRoot /srv/shop\n</VirtualHost>\n"
    );
    let name = c
        .walk_effective()
        .iter()
        .copied()
        .find(|&n| c.node(n).is("ServerName"))
        .unwrap();
    // The argument points at `$name` in the macro body; the chain names the Use.
    let arg = c.node(name).arg_span(0);
    assert_eq!(c.sources.get(arg.file).snippet(arg.range), "$name");
    assert_eq!(c.chain(name).len(), 1);
}

#[test]
fn macro_errors_use_httpds_texts() {
    let c = load_fixture(
        "#- /etc/apache2/apache2.conf
LoadModule macro_module /usr/lib/apache2/modules/mod_macro.so
<Macro foo $premier>
  ServerName $premier
</Macro>
Use foo
Use bar x
<Macro a>
Use b
</Macro>
<Macro b>
Use a
</Macro>
Use a
",
    );
    let f = findings(&c);
    assert_eq!(
        f,
        [
            "AL030 /etc/apache2/apache2.conf:5 macro 'foo' (defined on line 2 of \"/etc/apache2/apache2.conf\") used with 0 arguments instead of 1",
            "AL030 /etc/apache2/apache2.conf:6 macro 'bar' undefined",
            "AL030 /etc/apache2/apache2.conf:11 recursive use of macro 'a' is invalid",
        ]
    );
}

#[test]
fn macro_before_mod_macro_is_an_unwalked_section() {
    let c = load_fixture(
        "#- /etc/apache2/apache2.conf
<Macro VHost $name>
  Listen $name
</Macro>
Use VHost 80
Include /dev/null
IncludeOptional /dev/null
",
    );
    assert!(c.findings.is_empty(), "{:?}", findings(&c));
    // Read as a section, its body never walked (inactive); Use not expanded.
    assert_eq!(effective(&c), "<Macro VHost $name>\n");
    assert!(c.nodes.iter().any(|n| n.is("Listen") && !n.active));
}

#[test]
fn directory_include_takes_every_file() {
    let c = load_fixture(
        "#- /etc/apache2/apache2.conf
Include conf.d
#- /etc/apache2/conf.d/.hidden.conf
A hidden
#- /etc/apache2/conf.d/readme.txt
A readme
#- /etc/apache2/conf.d/sub/x.conf
A sub
",
    );
    assert_eq!(effective(&c), "A hidden\nA readme\nA sub\n");
}

#[test]
fn include_cycle_through_two_files_ends_at_the_first_recursion_error() {
    // httpd follows a.conf 128 deep, fails and reads nothing more. Following
    // every path of the cycle instead (a, b, a, b, … at each level) never
    // ends; the loader unwinds to the root file's Include and goes on after
    // it, so each Include of the root file into the cycle is one error.
    let c = load_fixture(
        "#- /etc/apache2/apache2.conf
Include conf.d/*.conf
Include conf.d/b.conf
#- /etc/apache2/conf.d/a.conf
Include conf.d/*.conf
#- /etc/apache2/conf.d/b.conf
Include conf.d/*.conf
",
    );
    let recursion = include_depth_errors(&c);
    assert_eq!(
        recursion,
        ["AL014 /etc/apache2/conf.d/a.conf:1 Exceeded maximum include depth of 128, There appears to be a recursion.";
            2],
        "one for conf.d/*.conf (a.conf first), one for conf.d/b.conf"
    );
    // The root file, then two chains 128 files deep.
    assert_eq!(c.includes.len(), 1 + 2 * 128);
}

#[test]
fn include_of_a_directory_linking_to_itself_ends() {
    // `*` matches apache2.conf itself and `loop`, a directory that holds
    // apache2.conf and `loop` again: httpd follows apache2.conf first, 128
    // deep, and stops there.
    let c = load_fixture(
        "#- /etc/apache2/apache2.conf
Include *
#- /etc/apache2/loop -> .
",
    );
    let recursion = include_depth_errors(&c);
    assert_eq!(
        recursion,
        [
            "AL014 /etc/apache2/apache2.conf:1 Exceeded maximum include depth of 128, There appears to be a recursion."
        ]
    );
}

#[test]
fn include_stops_before_walking_a_looping_tree_it_never_reaches() {
    // `*` matches apache2.conf first; httpd follows it 128 deep and stops.
    // `up` (/etc) and `conf.d/dirlink` lead into thousands of looping
    // directory paths that httpd never lists; listing them all at each of
    // the 128 levels took minutes.
    let c = load_fixture(
        "#- /etc/apache2/apache2.conf
Include *
#- /etc/apache2/up -> ..
#- /etc/apache2/conf.d/dirlink -> /etc/apache2/conf.d
",
    );
    assert_eq!(include_depth_errors(&c).len(), 1);
    assert_eq!(c.includes.len(), 1 + 128);
}

#[test]
fn include_stops_at_a_directory_nested_too_deep() {
    // httpd reads deep/a.conf, fails in deep/d/…/d (129 levels) and never
    // reaches deep/z.conf.
    let deep = "d/".repeat(129);
    let c = load_fixture(&format!(
        "#- /etc/apache2/apache2.conf
Include deep
#- /etc/apache2/deep/a.conf
A a
#- /etc/apache2/deep/{deep}x.conf
A x
#- /etc/apache2/deep/z.conf
A z
"
    ));
    assert_eq!(effective(&c), "A a\n");
    let recursion = include_depth_errors(&c);
    assert_eq!(recursion.len(), 1, "{recursion:?}");
    assert!(recursion[0].ends_with("exceeds the maximum include directory nesting level of 128. You have probably a recursion somewhere."));
}
