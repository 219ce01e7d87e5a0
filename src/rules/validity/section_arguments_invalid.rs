//! `AL116` section-arguments-invalid.

use crate::load::tree::NodeId;
use crate::rules::context::{Context, Rule};
use crate::syntax::words::next_word;

use super::handler::{args_span, reaches_handler, section_text};
use super::regex::compile_like_httpd;

crate::declare_rule! {
    /// ## What it does
    /// Reports a section opener whose handler refuses its arguments: no `>` at the end
    /// (`<Directory> directive missing closing '>'`), no argument where one is needed
    /// (`<Directory> directive requires additional arguments`), more than one path
    /// (`Multiple <Directory> arguments not (yet) supported.` — also a `# comment` before the
    /// `>`), an argument where none is allowed (`<Else> does not take an argument`,
    /// `<RequireAll> directive doesn't take additional arguments`). Covers `<Directory>`,
    /// `<Location>`, `<Files>` and their `Match` forms, `<Else>`, `<Limit>`/`<LimitExcept>`,
    /// `<VirtualHost>`, `<RequireAll>`/`<RequireAny>`/`<RequireNone>`, `<Proxy>`, the
    /// provider aliases, and the `>` of `<If>`/`<ElseIf>` (their conditions are AL160's).
    /// Text after the closing `>` is ignored, as httpd ignores it.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start. `<Directory /srv/a /srv/b>` reads like a list of paths, but
    /// httpd takes one path per section.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <Directory /srv/shop /srv/blog>
    ///     Require all granted
    /// </Directory>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <DirectoryMatch "^/srv/(shop|blog)/">
    ///     Require all granted
    /// </DirectoryMatch>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/sections.html>
    pub SECTION_ARGUMENTS_INVALID = {
        code: "AL116",
        name: "section-arguments-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct SectionArgumentsInvalid;

/// What a section's handler expects between its name and `>`.
#[derive(Clone, Copy)]
enum Expects {
    /// One path; `tilde`: `~` introduces a regex; `regex`: the path is one.
    Path { tilde: bool, regex: bool },
    /// One expression (`<If>`, `<ElseIf>`): only the `>` is checked here,
    /// the condition and its argument count are `AL160`'s, in httpd's order.
    Expression,
    /// Nothing at all (`<Else>`).
    Nothing,
    /// Nothing at all (the authorization containers).
    NoArguments,
    /// One or more words (`<Limit>`, `<VirtualHost>`).
    Words,
    /// A provider name and an alias.
    ProviderAlias,
    /// Anything, as long as the `>` is there (`<Proxy>`).
    Anything,
}

/// The sections checked, by their registered names.
const SECTIONS: [(&str, Expects); 19] = [
    (
        "<Directory",
        Expects::Path {
            tilde: true,
            regex: false,
        },
    ),
    (
        "<DirectoryMatch",
        Expects::Path {
            tilde: true,
            regex: true,
        },
    ),
    (
        "<Location",
        Expects::Path {
            tilde: true,
            regex: false,
        },
    ),
    (
        "<LocationMatch",
        Expects::Path {
            tilde: false,
            regex: true,
        },
    ),
    (
        "<Files",
        Expects::Path {
            tilde: true,
            regex: false,
        },
    ),
    (
        "<FilesMatch",
        Expects::Path {
            tilde: false,
            regex: true,
        },
    ),
    ("<If", Expects::Expression),
    ("<ElseIf", Expects::Expression),
    ("<Else", Expects::Nothing),
    ("<Limit", Expects::Words),
    ("<LimitExcept", Expects::Words),
    ("<VirtualHost", Expects::Words),
    ("<RequireAll", Expects::NoArguments),
    ("<RequireAny", Expects::NoArguments),
    ("<RequireNone", Expects::NoArguments),
    ("<AuthzProviderAlias", Expects::ProviderAlias),
    ("<AuthnProviderAlias", Expects::ProviderAlias),
    ("<Proxy", Expects::Anything),
    ("<ProxyMatch", Expects::Anything),
];

/// The problem with a section's arguments: message and the argument range
/// to point at (`None`: the name).
fn problem(name: &str, expects: Expects, text: Option<&str>) -> Option<(String, Option<usize>)> {
    let Some(text) = text else {
        return Some((format!("{name}> directive missing closing '>'"), None));
    };
    let requires = || {
        Some((
            format!("{name}> directive requires additional arguments"),
            None,
        ))
    };
    match expects {
        Expects::Anything | Expects::Expression => None,
        Expects::Nothing if !text.is_empty() => {
            Some(("<Else> does not take an argument".to_string(), Some(0)))
        }
        Expects::Nothing => None,
        Expects::NoArguments if !text.is_empty() => Some((
            format!("{name}> directive doesn't take additional arguments"),
            Some(0),
        )),
        Expects::NoArguments => None,
        _ if text.is_empty() => requires(),
        Expects::Words => None,
        Expects::ProviderAlias => {
            let words: Vec<String> = words(text).into_iter().take(2).collect();
            if words.len() < 2 || words.iter().any(String::is_empty) {
                requires()
            } else {
                None
            }
        }
        Expects::Path { tilde, regex } => {
            let words = words(text);
            let consumed = if tilde && words.first().is_some_and(|w| w == "~") {
                2
            } else {
                1
            };
            let pattern = if regex || consumed == 2 {
                words.get(consumed - 1)
            } else {
                None
            };
            // A regex that does not compile is refused before this check.
            if pattern.is_some_and(|p| compile_like_httpd(p, false).is_err()) {
                return None;
            }
            (words.len() > consumed).then(|| {
                (
                    format!("Multiple {name}> arguments not (yet) supported."),
                    Some(consumed),
                )
            })
        }
    }
}

/// The words `ap_getword_conf` reads from `text`.
fn words(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some((word, next)) = next_word(bytes, pos) {
        out.push(String::from_utf8_lossy(&word.value).into_owned());
        pos = next;
    }
    out
}

impl Rule for SectionArgumentsInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SECTION_ARGUMENTS_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for (name, expects) in SECTIONS {
            let nodes: Vec<NodeId> = ctx.named(name).to_vec();
            for id in nodes {
                let Some(spec) = reaches_handler(ctx, id) else {
                    continue;
                };
                let text = section_text(ctx, id);
                let Some((message, first)) = problem(spec.name, expects, text.as_deref()) else {
                    continue;
                };
                let node = ctx.node(id);
                let last = node.args.len().saturating_sub(1);
                let span = match (first, text.is_some()) {
                    // No `>`: point at the word it should follow.
                    (_, false) => node.arg_span(last),
                    (Some(i), true) if i < node.args.len() => args_span(node, i, last),
                    _ => node.name_span,
                };
                let help = match (text.is_some(), first) {
                    (false, _) => "end the line with `>`".to_string(),
                    (true, None) => format!("{}> needs an argument", spec.name),
                    (true, Some(_)) if node.arg_values().any(|w| w.starts_with('#')) => {
                        "httpd has no trailing comments: move the comment to its own line"
                            .to_string()
                    }
                    (true, Some(0)) => format!("write {}> without arguments", spec.name),
                    (true, Some(_)) => format!(
                        "{}> takes one argument: use one section per path, or a regular \
                         expression (the Match form)",
                        spec.name
                    ),
                };
                let f = ctx.httpd_error(id, span, message);
                f.help = Some(help);
            }
        }
    }
}
