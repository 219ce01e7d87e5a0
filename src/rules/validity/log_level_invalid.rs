//! `AL128` log-level-invalid.

use crate::model::registry;
use crate::rules::context::{Context, Rule};

use super::checked_nodes::{iterated_words, nodes_to_check};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `LogLevel` word httpd refuses: an unknown level (`LogLevel warn # note` — the
    /// `#` is a word, not a comment), a `module:level` pair with an unknown level, a module
    /// specifier without a level (`ssl:`), and a module that is not loaded (`LogLevel
    /// rewrite:trace3` without mod_rewrite). Modules are named as httpd accepts them: `ssl`,
    /// `ssl_module` or `mod_ssl.c`, case-sensitively.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start (`Log level keyword must be one of
    /// emerg/alert/crit/error/warn/notice/info/debug/trace1/.../trace8`, `Cannot find module
    /// rewrite`). Raising one module's level while debugging and disabling that module later
    /// breaks the next restart.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// LogLevel warn rewrite:trace3 # debugging the shop redirects
    /// ```
    ///
    /// ```apache
    /// # after
    /// # debugging the shop redirects
    /// LogLevel warn rewrite:trace3
    /// LoadModule rewrite_module /usr/lib/apache2/modules/mod_rewrite.so
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#loglevel>
    pub LOG_LEVEL_INVALID = {
        code: "AL128",
        name: "log-level-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

/// httpd's level names (`priorities` in `server/log.c`), matched
/// case-insensitively.
const LEVELS: [&str; 16] = [
    "emerg", "alert", "crit", "error", "warn", "notice", "info", "debug", "trace1", "trace2",
    "trace3", "trace4", "trace5", "trace6", "trace7", "trace8",
];

const LEVEL_ERROR: &str = "Log level keyword must be one of emerg/alert/crit/error/warn/notice/info/debug/trace1/.../trace8";

fn is_level(word: &str) -> bool {
    LEVELS.iter().any(|l| l.eq_ignore_ascii_case(word))
}

pub struct LogLevelInvalid;

impl Rule for LogLevelInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &LOG_LEVEL_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let third_party_loaded = ctx
            .config
            .modules
            .iter()
            .any(|m| registry::module_by_identifier(&m.identifier).is_none());
        for (id, _) in nodes_to_check(ctx, "LogLevel") {
            let node = ctx.node(id);
            // The handler runs per word and stops at the first error.
            let problem = iterated_words(node.arg_values()).find_map(|(i, word)| {
                word_problem(ctx, word, node.active, third_party_loaded).map(|p| (i, p))
            });
            let Some((i, (message, help))) = problem else {
                continue;
            };
            let f = ctx.httpd_error(id, node.arg_span(i), message);
            f.help = Some(help);
        }
    }
}

/// httpd's message and apachelint's help for one word, if it is refused.
fn word_problem(
    ctx: &Context<'_>,
    word: &str,
    active: bool,
    third_party_loaded: bool,
) -> Option<(String, String)> {
    let levels_help = "levels are emerg, alert, crit, error, warn, notice, info, debug, trace1 … trace8; `module:level` sets one module".to_string();
    let Some(colon) = word.rfind(':') else {
        let help = if word.starts_with('#') {
            "httpd has no trailing comments: move the comment to its own line".to_string()
        } else {
            levels_help
        };
        return (!is_level(word)).then(|| (LEVEL_ERROR.to_string(), help));
    };
    let (module, level) = (&word[..colon], &word[colon + 1..]);
    if level.is_empty() {
        return Some((
            format!("Module specifier '{module}' must be followed by a log level keyword"),
            levels_help,
        ));
    }
    if !is_level(level) {
        return Some((format!("{module}:{level}: {LEVEL_ERROR}"), levels_help));
    }
    // Which modules exist depends on what makes an inactive branch true.
    let unknown_source = third_party_loaded && module.ends_with(".c");
    if !active || unknown_source || module_is_loaded(ctx, module) {
        return None;
    }
    let help = match registry::find_module(module)
        .or_else(|| registry::find_module(&format!("{module}_module")))
    {
        Some(m) => format!(
            "{} is not loaded; {}",
            m.identifier,
            super::directive_module_not_loaded::enable_hint(m)
        ),
        None => "name a loaded module: `ssl`, `ssl_module` or `mod_ssl.c`".to_string(),
    };
    Some((format!("Cannot find module {module}"), help))
}

/// httpd's `find_module`: a loaded module's source file name or identifier,
/// then the same with `_module` appended.
fn module_is_loaded(ctx: &Context<'_>, name: &str) -> bool {
    let matches = |candidate: &str| {
        ctx.config
            .modules
            .iter()
            .any(|m| m.identifier == candidate || m.source.as_deref() == Some(candidate))
    };
    matches(name) || matches(&format!("{name}_module"))
}
