//! `AL127` error-document-status.

use crate::rules::context::{Context, Rule};

use super::c_numbers::atoi;
use super::checked_nodes::nodes_to_check;

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

/// The status codes httpd 2.4.71 has a status line for (`status_lines` in
/// `modules/http/http_protocol.c`, confirmed code by code against the
/// binary).
const KNOWN_STATUS_RANGES: [(i32, i32); 13] = [
    (100, 103),
    (200, 208),
    (226, 226),
    (300, 305),
    (307, 308),
    (400, 417),
    (421, 424),
    (426, 426),
    (428, 429),
    (431, 431),
    (451, 451),
    (500, 508),
    (510, 511),
];

fn is_known_status(code: i32) -> bool {
    KNOWN_STATUS_RANGES
        .iter()
        .any(|&(low, high)| (low..=high).contains(&code))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_table_matches_the_binary() {
        // Every code 0..=1000 apache2 2.4.71 accepted in `ErrorDocument N x`.
        let accepted: Vec<i32> = (0..=1000).filter(|&c| is_known_status(c)).collect();
        let expected: Vec<i32> = [
            100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302,
            303, 304, 305, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411,
            412, 413, 414, 415, 416, 417, 421, 422, 423, 424, 426, 428, 429, 431, 451, 500, 501,
            502, 503, 504, 505, 506, 507, 508, 510, 511,
        ]
        .to_vec();
        assert_eq!(accepted, expected);
    }
}
