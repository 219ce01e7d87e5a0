//! The text diff shown under a change finding: the unified diff (`similar`)
//! of the known-good and candidate files, cut down to the hunks that touch
//! the changed directive, so a reader sees the edit itself next to its
//! consequence.

use std::fmt::Write;

use similar::TextDiff;

use crate::load::tree::{Config, NodeId};

/// Lines of context around a change.
const CONTEXT: usize = 2;

/// 0-based line range of a node in its file.
fn lines_of(config: &Config, id: NodeId) -> (usize, usize) {
    let node = config.node(id);
    let file = config.sources.get(node.span.file);
    let start = file.line_col(node.span.range.start()).line - 1;
    let end = file.line_col(node.span.range.end()).line - 1;
    (start, end)
}

fn text(config: &Config, id: NodeId) -> String {
    let node = config.node(id);
    String::from_utf8_lossy(&config.sources.get(node.span.file).text).into_owned()
}

fn display(config: &Config, id: NodeId) -> String {
    config.sources.get(config.node(id).span.file).display_path()
}

fn overlaps(range: std::ops::Range<usize>, lines: (usize, usize)) -> bool {
    range.start <= lines.1 && lines.0 < range.end.max(range.start + 1)
}

/// The diff between the known-good node's file and the candidate node's
/// file around the two nodes; `None` when there is nothing to show.
pub fn between(
    old_config: &Config,
    old: Option<NodeId>,
    new_config: &Config,
    new: Option<NodeId>,
) -> Option<String> {
    let mut out = String::new();
    match (old, new) {
        (Some(o), Some(n)) => {
            let (old_text, new_text) = (text(old_config, o), text(new_config, n));
            let (old_lines, new_lines) = (lines_of(old_config, o), lines_of(new_config, n));
            let diff = TextDiff::from_lines(old_text.as_str(), new_text.as_str());
            let _ = writeln!(out, "--- {} (known-good)", display(old_config, o));
            let _ = writeln!(out, "+++ {} (candidate)", display(new_config, n));
            let same_file = old_config.config_path(old_config.node(o).span.file)
                == new_config.config_path(new_config.node(n).span.file);
            if !same_file {
                // Two different files: a text diff between them says nothing.
                push_lines(&mut out, '-', &old_text, old_lines);
                push_lines(&mut out, '+', &new_text, new_lines);
                return Some(out);
            }
            let mut any = false;
            for hunk in diff.unified_diff().context_radius(CONTEXT).iter_hunks() {
                let touches = hunk.ops().iter().any(|op| {
                    overlaps(op.old_range(), old_lines) || overlaps(op.new_range(), new_lines)
                });
                if touches {
                    let _ = write!(out, "{hunk}");
                    any = true;
                }
            }
            if !any {
                // The two lines are equal as text: the change came from
                // elsewhere (a Define, an include); show both lines.
                push_lines(&mut out, '-', &old_text, old_lines);
                push_lines(&mut out, '+', &new_text, new_lines);
            }
        }
        (Some(o), None) => {
            let _ = writeln!(out, "--- {} (known-good)", display(old_config, o));
            push_lines(&mut out, '-', &text(old_config, o), lines_of(old_config, o));
        }
        (None, Some(n)) => {
            let _ = writeln!(out, "+++ {} (candidate)", display(new_config, n));
            push_lines(&mut out, '+', &text(new_config, n), lines_of(new_config, n));
        }
        (None, None) => return None,
    }
    Some(out)
}

fn push_lines(out: &mut String, sign: char, text: &str, (start, end): (usize, usize)) {
    for line in text.lines().skip(start).take(end - start + 1) {
        let _ = writeln!(out, "{sign}{line}");
    }
}
