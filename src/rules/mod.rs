//! Rules: their metadata ([`RuleMeta`]), the [`declare_rule!`] macro that
//! turns a rule's doc comment into its `apachelint explain` text, and the rule
//! families.
//!
//! One rule (or one load/syntax finding kind) per file, named for the risky
//! pattern; the file's `declare_rule!` doc comment is the rule's documentation
//! with the fixed sections `## What it does`, `## Why is this risky?`,
//! `## Example` and `## References`. The one table of codes is
//! [`registry::ALL`].

use crate::finding::Severity;

pub mod change;
pub mod context;
pub mod hygiene;
pub mod load;
pub mod registry;
pub mod security;
pub mod selection;
pub mod syntax;
pub mod validity;

pub use context::{Context, Rule};

/// Which stage of apachelint a rule belongs to; also its code range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// AL0xx, parser: what httpd's reader refuses.
    Syntax,
    /// AL0xx, loader: includes, variables, conditionals, macros.
    Load,
    /// AL1xx: what httpd's directive handlers refuse (`apache2 -t`), and
    /// start-up failures.
    Validity,
    /// AL2xx: risky changes against the known-good version.
    Change,
    /// AL3xx: security exposure and hardening.
    Security,
    /// AL4xx: hygiene.
    Hygiene,
}

/// Everything known about a rule except how it checks.
#[derive(Debug, PartialEq, Eq)]
pub struct RuleMeta {
    /// Stable code, never reused: `AL001`.
    pub code: &'static str,
    /// Kebab-case name, used in suppressions: `unclosed-section`.
    pub name: &'static str,
    pub family: Family,
    pub default_severity: Severity,
    /// When true, an error of this rule means apachelint could not check the
    /// configuration completely: the run exits 2 (fail closed).
    pub blocks_check: bool,
    /// The doc comment: the `explain` text.
    pub doc: &'static str,
    /// Where the rule is declared.
    pub file: &'static str,
    pub line: u32,
}

impl RuleMeta {
    /// The documentation as text (doc-comment indentation removed): what
    /// `apachelint explain` prints.
    pub fn explain(&self) -> String {
        self.doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The first sentence of the "What it does" section, for listings.
    pub fn summary(&self) -> String {
        let section = self.doc.split("## What it does").nth(1).unwrap_or("");
        let paragraph: Vec<&str> = section
            .lines()
            .map(str::trim)
            .skip_while(|l| l.is_empty())
            .take_while(|l| !l.is_empty() && !l.starts_with("##"))
            .collect();
        let text = paragraph.join(" ");
        match text.find(". ") {
            Some(i) => text[..=i].to_string(),
            None => text,
        }
    }
}

/// Declares a rule's metadata from its doc comment:
///
/// ```text
/// declare_rule! {
///     /// ## What it does
///     /// …
///     pub UNCLOSED_SECTION = {
///         code: "AL001",
///         name: "unclosed-section",
///         family: Syntax,
///         severity: Error,
///         blocks_check: true,
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub $const_name:ident = {
            code: $code:literal,
            name: $name:literal,
            family: $family:ident,
            severity: $severity:ident,
            blocks_check: $blocks:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub static $const_name: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
            code: $code,
            name: $name,
            family: $crate::rules::Family::$family,
            default_severity: $crate::finding::Severity::$severity,
            blocks_check: $blocks,
            doc: concat!($($doc, "\n"),*),
            file: file!(),
            line: line!(),
        };
    };
}
