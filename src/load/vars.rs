//! `Define`, `UnDefine`, `-D` and `${VAR}` substitution, as httpd does them
//! (`server/core.c`: `set_define`, `unset_define`, `ap_resolve_env`).
//!
//! - Defined *names* (`-D NAME`, `Define NAME`) are a list compared
//!   case-sensitively: that is what `<IfDefine>` tests.
//! - Defined *values* live in a table with case-insensitive keys: `${foo}`
//!   finds `Define FOO x`.
//! - `${NAME}` looks up the defined values first, then the environment
//!   profile (case-sensitive). Undefined: the text stays as written and httpd
//!   warns (AH00111) unless the name contains `:`.
//! - No recursion, no escapes: a substituted value is not scanned again.
//!
//! The environment is never the process environment: it is an explicit
//! profile (Debian's `envvars`, `--env NAME=VALUE`).

use std::collections::BTreeMap;

/// Defines and environment as read so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Vars {
    /// Defined names in definition order (case-sensitive).
    names: Vec<String>,
    /// Defined values; keys compared case-insensitively, one entry per key.
    values: Vec<(String, String)>,
    env: BTreeMap<String, String>,
}

/// One `${…}` occurrence found while substituting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarUse {
    /// Byte offset of `$` in the original text.
    pub at: usize,
    /// Length of `${NAME}` in the original text.
    pub len: usize,
    pub name: String,
    /// The value substituted, or `None` when undefined (the text stays).
    pub value: Option<String>,
}

impl Vars {
    pub fn new(cmdline_defines: &[String], env: BTreeMap<String, String>) -> Self {
        let mut vars = Vars {
            env,
            ..Self::default()
        };
        for name in cmdline_defines {
            vars.define(name, None);
        }
        vars
    }

    /// `Define NAME [VALUE]`: the name becomes defined; a value (if any)
    /// replaces the previous one.
    pub fn define(&mut self, name: &str, value: Option<&str>) {
        if !self.is_defined(name) {
            self.names.push(name.to_string());
        }
        if let Some(value) = value {
            match self
                .values
                .iter_mut()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
            {
                Some(entry) => entry.1 = value.to_string(),
                None => self.values.push((name.to_string(), value.to_string())),
            }
        }
    }

    /// `UnDefine NAME`: removes the name (exact) and its value (any case).
    pub fn undefine(&mut self, name: &str) {
        self.names.retain(|n| n != name);
        self.values.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    }

    /// `<IfDefine NAME>`: case-sensitive.
    pub fn is_defined(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }

    /// The value `${name}` stands for.
    pub fn lookup(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .or_else(|| self.env.get(name).map(String::as_str))
    }

    /// The environment profile.
    pub fn env(&self) -> &BTreeMap<String, String> {
        &self.env
    }

    /// Defined names, in definition order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Defined values, in definition order.
    pub fn values(&self) -> &[(String, String)] {
        &self.values
    }

    /// `ap_resolve_env`: substitutes every `${NAME}` in `text`. Returns the
    /// new text (`None` when nothing changed) and every occurrence.
    pub fn substitute(&self, text: &[u8]) -> (Option<Vec<u8>>, Vec<VarUse>) {
        let mut uses = Vec::new();
        if !text.windows(2).any(|w| w == b"${") {
            return (None, uses);
        }
        let mut out = Vec::with_capacity(text.len() + 16);
        let mut i = 0;
        let mut changed = false;
        while i < text.len() {
            if text[i] == b'$'
                && text.get(i + 1) == Some(&b'{')
                && let Some(close) = text[i + 2..].iter().position(|&b| b == b'}')
            {
                let name_bytes = &text[i + 2..i + 2 + close];
                let name = String::from_utf8_lossy(name_bytes).into_owned();
                let len = close + 3;
                let value = self.lookup(&name).map(str::to_string);
                match &value {
                    Some(v) => {
                        out.extend_from_slice(v.as_bytes());
                        changed = true;
                    }
                    None => out.extend_from_slice(&text[i..i + len]),
                }
                uses.push(VarUse {
                    at: i,
                    len,
                    name,
                    value,
                });
                i += len;
                continue;
            }
            out.push(text[i]);
            i += 1;
        }
        (changed.then_some(out), uses)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Vars {
        let mut env = BTreeMap::new();
        env.insert("APACHE_LOG_DIR".to_string(), "/var/log/apache2".to_string());
        env.insert("Foo".to_string(), "from-env".to_string());
        Vars::new(&["FROM_CMDLINE".to_string()], env)
    }

    fn sub(v: &Vars, text: &str) -> String {
        let (out, _) = v.substitute(text.as_bytes());
        String::from_utf8(out.unwrap_or_else(|| text.as_bytes().to_vec())).unwrap()
    }

    #[test]
    fn define_wins_over_env_and_matches_any_case() {
        let mut v = vars();
        assert_eq!(sub(&v, "${Foo}"), "from-env");
        v.define("foo", Some("defined"));
        assert_eq!(sub(&v, "${FOO} ${Foo}"), "defined defined");
    }

    #[test]
    fn ifdefine_is_case_sensitive() {
        let mut v = vars();
        v.define("Foo", Some("x"));
        assert!(v.is_defined("Foo"));
        assert!(!v.is_defined("FOO"));
        assert!(v.is_defined("FROM_CMDLINE"));
    }

    #[test]
    fn undefined_stays_literal_and_is_reported() {
        let v = vars();
        let (out, uses) = v.substitute(b"ErrorLog ${NOPE}/x ${APACHE_LOG_DIR}/y");
        assert_eq!(
            String::from_utf8(out.unwrap()).unwrap(),
            "ErrorLog ${NOPE}/x /var/log/apache2/y"
        );
        assert_eq!(uses[0].name, "NOPE");
        assert_eq!(uses[0].value, None);
        assert_eq!((uses[0].at, uses[0].len), (9, 7));
    }

    #[test]
    fn no_recursion_no_nesting_no_escape() {
        let mut v = vars();
        v.define("A", Some("${B}y"));
        v.define("B", Some("x"));
        assert_eq!(sub(&v, "${A}"), "${B}y");
        assert_eq!(sub(&v, "$${B}"), "$x");
        assert_eq!(sub(&v, "${unterminated"), "${unterminated");
    }

    #[test]
    fn define_without_value_is_a_name_only() {
        let mut v = vars();
        v.define("X", None);
        assert!(v.is_defined("X"));
        assert_eq!(v.lookup("X"), None);
        v.undefine("X");
        assert!(!v.is_defined("X"));
    }
}
