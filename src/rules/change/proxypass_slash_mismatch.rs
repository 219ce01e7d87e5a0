//! `AL221` proxypass-slash-mismatch.

use crate::diff::ChangeKind;
use crate::finding::Stage;
use crate::rules::context::{Context, Rule};

use crate::load::tree::NodeId;

use super::perdir::{sides, site_url};
use super::proxy::route_of;
use super::servers::site_of;

crate::declare_rule! {
    /// ## What it does
    /// Reports a new or changed `ProxyPass` or `ProxyPassReverse` whose path ends with `/` and
    /// whose backend URL does not, or the other way round, and shows what a request turns into.
    ///
    /// ## Why is this risky?
    /// mod_proxy replaces the path by the URL and appends the rest of the request as it is.
    /// With `ProxyPass /api http://127.0.0.1:8081/`, `/api/products` reaches the backend as
    /// `//products`; with `ProxyPass /api/ http://backend/app`, as `/appproducts`. Most
    /// backends answer 404, and `apache2 -t` accepts both. For `ProxyPassReverse`, redirects
    /// from the backend come back with a broken `Location`.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// ProxyPass /api http://127.0.0.1:8081/
    /// ```
    ///
    /// ```apache
    /// # after
    /// ProxyPass /api/ http://127.0.0.1:8081/
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_proxy.html#proxypass> (the trailing-slash note)
    pub PROXYPASS_SLASH_MISMATCH = {
        code: "AL221",
        name: "proxypass-slash-mismatch",
        family: Change,
        severity: Error,
        blocks_check: false,
    }
}

pub struct ProxypassSlashMismatch;

impl Rule for ProxypassSlashMismatch {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &PROXYPASS_SLASH_MISMATCH
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let Some((_, new_side)) = sides(ctx) else {
            return;
        };
        let added: Vec<_> = ctx
            .changes
            .iter()
            .filter(|c| c.kind == ChangeKind::Added)
            .filter(|c| c.name == "proxypass" || c.name == "proxypassreverse")
            .filter_map(|c| Some((c.new?, super::replaced(ctx, c))))
            .collect();
        let mismatched = |id| {
            route_of(ctx.config, id).filter(|route| {
                route
                    .url
                    .as_ref()
                    .is_some_and(|url| route.path.ends_with('/') != url.ends_with('/'))
            })
        };
        // A ProxyPassReverse is reported only where its ProxyPass is fine.
        let broken_passes: Vec<(String, Option<NodeId>)> = added
            .iter()
            .filter(|(id, _)| ctx.node(*id).is("ProxyPass"))
            .filter_map(|&(id, _)| mismatched(id))
            .map(|r| (r.path, ctx.config.enclosing_vhost(r.node)))
            .collect();
        for (id, old) in added {
            let Some(route) = mismatched(id) else {
                continue;
            };
            let Some(url) = &route.url else { continue };
            let reverse = ctx.node(id).is("ProxyPassReverse");
            if reverse
                && broken_passes.contains(&(route.path.clone(), ctx.config.enclosing_vhost(id)))
            {
                continue;
            }
            let example = if route.path.ends_with('/') {
                format!("{}products", route.path)
            } else {
                format!("{}/products", route.path)
            };
            let backend_path = format!("{url}{}", &example[route.path.len()..]);
            let (which, has) = if route.path.ends_with('/') {
                ("the path", "the URL does not")
            } else {
                ("the URL", "the path does not")
            };
            let request = site_url(&new_side, site_of(&new_side, id), &example);
            let message = if reverse {
                format!(
                    "redirects from the backend for {request} come back wrong: {which} of this `ProxyPassReverse` ends with `/` and {has}"
                )
            } else {
                format!(
                    "a request for {request} reaches the backend as {backend_path}: {which} ends with `/` and {has}"
                )
            };
            let span = ctx.node(id).span;
            let f = ctx.report_change(Some((id, span)), old, message);
            f.stage = Stage::Request;
            f.help = Some(
                "end both the path and the URL with `/`, or neither (`ProxyPass /api/ http://backend/`), in ProxyPass and ProxyPassReverse alike"
                    .to_string(),
            );
        }
    }
}
