//! What `apache2 -t` would print for a configuration, rebuilt from the
//! findings that carry httpd's own message: its log lines in the order httpd
//! emits them, then the first error it would stop at — read (pass 1) errors
//! first, since reading finishes before any directive runs, then the first
//! handler (pass 2) error in tree order — or `Syntax OK`.
//!
//! This is how apachelint is compared with the real server line for line
//! (the mod_macro reference suite, the grammar fixtures).

use std::fmt::Write;

use crate::finding::{ChainKind, Finding, HttpdPhase};
use crate::load::tree::Config;
use crate::source::escape_like_httpd;

/// The program name httpd prints on Debian.
pub const PROGRAM: &str = "apache2";

fn escaped(message: &str) -> String {
    escape_like_httpd(message.as_bytes())
}

/// One log line.
fn log_line(out: &mut String, prefix: Option<&str>, message: &str) {
    match prefix {
        Some(p) => {
            let _ = writeln!(out, "[{p}] {}", escaped(message));
        }
        None => {
            let _ = writeln!(out, "{}", escaped(message));
        }
    }
}

/// A read (pass 1) error line: `apache2: Syntax error on line N of F: msg`,
/// wrapped once per include level.
fn read_error(out: &mut String, config: &Config, f: &Finding, h: &crate::finding::HttpdEcho) {
    let mut text = format!("{PROGRAM}: ");
    for link in f.chain.iter().filter(|l| l.kind == ChainKind::Include) {
        let file = config.config_path(link.span.file);
        let _ = write!(
            text,
            "Syntax error on line {} of {}: ",
            link.line,
            file.display()
        );
    }
    if h.line > 0 {
        let _ = write!(text, "Syntax error on line {} of {}: ", h.line, h.file);
    }
    text.push_str(&escaped(&h.message));
    let _ = writeln!(out, "{text}");
}

/// The `apache2 -t` output for `config` and its checked `findings`, and the
/// exit code httpd would give.
pub fn render(config: &Config, findings: &[Finding]) -> (String, i32) {
    let mut out = String::new();
    // Pass 1, in reading order: the loader's own findings.
    for f in &config.findings {
        let Some(h) = &f.httpd else { continue };
        match h.phase {
            HttpdPhase::Log { prefix } => log_line(&mut out, prefix, &h.message),
            HttpdPhase::Read => {
                read_error(&mut out, config, f, h);
                return (out, 1);
            }
            HttpdPhase::Walk | HttpdPhase::Check | HttpdPhase::Exit => {}
        }
    }
    // Then the rules' findings about directives run while reading
    // (`LoadModule`, `DefaultRuntimeDir`), the first in reading order.
    let first_read = findings
        .iter()
        .filter(|f| f.node.is_some() && !f.latent)
        .filter_map(|f| Some((f, f.httpd.as_ref()?)))
        .filter(|(_, h)| h.phase == HttpdPhase::Read)
        .min_by_key(|(f, _)| f.node);
    if let Some((f, h)) = first_read {
        read_error(&mut out, config, f, h);
        return (out, 1);
    }
    // Pass 2, in tree (reading) order: the rules' findings about nodes.
    let mut walk: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.node.is_some() && !f.latent)
        .filter(|f| {
            f.httpd
                .as_ref()
                .is_some_and(|h| h.phase != HttpdPhase::Read)
        })
        .collect();
    walk.sort_by_key(|f| f.node);
    let mut check_error = None;
    for f in walk {
        let Some(h) = &f.httpd else { continue };
        match h.phase {
            HttpdPhase::Log { prefix } => log_line(&mut out, prefix, &h.message),
            HttpdPhase::Walk => {
                let _ = writeln!(
                    out,
                    "AH00526: Syntax error on line {} of {}:",
                    h.line, h.file
                );
                let _ = writeln!(out, "{}", escaped(&h.message));
                return (out, 1);
            }
            HttpdPhase::Check => {
                check_error.get_or_insert(h.message.clone());
            }
            HttpdPhase::Exit => {
                let _ = writeln!(out, "{}", escaped(&h.message));
                return (out, 1);
            }
            HttpdPhase::Read => {}
        }
    }
    if let Some(message) = check_error {
        let _ = writeln!(out, "{}", escaped(&message));
        let _ = writeln!(out, "AH00014: Configuration check failed");
        return (out, 1);
    }
    out.push_str("Syntax OK\n");
    (out, 0)
}
