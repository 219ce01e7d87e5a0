//! `AL315` private-key-served.

use crate::load::tree::NodeId;
use crate::rules::context::{Context, Rule};

use super::served_trees;

crate::declare_rule! {
    /// ## What it does
    /// Reports an `SSLCertificateKeyFile` (or a combined certificate-and-key
    /// `SSLCertificateFile` without a key file) that lies inside a tree the server serves:
    /// below a `DocumentRoot` or the target of an `Alias`/`ScriptAlias`.
    ///
    /// ## Why is this risky?
    /// Whoever guesses the file's URL downloads the private key, and with it can impersonate
    /// the site and — without forward secrecy — decrypt recorded traffic. Keys belong outside
    /// every served tree, readable by root only (`/etc/ssl/private`). CIS item 7.3 requires
    /// the key protected.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// DocumentRoot /var/www/shop
    /// SSLCertificateKeyFile /var/www/shop/certs/shop.key
    /// ```
    ///
    /// ```apache
    /// # after
    /// DocumentRoot /var/www/shop
    /// SSLCertificateKeyFile /etc/ssl/private/shop.key
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#sslcertificatekeyfile>
    /// - CIS Apache HTTP Server 2.4 Benchmark, 7.3 "Ensure the Server's Private Key Is Protected"
    pub PRIVATE_KEY_SERVED = {
        code: "AL315",
        name: "private-key-served",
        family: Security,
        severity: Warning,
        blocks_check: false,
    }
}

pub struct PrivateKeyServed;

impl Rule for PrivateKeyServed {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &PRIVATE_KEY_SERVED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let trees = served_trees(ctx);
        let mut keys: Vec<NodeId> = ctx.named("SSLCertificateKeyFile").to_vec();
        // A certificate file holds the key too when its server names no key
        // file (mod_ssl then reads the key from it).
        for &cert in ctx.named("SSLCertificateFile") {
            let server = ctx.config.enclosing_vhost(cert);
            let has_key = ctx
                .named("SSLCertificateKeyFile")
                .iter()
                .any(|&k| ctx.config.enclosing_vhost(k) == server);
            if !has_key {
                keys.push(cert);
            }
        }
        keys.sort();
        for id in keys {
            let node = ctx.node(id);
            if !node.active || !node.is_directive() {
                continue;
            }
            let Some(path) = node.arg(0) else { continue };
            let Some((tree, served_by)) = trees.iter().find(|(tree, _)| is_within(path, tree))
            else {
                continue;
            };
            let served_line = ctx.node(*served_by).line;
            let file = ctx
                .config
                .relative_config_path(ctx.node(*served_by).span.file)
                .display()
                .to_string();
            let message = format!(
                "the private key {path} lies in {tree}, which the server serves ({file}:{served_line}): it can be downloaded"
            );
            let f = ctx.report(id, node.arg_span(0), message);
            f.help = Some(
                "move the key out of every served tree (e.g. /etc/ssl/private, mode 0600) and point the directive there"
                    .to_string(),
            );
        }
    }
}

/// Whether `path` is `tree` or below it.
fn is_within(path: &str, tree: &str) -> bool {
    tree == "/"
        || path
            .strip_prefix(tree)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}
