//! Numbers read the way httpd's handlers read them: glibc's `strtol`/`atoi`
//! on a 64-bit `long` (saturating, then truncated to `int`), `apr_strtoff`,
//! `strtod`, and `ap_timeout_parameter_parse`. A value rule must accept and
//! refuse exactly what the handler does, so these mirror the C functions'
//! edge cases (leading blanks, signs, trailing garbage, overflow) rather than
//! Rust's stricter parsers.

/// What `strtol(s, &end, 10)` returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CLong {
    /// The value, saturated to the `long` range on overflow.
    pub value: i64,
    /// Bytes consumed; 0 when no digits were found (`end == s`).
    pub end: usize,
    /// `errno == ERANGE`.
    pub overflow: bool,
}

/// C's `isspace` in the C locale.
pub(crate) fn is_c_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// `strtol(s, &end, 10)`.
pub(crate) fn strtol(s: &str) -> CLong {
    let bytes = s.as_bytes();
    let mut i = 0;
    while bytes.get(i).copied().is_some_and(is_c_space) {
        i += 1;
    }
    let negative = match bytes.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let digits_start = i;
    let mut magnitude: u128 = 0;
    while let Some(d) = bytes.get(i).filter(|b| b.is_ascii_digit()) {
        magnitude = (magnitude * 10 + u128::from(d - b'0')).min(u128::from(u64::MAX) + 1);
        i += 1;
    }
    if i == digits_start {
        return CLong {
            value: 0,
            end: 0,
            overflow: false,
        };
    }
    let limit = if negative {
        u128::from(i64::MIN.unsigned_abs())
    } else {
        i64::MAX as u128
    };
    let overflow = magnitude > limit;
    let magnitude = magnitude.min(limit);
    let value = if negative {
        (magnitude as i128).wrapping_neg() as i64
    } else {
        magnitude as i64
    };
    CLong {
        value,
        end: i,
        overflow,
    }
}

/// `atoi(s)`: `(int) strtol(s, NULL, 10)`, truncated like glibc does.
pub(crate) fn atoi(s: &str) -> i32 {
    strtol(s).value as i32
}

/// `atol(s)`.
pub(crate) fn atol(s: &str) -> i64 {
    strtol(s).value
}

/// `atof(s)`: the value of the longest prefix that reads as a decimal
/// number (`loadfactor=0.5e1` is 5).
pub(crate) fn atof(s: &str) -> f64 {
    let t = s.trim_start_matches(|c: char| c.is_ascii() && is_c_space(c as u8));
    t.char_indices()
        .map(|(i, c)| i + c.len_utf8())
        .take(64)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .find_map(|end| t[..end].parse::<f64>().ok())
        .unwrap_or(0.0)
}

/// `apr_strtoff(&off, s, &end, 10)` on a 64-bit `off_t`: `None` when it
/// returns an error (overflow), else the value and whether the whole word
/// was consumed (`*end == '\0'`).
pub(crate) fn strtoff(s: &str) -> Option<(i64, bool)> {
    let parsed = strtol(s);
    (!parsed.overflow).then_some((parsed.value, parsed.end == s.len()))
}

/// What `strtod(s, &end)` says about the sign of the value: the only thing
/// the handlers that use it check (`val <= 0`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CDouble {
    /// Strictly positive (or positive infinity).
    Positive,
    /// Zero (including underflow to zero) or negative.
    NotPositive,
    /// NaN: compares false with everything, so `val <= 0` is false.
    NotANumber,
}

/// `strtod(s, &end)`: the value's class and whether the whole word was
/// consumed; `None` when no number was found at all.
pub(crate) fn strtod(s: &str) -> Option<(CDouble, bool)> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while bytes.get(i).copied().is_some_and(is_c_space) {
        i += 1;
    }
    let number_start = i;
    let negative = bytes.get(i) == Some(&b'-');
    if matches!(bytes.get(i), Some(b'-' | b'+')) {
        i += 1;
    }
    let rest = &s[i..];
    let lower = rest.to_ascii_lowercase();
    let sign = |positive: bool| {
        if positive {
            CDouble::Positive
        } else {
            CDouble::NotPositive
        }
    };
    if lower.starts_with("inf") {
        let len = if lower.starts_with("infinity") { 8 } else { 3 };
        return Some((sign(!negative), i + len == s.len()));
    }
    if lower.starts_with("nan") {
        let mut end = i + 3;
        if let Some(close) = rest[3..].strip_prefix('(').and_then(|r| r.find(')')) {
            let inside = &rest[4..4 + close];
            if inside
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
            {
                end += close + 2;
            }
        }
        return Some((CDouble::NotANumber, end == s.len()));
    }
    let hex = lower.starts_with("0x")
        && lower[2..]
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_hexdigit() || b == b'.');
    let is_digit = |b: u8| {
        if hex {
            b.is_ascii_hexdigit()
        } else {
            b.is_ascii_digit()
        }
    };
    let mut j = if hex { i + 2 } else { i };
    let mantissa_start = j;
    let mut nonzero = false;
    let mut digits = 0;
    while let Some(&b) = bytes.get(j) {
        if is_digit(b) {
            nonzero |= b != b'0';
            digits += 1;
        } else if b != b'.' || bytes[mantissa_start..j].contains(&b'.') {
            break;
        }
        j += 1;
    }
    if digits == 0 {
        // "0x" without hex digits is the number 0 followed by "x".
        return if hex {
            Some((CDouble::NotPositive, false))
        } else {
            None
        };
    }
    let exponent_mark = if hex { b'p' } else { b'e' };
    if bytes.get(j).map(u8::to_ascii_lowercase) == Some(exponent_mark) {
        let mut k = j + 1;
        if matches!(bytes.get(k), Some(b'-' | b'+')) {
            k += 1;
        }
        if bytes.get(k).is_some_and(u8::is_ascii_digit) {
            while bytes.get(k).is_some_and(u8::is_ascii_digit) {
                k += 1;
            }
            j = k;
        }
    }
    let whole = j == s.len();
    if hex {
        return Some((sign(nonzero && !negative), whole));
    }
    // Rust rounds decimal literals exactly as glibc does (correctly), so
    // underflow to zero agrees.
    let value: f64 = s[number_start..j].parse().unwrap_or(0.0);
    Some((sign(value > 0.0), whole))
}

/// `ap_timeout_parameter_parse(s, &t, default_unit)`: the interval in
/// microseconds, or `None` where httpd returns an error. Only the first
/// letter of a unit counts (`5sec` is 5 seconds), except `ms`/`mi`.
pub(crate) fn timeout_parameter(s: &str, default_unit: &str) -> Option<i64> {
    let parsed = strtol(s);
    if parsed.overflow {
        return None;
    }
    let tout = parsed.value;
    let unit = if parsed.end == s.len() {
        default_unit
    } else {
        &s[parsed.end..]
    };
    if tout < 0 {
        return None;
    }
    const USEC_PER_SEC: i64 = 1_000_000;
    let (limit, factor) = match unit.as_bytes() {
        [b's', ..] => (i64::MAX / USEC_PER_SEC, USEC_PER_SEC),
        [b'h', ..] => ((i64::MAX / 3600) / USEC_PER_SEC, 3600 * USEC_PER_SEC),
        [b'm', b's', ..] => (i64::MAX / 1000, 1000),
        [b'm', b'i', ..] => ((i64::MAX / 60) / USEC_PER_SEC, 60 * USEC_PER_SEC),
        _ => return None,
    };
    (tout <= limit).then(|| tout.saturating_mul(factor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atof_reads_a_prefix() {
        assert_eq!(atof("0.5e1"), 5.0);
        assert_eq!(atof(" 50x"), 50.0);
        assert_eq!(atof("abc"), 0.0);
    }

    #[test]
    fn strtol_matches_glibc() {
        assert_eq!(atoi("404x"), 404);
        assert_eq!(atoi("  +12"), 12);
        assert_eq!(atoi("abc"), 0);
        assert_eq!(atoi("-1"), -1);
        // 2^32 + 404 wraps to 404; LONG_MAX truncates to -1.
        assert_eq!(atoi("4294967700"), 404);
        assert_eq!(atoi("99999999999999999999"), -1);
        assert_eq!(atol("18446744073709551615"), i64::MAX);
        assert_eq!(atol("-99999999999999999999"), i64::MIN);
        assert!(strtol("99999999999999999999").overflow);
        assert!(!strtol("9223372036854775807").overflow);
        assert_eq!(strtol("").end, 0);
        assert_eq!(strtol("-").end, 0);
    }

    #[test]
    fn strtoff_reports_overflow_and_trailing_text() {
        assert_eq!(strtoff("5"), Some((5, true)));
        assert_eq!(strtoff(" 5"), Some((5, true)));
        assert_eq!(strtoff("10x"), Some((10, false)));
        assert_eq!(strtoff("abc"), Some((0, false)));
        assert_eq!(strtoff("-1"), Some((-1, true)));
        assert_eq!(strtoff("99999999999999999999"), None);
    }

    #[test]
    fn strtod_classes() {
        assert_eq!(strtod("1.5"), Some((CDouble::Positive, true)));
        assert_eq!(strtod("0"), Some((CDouble::NotPositive, true)));
        assert_eq!(strtod("-1"), Some((CDouble::NotPositive, true)));
        assert_eq!(strtod("abc"), None);
        assert_eq!(strtod("1.5x"), Some((CDouble::Positive, false)));
        assert_eq!(strtod("1e-400"), Some((CDouble::NotPositive, true)));
        assert_eq!(strtod("1e"), Some((CDouble::Positive, false)));
        assert_eq!(strtod(".5"), Some((CDouble::Positive, true)));
        assert_eq!(strtod("inf"), Some((CDouble::Positive, true)));
        assert_eq!(strtod("-Infinity"), Some((CDouble::NotPositive, true)));
        assert_eq!(strtod("nan"), Some((CDouble::NotANumber, true)));
        assert_eq!(strtod("0x1p3"), Some((CDouble::Positive, true)));
        assert_eq!(strtod("0x"), Some((CDouble::NotPositive, false)));
        assert_eq!(strtod("."), None);
    }

    #[test]
    fn timeouts_like_httpd() {
        assert_eq!(timeout_parameter("5", "s"), Some(5_000_000));
        assert_eq!(timeout_parameter("5sec", "s"), Some(5_000_000));
        assert_eq!(timeout_parameter("5ms", "s"), Some(5_000));
        assert_eq!(timeout_parameter("5min", "s"), Some(300_000_000));
        assert_eq!(timeout_parameter("5m", "s"), None);
        assert_eq!(timeout_parameter("5x", "s"), None);
        assert_eq!(timeout_parameter("abc", "s"), None);
        assert_eq!(timeout_parameter("-1", "s"), None);
        assert_eq!(timeout_parameter("+5", "s"), Some(5_000_000));
        assert!(timeout_parameter("9223372036854", "s").is_some());
        assert_eq!(timeout_parameter("9223372036855", "s"), None);
        assert!(timeout_parameter("2562047788h", "s").is_some());
        assert_eq!(timeout_parameter("2562047789h", "s"), None);
        assert_eq!(timeout_parameter("99999999999999999999", "s"), None);
    }
}
