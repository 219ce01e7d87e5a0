//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice`
//! annotation per finding, with file, line and column range, shown on the
//! pull request's diff. Data and properties are escaped as GitHub requires
//! (`%`, CR, LF; and `:` `,` in properties). GitHub shows at most 10
//! annotations of each level per step, so errors come first.

use std::fmt::Write;

use crate::finding::{Finding, Severity};
use crate::source::SourceSet;

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The annotations, most severe first.
pub fn render(findings: &[Finding], set: &SourceSet) -> String {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let mut out = String::new();
    for f in sorted {
        let file = set.get(f.primary.file);
        let start = file.line_col(f.primary.range.start());
        let end = file.line_col(f.primary.range.end());
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut message = f.message.clone();
        if let Some(h) = &f.help {
            message.push_str("\nhelp: ");
            message.push_str(h);
        }
        let _ = writeln!(
            out,
            "::{command} file={},line={},endLine={},col={},endColumn={},title={}::{}",
            escape_property(&file.display_path()),
            start.line,
            end.line,
            start.column,
            end.column,
            escape_property(&format!("{} {}", f.rule.code, f.rule.name)),
            escape_data(&message)
        );
    }
    out
}
