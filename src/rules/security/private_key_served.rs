//! `AL315` private-key-served.

use std::collections::{HashMap, HashSet};

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
        // Served trees by path (the first directive serving each), to look
        // up each ancestor of a key file.
        let mut trees: HashMap<String, NodeId> = HashMap::new();
        for (tree, id) in served_trees(ctx) {
            trees.entry(tree).or_insert(id);
        }
        let mut keys: Vec<NodeId> = ctx.named("SSLCertificateKeyFile").to_vec();
        // A certificate file holds the key too when its server names no key
        // file (mod_ssl then reads the key from it).
        let servers_with_keys: HashSet<Option<NodeId>> = keys
            .iter()
            .map(|&k| ctx.config.enclosing_vhost(k))
            .collect();
        for &cert in ctx.named("SSLCertificateFile") {
            if !servers_with_keys.contains(&ctx.config.enclosing_vhost(cert)) {
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
            let Some((tree, served_by)) = serving_tree(&trees, path) else {
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

/// The outermost served tree that holds `path` (the path itself or one of
/// its ancestors), with the directive serving it.
fn serving_tree<'t>(
    trees: &'t HashMap<String, NodeId>,
    path: &str,
) -> Option<(&'t str, &'t NodeId)> {
    if !path.starts_with('/') {
        return None;
    }
    let ancestors = std::iter::once("/").chain(
        path.match_indices('/')
            .skip(1)
            .map(|(i, _)| &path[..i])
            .chain(std::iter::once(path.trim_end_matches('/'))),
    );
    ancestors
        .filter_map(|a| trees.get_key_value(a))
        .map(|(tree, id)| (tree.as_str(), id))
        .next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_served_by_the_outermost_tree_holding_it() {
        let trees: HashMap<String, NodeId> = [("/var/www/shop", 1), ("/var/www/shop/static", 2)]
            .into_iter()
            .map(|(t, n)| (t.to_string(), NodeId(n)))
            .collect();
        let tree = |p| serving_tree(&trees, p).map(|(t, _)| t);
        assert_eq!(tree("/var/www/shop/static/k.key"), Some("/var/www/shop"));
        assert_eq!(tree("/var/www/shop"), Some("/var/www/shop"));
        assert_eq!(tree("/var/www/shop-keys/k.key"), None);
        assert_eq!(tree("relative/k.key"), None);
    }
}
