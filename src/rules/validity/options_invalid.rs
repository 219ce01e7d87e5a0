//! `AL110` options-invalid.

use crate::load::tree::NodeId;
use crate::rules::context::{Context, Rule};

use super::handler::reaches_handler;

crate::declare_rule! {
    /// ## What it does
    /// Reports an `Options` line httpd refuses: an unknown keyword (`Illegal option Indexs` —
    /// also a trailing `# comment`, whose `#` is read as an option), keywords with `+`/`-` mixed
    /// with plain ones (`Either all Options must start with + or -, or no Option may.`), and
    /// `None` or `All` anywhere but first or with a sign. `Options None +Indexes` and
    /// `Options All -Indexes` are accepted, as httpd accepts them.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start. `Options Indexes +FollowSymLinks` looks harmless, and a plain
    /// keyword among `+`/`-` ones is the most common way to write it.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <Directory /srv/shop>
    ///     Options -Indexes FollowSymLinks
    /// </Directory>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <Directory /srv/shop>
    ///     Options -Indexes +FollowSymLinks
    /// </Directory>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#options>
    pub OPTIONS_INVALID = {
        code: "AL110",
        name: "options-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct OptionsInvalid;

/// The keywords `set_options` knows, besides `None` and `All`.
const KEYWORDS: [&str; 8] = [
    "Indexes",
    "Includes",
    "IncludesNOEXEC",
    "FollowSymLinks",
    "SymLinksIfOwnerMatch",
    "ExecCGI",
    "MultiViews",
    "RunScripts",
];

const MIXED: &str = "Either all Options must start with + or -, or no Option may.";

/// `set_options`: the first word it refuses, with httpd's message.
fn first_error(words: &[&str]) -> Option<(usize, String)> {
    let mut merge = false;
    let mut all_none = false;
    for (i, word) in words.iter().enumerate() {
        let first = i == 0;
        let signed = word.starts_with(['+', '-']);
        if signed && !merge && !first && !all_none {
            return Some((i, MIXED.to_string()));
        }
        if !signed && !first && merge {
            return Some((i, MIXED.to_string()));
        }
        merge |= signed;
        let name = if signed { &word[1..] } else { word };
        if name.eq_ignore_ascii_case("None") || name.eq_ignore_ascii_case("All") {
            let keyword = if name.eq_ignore_ascii_case("None") {
                "None"
            } else {
                "All"
            };
            if !first {
                let option = if keyword == "None" {
                    "Option"
                } else {
                    "option"
                };
                return Some((
                    i,
                    format!("'Options {keyword}' must be the first {option} given."),
                ));
            }
            if merge {
                return Some((
                    i,
                    format!("You may not use 'Options +{keyword}' or 'Options -{keyword}'."),
                ));
            }
            all_none = true;
        } else if !KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(name)) {
            return Some((i, format!("Illegal option {name}")));
        }
    }
    None
}

impl Rule for OptionsInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &OPTIONS_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let nodes: Vec<NodeId> = ctx.named("Options").to_vec();
        for id in nodes {
            if reaches_handler(ctx, id).is_none() {
                continue;
            }
            let node = ctx.node(id);
            let words: Vec<&str> = node.arg_values().collect();
            let Some((index, message)) = first_error(&words) else {
                continue;
            };
            let comment = words[index].starts_with('#');
            let help = if comment {
                "httpd has no trailing comments: move the comment to its own line".to_string()
            } else if message == MIXED {
                "prefix every option with + or - to change the inherited set, \
                 or none of them to replace it"
                    .to_string()
            } else {
                "known options: None, All, Indexes, Includes, IncludesNOEXEC, FollowSymLinks, \
                 SymLinksIfOwnerMatch, ExecCGI, MultiViews"
                    .to_string()
            };
            let f = ctx.httpd_error(id, node.arg_span(index), message);
            f.help = Some(help);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::first_error;

    fn message(words: &[&str]) -> Option<String> {
        first_error(words).map(|(_, m)| m)
    }

    #[test]
    fn follows_set_options() {
        assert_eq!(message(&["None", "+Indexes"]), None);
        assert_eq!(message(&["All", "-Indexes"]), None);
        assert_eq!(message(&["indexes", "followsymlinks"]), None);
        assert_eq!(message(&[]), None);
        assert_eq!(
            message(&["Indexes", "+FollowSymLinks"]).as_deref(),
            Some(super::MIXED)
        );
        assert_eq!(
            message(&["None", "+Indexes", "Bogus"]).as_deref(),
            Some(super::MIXED)
        );
        assert_eq!(
            message(&["Indexes", "None"]).as_deref(),
            Some("'Options None' must be the first Option given.")
        );
        assert_eq!(
            message(&["Indexes", "All"]).as_deref(),
            Some("'Options All' must be the first option given.")
        );
        assert_eq!(
            message(&["-All"]).as_deref(),
            Some("You may not use 'Options +All' or 'Options -All'.")
        );
        assert_eq!(message(&["+"]).as_deref(), Some("Illegal option "));
        assert_eq!(
            message(&["None", "#", "c"]).as_deref(),
            Some("Illegal option #")
        );
        assert_eq!(
            message(&["+Indexes", "-None"]).as_deref(),
            Some("'Options None' must be the first Option given.")
        );
    }
}
