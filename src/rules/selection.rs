//! `--select` / `--ignore`: which rules' findings a run reports, with
//! ruff-style selectors. A selector is a code (`AL225`), a code prefix
//! (`AL2`: every change rule; `AL1`: what `apache2 -t` refuses), a rule name
//! (`hsts-missing`) or a family (`security`), all case-insensitive.
//!
//! Fail closed: a rule that stops apachelint from checking (an unreadable or
//! unparsable file) is reported whatever the selection says.

use super::registry::ALL;
use super::{Family, RuleMeta};

/// The rules a run reports.
#[derive(Debug, Default)]
pub struct Selection {
    select: Vec<String>,
    ignore: Vec<String>,
}

impl Selection {
    /// Parses the selectors; each must name at least one rule.
    pub fn new(select: &[String], ignore: &[String]) -> Result<Self, String> {
        let parse = |list: &[String]| -> Result<Vec<String>, String> {
            list.iter()
                .flat_map(|s| s.split(','))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    if ALL.iter().any(|rule| matches(s, rule)) {
                        Ok(s.to_ascii_lowercase())
                    } else {
                        Err(format!(
                            "`{s}` selects no rule (a code like AL225, a prefix like AL2, a rule name, or a family: syntax, load, validity, change, security, hygiene)"
                        ))
                    }
                })
                .collect()
        };
        Ok(Selection {
            select: parse(select)?,
            ignore: parse(ignore)?,
        })
    }

    /// Whether findings of `rule` are reported.
    pub fn reports(&self, rule: &RuleMeta) -> bool {
        if rule.blocks_check {
            return true;
        }
        let selected = self.select.is_empty() || self.select.iter().any(|s| matches(s, rule));
        selected && !self.ignore.iter().any(|s| matches(s, rule))
    }
}

fn matches(selector: &str, rule: &RuleMeta) -> bool {
    let code_prefix = rule
        .code
        .get(..selector.len())
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case(selector));
    code_prefix
        || rule.name.eq_ignore_ascii_case(selector)
        || family_name(rule.family).eq_ignore_ascii_case(selector)
}

fn family_name(family: Family) -> &'static str {
    match family {
        Family::Syntax => "syntax",
        Family::Load => "load",
        Family::Validity => "validity",
        Family::Change => "change",
        Family::Security => "security",
        Family::Hygiene => "hygiene",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::registry::find;

    fn selection(select: &[&str], ignore: &[&str]) -> Selection {
        let owned = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        Selection::new(&owned(select), &owned(ignore)).unwrap()
    }

    fn rule(code: &str) -> &'static RuleMeta {
        find(code).unwrap()
    }

    #[test]
    fn codes_prefixes_names_and_families() {
        let s = selection(&["al2", "hsts-missing"], &["AL228"]);
        assert!(s.reports(rule("AL225")));
        assert!(s.reports(rule("AL307")));
        assert!(!s.reports(rule("AL228")));
        assert!(!s.reports(rule("AL104")));
        let security_off = selection(&[], &["Security"]);
        assert!(!security_off.reports(rule("AL300")));
        assert!(security_off.reports(rule("AL104")));
    }

    #[test]
    fn what_blocks_the_check_is_always_reported() {
        assert!(selection(&[], &["AL0", "syntax", "load"]).reports(rule("AL001")));
    }

    #[test]
    fn a_selector_that_selects_nothing_is_an_error() {
        assert!(Selection::new(&["AL9".into()], &[]).is_err());
        assert!(Selection::new(&[], &["no-such-rule".into()]).is_err());
        assert!(Selection::new(&["AL1,AL2".into()], &[]).is_ok());
    }
}
