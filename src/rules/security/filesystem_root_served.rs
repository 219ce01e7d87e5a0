//! `AL316` filesystem-root-served.

use crate::rules::context::{Context, Rule};

use super::served_trees;

crate::declare_rule! {
    /// ## What it does
    /// Reports a `DocumentRoot` or `Alias`/`ScriptAlias` target that is the filesystem root
    /// or a system tree — `/`, `/etc`, `/root`, `/home`, `/boot`, `/proc`, `/sys`, `/usr`,
    /// `/var` — and a `<Directory />` that grants access to everyone (`Require all granted`).
    ///
    /// ## Why is this risky?
    /// The server then hands out configuration files, password hashes readable by its user,
    /// home directories, process information. It is nearly always a typo (`DocumentRoot /`
    /// for `/srv/site`) or a forgotten experiment. CIS items 4.1 and 5.x require the
    /// filesystem root denied and only the content trees granted.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// Alias /logs /var
    /// ```
    ///
    /// ```apache
    /// # after
    /// Alias /logs /var/www/public-logs
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/misc/security_tips.html#protectserverfiles>
    /// - CIS Apache HTTP Server 2.4 Benchmark, 4.1 "Ensure Access to OS Root Directory Is Denied By Default"
    pub FILESYSTEM_ROOT_SERVED = {
        code: "AL316",
        name: "filesystem-root-served",
        family: Security,
        severity: Warning,
        blocks_check: false,
    }
}

/// Trees no site should serve whole.
const SYSTEM_TREES: [&str; 9] = [
    "/", "/etc", "/root", "/home", "/boot", "/proc", "/sys", "/usr", "/var",
];

pub struct FilesystemRootServed;

impl Rule for FilesystemRootServed {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &FILESYSTEM_ROOT_SERVED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for (tree, id) in served_trees(ctx) {
            if !SYSTEM_TREES.contains(&tree.as_str()) {
                continue;
            }
            let node = ctx.node(id);
            let arg = if node.is("DocumentRoot") { 0 } else { 1 };
            let message = format!(
                "{} serves the system tree {tree}: its files are readable wherever access is granted",
                node.name
            );
            let f = ctx.report(id, node.arg_span(arg), message);
            f.help = Some("point it at the site's own content directory".to_string());
        }
        let roots: Vec<_> = ctx.named("<Directory").to_vec();
        for id in roots {
            let node = ctx.node(id);
            if !node.active || node.args.len() != 1 || node.arg(0) != Some("/") {
                continue;
            }
            let granted = ctx.config.effective(id).iter().copied().find(|&c| {
                let n = ctx.node(c);
                n.is_directive() && n.is("Require") && {
                    let words: Vec<&str> = n.arg_values().collect();
                    matches!(words.as_slice(), [a, g]
                        if a.eq_ignore_ascii_case("all") && g.eq_ignore_ascii_case("granted"))
                }
            });
            if let Some(grant) = granted {
                let span = ctx.node(grant).span;
                let f = ctx.report(
                    grant,
                    span,
                    "`Require all granted` on <Directory />: every file the server's user can read may be served",
                );
                f.help = Some(
                    "deny the root (`Require all denied`) and grant only the content trees"
                        .to_string(),
                );
            }
        }
    }
}
