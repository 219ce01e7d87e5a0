//! `AL133` run-identity-invalid.

use crate::finding::{Finding, HttpdPhase};
use crate::load::tree::NodeId;
use crate::report::httpd::PROGRAM;
use crate::rules::context::{Context, Rule};
use crate::source::Span;
use crate::source::escape_like_httpd;

use super::c_numbers::atoi;
use super::checked_nodes::nodes_to_check;
use super::target_paths::literal_variable;

crate::declare_rule! {
    /// ## What it does
    /// Reports a `User` or `Group` httpd refuses: a name the target does not know (read from its
    /// `/etc/passwd` and `/etc/group` when apachelint can see them; a name still holding an
    /// undefined `${VAR}` never exists), and a `User` that resolves to uid 0 — `root`, `#0`, or
    /// any `#` form `atoi` reads as 0 (`#abc`). `User #-1` and unknown numeric ids are accepted,
    /// as httpd accepts them.
    ///
    /// ## Why is this risky?
    /// httpd exits at once (`AH00543: apache2: bad user name www`, without file or line), or
    /// refuses to run as root (`Error: Apache has not been designed to serve pages while running
    /// as root. …`). Running `apache2 -t` without Debian's `envvars` leaves
    /// `User ${APACHE_RUN_USER}` literal and fails the same way.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// User www
    /// Group www
    /// ```
    ///
    /// ```apache
    /// # after
    /// User www-data
    /// Group www-data
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_unixd.html#user>
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_unixd.html#group>
    pub RUN_IDENTITY_INVALID = {
        code: "AL133",
        name: "run-identity-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

/// mod_unixd's refusal of uid 0 (the error log shows its tabs and newlines
/// escaped).
const ROOT_REFUSAL: &str = "Error:\tApache has not been designed to serve pages while\n\trunning as root.  There are known race conditions that\n\twill allow any local user to read any file on the system.\n\tIf you still desire to serve pages as root then\n\tadd -DBIG_SECURITY_HOLE to the CFLAGS env variable\n\tand then rebuild the server.\n\tIt is strongly suggested that you instead modify the User\n\tdirective in your httpd.conf file to list a non-root\n\tuser.\n";

/// A refusal: httpd's raw text in the echo (its log escapes it when
/// printing), the escaped one-line form as the finding's message.
fn refuse<'c>(
    ctx: &'c mut Context<'_>,
    id: NodeId,
    span: Span,
    raw: String,
    phase: HttpdPhase,
) -> &'c mut Finding {
    let f = ctx.httpd_error(id, span, escape_like_httpd(raw.as_bytes()));
    if let Some(echo) = f.httpd.as_mut() {
        echo.message = raw;
        echo.phase = phase;
    }
    f
}

/// What the target's account database says about a name.
enum Account {
    Unknown,
    Missing,
    Id(u32),
}

/// Looks `name` up in a `passwd`/`group` file of the target (the id is the
/// third field of both).
fn lookup(ctx: &Context<'_>, database: &str, name: &str) -> Account {
    let Ok(Some(bytes)) = ctx.facts.read(database) else {
        return Account::Unknown;
    };
    let text = String::from_utf8_lossy(&bytes);
    let entry = text
        .lines()
        .map(|line| line.split(':').collect::<Vec<_>>())
        .find(|fields| fields.first() == Some(&name));
    match entry {
        None => Account::Missing,
        Some(fields) => fields
            .get(2)
            .and_then(|id| id.parse().ok())
            .map_or(Account::Unknown, Account::Id),
    }
}

pub struct RunIdentityInvalid;

impl Rule for RunIdentityInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &RUN_IDENTITY_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for (directive, database, code, what) in [
            ("User", "/etc/passwd", "AH00543", "user"),
            ("Group", "/etc/group", "AH00544", "group"),
        ] {
            for (id, _) in nodes_to_check(ctx, directive) {
                let node = ctx.node(id);
                // The handler runs only where it is global (in a
                // <VirtualHost> it refuses first).
                if ctx.parent_section(id).is_some() {
                    continue;
                }
                let [name] = node.args.as_slice() else {
                    continue;
                };
                let name = name.value.to_string();
                let account = if let Some(number) = name.strip_prefix('#') {
                    Account::Id(atoi(number) as u32)
                } else if literal_variable(&name).is_some() {
                    Account::Missing
                } else if name == "root" {
                    Account::Id(0)
                } else {
                    lookup(ctx, database, &name)
                };
                let span = node.arg_span(0);
                match account {
                    Account::Missing => {
                        let message = format!("{code}: {PROGRAM}: bad {what} name {name}");
                        let help = match literal_variable(&name) {
                            Some(var) => format!(
                                "{var} is not defined: on Debian it comes from /etc/apache2/envvars, which `apache2ctl` reads and a bare `apache2 -t` does not"
                            ),
                            None => format!(
                                "no such {what} in the target's {database}; httpd names no file or line for this error"
                            ),
                        };
                        let f = refuse(ctx, id, span, message, HttpdPhase::Exit);
                        f.primary_label = Some(format!("unknown {what}"));
                        f.help = Some(help);
                    }
                    Account::Id(0) if directive == "User" => {
                        let f = refuse(ctx, id, span, ROOT_REFUSAL.to_string(), HttpdPhase::Walk);
                        f.primary_label = Some("uid 0".to_string());
                        f.help = Some(
                            "httpd must switch to an unprivileged user after binding its ports: use a dedicated account such as www-data"
                                .to_string(),
                        );
                    }
                    _ => {}
                }
            }
        }
    }
}
