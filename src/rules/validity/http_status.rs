//! The HTTP status codes httpd 2.4.71 knows (`status_lines` in
//! `modules/http/http_protocol.c`, confirmed code by code against the
//! binary): `ErrorDocument` and mod_rewrite's `[R=…]` refuse the others.

/// The codes with a status line, as inclusive ranges.
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

/// Whether httpd has a status line for `status` (`ap_index_of_response`
/// maps every other code to 500's).
pub(crate) fn is_known_status(status: i32) -> bool {
    KNOWN_STATUS_RANGES
        .iter()
        .any(|&(low, high)| (low..=high).contains(&status))
}

/// `ap_is_HTTP_REDIRECT`.
pub(crate) fn is_redirect(status: i32) -> bool {
    (300..400).contains(&status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_table_matches_the_binary() {
        // Every code 0..=1000 apache2 2.4.71 accepted in `ErrorDocument N x`
        // (and `[R=103]` passes, `[R=104]` fails, in RewriteRule).
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
