//! Debian's `envvars`: a shell script sourced by `apache2ctl` and the service
//! wrapper, whose exported variables reach the configuration through
//! `${APACHE_RUN_USER}` and friends. apachelint evaluates the subset of shell
//! Debian writes there — never runs it:
//!
//! - `NAME=value`, `export NAME=value`, `export NAME`, `unset NAME`;
//! - `$NAME`, `${NAME}`, `${NAME#pat}`, `${NAME##pat}`, `${NAME%pat}`,
//!   `${NAME%%pat}` with literal patterns (a trailing or leading `*` allowed),
//!   and single/double quotes;
//! - `if [ A = B ] ; then … else … fi` and `!=`, `-n`, `-z` tests (nesting ok).
//!
//! Anything else is skipped with a note. Pure: text in, variables out.

use std::collections::BTreeMap;

/// The variables an `envvars` file exports, plus notes on lines it skipped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnvvarsResult {
    pub exported: BTreeMap<String, String>,
    /// `(line, note)` for each line that was not understood.
    pub skipped: Vec<(usize, String)>,
}

/// Debian's defaults, used when a tree has no `envvars` file.
pub fn debian_defaults() -> BTreeMap<String, String> {
    [
        ("APACHE_RUN_USER", "www-data"),
        ("APACHE_RUN_GROUP", "www-data"),
        ("APACHE_PID_FILE", "/var/run/apache2/apache2.pid"),
        ("APACHE_RUN_DIR", "/var/run/apache2"),
        ("APACHE_LOCK_DIR", "/var/lock/apache2"),
        ("APACHE_LOG_DIR", "/var/log/apache2"),
        ("LANG", "C"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// Evaluates `text` with `initial` variables set (not exported), e.g.
/// `APACHE_CONFDIR`.
pub fn evaluate(text: &str, initial: &BTreeMap<String, String>) -> EnvvarsResult {
    let mut vars: BTreeMap<String, String> = initial.clone();
    let mut exported_names: Vec<String> = Vec::new();
    let mut result = EnvvarsResult::default();
    // Stack of (this branch taken, some branch of this if already taken).
    let mut ifs: Vec<(bool, bool)> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line_no = index + 1;
        let line = strip_comment(raw).trim();
        if line.is_empty() {
            continue;
        }
        let active = ifs.iter().all(|&(taken, _)| taken);
        let words = split_words(line);
        let Some(first) = words.first() else { continue };
        match first.as_str() {
            "if" => {
                let cond = active && eval_test(&words[1..], &vars);
                ifs.push((cond, cond));
                continue;
            }
            "else" => {
                if let Some(top) = ifs.last_mut() {
                    top.0 = !top.1;
                    top.1 = true;
                }
                continue;
            }
            "fi" => {
                ifs.pop();
                continue;
            }
            "then" => continue,
            _ => {}
        }
        if !active {
            continue;
        }
        match first.as_str() {
            "unset" => {
                for name in &words[1..] {
                    vars.remove(name);
                    exported_names.retain(|n| n != name);
                }
            }
            "export" => {
                for assignment in &words[1..] {
                    match assignment.split_once('=') {
                        Some((name, value)) => {
                            vars.insert(name.to_string(), expand(value, &vars));
                            if !exported_names.iter().any(|n| n == name) {
                                exported_names.push(name.to_string());
                            }
                        }
                        None => {
                            if !exported_names.iter().any(|n| n == assignment) {
                                exported_names.push(assignment.to_string());
                            }
                        }
                    }
                }
            }
            w if is_assignment(w) && words.len() == 1 => {
                let (name, value) = w.split_once('=').unwrap_or((w, ""));
                vars.insert(name.to_string(), expand(value, &vars));
            }
            _ => result
                .skipped
                .push((line_no, format!("not understood, ignored: {line}"))),
        }
    }
    for name in exported_names {
        if let Some(v) = vars.get(&name) {
            result.exported.insert(name, v.clone());
        }
    }
    result
}

fn is_assignment(word: &str) -> bool {
    match word.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !name.starts_with(|c: char| c.is_ascii_digit())
        }
        None => false,
    }
}

/// Drops a `#` comment that starts a word (outside quotes).
fn strip_comment(line: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut prev_space = true;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '#') if prev_space => return &line[..i],
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            _ => {}
        }
        prev_space = c.is_whitespace();
    }
    line
}

/// Splits on unquoted whitespace and `;`, keeping quotes in words (they are
/// removed by [`expand`]).
fn split_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (None, c) if c.is_whitespace() || c == ';' => {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
            }
            (None, '\'' | '"') => {
                quote = Some(c);
                current.push(c);
            }
            (Some(q), c) if c == q => {
                quote = None;
                current.push(c);
            }
            _ => current.push(c),
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// `[ A op B ]` / `[ -n A ]` / `[ -z A ]`.
fn eval_test(words: &[String], vars: &BTreeMap<String, String>) -> bool {
    let inner: Vec<String> = words
        .iter()
        .filter(|w| !matches!(w.as_str(), "[" | "]" | "then"))
        .map(|w| expand(w, vars))
        .collect();
    match inner.as_slice() {
        [op, a] if op == "-n" => !a.is_empty(),
        [op, a] if op == "-z" => a.is_empty(),
        [a, op, b] if op == "=" || op == "==" => a == b,
        [a, op, b] if op == "!=" => a != b,
        _ => false,
    }
}

/// Expands `$NAME`, `${NAME}` and `${NAME#…}`-style operators, and removes quotes.
fn expand(word: &str, vars: &BTreeMap<String, String>) -> String {
    let chars: Vec<char> = word.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let mut quote: Option<char> = None;
    while i < chars.len() {
        let c = chars[i];
        match (quote, c) {
            (None, '\'' | '"') => {
                quote = Some(c);
                i += 1;
            }
            (Some(q), c) if c == q => {
                quote = None;
                i += 1;
            }
            (q, '$') if q != Some('\'') => {
                if chars.get(i + 1) == Some(&'{') {
                    let close = chars[i + 2..].iter().position(|&c| c == '}');
                    if let Some(close) = close {
                        let inner: String = chars[i + 2..i + 2 + close].iter().collect();
                        out.push_str(&parameter(&inner, vars));
                        i += close + 3;
                        continue;
                    }
                }
                let name: String = chars[i + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
                    .collect();
                if name.is_empty() {
                    out.push('$');
                    i += 1;
                } else {
                    out.push_str(vars.get(&name).map_or("", String::as_str));
                    i += 1 + name.chars().count();
                }
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// `${NAME}`, `${NAME#pat}`, `${NAME##pat}`, `${NAME%pat}`, `${NAME%%pat}`.
fn parameter(inner: &str, vars: &BTreeMap<String, String>) -> String {
    let name_len = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let (name, op) = inner.split_at(name_len);
    let value = vars.get(name).cloned().unwrap_or_default();
    let strip = |pattern: &str, prefix: bool| -> String {
        let pattern = expand(pattern, vars);
        let literal = pattern.trim_matches('*');
        if prefix {
            value.strip_prefix(literal).unwrap_or(&value).to_string()
        } else {
            value.strip_suffix(literal).unwrap_or(&value).to_string()
        }
    };
    if let Some(p) = op.strip_prefix("##").or_else(|| op.strip_prefix('#')) {
        strip(p, true)
    } else if let Some(p) = op.strip_prefix("%%").or_else(|| op.strip_prefix('%')) {
        strip(p, false)
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEBIAN: &str = r#"# envvars
unset HOME
if [ "${APACHE_CONFDIR##/etc/apache2-}" != "${APACHE_CONFDIR}" ] ; then
	SUFFIX="-${APACHE_CONFDIR##/etc/apache2-}"
else
	SUFFIX=
fi
export APACHE_RUN_USER=www-data
export APACHE_RUN_GROUP=www-data
export APACHE_PID_FILE=/var/run/apache2$SUFFIX/apache2.pid
export APACHE_RUN_DIR=/var/run/apache2$SUFFIX
export APACHE_LOCK_DIR=/var/lock/apache2$SUFFIX
export APACHE_LOG_DIR=/var/log/apache2$SUFFIX
export LANG=C
export LANG
#export APACHE_ARGUMENTS=''
"#;

    #[test]
    fn debian_envvars_match_the_defaults() {
        let r = evaluate(DEBIAN, &BTreeMap::new());
        assert_eq!(r.exported, debian_defaults());
        assert!(r.skipped.is_empty(), "{:?}", r.skipped);
    }

    #[test]
    fn multi_instance_suffix() {
        let mut initial = BTreeMap::new();
        initial.insert(
            "APACHE_CONFDIR".to_string(),
            "/etc/apache2-shop".to_string(),
        );
        let r = evaluate(DEBIAN, &initial);
        assert_eq!(r.exported["APACHE_LOG_DIR"], "/var/log/apache2-shop");
    }

    #[test]
    fn unknown_lines_are_reported_not_run() {
        let r = evaluate("ulimit -n 65536\nexport A=1\n", &BTreeMap::new());
        assert_eq!(r.exported["A"], "1");
        assert_eq!(r.skipped.len(), 1);
    }
}
