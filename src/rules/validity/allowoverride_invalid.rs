//! `AL111` allowoverride-invalid.

use crate::finding::Stage;
use crate::load::tree::NodeId;
use crate::model::registry::{self, ACCESS_CONF, OR_ALL};
use crate::rules::context::{Context, Rule};

use super::handler::{reaches_handler, span_within_arg, take_argv};

crate::declare_rule! {
    /// ## What it does
    /// Reports what `AllowOverride` and `AllowOverrideList` refuse: an unknown class
    /// (`Illegal override option Bogus` — also a trailing `# comment`), an unknown keyword in
    /// an `Options=` list (`Illegal option Bogus`), `Nonfatal` without `=Override`,
    /// `=Unknown` or `=All`, and `None` next to other names in `AllowOverrideList`. Names
    /// `AllowOverrideList` discards with a warning — unknown directives (`AH00116`) and
    /// directives `.htaccess` can never hold (`AH02304`) — are warnings here too.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start on the errors. A discarded `AllowOverrideList` name means the
    /// `.htaccess` files using that directive fail with a 500 error on every request.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <Directory /srv/shop>
    ///     AllowOverride FileInfo Options=Indexes,FollowSymlink
    /// </Directory>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <Directory /srv/shop>
    ///     AllowOverride FileInfo Options=Indexes,FollowSymLinks
    /// </Directory>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#allowoverride>
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#allowoverridelist>
    pub ALLOWOVERRIDE_INVALID = {
        code: "AL111",
        name: "allowoverride-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct AllowOverrideInvalid;

/// The classes `AllowOverride` takes besides `Options[=…]` and `Nonfatal=…`.
const CLASSES: [&str; 6] = ["Limit", "FileInfo", "AuthConfig", "Indexes", "None", "All"];

/// The keywords of an `Options=` list (`set_allow_opts`).
const OPTIONS: [&str; 10] = [
    "Indexes",
    "Includes",
    "IncludesNOEXEC",
    "FollowSymLinks",
    "SymLinksIfOwnerMatch",
    "ExecCGI",
    "MultiViews",
    "RunScripts",
    "None",
    "All",
];

/// A refusal of `set_override`: the word, the byte range inside it to
/// point at, and the message.
struct Refused {
    word: usize,
    within: (usize, usize),
    message: String,
}

/// `set_override`: the first word it refuses.
fn override_error(words: &[&str]) -> Option<Refused> {
    for (i, word) in words.iter().enumerate() {
        let (class, value) = match word.split_once('=') {
            Some((class, value)) => (class, Some(value)),
            None => (*word, None),
        };
        let whole = (0, word.len());
        if class.eq_ignore_ascii_case("Options") {
            let Some(list) = value else { continue };
            let mut offset = class.len() + 1;
            for option in list.split(',') {
                if !option.is_empty() && !OPTIONS.iter().any(|o| o.eq_ignore_ascii_case(option)) {
                    return Some(Refused {
                        word: i,
                        within: (offset, option.len()),
                        message: format!("Illegal option {option}"),
                    });
                }
                offset += option.len() + 1;
            }
        } else if class.eq_ignore_ascii_case("Nonfatal") {
            if value.is_none() {
                return Some(Refused {
                    word: i,
                    within: whole,
                    message: format!("=Override, =Unknown or =All expected after {class}"),
                });
            }
        } else if !CLASSES.iter().any(|c| c.eq_ignore_ascii_case(class)) {
            return Some(Refused {
                word: i,
                within: (0, class.len()),
                message: format!("Illegal override option {class}"),
            });
        }
    }
    None
}

impl AllowOverrideInvalid {
    fn check_allowoverride(ctx: &mut Context<'_>, id: NodeId) {
        let node = ctx.node(id);
        let words: Vec<&str> = node.arg_values().collect();
        let Some(refused) = override_error(&words) else {
            return;
        };
        let span = match refused.within {
            (_, 0) => node.arg_span(refused.word),
            (offset, len) => span_within_arg(ctx, node, refused.word, offset, len),
        };
        let comment = words[refused.word].starts_with('#');
        let f = ctx.httpd_error(id, span, refused.message);
        f.help = Some(if comment {
            "httpd has no trailing comments: move the comment to its own line".to_string()
        } else {
            "classes: All, None, AuthConfig, FileInfo, Indexes, Limit, Options[=list], \
             Nonfatal=Override|Unknown|All"
                .to_string()
        });
    }

    fn check_allowoverridelist(ctx: &mut Context<'_>, id: NodeId) {
        let node = ctx.node(id);
        let argv = take_argv(node);
        let file = ctx.echo(id, String::new()).file;
        for (i, name) in argv.iter().enumerate() {
            if name.eq_ignore_ascii_case("None") {
                if argv.len() != 1 {
                    let f = ctx.httpd_error(
                        id,
                        node.arg_span(i),
                        "'None' not allowed with other directives in AllowOverrideList",
                    );
                    f.help = Some("list directive names, or `None` alone".to_string());
                }
                return;
            }
            // In an inactive branch the module may be loaded there; an
            // unknown name is only worth a word when it looks like a typo.
            let specs = if node.active {
                ctx.loaded_specs(name)
            } else {
                registry::lookup(name).iter().collect()
            };
            let message = match specs.first() {
                None if !node.active && registry::suggest(name).is_none() => continue,
                None => format!(
                    "AH00116: Discarding unrecognized directive `{name}' in AllowOverrideList at {file}:{}",
                    node.line
                ),
                Some(spec) if spec.req_override.0 & (OR_ALL | ACCESS_CONF) == 0 => format!(
                    "AH02304: Discarding directive `{name}' not allowed in AllowOverrideList at {file}:{}",
                    node.line
                ),
                Some(_) => continue,
            };
            let f = ctx.httpd_log(id, node.arg_span(i), message, Some("core:warn"));
            f.stage = Stage::ConfigTest;
            f.help = Some(format!(
                "`{name}` in a .htaccess file still fails the request with an error"
            ));
        }
    }
}

impl Rule for AllowOverrideInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &ALLOWOVERRIDE_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let overrides: Vec<NodeId> = ctx.named("AllowOverride").to_vec();
        for id in overrides {
            if reaches_handler(ctx, id).is_some() {
                Self::check_allowoverride(ctx, id);
            }
        }
        let lists: Vec<NodeId> = ctx.named("AllowOverrideList").to_vec();
        for id in lists {
            if reaches_handler(ctx, id).is_some() {
                Self::check_allowoverridelist(ctx, id);
            }
        }
    }
}
