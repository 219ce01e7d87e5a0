//! Conditional sections, evaluated while reading as httpd does
//! (`server/core.c start_cond_section` and the `test_*_section` callbacks,
//! `modules/metadata/mod_version.c start_ifversion`).
//!
//! - The argument string is cut at its last `>`; a leading `!` negates; only
//!   the first word after it is tested (`!!x` tests a module named `!x`).
//! - `<IfModule>` matches a loaded module's source file name (`mod_ssl.c`) or
//!   its identifier (`ssl_module`), case-sensitively.
//! - `<IfDefine>` is case-sensitive; `<IfDirective>`/`<IfSection>` ask whether
//!   a loaded module registers the directive (case-insensitive).
//! - `<IfFile>` stats the path, ServerRoot-relative.
//! - `<IfVersion [!][op] version>` compares with the target's version; `~`
//!   and `/…/` are regular expressions; `=` is exact (`= 2.4` is false on
//!   2.4.71).

use super::words_of;

/// The six conditional kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CondKind {
    IfModule,
    IfDefine,
    IfVersion,
    IfFile,
    IfDirective,
    IfSection,
}

impl CondKind {
    pub fn of(name: &str) -> Option<CondKind> {
        let all = [
            ("IfModule", CondKind::IfModule),
            ("IfDefine", CondKind::IfDefine),
            ("IfVersion", CondKind::IfVersion),
            ("IfFile", CondKind::IfFile),
            ("IfDirective", CondKind::IfDirective),
            ("IfSection", CondKind::IfSection),
        ];
        all.iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|&(_, k)| k)
    }

    /// The name httpd uses in messages: `IfModule`.
    pub fn name(self) -> &'static str {
        match self {
            CondKind::IfModule => "IfModule",
            CondKind::IfDefine => "IfDefine",
            CondKind::IfVersion => "IfVersion",
            CondKind::IfFile => "IfFile",
            CondKind::IfDirective => "IfDirective",
            CondKind::IfSection => "IfSection",
        }
    }
}

/// What a condition tests, after httpd's argument handling.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Test {
    pub negated: bool,
    /// The word tested (module, define name, path, directive).
    pub subject: String,
}

/// Why a conditional could not be evaluated (httpd refuses it while reading).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CondError {
    MissingAngle,
    MissingArgument,
    Version(String),
}

impl CondError {
    /// httpd's message for a conditional named `name` (`IfModule`).
    pub fn message(&self, name: &str) -> String {
        match self {
            CondError::MissingAngle => format!("<{name}> directive missing closing '>'"),
            CondError::MissingArgument => {
                format!("<{name}> directive requires additional arguments")
            }
            CondError::Version(m) => m.clone(),
        }
    }
}

/// `start_cond_section`'s argument handling for IfModule/IfDefine/IfFile/
/// IfDirective/IfSection: `raw_args` is the text after the section name.
pub fn parse_test(raw_args: &[u8]) -> Result<Test, CondError> {
    let Some(gt) = raw_args.iter().rposition(|&b| b == b'>') else {
        return Err(CondError::MissingAngle);
    };
    let mut arg = &raw_args[..gt];
    let negated = arg.first() == Some(&b'!');
    if negated {
        arg = &arg[1..];
    }
    let subject = words_of(arg).into_iter().next().unwrap_or_default();
    if subject.is_empty() {
        return Err(CondError::MissingArgument);
    }
    Ok(Test { negated, subject })
}

/// A version triple and httpd's add-string (empty on Debian).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl Version {
    pub const DEBIAN_2_4_71: Version = Version {
        major: 2,
        minor: 4,
        patch: 71,
    };

    pub fn as_string(self) -> String {
        format!("{}.{}.{}", self.major, self.minor, self.patch)
    }
}

const INVALID_VERSION: &str = "Version appears to be invalid. It must have the format major[.minor[.patch]] where major, minor and patch are numbers.";

/// mod_version's `compare_version`: -1, 0 or 1 comparing `target` with the
/// written version, or its error.
fn compare_version(written: &[u8], target: Version) -> Result<i32, String> {
    if !written.first().is_some_and(u8::is_ascii_digit) {
        return Err(INVALID_VERSION.to_string());
    }
    let mut parts = [0u32; 3];
    let mut count = 0;
    let mut segment_start = 0;
    let mut p = 0;
    // Walk up to and including the terminating NUL position, as httpd does.
    while p <= written.len() && count < 3 {
        let c = written.get(p).copied().unwrap_or(0);
        if c == b'.' || c == 0 {
            parts[count] = atoi(&written[segment_start..p]);
            count += 1;
            p += 1;
            segment_start = p;
            continue;
        }
        if !c.is_ascii_digit() {
            break;
        }
        p += 1;
    }
    if p < written.len() {
        return Err(INVALID_VERSION.to_string());
    }
    let theirs = (parts[0], parts[1], parts[2]);
    let ours = (target.major, target.minor, target.patch);
    Ok(match ours.cmp(&theirs) {
        std::cmp::Ordering::Greater => 1,
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
    })
}

fn atoi(digits: &[u8]) -> u32 {
    digits
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .fold(0u32, |acc, &b| {
            acc.saturating_mul(10).saturating_add((b - b'0') as u32)
        })
}

fn version_regex(pattern: &[u8], target: Version) -> Result<bool, String> {
    let re = pcre2::bytes::RegexBuilder::new()
        .build(&String::from_utf8_lossy(pattern))
        .map_err(|_| "Unable to compile regular expression".to_string())?;
    re.is_match(target.as_string().as_bytes())
        .map_err(|e| e.to_string())
}

/// `start_ifversion`: `raw_args` is the text after `<IfVersion` (with its `>`).
pub fn eval_ifversion(raw_args: &[u8], target: Version) -> Result<bool, CondError> {
    let words = words_of(raw_args);
    let err = |m: &str| CondError::Version(m.to_string());
    if words.is_empty() || words.len() > 3 {
        return Err(err(
            "IfVersion takes one, two or three arguments, a comparison operator, a version (and a delimiter)",
        ));
    }
    let (mut arg1, mut arg2, mut arg3): (String, String, Option<String>) = match words.len() {
        1 => ("=".into(), words[0].clone(), None),
        2 => (words[0].clone(), words[1].clone(), None),
        _ => (words[0].clone(), words[1].clone(), Some(words[2].clone())),
    };
    if arg3.is_none() && arg2 == ">" {
        arg3 = Some(">".into());
        arg2 = arg1;
        arg1 = "=".into();
    }
    let closed_by_arg3 = arg3.as_deref() == Some(">");
    let mut version = arg2.as_bytes().to_vec();
    if version.is_empty() || (!closed_by_arg3 && version.last() != Some(&b'>')) {
        return Err(CondError::Version(
            "<IfVersion> directive missing closing '>'".to_string(),
        ));
    }
    if !closed_by_arg3 {
        version.pop();
    }
    let mut op = arg1.as_bytes();
    let mut reverse = false;
    if op.first() == Some(&b'!') {
        reverse = true;
        if op.len() > 1 {
            op = &op[1..];
        }
    }
    let c = op.first().copied().unwrap_or(0);
    let rest = &op[1.min(op.len())..];
    let or_equal = rest == b"=";
    if !(rest.is_empty() || (or_equal && c != b'~')) {
        return Err(CondError::Version(format!(
            "unrecognized operator '{arg1}'"
        )));
    }
    let matched = match c {
        b'=' if version.first() != Some(&b'/') => {
            compare_version(&version, target).map_err(CondError::Version)? == 0
        }
        b'=' => {
            if version.len() < 2 || version.last() != Some(&b'/') {
                return Err(err("Missing delimiting / of regular expression."));
            }
            version_regex(&version[1..version.len() - 1], target).map_err(CondError::Version)?
        }
        b'~' => version_regex(&version, target).map_err(CondError::Version)?,
        b'<' => {
            let cmp = compare_version(&version, target).map_err(CondError::Version)?;
            cmp == -1 || (or_equal && cmp == 0)
        }
        b'>' => {
            let cmp = compare_version(&version, target).map_err(CondError::Version)?;
            cmp == 1 || (or_equal && cmp == 0)
        }
        _ => {
            return Err(CondError::Version(format!(
                "unrecognized operator '{arg1}'"
            )));
        }
    };
    Ok(matched != reverse)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(args: &str) -> Result<bool, CondError> {
        eval_ifversion(args.as_bytes(), Version::DEBIAN_2_4_71)
    }

    #[test]
    fn ifversion_operators() {
        assert_eq!(v(">= 2.4>"), Ok(true));
        assert_eq!(v("= 2.4>"), Ok(false));
        assert_eq!(v("2.4.71>"), Ok(true));
        assert_eq!(v("< 2.4>"), Ok(false));
        assert_eq!(v("!< 2.4>"), Ok(true));
        assert_eq!(v("> 2.2 >"), Ok(true));
        assert_eq!(v("~ ^2\\.4>"), Ok(true));
        assert_eq!(v("/^2\\.2/>"), Ok(false));
        assert_eq!(v("\"2.4.71\">"), Ok(true));
        assert!(matches!(v("!2.4.71>"), Err(CondError::Version(_))));
        assert!(matches!(v("foo>"), Err(CondError::Version(_))));
    }

    #[test]
    fn test_arguments() {
        assert_eq!(
            parse_test(b"!mod_ssl.c>"),
            Ok(Test {
                negated: true,
                subject: "mod_ssl.c".into()
            })
        );
        assert_eq!(
            parse_test(b"! mod_ssl.c extra>"),
            Ok(Test {
                negated: true,
                subject: "mod_ssl.c".into()
            })
        );
        assert_eq!(
            parse_test(b"!!mod_ssl.c>"),
            Ok(Test {
                negated: true,
                subject: "!mod_ssl.c".into()
            })
        );
        assert_eq!(parse_test(b">"), Err(CondError::MissingArgument));
        assert_eq!(parse_test(b"!>"), Err(CondError::MissingArgument));
        assert_eq!(parse_test(b"x"), Err(CondError::MissingAngle));
    }
}
