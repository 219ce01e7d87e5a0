//! One line per finding, compiler style: `file:line:col: severity[CODE name]:
//! message`, followed by indented `included from` lines. Used for terminals
//! without colour and for logs.

use std::fmt::Write;

use crate::finding::{ChainKind, Finding};
use crate::source::SourceSet;

/// Renders findings in the short format.
pub fn render(findings: &[Finding], sources: &SourceSet) -> String {
    let mut out = String::new();
    for f in findings {
        let file = sources.get(f.primary.file);
        let pos = file.line_col(f.primary.range.start());
        let latent = if f.latent { " (latent)" } else { "" };
        let _ = writeln!(
            out,
            "{}:{}:{}: {}[{} {}]{latent}: {}",
            file.display_path(),
            pos.line,
            pos.column,
            f.severity.as_str(),
            f.rule.code,
            f.rule.name,
            f.message
        );
        for link in f.chain.iter().rev() {
            let via = sources.get(link.span.file);
            let verb = match link.kind {
                ChainKind::Include => "included from",
                ChainKind::Macro => "expanded from Use at",
            };
            let _ = writeln!(out, "    {verb} {}:{}", via.display_path(), link.line);
        }
        if let Some(help) = &f.help {
            let _ = writeln!(out, "    help: {help}");
        }
    }
    out
}
