//! Meta-tests: the rule table stays consistent and documented. Every code is
//! unique and in its family's range, names are kebab-case and read well after
//! "allow" (no `avoid-`/`use-`/`prefer-`), every rule's doc has the fixed
//! sections, and every rule that runs is in the table.

use std::collections::HashSet;
use std::path::Path;

use apachelint::rules::Family;
use apachelint::rules::registry::{ALL, RULES, find};

#[test]
fn codes_and_names_are_unique_and_in_range() {
    let mut codes = HashSet::new();
    let mut names = HashSet::new();
    for r in ALL {
        assert!(codes.insert(r.code), "code {} used twice", r.code);
        assert!(names.insert(r.name), "name {} used twice", r.name);
        let n: u32 = r.code[2..].parse().expect("ALnnn");
        let range = match r.family {
            Family::Syntax | Family::Load => 1..100,
            Family::Validity => 100..200,
            Family::Change => 200..300,
            Family::Security => 300..400,
            Family::Hygiene => 400..500,
        };
        assert!(
            range.contains(&n),
            "{} is outside the {:?} range",
            r.code,
            r.family
        );
        assert!(r.code.len() == 5 && r.code.starts_with("AL"), "{}", r.code);
        assert_eq!(
            find(r.code).map(|x| x.code),
            Some(r.code),
            "code round-trips"
        );
        assert_eq!(
            find(r.name).map(|x| x.code),
            Some(r.code),
            "name round-trips"
        );
    }
}

#[test]
fn names_are_kebab_case_and_read_after_allow() {
    for r in ALL {
        assert!(
            r.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !r.name.starts_with('-')
                && !r.name.ends_with('-'),
            "{} is not kebab-case",
            r.name
        );
        for bad in ["avoid-", "use-", "prefer-", "no-"] {
            assert!(
                !r.name.starts_with(bad),
                "{}: names say what is risky, not what to do",
                r.name
            );
        }
    }
}

#[test]
fn every_rule_documents_the_fixed_sections() {
    for r in ALL {
        for section in [
            "## What it does",
            "## Why is this risky?",
            "## Example",
            "## References",
        ] {
            assert!(
                r.doc.contains(section),
                "{} ({}) lacks `{section}`",
                r.code,
                r.name
            );
        }
        assert!(
            r.doc.contains("```apache"),
            "{}: the example is an apache block",
            r.code
        );
        assert!(!r.summary().is_empty(), "{}: empty summary", r.code);
    }
}

#[test]
fn every_running_rule_is_in_the_table_once() {
    let mut seen = HashSet::new();
    for rule in RULES {
        let meta = rule.meta();
        assert!(
            ALL.iter().any(|r| std::ptr::eq(*r, meta)),
            "{} runs but is not in ALL",
            meta.code
        );
        assert!(seen.insert(meta.code), "{} runs twice", meta.code);
    }
}

/// The README's rule table is generated from the rule table; refresh it with
/// `UPDATE_EXPECT=1 cargo test --test meta`.
#[test]
fn readme_rule_table_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let mut table =
        String::from("| code | name | family | severity | what it does |\n|---|---|---|---|---|\n");
    for r in ALL {
        table.push_str(&format!(
            "| {} | `{}` | {} | {} | {} |\n",
            r.code,
            r.name,
            format!("{:?}", r.family).to_lowercase(),
            r.default_severity.as_str(),
            r.summary().replace('|', "\\|")
        ));
    }
    let (start, end) = ("<!-- rules:start -->\n", "<!-- rules:end -->");
    let a = readme.find(start).expect("rules:start marker") + start.len();
    let b = readme.find(end).expect("rules:end marker");
    if readme[a..b] != table {
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            let updated = format!("{}{}{}", &readme[..a], table, &readme[b..]);
            std::fs::write(&path, updated).expect("write README.md");
        } else {
            panic!("README rule table is stale: run UPDATE_EXPECT=1 cargo test --test meta");
        }
    }
}
