//! `AL130` keyword-value-invalid.

use crate::rules::context::{Context, Rule};

use super::c_numbers::atoi;
use super::checked_nodes::iterated_words;
use super::value_checks::{Carry, Refusal, ValueCheck, keyword, run_checks};

crate::declare_rule! {
    /// ## What it does
    /// Reports a keyword httpd's handler does not accept: `ServerTokens Minimum`,
    /// `ServerSignature Yes`, `TraceEnable no`, `FileETag +None`, `HostnameLookups dns`,
    /// `ProxyVia yes`, `ExpiresDefault "access plus 1 mnth"`, `Order allow, deny` … and
    /// combinations a handler refuses (`HttpProtocolOptions Strict Unsafe`, also across two lines
    /// of the same server). Keywords are compared case-insensitively, as httpd does.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start (`ServerTokens takes 1 argument: 'Prod(uctOnly)', 'Major',
    /// 'Minor', 'Min(imal)', 'OS', or 'Full'`, `TraceEnable must be one of 'on', 'off', or
    /// 'extended'`). Hardening guides paraphrase these values, and a paraphrase is not a keyword.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// ServerTokens Minimum
    /// TraceEnable no
    /// ```
    ///
    /// ```apache
    /// # after
    /// ServerTokens Prod
    /// TraceEnable Off
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#servertokens>
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#traceenable>
    pub KEYWORD_VALUE_INVALID = {
        code: "AL130",
        name: "keyword-value-invalid",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct KeywordValueInvalid;

impl Rule for KeywordValueInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &KEYWORD_VALUE_INVALID
    }

    fn check(&self, ctx: &mut Context<'_>) {
        run_checks(ctx, KEYWORD_CHECKS);
    }
}

const ON_OFF: &[&str] = &["on", "off"];

/// `FileETag` (`set_etag_bits`): words with an optional `+`/`-`; `None` and
/// `All` only without one.
fn file_etag(words: &[&str]) -> Option<Refusal> {
    const KEYWORDS: [&str; 8] = [
        "None",
        "All",
        "Size",
        "LMTime",
        "MTime",
        "LastModified",
        "INode",
        "Digest",
    ];
    for (i, word) in words.iter().enumerate() {
        let (signed, token) = match word.strip_prefix(['+', '-']) {
            Some(rest) => (true, rest),
            None => (false, *word),
        };
        if !KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(token)) {
            return Refusal::at(
                i,
                format!("Unknown keyword '{token}' for FileETag directive"),
            );
        }
        let absolute = token.eq_ignore_ascii_case("None") || token.eq_ignore_ascii_case("All");
        if signed && absolute {
            return Refusal::at(
                i,
                format!("FileETag keyword '{token}' cannot be used with '+' or '-'"),
            );
        }
    }
    None
}

/// Flags of `HttpProtocolOptions`, kept per server across lines.
const HTTP09_ENABLE: Carry = 1;
const HTTP09_DISABLE: Carry = 2;
const CONFORMANCE_STRICT: Carry = 4;
const CONFORMANCE_UNSAFE: Carry = 8;
const METHODS_REGISTERED: Carry = 16;
const METHODS_LENIENT: Carry = 32;

/// `HttpProtocolOptions` (`set_http_protocol_options`, ITERATE).
fn http_protocol_options(words: &[&str], flags: &mut Carry) -> Option<Refusal> {
    const OPTIONS: [(&str, Carry); 6] = [
        ("allow0.9", HTTP09_ENABLE),
        ("require1.0", HTTP09_DISABLE),
        ("strict", CONFORMANCE_STRICT),
        ("unsafe", CONFORMANCE_UNSAFE),
        ("registeredmethods", METHODS_REGISTERED),
        ("lenientmethods", METHODS_LENIENT),
    ];
    const EXCLUSIVE: [(Carry, &str); 3] = [
        (
            HTTP09_ENABLE | HTTP09_DISABLE,
            "HttpProtocolOptions 'Allow0.9' and 'Require1.0' are mutually exclusive",
        ),
        (
            CONFORMANCE_STRICT | CONFORMANCE_UNSAFE,
            "HttpProtocolOptions 'Strict' and 'Unsafe' are mutually exclusive",
        ),
        (
            METHODS_REGISTERED | METHODS_LENIENT,
            "HttpProtocolOptions 'RegisteredMethods' and 'LenientMethods' are mutually exclusive",
        ),
    ];
    for (i, word) in iterated_words(words.iter().copied()) {
        let Some(&(_, bit)) = OPTIONS
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(word))
        else {
            return Refusal::at(
                i,
                "HttpProtocolOptions accepts 'Unsafe' or 'Strict' (default), 'RegisteredMethods' or 'LenientMethods' (default), and 'Require1.0' or 'Allow0.9' (default)",
            );
        };
        *flags |= bit;
        if let Some(&(_, message)) = EXCLUSIVE.iter().find(|(pair, _)| *flags & pair == *pair) {
            return Refusal::at(i, message);
        }
    }
    None
}

/// Flags of `ForceLanguagePriority` and `MultiviewsMatch`, kept per section.
const FLP_NONE: Carry = 1;
const FLP_PREFER: Carry = 2;
const FLP_FALLBACK: Carry = 4;

/// `ForceLanguagePriority` (`set_force_priority`, ITERATE).
fn force_language_priority(words: &[&str], flags: &mut Carry) -> Option<Refusal> {
    for (i, word) in iterated_words(words.iter().copied()) {
        let problem = if word.eq_ignore_ascii_case("None") {
            let mixed = *flags & !FLP_NONE != 0;
            *flags = FLP_NONE;
            mixed.then_some("Cannot combine ForceLanguagePriority options with None".to_string())
        } else if word.eq_ignore_ascii_case("Prefer") || word.eq_ignore_ascii_case("Fallback") {
            let none = *flags & FLP_NONE != 0;
            *flags |= if word.eq_ignore_ascii_case("Prefer") {
                FLP_PREFER
            } else {
                FLP_FALLBACK
            };
            let name = if word.eq_ignore_ascii_case("Prefer") {
                "Prefer"
            } else {
                "Fallback"
            };
            none.then(|| format!("Cannot combine ForceLanguagePriority options None and {name}"))
        } else {
            Some(format!("Invalid ForceLanguagePriority option {word}"))
        };
        if let Some(message) = problem {
            return Refusal::at(i, message);
        }
    }
    None
}

const MULTIMATCH_ANY: Carry = 1;
const MULTIMATCH_NEGOTIATED: Carry = 2;
const MULTIMATCH_FILTERS: Carry = 4;
const MULTIMATCH_HANDLERS: Carry = 8;

/// `MultiviewsMatch` (`multiviews_match`, ITERATE).
fn multiviews_match(words: &[&str], flags: &mut Carry) -> Option<Refusal> {
    const OPTIONS: [(&str, Carry, Carry, &str); 4] = [
        (
            "Any",
            MULTIMATCH_ANY,
            !MULTIMATCH_ANY,
            "Any is incompatible with NegotiatedOnly, Filters and Handlers",
        ),
        (
            "NegotiatedOnly",
            MULTIMATCH_NEGOTIATED,
            !MULTIMATCH_NEGOTIATED,
            "NegotiatedOnly is incompatible with Any, Filters and Handlers",
        ),
        (
            "Filters",
            MULTIMATCH_FILTERS,
            MULTIMATCH_NEGOTIATED | MULTIMATCH_ANY,
            "Filters is incompatible with Any and NegotiatedOnly",
        ),
        (
            "Handlers",
            MULTIMATCH_HANDLERS,
            MULTIMATCH_NEGOTIATED | MULTIMATCH_ANY,
            "Handlers is incompatible with Any and NegotiatedOnly",
        ),
    ];
    for (i, word) in iterated_words(words.iter().copied()) {
        let Some(&(_, bit, conflicts, message)) = OPTIONS
            .iter()
            .find(|(name, ..)| name.eq_ignore_ascii_case(word))
        else {
            return Refusal::at(i, format!("Unrecognized option '{word}'"));
        };
        if *flags & conflicts != 0 {
            return Refusal::at(i, message);
        }
        *flags |= bit;
    }
    None
}

/// `IndexOptions` (`add_opts`, TAKE_ARGV): keywords with an optional `+`/`-`,
/// `Name=value` settings, and `None`, which no absolute keyword may follow in
/// the same section.
fn index_options(words: &[&str], opts: &mut Carry) -> Option<Refusal> {
    const NO_OPTIONS: Carry = 1;
    const KEYWORDS: [&str; 17] = [
        "FancyIndexing",
        "FoldersFirst",
        "HTMLTable",
        "IconsAreLinks",
        "IgnoreCase",
        "IgnoreClient",
        "ScanHTMLTitles",
        "SuppressColumnSorting",
        "SuppressDescription",
        "SuppressHTMLPreamble",
        "SuppressIcon",
        "SuppressLastModified",
        "SuppressSize",
        "SuppressRules",
        "TrackModified",
        "VersionSort",
        "XHTML",
    ];
    const MORE_KEYWORDS: [&str; 2] = ["ShowForbidden", "AddAltClass"];
    let setting = |word: &str, name: &str| {
        word.len() >= name.len()
            && word.as_bytes()[..name.len()].eq_ignore_ascii_case(name.as_bytes())
    };
    let mut conflict = None;
    for (i, word) in words.iter().enumerate() {
        let (action, w) = match word.strip_prefix(['+', '-']) {
            Some(rest) => (word.as_bytes()[0], rest),
            None => (b' ', *word),
        };
        let keyword = KEYWORDS
            .iter()
            .chain(MORE_KEYWORDS.iter())
            .position(|k| k.eq_ignore_ascii_case(w));
        let width = |value: &str, minimum: i32, name: &str| {
            let width = atoi(value);
            (!value.starts_with('*') && width != 0 && width < minimum)
                .then(|| format!("{name} value must be greater than {minimum}"))
        };
        let problem = if let Some(bit) = keyword {
            if action == b' ' {
                *opts |= 2 << bit;
                if *opts & NO_OPTIONS != 0 {
                    conflict.get_or_insert(i);
                }
            }
            None
        } else if w.eq_ignore_ascii_case("None") {
            *opts = NO_OPTIONS;
            (action != b' ').then(|| "Cannot combine '+' or '-' with 'None' keyword".to_string())
        } else if w.eq_ignore_ascii_case("IconWidth")
            || w.eq_ignore_ascii_case("IconHeight")
            || w.eq_ignore_ascii_case("UseOldDateFormat")
            || setting(w, "Type=")
            || setting(w, "Charset=")
        {
            None
        } else if setting(w, "IconWidth=") || setting(w, "IconHeight=") {
            let name = if setting(w, "IconWidth=") {
                "IconWidth"
            } else {
                "IconHeight"
            };
            (action == b'-').then(|| format!("Cannot combine '-' with {name}=n"))
        } else if w.eq_ignore_ascii_case("NameWidth") || w.eq_ignore_ascii_case("DescriptionWidth")
        {
            let name = if w.eq_ignore_ascii_case("NameWidth") {
                "NameWidth"
            } else {
                "DescriptionWidth"
            };
            (action != b'-').then(|| format!("{name} with no value may only appear as '-{name}'"))
        } else if setting(w, "NameWidth=") {
            if action == b'-' {
                Some("Cannot combine '-' with NameWidth=n".to_string())
            } else {
                width(&w["NameWidth=".len()..], 5, "NameWidth")
            }
        } else if setting(w, "DescriptionWidth=") {
            if action == b'-' {
                Some("Cannot combine '-' with DescriptionWidth=n".to_string())
            } else {
                width(&w["DescriptionWidth=".len()..], 12, "DescriptionWidth")
            }
        } else {
            Some("Invalid directory indexing option".to_string())
        };
        if let Some(message) = problem {
            return Refusal::at(i, message);
        }
    }
    match conflict {
        Some(i) if *opts & NO_OPTIONS != 0 && *opts & !NO_OPTIONS != 0 => {
            Refusal::at(i, "Cannot combine other IndexOptions keywords with 'None'")
        }
        _ => None,
    }
}

/// `DirectoryIndexRedirect` (`configure_redirect`): a keyword, or a number
/// (starting with a digit) from 300 to 399.
fn directory_index_redirect(words: &[&str]) -> Option<Refusal> {
    let word = words[0];
    let keywords = ["on", "off", "permanent", "temp", "seeother"];
    if keywords.iter().any(|k| k.eq_ignore_ascii_case(word)) {
        None
    } else if word.starts_with(|c: char| c.is_ascii_digit()) {
        (!(300..=399).contains(&atoi(word)))
            .then_some(())
            .and_then(|()| {
                Refusal::at(
                    0,
                    "DirectoryIndexRedirect only accepts values between 300 and 399",
                )
            })
    } else {
        Refusal::at(
            0,
            "DirectoryIndexRedirect ON|OFF|permanent|temp|seeother|3xx",
        )
    }
}

/// Whether `word` starts like `name`: its first `len` characters, compared
/// case-insensitively (`strncasecmp(word, name, len)`, which also fails
/// when `word` is shorter).
fn starts_like(word: &str, name: &str, len: usize) -> bool {
    word.len() >= len && word.as_bytes()[..len].eq_ignore_ascii_case(&name.as_bytes()[..len])
}

/// mod_expires' `check_code`: `A<seconds>`/`M<seconds>`, or `<base> [plus]
/// {<num> <type>}*`; `None` when valid, else the reason.
fn expires_code(code: &str) -> Option<String> {
    if code.starts_with(['A', 'M']) {
        return None;
    }
    let words = crate::load::words_of(code.as_bytes());
    let mut words = words
        .iter()
        .map(String::as_str)
        .take_while(|w| !w.is_empty());
    let base = words.next().unwrap_or("");
    if !(starts_like(base, "now", 1)
        || starts_like(base, "access", 1)
        || starts_like(base, "modification", 1))
    {
        return Some(format!("bad expires code, unrecognised <base> '{base}'"));
    }
    let mut word = words.next();
    if word.is_some_and(|w| starts_like(w, "plus", 1)) {
        word = words.next();
    }
    const TYPES: [(&str, usize); 7] = [
        ("years", 1),
        ("months", 2),
        ("weeks", 1),
        ("days", 1),
        ("hours", 1),
        ("minutes", 2),
        ("seconds", 1),
    ];
    while let Some(number) = word {
        if !number.starts_with(|c: char| c.is_ascii_digit()) {
            return Some(format!(
                "bad expires code, numeric value expected <num> '{number}'"
            ));
        }
        let Some(unit) = words.next() else {
            return Some("bad expires code, missing <type>".to_string());
        };
        if !TYPES
            .iter()
            .any(|&(name, len)| starts_like(unit, name, len))
        {
            return Some(format!("bad expires code, unrecognised <type>'{unit}'"));
        }
        word = words.next();
    }
    None
}

const EXPIRES_HELP: &str = "`access plus 1 month` (base `access`/`now`/`modification`, then numbers with units: years, months, weeks, days, hours, minutes, seconds)";

/// Every keyword check, by directive.
static KEYWORD_CHECKS: &[ValueCheck] = &[
    ValueCheck {
        directive: "ServerTokens",
        check: |w: &[&str], _: &mut Carry| {
            keyword(
                w,
                &[
                    "OS",
                    "Min",
                    "Minimal",
                    "Major",
                    "Minor",
                    "Prod",
                    "ProductOnly",
                    "Full",
                ],
                "ServerTokens takes 1 argument: 'Prod(uctOnly)', 'Major', 'Minor', 'Min(imal)', 'OS', or 'Full'",
            )
        },
        help: "one of Prod, Major, Minor, Min, OS, Full",
    },
    ValueCheck {
        directive: "ServerSignature",
        check: |w: &[&str], _: &mut Carry| {
            keyword(
                w,
                &["On", "Off", "EMail"],
                "ServerSignature: use one of: off | on | email",
            )
        },
        help: "one of Off, On, EMail",
    },
    ValueCheck {
        directive: "HostnameLookups",
        check: |w: &[&str], _: &mut Carry| {
            keyword(
                w,
                &["on", "off", "double"],
                "parameter must be 'on', 'off', or 'double'",
            )
        },
        help: "one of On, Off, Double",
    },
    ValueCheck {
        directive: "UseCanonicalName",
        check: |w: &[&str], _: &mut Carry| {
            keyword(
                w,
                &["on", "off", "dns"],
                "parameter must be 'on', 'off', or 'dns'",
            )
        },
        help: "one of On, Off, DNS",
    },
    ValueCheck {
        directive: "UseCanonicalPhysicalPort",
        check: |w: &[&str], _: &mut Carry| keyword(w, ON_OFF, "parameter must be 'on' or 'off'"),
        help: "On or Off",
    },
    ValueCheck {
        directive: "AcceptPathInfo",
        check: |w: &[&str], _: &mut Carry| {
            keyword(
                w,
                &["on", "off", "default"],
                "AcceptPathInfo must be set to on, off or default",
            )
        },
        help: "one of On, Off, Default",
    },
    ValueCheck {
        directive: "AllowEncodedSlashes",
        check: |w: &[&str], _: &mut Carry| {
            keyword(
                w,
                &["on", "off", "nodecode"],
                "AllowEncodedSlashes must be On, Off, or NoDecode",
            )
        },
        help: "one of On, Off, NoDecode",
    },
    ValueCheck {
        directive: "EnableMMAP",
        check: |w: &[&str], _: &mut Carry| keyword(w, ON_OFF, "parameter must be 'on' or 'off'"),
        help: "On or Off",
    },
    ValueCheck {
        directive: "EnableSendfile",
        check: |w: &[&str], _: &mut Carry| keyword(w, ON_OFF, "parameter must be 'on' or 'off'"),
        help: "On or Off",
    },
    ValueCheck {
        directive: "TraceEnable",
        check: |w: &[&str], _: &mut Carry| {
            keyword(
                w,
                &["on", "off", "extended"],
                "TraceEnable must be one of 'on', 'off', or 'extended'",
            )
        },
        help: "one of On, Off, Extended",
    },
    ValueCheck {
        directive: "ProtocolsHonorOrder",
        check: |w: &[&str], _: &mut Carry| {
            keyword(w, ON_OFF, "ProtocolsHonorOrder must be 'on' or 'off'")
        },
        help: "On or Off",
    },
    ValueCheck {
        directive: "HttpProtocolOptions",
        check: http_protocol_options,
        help: "at most one of each pair: Strict/Unsafe, RegisteredMethods/LenientMethods, Allow0.9/Require1.0 — for the whole server",
    },
    ValueCheck {
        directive: "FileETag",
        check: |w: &[&str], _: &mut Carry| file_etag(w),
        help: "keywords are None, All, INode, MTime, Size, Digest; `+`/`-` only before the last four",
    },
    ValueCheck {
        directive: "DeflateAlterETag",
        check: |w: &[&str], _: &mut Carry| {
            keyword(
                w,
                &["NoChange", "AddSuffix", "Remove"],
                "DeflateAlterETAG accepts only 'NoChange', 'AddSuffix', and 'Remove'",
            )
        },
        help: "one of AddSuffix, NoChange, Remove",
    },
    ValueCheck {
        directive: "DeflateFilterNote",
        check: |w: &[&str], _: &mut Carry| match w {
            [kind, _]
                if !["ratio", "input", "output"]
                    .iter()
                    .any(|k| k.eq_ignore_ascii_case(kind)) =>
            {
                Refusal::at(0, format!("Unknown note type {kind}"))
            }
            _ => None,
        },
        help: "the note type is Ratio, Input or Output",
    },
    ValueCheck {
        directive: "ForceLanguagePriority",
        check: force_language_priority,
        help: "None alone, or Prefer and/or Fallback",
    },
    ValueCheck {
        directive: "MultiviewsMatch",
        check: multiviews_match,
        help: "Any or NegotiatedOnly alone, or Filters and/or Handlers",
    },
    ValueCheck {
        directive: "Order",
        check: |w: &[&str], _: &mut Carry| {
            keyword(
                w,
                &["allow,deny", "deny,allow", "mutual-failure"],
                "unknown order",
            )
        },
        help: "Deny,Allow or Allow,Deny (one word, no space) or Mutual-failure — or better, `Require`",
    },
    ValueCheck {
        directive: "Satisfy",
        check: |w: &[&str], _: &mut Carry| {
            keyword(w, &["all", "any"], "Satisfy either 'any' or 'all'.")
        },
        help: "Any or All",
    },
    ValueCheck {
        directive: "IndexOrderDefault",
        check: |w: &[&str], _: &mut Carry| {
            keyword(
                w,
                &["Ascending", "Descending"],
                "First keyword must be 'Ascending' or 'Descending'",
            )
            .or_else(|| {
                keyword(
                    &w[1..],
                    &["Name", "Date", "Size", "Description"],
                    "Second keyword must be 'Name', 'Date', 'Size', or 'Description'",
                )
                .map(|r| Refusal { word: 1, ..r })
            })
        },
        help: "Ascending or Descending, then Name, Date, Size or Description",
    },
    ValueCheck {
        directive: "IndexOptions",
        check: index_options,
        help: "keywords such as FancyIndexing, HTMLTable, VersionSort (with `+`/`-` to add or remove), `NameWidth=*`, `Charset=UTF-8`; `None` alone",
    },
    ValueCheck {
        directive: "DirectoryIndexRedirect",
        check: |w: &[&str], _: &mut Carry| directory_index_redirect(w),
        help: "On, Off, Permanent, Temp, SeeOther, or a status from 300 to 399",
    },
    ValueCheck {
        directive: "ProxyVia",
        check: |w: &[&str], _: &mut Carry| {
            keyword(
                w,
                &["Off", "On", "Block", "Full"],
                "ProxyVia must be one of: off | on | full | block",
            )
        },
        help: "one of Off, On, Full, Block",
    },
    ValueCheck {
        directive: "ProxyBadHeader",
        check: |w: &[&str], _: &mut Carry| {
            keyword(
                w,
                &["IsError", "Ignore", "StartBody"],
                "ProxyBadHeader must be one of: IsError | Ignore | StartBody",
            )
        },
        help: "one of IsError, Ignore, StartBody",
    },
    ValueCheck {
        directive: "ProxyStatus",
        check: |w: &[&str], _: &mut Carry| {
            keyword(
                w,
                &["Off", "On", "Full"],
                "ProxyStatus must be one of: off | on | full",
            )
        },
        help: "one of Off, On, Full",
    },
    ValueCheck {
        directive: "SSLEngine",
        check: |w: &[&str], _: &mut Carry| {
            keyword(w, &["on", "off", "optional"], "Argument must be On or Off")
        },
        help: "On or Off",
    },
    ValueCheck {
        directive: "ExpiresDefault",
        check: |w: &[&str], _: &mut Carry| {
            expires_code(w[0])
                .and_then(|reason| Refusal::at(0, format!("'ExpiresDefault {}': {reason}", w[0])))
        },
        help: EXPIRES_HELP,
    },
    ValueCheck {
        directive: "ExpiresByType",
        check: |w: &[&str], _: &mut Carry| {
            if !w[0].contains('/') {
                return Refusal::at(0, "Invalid mimetype: should contain a slash");
            }
            expires_code(w[1]).and_then(|reason| {
                Refusal::at(1, format!("'ExpiresByType {} {}': {reason}", w[0], w[1]))
            })
        },
        help: EXPIRES_HELP,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_never_panic() {
        crate::rules::validity::value_checks::assert_total(KEYWORD_CHECKS);
    }

    #[test]
    fn every_directive_is_known() {
        for entry in KEYWORD_CHECKS {
            assert!(
                !crate::model::registry::lookup(entry.directive).is_empty(),
                "{} is not in the registry",
                entry.directive
            );
        }
    }

    #[test]
    fn expires_codes_like_mod_expires() {
        assert_eq!(expires_code("access plus 1 month"), None);
        assert_eq!(expires_code("Access plus bogus"), None);
        assert_eq!(expires_code("A3600"), None);
        assert_eq!(expires_code("now 1 mo"), None);
        assert_eq!(
            expires_code("n 1 m").as_deref(),
            Some("bad expires code, unrecognised <type>'m'")
        );
        assert_eq!(
            expires_code("bogus plus 1 month").as_deref(),
            Some("bad expires code, unrecognised <base> 'bogus'")
        );
        assert_eq!(
            expires_code("access plus x month").as_deref(),
            Some("bad expires code, numeric value expected <num> 'x'")
        );
        assert_eq!(
            expires_code("access plus 1").as_deref(),
            Some("bad expires code, missing <type>")
        );
        assert_eq!(
            expires_code("").as_deref(),
            Some("bad expires code, unrecognised <base> ''")
        );
    }

    #[test]
    fn accumulating_handlers() {
        let mut flags = 0;
        assert!(http_protocol_options(&["Strict"], &mut flags).is_none());
        assert!(http_protocol_options(&["Unsafe"], &mut flags).is_some());
        assert!(multiviews_match(&["Filters", "Handlers"], &mut 0).is_none());
        assert!(multiviews_match(&["Handlers", "Any"], &mut 0).is_some());
        assert!(force_language_priority(&["None", "None"], &mut 0).is_none());
        assert!(force_language_priority(&["Prefer", "None"], &mut 0).is_some());
        assert!(file_etag(&["-INode", "+Digest"]).is_none());
        let refused = |words: &[&str], opts: Carry| {
            index_options(words, &mut opts.clone()).map(|r| (r.word, r.message))
        };
        assert_eq!(refused(&["FancyIndexing", "None"], 0), None);
        assert_eq!(
            refused(&["None", "FancyIndexing"], 0),
            Some((
                1,
                "Cannot combine other IndexOptions keywords with 'None'".to_string()
            ))
        );
        assert_eq!(
            refused(&["FancyIndexing"], 1),
            Some((
                0,
                "Cannot combine other IndexOptions keywords with 'None'".to_string()
            ))
        );
        assert_eq!(
            refused(
                &["None", "+FancyIndexing", "IconWidth", "UseOldDateFormat"],
                0
            ),
            None
        );
        assert_eq!(
            refused(
                &[
                    "-NameWidth",
                    "NameWidth=0",
                    "NameWidth=*",
                    "DescriptionWidth=12"
                ],
                0
            ),
            None
        );
        assert_eq!(
            refused(&["Charset=UTF-8", "Type=text/html", "IconWidth=abc"], 0),
            None
        );
        assert_eq!(
            refused(&["nAmEwIdTh=4"], 0),
            Some((0, "NameWidth value must be greater than 5".to_string()))
        );
        assert_eq!(
            refused(&["-IconWidth=5"], 0),
            Some((0, "Cannot combine '-' with IconWidth=n".to_string()))
        );
        assert_eq!(
            refused(&["", "Bogus"], 0),
            Some((0, "Invalid directory indexing option".to_string()))
        );
        assert_eq!(
            file_etag(&["+bogus"]).map(|r| r.message).as_deref(),
            Some("Unknown keyword 'bogus' for FileETag directive")
        );
    }
}
