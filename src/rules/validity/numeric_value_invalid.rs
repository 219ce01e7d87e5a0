//! `AL129` numeric-value-invalid.

use crate::rules::context::{Context, Rule};

use super::c_numbers::{CDouble, atoi, atol, strtod, strtoff, strtol, timeout_parameter};
use super::value_checks::{Carry, Refusal, ValueCheck, run_checks};

crate::declare_rule! {
    /// ## What it does
    /// Reports a number httpd's handler refuses: `KeepAliveTimeout abc` or `5m` (minutes are
    /// `5min`), negative `LimitRequest*` values, `LimitRequestBody 10x`, `SendBufferSize 100`,
    /// `DeflateCompressionLevel 0`, `ProxyTimeout 0`, `AsyncRequestWorkerFactor 0` … Each value
    /// is read exactly as its handler reads it: many use C's `atoi`, which takes `abc` as 0
    /// and `404x` as 404, so `Timeout abc` and `MaxKeepAliveRequests abc` are accepted and not
    /// reported.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start (`KeepAliveTimeout has wrong format`, `LimitRequestBody requires a
    /// non-negative integer.`). Units and negative "unlimited" values copied from other servers'
    /// documentation are the usual cause.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// KeepAliveTimeout 5m
    /// LimitRequestBody -1
    /// ```
    ///
    /// ```apache
    /// # after
    /// KeepAliveTimeout 5min
    /// LimitRequestBody 0
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#keepalivetimeout>
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#limitrequestbody>
    pub NUMERIC_VALUE_INVALID = {
        code: "AL129",
        name: "numeric-value-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct NumericValueInvalid;

impl Rule for NumericValueInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &NUMERIC_VALUE_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        run_checks(ctx, NUMERIC_CHECKS);
    }
}

/// `AP_MAX_LIMIT_XML_BODY` on a 64-bit build: `SIZE_MAX / 6 - 1`.
const MAX_LIMIT_XML_BODY: i64 = (u64::MAX / 6 - 1) as i64;

/// The smallest `WatchdogInterval` (`AP_WD_TM_SLICE`), in microseconds.
const WATCHDOG_MIN_INTERVAL: i64 = 100_000;

const TIMEOUT_HELP: &str =
    "a number of seconds, or with a unit: `ms`, `s`, `min` (`mi…`), `h`; `m` alone is not a unit";
const NON_NEGATIVE_HELP: &str = "use 0 or a positive number (0 means no limit)";
const POSITIVE_HELP: &str = "use a positive number";
const BUFFER_HELP: &str = "use 0 (the system default) or at least 512";

/// `atoi(word) < 0` refused with `message`.
fn atoi_negative(words: &[&str], message: String) -> Option<Refusal> {
    (atoi(words[0]) < 0).then_some(Refusal { word: 0, message })
}

/// `atoi(word)` outside `low..=high` refused with `message`.
fn atoi_outside(word: &str, low: i32, high: i32, message: &str) -> Option<Refusal> {
    if (low..=high).contains(&atoi(word)) {
        None
    } else {
        Refusal::at(0, message)
    }
}

/// `apr_strtoff` of the whole word, not negative: `LimitRequestBody` and
/// `DeflateInflateLimitRequestBody` (two messages).
fn offset_non_negative(word: &str, name: &str) -> Option<Refusal> {
    match strtoff(word) {
        None => Refusal::at(0, format!("{name} argument is not parsable.")),
        Some((value, whole)) if !whole || value < 0 => {
            Refusal::at(0, format!("{name} requires a non-negative integer."))
        }
        Some(_) => None,
    }
}

/// `apr_strtoff` of the whole word within `low..=high`, else httpd's
/// `parameter must be a number between …` (its odd parentheses included).
fn offset_between(word: &str, low: i64, high: i64, bounds: &str) -> Option<Refusal> {
    match strtoff(word) {
        Some((value, true)) if (low..=high).contains(&value) => None,
        _ => Refusal::at(
            0,
            format!("parameter must be a number between {bounds}: {word}"),
        ),
    }
}

/// `atoi(word)` that is neither 0 nor at least 512.
fn buffer_size(word: &str, message: &str) -> Option<Refusal> {
    let size = atoi(word);
    if size < 512 && size != 0 {
        Refusal::at(0, message)
    } else {
        None
    }
}

/// `strtol` with `errno` checked, not negative (`MaxMemFree`, `ThreadStackSize`).
fn long_non_negative(word: &str, name: &str) -> Option<Refusal> {
    let parsed = strtol(word);
    if parsed.value < 0 || parsed.overflow {
        Refusal::at(0, format!("Invalid {name} value: {word}"))
    } else {
        None
    }
}

/// `none`, `default`, `unlimited` or `atoi > 0` (`MaxRanges` and friends).
fn range_limit(word: &str, name: &str) -> Option<Refusal> {
    let keyword = ["none", "default", "unlimited"]
        .iter()
        .any(|k| k.eq_ignore_ascii_case(word));
    if keyword || atoi(word) > 0 {
        None
    } else {
        Refusal::at(
            0,
            format!("{name} requires 'none', 'default', 'unlimited' or a positive integer"),
        )
    }
}

/// mod_reqtimeout's `parse_int`: a whole `strtol` number, truncated to
/// `int`, not negative.
fn reqtimeout_int(text: &str) -> Result<i32, String> {
    let parsed = strtol(text);
    if parsed.end == 0 {
        return Err(format!("Value '{text}' not numerical"));
    }
    if parsed.end != text.len() {
        return Err(format!("Cannot parse '{}'", &text[parsed.end..]));
    }
    let value = parsed.value as i32;
    if value < 0 {
        return Err("Value must be non-negative".to_string());
    }
    Ok(value)
}

/// One `stage=timeout[-max][,MinRate=rate]` value of `RequestReadTimeout`
/// (`set_reqtimeout_param`).
fn reqtimeout_value(value: &str) -> Result<(), String> {
    let lower = value.to_ascii_lowercase();
    let (timeout, max) = if let Some(at) = lower.find(",minrate=") {
        let rate = reqtimeout_int(&value[at + ",minrate=".len()..])?;
        if rate == 0 {
            return Err("Minimum data rate must be larger than 0".to_string());
        }
        let initial = &value[..at];
        match initial.split_once('-') {
            Some((initial, max)) => {
                let max = reqtimeout_int(max)?;
                (reqtimeout_int(initial)?, max)
            }
            None => (reqtimeout_int(initial)?, 0),
        }
    } else if value.contains('-') {
        return Err("Must set MinRate option if using timeout range".to_string());
    } else {
        (reqtimeout_int(value)?, 0)
    };
    if max != 0 && timeout >= max {
        return Err("Maximum timeout must be larger than initial timeout".to_string());
    }
    Ok(())
}

/// `RequestReadTimeout` (`set_reqtimeouts`): `key=value` words.
fn request_read_timeout(words: &[&str]) -> Option<Refusal> {
    for (i, word) in words.iter().enumerate() {
        let Some((key, value)) = word.split_once('=') else {
            return Refusal::at(
                i,
                "Invalid RequestReadTimeout parameter. Parameter must be in the form 'key=value'",
            );
        };
        let known = ["handshake", "header", "body"]
            .iter()
            .any(|k| k.eq_ignore_ascii_case(key));
        let outcome = if known {
            reqtimeout_value(value)
        } else {
            Err("Unknown RequestReadTimeout parameter".to_string())
        };
        if let Err(err) = outcome {
            return Refusal::at(i, format!("RequestReadTimeout: {key}={value}: {err}"));
        }
    }
    None
}

/// Every numeric check, by directive.
static NUMERIC_CHECKS: &[ValueCheck] = &[
    ValueCheck {
        directive: "KeepAliveTimeout",
        check: |w: &[&str], _: &mut Carry| {
            timeout_parameter(w[0], "s")
                .is_none()
                .then_some(())
                .and_then(|()| Refusal::at(0, "KeepAliveTimeout has wrong format"))
        },
        help: TIMEOUT_HELP,
    },
    ValueCheck {
        directive: "LimitRequestLine",
        check: |w: &[&str], _: &mut Carry| {
            atoi_negative(
                w,
                format!(
                    "LimitRequestLine \"{}\" must be a non-negative integer",
                    w[0]
                ),
            )
        },
        help: NON_NEGATIVE_HELP,
    },
    ValueCheck {
        directive: "LimitRequestFieldSize",
        check: |w: &[&str], _: &mut Carry| {
            atoi_negative(
                w,
                format!(
                    "LimitRequestFieldsize \"{}\" must be a non-negative integer",
                    w[0]
                ),
            )
        },
        help: NON_NEGATIVE_HELP,
    },
    ValueCheck {
        directive: "LimitRequestFields",
        check: |w: &[&str], _: &mut Carry| {
            atoi_negative(
                w,
                format!(
                    "LimitRequestFields \"{}\" must be a non-negative integer (0 = no limit)",
                    w[0]
                ),
            )
        },
        help: NON_NEGATIVE_HELP,
    },
    ValueCheck {
        directive: "LimitRequestBody",
        check: |w: &[&str], _: &mut Carry| offset_non_negative(w[0], "LimitRequestBody"),
        help: "a number of bytes, without unit; 0 means no limit",
    },
    ValueCheck {
        directive: "LimitXMLRequestBody",
        check: |w: &[&str], _: &mut Carry| {
            let value = atol(w[0]);
            if value < 0 {
                Refusal::at(0, "LimitXMLRequestBody requires a non-negative integer.")
            } else if value > MAX_LIMIT_XML_BODY {
                Refusal::at(
                    0,
                    format!("LimitXMLRequestBody must not exceed {MAX_LIMIT_XML_BODY}"),
                )
            } else {
                None
            }
        },
        help: "a number of bytes; 0 means the maximum",
    },
    ValueCheck {
        directive: "MaxRanges",
        check: |w: &[&str], _: &mut Carry| range_limit(w[0], "MaxRanges"),
        help: POSITIVE_HELP,
    },
    ValueCheck {
        directive: "MaxRangeOverlaps",
        check: |w: &[&str], _: &mut Carry| range_limit(w[0], "MaxRangeOverlaps"),
        help: POSITIVE_HELP,
    },
    ValueCheck {
        directive: "MaxRangeReversals",
        check: |w: &[&str], _: &mut Carry| range_limit(w[0], "MaxRangeReversals"),
        help: POSITIVE_HELP,
    },
    ValueCheck {
        directive: "LimitInternalRecursion",
        check: |w: &[&str], _: &mut Carry| {
            w.iter()
                .position(|word| atoi(word) <= 0)
                .and_then(|i| Refusal::at(i, "The recursion limit must be greater than zero."))
        },
        help: POSITIVE_HELP,
    },
    ValueCheck {
        directive: "ReadBufferSize",
        check: |w: &[&str], _: &mut Carry| {
            offset_between(w[0], 0, u32::MAX.into(), "0 and (4294967295U))")
        },
        help: "a number of bytes from 0 to 4294967295",
    },
    ValueCheck {
        directive: "FlushMaxThreshold",
        check: |w: &[&str], _: &mut Carry| {
            offset_between(w[0], 0, u32::MAX.into(), "0 and (4294967295U))")
        },
        help: "a number of bytes from 0 to 4294967295",
    },
    ValueCheck {
        directive: "FlushMaxPipelined",
        check: |w: &[&str], _: &mut Carry| {
            offset_between(w[0], -1, i32::MAX.into(), "-1 and (2147483647)")
        },
        help: "a number from -1 (no limit) to 2147483647",
    },
    ValueCheck {
        directive: "ListenBacklog",
        check: |w: &[&str], _: &mut Carry| {
            atoi_outside(w[0], 1, i32::MAX, "ListenBacklog must be > 0")
        },
        help: POSITIVE_HELP,
    },
    ValueCheck {
        directive: "ListenCoresBucketsRatio",
        check: |w: &[&str], _: &mut Carry| {
            atoi_outside(w[0], 1, i32::MAX, "ListenCoresBucketsRatio must be > 0")
        },
        help: POSITIVE_HELP,
    },
    ValueCheck {
        directive: "ListenTCPDeferAccept",
        check: |w: &[&str], _: &mut Carry| {
            atoi_outside(w[0], 1, i32::MAX, "ListenTCPDeferAccept must be > 0")
        },
        help: POSITIVE_HELP,
    },
    ValueCheck {
        directive: "SendBufferSize",
        check: |w: &[&str], _: &mut Carry| {
            buffer_size(
                w[0],
                "SendBufferSize must be >= 512 bytes, or 0 for system default.",
            )
        },
        help: BUFFER_HELP,
    },
    ValueCheck {
        directive: "ReceiveBufferSize",
        check: |w: &[&str], _: &mut Carry| {
            buffer_size(
                w[0],
                "ReceiveBufferSize must be >= 512 bytes, or 0 for system default.",
            )
        },
        help: BUFFER_HELP,
    },
    ValueCheck {
        directive: "MaxMemFree",
        check: |w: &[&str], _: &mut Carry| long_non_negative(w[0], "MaxMemFree"),
        help: "a number of KiB; 0 means no limit",
    },
    ValueCheck {
        directive: "ThreadStackSize",
        check: |w: &[&str], _: &mut Carry| long_non_negative(w[0], "ThreadStackSize"),
        help: "a number of bytes",
    },
    ValueCheck {
        directive: "AsyncRequestWorkerFactor",
        check: |w: &[&str], _: &mut Carry| match strtod(w[0]) {
            Some((_, false)) | None => Refusal::at(0, "error parsing value"),
            Some((CDouble::NotPositive, true)) => Refusal::at(
                0,
                "AsyncRequestWorkerFactor argument must be a positive number",
            ),
            Some(_) => None,
        },
        help: "a positive decimal number, such as 2 or 1.5",
    },
    ValueCheck {
        directive: "WatchdogInterval",
        check: |w: &[&str], _: &mut Carry| match timeout_parameter(w[0], "s") {
            None => Refusal::at(0, "Unparse-able WatchdogInterval setting"),
            Some(interval) if interval < WATCHDOG_MIN_INTERVAL => {
                Refusal::at(0, "Invalid WatchdogInterval: minimal value 100ms")
            }
            Some(_) => None,
        },
        help: "at least 100ms; a number of seconds or with a unit (`ms`, `s`, `min`, `h`)",
    },
    ValueCheck {
        directive: "RequestReadTimeout",
        check: |w: &[&str], _: &mut Carry| request_read_timeout(w),
        help: "`handshake=`, `header=` or `body=` followed by seconds, `initial-max,MinRate=bytes` for a range",
    },
    ValueCheck {
        directive: "DeflateWindowSize",
        check: |w: &[&str], _: &mut Carry| {
            atoi_outside(w[0], 1, 15, "DeflateWindowSize must be between 1 and 15")
        },
        help: "a number from 1 to 15",
    },
    ValueCheck {
        directive: "DeflateBufferSize",
        check: |w: &[&str], _: &mut Carry| {
            atoi_outside(w[0], 1, i32::MAX, "DeflateBufferSize should be positive")
        },
        help: POSITIVE_HELP,
    },
    ValueCheck {
        directive: "DeflateMemLevel",
        check: |w: &[&str], _: &mut Carry| {
            atoi_outside(w[0], 1, 9, "DeflateMemLevel must be between 1 and 9")
        },
        help: "a number from 1 to 9",
    },
    ValueCheck {
        directive: "DeflateCompressionLevel",
        check: |w: &[&str], _: &mut Carry| {
            atoi_outside(w[0], 1, 9, "Compression Level must be between 1 and 9")
        },
        help: "a number from 1 to 9",
    },
    ValueCheck {
        directive: "DeflateInflateLimitRequestBody",
        check: |w: &[&str], _: &mut Carry| match strtoff(w[0]) {
            None => Refusal::at(0, "DeflateInflateLimitRequestBody is not parsable."),
            Some((value, whole)) if !whole || value < 0 => Refusal::at(
                0,
                "DeflateInflateLimitRequestBody requires a non-negative integer.",
            ),
            Some(_) => None,
        },
        help: "a number of bytes, without unit",
    },
    ValueCheck {
        directive: "DeflateInflateRatioLimit",
        check: |w: &[&str], _: &mut Carry| {
            atoi_outside(
                w[0],
                1,
                i32::MAX,
                "DeflateInflateRatioLimit must be positive",
            )
        },
        help: POSITIVE_HELP,
    },
    ValueCheck {
        directive: "DeflateInflateRatioBurst",
        check: |w: &[&str], _: &mut Carry| {
            atoi_outside(
                w[0],
                1,
                i32::MAX,
                "DeflateInflateRatioBurst must be positive",
            )
        },
        help: POSITIVE_HELP,
    },
    ValueCheck {
        directive: "ProxyReceiveBufferSize",
        check: |w: &[&str], _: &mut Carry| {
            buffer_size(
                w[0],
                "ProxyReceiveBufferSize must be >= 512 bytes, or 0 for system default.",
            )
        },
        help: BUFFER_HELP,
    },
    ValueCheck {
        directive: "ProxyIOBufferSize",
        check: |w: &[&str], _: &mut Carry| {
            let size = atol(w[0]);
            (size < 512 && size != 0).then_some(()).and_then(|()| {
                Refusal::at(
                    0,
                    "ProxyIOBufferSize must be >= 512 bytes, or 0 for system default.",
                )
            })
        },
        help: BUFFER_HELP,
    },
    ValueCheck {
        directive: "ProxyTimeout",
        check: |w: &[&str], _: &mut Carry| {
            atoi_outside(
                w[0],
                1,
                i32::MAX,
                "Proxy Timeout must be at least 1 second.",
            )
        },
        help: "a whole number of seconds, at least 1",
    },
    ValueCheck {
        directive: "BalancerGrowth",
        check: |w: &[&str], _: &mut Carry| {
            atoi_outside(w[0], 0, 1000, "BalancerGrowth must be between 0 and 1000")
        },
        help: "a number from 0 to 1000",
    },
    ValueCheck {
        directive: "SSLSessionCacheTimeout",
        check: |w: &[&str], _: &mut Carry| {
            atoi_negative(w, "SSLSessionCacheTimeout: Invalid argument".to_string())
        },
        help: "a number of seconds, 0 or more",
    },
    ValueCheck {
        directive: "SSLRenegBufferSize",
        check: |w: &[&str], _: &mut Carry| {
            atoi_negative(w, format!("Invalid size for SSLRenegBufferSize: {}", w[0]))
        },
        help: "a number of bytes, 0 or more",
    },
    ValueCheck {
        directive: "SSLStaplingResponseTimeSkew",
        check: |w: &[&str], _: &mut Carry| {
            atoi_negative(
                w,
                "SSLStaplingResponseTimeSkew: invalid argument".to_string(),
            )
        },
        help: "a number of seconds, 0 or more",
    },
    ValueCheck {
        directive: "SSLStaplingResponseMaxAge",
        check: |w: &[&str], _: &mut Carry| {
            atoi_negative(w, "SSLStaplingResponseMaxAge: invalid argument".to_string())
        },
        help: "a number of seconds, 0 or more",
    },
    ValueCheck {
        directive: "SSLStaplingStandardCacheTimeout",
        check: |w: &[&str], _: &mut Carry| {
            atoi_negative(
                w,
                "SSLStaplingStandardCacheTimeout: invalid argument".to_string(),
            )
        },
        help: "a number of seconds, 0 or more",
    },
    ValueCheck {
        directive: "SSLStaplingErrorCacheTimeout",
        check: |w: &[&str], _: &mut Carry| {
            atoi_negative(
                w,
                "SSLStaplingErrorCacheTimeout: invalid argument".to_string(),
            )
        },
        help: "a number of seconds, 0 or more",
    },
    ValueCheck {
        directive: "SSLStaplingResponderTimeout",
        check: |w: &[&str], _: &mut Carry| {
            atoi_negative(
                w,
                "SSLStaplingResponderTimeout: invalid argument".to_string(),
            )
        },
        help: "a number of seconds, 0 or more",
    },
    ValueCheck {
        directive: "SSLOCSPResponseTimeSkew",
        check: |w: &[&str], _: &mut Carry| {
            atoi_negative(w, "SSLOCSPResponseTimeSkew: invalid argument".to_string())
        },
        help: "a number of seconds, 0 or more",
    },
    ValueCheck {
        directive: "SSLOCSPResponseMaxAge",
        check: |w: &[&str], _: &mut Carry| {
            atoi_negative(w, "SSLOCSPResponseMaxAge: invalid argument".to_string())
        },
        help: "a number of seconds, 0 or more",
    },
    ValueCheck {
        directive: "SSLOCSPResponderTimeout",
        check: |w: &[&str], _: &mut Carry| {
            atoi_negative(w, "SSLOCSPResponderTimeout: invalid argument".to_string())
        },
        help: "a number of seconds, 0 or more",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(directive: &str, words: &[&str]) -> Option<String> {
        let entry = NUMERIC_CHECKS
            .iter()
            .find(|c| c.directive == directive)
            .expect("a table entry");
        (entry.check)(words, &mut 0).map(|r| r.message)
    }

    #[test]
    fn checks_never_panic() {
        crate::rules::validity::value_checks::assert_total(NUMERIC_CHECKS);
    }

    #[test]
    fn every_directive_is_known() {
        for entry in NUMERIC_CHECKS {
            assert!(
                !crate::model::registry::lookup(entry.directive).is_empty(),
                "{} is not in the registry",
                entry.directive
            );
        }
    }

    #[test]
    fn boundaries_confirmed_with_apache2() {
        assert_eq!(
            refused("KeepAliveTimeout", &["5m"]).as_deref(),
            Some("KeepAliveTimeout has wrong format")
        );
        assert_eq!(refused("KeepAliveTimeout", &["5min"]), None);
        assert_eq!(refused("LimitRequestLine", &["abc"]), None);
        assert_eq!(
            refused("LimitRequestLine", &["4294967295"]).as_deref(),
            Some("LimitRequestLine \"4294967295\" must be a non-negative integer")
        );
        assert_eq!(
            refused("LimitRequestBody", &["99999999999999999999"]).as_deref(),
            Some("LimitRequestBody argument is not parsable.")
        );
        assert_eq!(refused("LimitRequestBody", &["+5"]), None);
        assert_eq!(
            refused("LimitXMLRequestBody", &["18446744073709551615"]).as_deref(),
            Some("LimitXMLRequestBody must not exceed 3074457345618258601")
        );
        assert_eq!(
            refused("LimitInternalRecursion", &["5", "0"]).as_deref(),
            Some("The recursion limit must be greater than zero.")
        );
        assert_eq!(
            refused("ReadBufferSize", &["4294967296"]).as_deref(),
            Some("parameter must be a number between 0 and (4294967295U)): 4294967296")
        );
        assert_eq!(refused("FlushMaxPipelined", &["-1"]), None);
        assert_eq!(refused("SendBufferSize", &["abc"]), None);
        assert_eq!(refused("MaxMemFree", &["abc"]), None);
        assert_eq!(refused("AsyncRequestWorkerFactor", &["0.5"]), None);
        assert_eq!(
            refused("WatchdogInterval", &["50ms"]).as_deref(),
            Some("Invalid WatchdogInterval: minimal value 100ms")
        );
        assert_eq!(refused("WatchdogInterval", &["5"]), None);
    }

    #[test]
    fn request_read_timeout_like_mod_reqtimeout() {
        assert_eq!(
            refused(
                "RequestReadTimeout",
                &["header=20-40,MinRate=500", "body=20,MinRate=500"]
            ),
            None
        );
        assert_eq!(
            refused("RequestReadTimeout", &["header=20-40"]).as_deref(),
            Some(
                "RequestReadTimeout: header=20-40: Must set MinRate option if using timeout range"
            )
        );
        assert_eq!(
            refused("RequestReadTimeout", &["header"]).as_deref(),
            Some("Invalid RequestReadTimeout parameter. Parameter must be in the form 'key=value'")
        );
        assert_eq!(
            refused("RequestReadTimeout", &["head=5"]).as_deref(),
            Some("RequestReadTimeout: head=5: Unknown RequestReadTimeout parameter")
        );
        assert_eq!(
            refused("RequestReadTimeout", &["body=x"]).as_deref(),
            Some("RequestReadTimeout: body=x: Value 'x' not numerical")
        );
        assert_eq!(
            refused("RequestReadTimeout", &["body=5s"]).as_deref(),
            Some("RequestReadTimeout: body=5s: Cannot parse 's'")
        );
        assert_eq!(
            refused("RequestReadTimeout", &["body=40-20,minrate=1"]).as_deref(),
            Some(
                "RequestReadTimeout: body=40-20,minrate=1: Maximum timeout must be larger than initial timeout"
            )
        );
        assert_eq!(
            refused("RequestReadTimeout", &["body=20,MinRate=0"]).as_deref(),
            Some("RequestReadTimeout: body=20,MinRate=0: Minimum data rate must be larger than 0")
        );
    }
}
