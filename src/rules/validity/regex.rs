//! Regular expressions compiled exactly as httpd 2.4 compiles them
//! (`ap_regcomp` in `server/util_pcre.c`, built against PCRE2).
//!
//! httpd always passes `PCRE2_DUPNAMES`, adds its default flags
//! (`AP_REG_DEFAULT` = `AP_REG_DOTALL | AP_REG_DOLLAR_ENDONLY`, changeable by
//! `RegexDefaultOptions`) and `PCRE2_CASELESS` where the directive asks for
//! case-insensitive matching (`[NC]`, `SetEnvIfNoCase`); the pattern is a
//! C string, so it ends at its first NUL. No other option is set: no UTF,
//! no JIT at compile time. None of the optional flags changes whether a
//! pattern compiles, but they are passed anyway so the verdict is PCRE2's own.
//!
//! The `pcre2` crate does not expose `PCRE2_DUPNAMES` (without it
//! `(?<a>x)|(?<a>y)` fails where httpd accepts it), so the pattern is handed
//! to `pcre2_compile` directly.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use pcre2_sys::{
    PCRE2_CASELESS, PCRE2_DOLLAR_ENDONLY, PCRE2_DOTALL, PCRE2_DUPNAMES, pcre2_code_free_8,
    pcre2_compile_8, pcre2_get_error_message_8,
};

/// Why PCRE2 refused a pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegexError {
    /// PCRE2's own explanation (`missing closing parenthesis`).
    pub reason: String,
    /// The byte offset in the pattern where PCRE2 stopped.
    pub offset: usize,
}

impl RegexError {
    /// A help line naming PCRE2's reason and where in the pattern it stopped.
    pub fn help(&self) -> String {
        format!(
            "PCRE2: {} (at offset {} of the pattern)",
            self.reason, self.offset
        )
    }
}

/// Compiles `pattern` as `ap_regcomp` does (`icase` for `AP_REG_ICASE`).
/// Verdicts are remembered for the run: thousands of vhosts repeat the same
/// rewrite patterns.
pub fn compile_like_httpd(pattern: &str, icase: bool) -> Result<(), RegexError> {
    type Verdicts = HashMap<(String, bool), Result<(), RegexError>>;
    static VERDICTS: LazyLock<Mutex<Verdicts>> = LazyLock::new(Mutex::default);
    let key = (pattern.to_string(), icase);
    if let Some(known) = VERDICTS.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return known;
    }
    let verdict = compile_uncached(pattern, icase);
    if let Ok(mut known) = VERDICTS.lock() {
        known.insert(key, verdict.clone());
    }
    verdict
}

fn compile_uncached(pattern: &str, icase: bool) -> Result<(), RegexError> {
    let bytes = pattern.as_bytes();
    let bytes = bytes
        .iter()
        .position(|&b| b == 0)
        .map_or(bytes, |nul| &bytes[..nul]);
    let mut options = PCRE2_DUPNAMES | PCRE2_DOTALL | PCRE2_DOLLAR_ENDONLY;
    if icase {
        options |= PCRE2_CASELESS;
    }
    let mut error_code: i32 = 0;
    let mut error_offset: usize = 0;
    // SAFETY: `bytes` is a live slice whose length is passed along (no NUL
    // terminator is needed); the out-pointers point at locals; a null
    // compile context selects the defaults. The returned code, when not
    // null, is owned here and freed exactly once.
    let code = unsafe {
        pcre2_compile_8(
            bytes.as_ptr(),
            bytes.len(),
            options,
            &mut error_code,
            &mut error_offset,
            std::ptr::null_mut(),
        )
    };
    if !code.is_null() {
        // SAFETY: `code` came from `pcre2_compile_8` and is not used again.
        unsafe { pcre2_code_free_8(code) };
        return Ok(());
    }
    Err(RegexError {
        reason: error_message(error_code),
        offset: error_offset,
    })
}

/// PCRE2's text for an error code.
fn error_message(code: i32) -> String {
    let mut buffer = [0u8; 256];
    // SAFETY: the buffer is writable for its whole length, which is passed.
    let written = unsafe { pcre2_get_error_message_8(code, buffer.as_mut_ptr(), buffer.len()) };
    match usize::try_from(written) {
        Ok(len) => String::from_utf8_lossy(&buffer[..len.min(buffer.len())]).into_owned(),
        Err(_) => format!("error {code}"),
    }
}

#[cfg(test)]
mod tests {
    use super::compile_like_httpd;

    #[test]
    fn verdicts_match_httpd() {
        // Each confirmed with apache2 2.4.71 (<LocationMatch>, RewriteRule).
        assert!(compile_like_httpd("^(bad", false).is_err());
        assert!(compile_like_httpd("(?<a>x)|(?<a>y)", false).is_ok());
        assert!(compile_like_httpd("\\q", false).is_err());
        assert!(compile_like_httpd("", false).is_ok());
        assert!(compile_like_httpd("-(", false).is_err());
        assert!(compile_like_httpd("(*UTF)(*LIMIT_MATCH=10)é", true).is_ok());
        assert!(compile_like_httpd("a{2,1}", false).is_err());
        assert!(compile_like_httpd("(?J", false).is_err());
    }

    #[test]
    fn the_pattern_ends_at_nul() {
        assert!(compile_like_httpd("ok\0(", false).is_ok());
    }

    #[test]
    fn reason_and_offset() {
        let err = compile_like_httpd("^(bad", true).unwrap_err();
        assert_eq!(err.reason, "missing closing parenthesis");
        assert_eq!(err.offset, 5);
    }
}
