//! `AL127` error-document-status.

use crate::rules::context::{Context, Rule};

use super::c_numbers::atoi;
use super::checked_nodes::nodes_to_check;
use super::http_status::is_known_status;

crate::declare_rule! {
    /// ## What it does
    /// Reports an `ErrorDocument` whose status code httpd does not know. httpd 2.4.71 accepts
    /// 100–103, 200–208, 226, 300–305, 307, 308, 400–417, 421–424, 426, 428, 429, 431, 451,
    /// 500–508, 510 and 511; the code is read with `atoi` (`404x` is 404).
    ///
    /// ## Why is this risky?
    /// httpd refuses to start (`Unsupported HTTP response code 999`). Codes that look plausible
    /// (`418`, `425`, `509`, `599`) are refused too.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// ErrorDocument 418 /errors/teapot.html
    /// ```
    ///
    /// ```apache
    /// # after
    /// ErrorDocument 404 /errors/not-found.html
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#errordocument>
    pub ERROR_DOCUMENT_STATUS = {
        code: "AL127",
        name: "error-document-status",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct ErrorDocumentStatus;

impl Rule for ErrorDocumentStatus {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &ERROR_DOCUMENT_STATUS
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for (id, _) in nodes_to_check(ctx, "ErrorDocument") {
            let node = ctx.node(id);
            let [status, document] = node.args.as_slice() else {
                continue;
            };
            if status.value.is_empty()
                || document.value.is_empty()
                || is_known_status(atoi(&status.value))
            {
                continue;
            }
            let message = format!("Unsupported HTTP response code {}", status.value);
            let f = ctx.httpd_error(id, node.arg_span(0), message);
            f.primary_label = Some("no such status in httpd".to_string());
            f.help = Some(
                "use a status httpd knows: 400–417, 421–424, 426, 428, 429, 431, 451, 500–508, 510, 511 (and the 1xx–3xx codes)"
                    .to_string(),
            );
        }
    }
}
