//! Whether httpd's regex compiler accepts a pattern: `ap_regcomp`
//! (`server/util_pcre.c`) is PCRE2 with `DUPNAMES` always, `CASELESS` on
//! request, and the `RegexDefaultOptions` flags (`DOTALL`,
//! `DOLLAR_ENDONLY`), which change matching but not what compiles. Shared
//! by the rules that check regexes.

/// Whether `ap_pregcomp(pattern, caseless ? AP_REG_ICASE : 0)` succeeds.
pub fn compiles_like_httpd(pattern: &str, caseless: bool) -> bool {
    // DUPNAMES has no builder switch: the inline `(?J)` sets it, after any
    // start-of-pattern items such as `(*UTF)` that must come first.
    let head = start_items_len(pattern);
    let with_dupnames = format!("{}(?J){}", &pattern[..head], &pattern[head..]);
    pcre2::bytes::RegexBuilder::new()
        .caseless(caseless)
        .dotall(true)
        .build(&with_dupnames)
        .is_ok()
}

/// Length of the leading `(*NAME)` / `(*NAME=digits)` items.
fn start_items_len(pattern: &str) -> usize {
    let bytes = pattern.as_bytes();
    let mut at = 0;
    while bytes[at..].starts_with(b"(*") {
        let name = bytes[at + 2..]
            .iter()
            .take_while(|b| {
                b.is_ascii_uppercase() || b.is_ascii_digit() || matches!(b, b'_' | b'=')
            })
            .count();
        if name == 0 || bytes.get(at + 2 + name) != Some(&b')') {
            break;
        }
        at += name + 3;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_what_httpd_accepts() {
        assert!(compiles_like_httpd("^/shop/(.*)$", false));
        assert!(compiles_like_httpd("(?<x>a)|(?<x>b)", false));
        assert!(compiles_like_httpd("(*UTF)(*LIMIT_MATCH=10)é", true));
        assert!(!compiles_like_httpd("(", false));
        assert!(!compiles_like_httpd("a{2,1}", false));
        assert!(!compiles_like_httpd("(?J", false));
    }
}
