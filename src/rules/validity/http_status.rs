//! The HTTP status codes httpd 2.4.71 knows (`status_lines` in
//! `modules/http/http_protocol.c`): handlers that take a status refuse the
//! ones it has no line for.

/// The codes with a status line, by hundred.
const KNOWN: [&[u16]; 5] = [
    &[100, 101, 102],
    &[200, 201, 202, 203, 204, 205, 206, 207, 208, 226],
    &[300, 301, 302, 303, 304, 305, 307, 308],
    &[
        400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417,
        421, 422, 423, 424, 426, 428, 429, 431, 451,
    ],
    &[500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511],
];

/// Whether httpd has a status line for `status` (`index_of_response` finds
/// it): `ap_index_of_response` maps every other code to 500's line.
pub(crate) fn is_known_status(status: i32) -> bool {
    let Ok(code) = u16::try_from(status) else {
        return false;
    };
    let hundred = usize::from(code / 100);
    (1..=5).contains(&hundred) && KNOWN[hundred - 1].contains(&code)
}

/// `ap_is_HTTP_REDIRECT`.
pub(crate) fn is_redirect(status: i32) -> bool {
    (300..400).contains(&status)
}

#[cfg(test)]
mod tests {
    use super::is_known_status;

    #[test]
    fn known_codes() {
        for code in [100, 200, 226, 301, 308, 404, 417, 451, 500, 511] {
            assert!(is_known_status(code), "{code}");
        }
        for code in [99, 209, 299, 306, 418, 425, 509, 600, 999, -1] {
            assert!(!is_known_status(code), "{code}");
        }
    }
}
