//! `Include` / `IncludeOptional` path expansion, as httpd does it
//! (`server/config.c ap_process_fnmatch_configs`, `server/util.c
//! ap_dir_fnmatch`, `ap_dir_nofnmatch`; `apr_fnmatch` with `APR_FNM_PERIOD`).
//!
//! - Wildcards (`*`, `?`, `[…]`) may appear in any path component and are
//!   matched one directory level at a time; they never match a leading `.`.
//! - Matches are sorted by byte order of the full path (`10.conf` < `9.conf`).
//! - A wildcard in a middle component only follows entries `readdir` reports
//!   as directories (symlinks to directories are skipped); for `Include`, a
//!   matched directory without a match for the rest fails the whole Include.
//! - A path without wildcards that is a directory — or a last-component match
//!   that is one — is included recursively and completely (dotfiles and every
//!   extension), depth-limited at 128.
//! - `IncludeOptional` silently skips what is missing (including dangling
//!   symlinks); `Include` fails with httpd's message.
//!
//! The result is the files httpd would open, in order, interleaved with the
//! errors httpd would stop at, produced lazily as httpd lists directories.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::provider::EntryKind;
use super::vfs::{Vfs, VfsError};

/// httpd's `AP_MAX_FNMATCH_DIR_DEPTH`.
const MAX_DIR_DEPTH: usize = 128;

/// One step of an expansion, in httpd's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expanded {
    /// A file to open (path as httpd names it; it may still fail to open).
    File(PathBuf),
    /// An error httpd would stop at, with its message (without the
    /// `Include/IncludeOptional: ` prefix).
    Error(IncludeError),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IncludeError {
    NoMatches {
        pattern: String,
        dir: PathBuf,
    },
    CannotOpenDir {
        dir: PathBuf,
        reason: VfsError,
    },
    TooDeep {
        dir: PathBuf,
    },
    /// A directory on the way lies outside the checked tree.
    Outside {
        path: PathBuf,
    },
}

impl IncludeError {
    /// httpd's message text.
    pub fn message(&self) -> String {
        match self {
            IncludeError::NoMatches { pattern, dir } => format!(
                "Include/IncludeOptional: No matches for the wildcard '{pattern}' in '{}', failing",
                dir.display()
            ),
            IncludeError::CannotOpenDir { dir, reason } => format!(
                "Include/IncludeOptional: Could not open directory {}: {reason}",
                dir.display()
            ),
            IncludeError::TooDeep { dir } => format!(
                "Include/IncludeOptional: Directory '{}' exceeds the maximum include directory nesting level of {MAX_DIR_DEPTH}. You have probably a recursion somewhere.",
                dir.display()
            ),
            IncludeError::Outside { path } => {
                format!("{}: not verified: outside the checked tree", path.display())
            }
        }
    }
}

/// `apr_fnmatch_test`: does `pattern` contain a wildcard?
pub fn has_wildcard(pattern: &[u8]) -> bool {
    let mut nesting = 0;
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            b'?' | b'*' => return true,
            b'\\' => {
                i += 1;
                if i >= pattern.len() {
                    return false;
                }
            }
            b'[' => nesting += 1,
            b']' if nesting > 0 => return true,
            _ => {}
        }
        i += 1;
    }
    false
}

/// `apr_fnmatch(pattern, name, APR_FNM_PERIOD)`: shell wildcard match of one
/// file name; a leading `.` must be matched by a literal `.`.
pub fn fnmatch(pattern: &[u8], name: &[u8]) -> bool {
    if name.first() == Some(&b'.') {
        match pattern {
            [b'.', rest @ ..] => return match_from(rest, &name[1..]),
            [b'\\', b'.', rest @ ..] => return match_from(rest, &name[1..]),
            _ => return false,
        }
    }
    match_from(pattern, name)
}

fn match_from(pattern: &[u8], name: &[u8]) -> bool {
    let (mut p, mut n) = (0, 0);
    // Backtracking point for the last `*`: (pattern index after it, name index).
    let mut star: Option<(usize, usize)> = None;
    loop {
        if p < pattern.len() {
            match pattern[p] {
                b'*' => {
                    star = Some((p + 1, n));
                    p += 1;
                    continue;
                }
                b'?' if n < name.len() => {
                    p += 1;
                    n += 1;
                    continue;
                }
                b'[' if n < name.len() => {
                    if let Some((matched, next)) = bracket(pattern, p, name[n]) {
                        if matched {
                            p = next;
                            n += 1;
                            continue;
                        }
                    } else if name[n] == b'[' {
                        // Unbalanced `[` is a literal.
                        p += 1;
                        n += 1;
                        continue;
                    }
                }
                b'\\' if p + 1 < pattern.len() && n < name.len() && pattern[p + 1] == name[n] => {
                    p += 2;
                    n += 1;
                    continue;
                }
                c if c != b'?' && c != b'[' && n < name.len() && c == name[n] => {
                    p += 1;
                    n += 1;
                    continue;
                }
                _ => {}
            }
        } else if n == name.len() {
            return true;
        }
        match star {
            Some((sp, sn)) if sn < name.len() => {
                star = Some((sp, sn + 1));
                p = sp;
                n = sn + 1;
            }
            _ => return false,
        }
    }
}

/// Matches `c` against the bracket expression starting at `pattern[start]`
/// (`[`). Returns `(matched, index after ']')`, or `None` when the bracket is
/// not closed (then `[` is an ordinary character).
fn bracket(pattern: &[u8], start: usize, c: u8) -> Option<(bool, usize)> {
    let mut i = start + 1;
    let negate = matches!(pattern.get(i), Some(b'!') | Some(b'^'));
    if negate {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let mut ch = *pattern.get(i)?;
        if ch == b']' && !first {
            return Some((matched != negate, i + 1));
        }
        first = false;
        if ch == b'\\' {
            i += 1;
            ch = *pattern.get(i)?;
        }
        if pattern.get(i + 1) == Some(&b'-') && pattern.get(i + 2).is_some_and(|&e| e != b']') {
            let mut end_index = i + 2;
            if pattern[end_index] == b'\\' {
                end_index += 1;
            }
            let end = *pattern.get(end_index)?;
            if ch <= c && c <= end {
                matched = true;
            }
            i = end_index + 1;
        } else {
            if ch == c {
                matched = true;
            }
            i += 1;
        }
    }
}

/// Expands an absolute Include path into the files httpd would open, lazily:
/// like httpd, a directory is listed only when the expansion reaches it, so a
/// consumer that stops early (httpd stops at its first error) never walks the
/// rest of a tree that may loop through symlinks.
pub fn expand<'v>(vfs: &'v Vfs, path: &Path, optional: bool) -> Expansion<'v> {
    let bytes = path.as_os_str().as_encoded_bytes();
    let (components, first) = if has_wildcard(bytes) {
        let components = path
            .components()
            .filter_map(|c| match c {
                std::path::Component::Normal(n) => Some(n.to_os_string()),
                _ => None,
            })
            .collect();
        (components, Work::Walk(PathBuf::from("/"), 0))
    } else {
        (Vec::new(), Work::Path(path.to_path_buf(), 0))
    };
    Expansion {
        vfs,
        components,
        optional,
        stack: vec![first],
    }
}

/// The steps of one Include's expansion, in httpd's order (see [`expand`]).
pub struct Expansion<'v> {
    vfs: &'v Vfs,
    /// The path's components, for a path with wildcards.
    components: Vec<OsString>,
    optional: bool,
    /// Work still to do, the next item last.
    stack: Vec<Work>,
}

/// A pending part of an expansion.
enum Work {
    /// `ap_dir_nofnmatch` on a path, at a directory nesting depth.
    Path(PathBuf, usize),
    /// `ap_dir_fnmatch`: match `components[index..]` below a directory.
    Walk(PathBuf, usize),
}

impl Iterator for Expansion<'_> {
    type Item = Expanded;

    fn next(&mut self) -> Option<Expanded> {
        while let Some(work) = self.stack.pop() {
            let step = match work {
                Work::Path(path, depth) => self.nofnmatch(path, depth),
                Work::Walk(dir, index) => self.walk(dir, index),
            };
            if step.is_some() {
                return step;
            }
        }
        None
    }
}

/// Sorts paths by their bytes, as httpd sorts directory entries.
fn sort_by_bytes(paths: &mut [PathBuf]) {
    paths.sort_by(|a, b| {
        a.as_os_str()
            .as_encoded_bytes()
            .cmp(b.as_os_str().as_encoded_bytes())
    });
}

impl Expansion<'_> {
    /// Queues `paths` so that the first is handed out first.
    fn push_in_order(&mut self, paths: Vec<PathBuf>, work: impl Fn(PathBuf) -> Work) {
        self.stack.extend(paths.into_iter().rev().map(work));
    }

    /// `ap_dir_nofnmatch`: a directory is included recursively; a missing
    /// path is skipped by `IncludeOptional`; anything else is a file to open.
    fn nofnmatch(&mut self, path: PathBuf, depth: usize) -> Option<Expanded> {
        match self.vfs.stat(&path) {
            Ok(resolved) if resolved.meta.kind == EntryKind::Dir => {
                if depth + 1 > MAX_DIR_DEPTH {
                    return Some(Expanded::Error(IncludeError::TooDeep { dir: path }));
                }
                match self.vfs.read_dir(&path) {
                    Ok((_, entries)) => {
                        let mut names: Vec<PathBuf> =
                            entries.into_iter().map(|e| path.join(e.name)).collect();
                        sort_by_bytes(&mut names);
                        self.push_in_order(names, |name| Work::Path(name, depth + 1));
                        None
                    }
                    Err(reason) => Some(Expanded::Error(IncludeError::CannotOpenDir {
                        dir: path,
                        reason,
                    })),
                }
            }
            Err(VfsError::Outside) => Some(Expanded::Error(IncludeError::Outside { path })),
            Err(_) if self.optional => None,
            _ => Some(Expanded::File(path)),
        }
    }

    /// `ap_dir_fnmatch`: walks `components[index..]` one at a time below `dir`.
    fn walk(&mut self, dir: PathBuf, index: usize) -> Option<Expanded> {
        let Some(first) = self.components.get(index).cloned() else {
            return self.nofnmatch(dir, 0);
        };
        let last = index + 1 == self.components.len();
        let pattern = first.as_encoded_bytes();
        if !has_wildcard(pattern) {
            let path = dir.join(&first);
            return if last {
                self.nofnmatch(path, 0)
            } else {
                self.walk(path, index + 1)
            };
        }
        let entries = match self.vfs.read_dir(&dir) {
            Ok((_, entries)) => entries,
            Err(VfsError::NotFound) if self.optional => return None,
            Err(VfsError::Outside) => {
                return Some(Expanded::Error(IncludeError::Outside { path: dir }));
            }
            Err(reason) => {
                return Some(Expanded::Error(IncludeError::CannotOpenDir { dir, reason }));
            }
        };
        let mut candidates: Vec<PathBuf> = entries
            .into_iter()
            .filter(|e| fnmatch(pattern, e.name.as_encoded_bytes()))
            .filter(|e| last || e.kind == EntryKind::Dir)
            .map(|e| dir.join(e.name))
            .collect();
        if candidates.is_empty() {
            return (!self.optional).then(|| {
                Expanded::Error(IncludeError::NoMatches {
                    pattern: String::from_utf8_lossy(pattern).into_owned(),
                    dir,
                })
            });
        }
        sort_by_bytes(&mut candidates);
        if last {
            self.push_in_order(candidates, |c| Work::Path(c, 0));
        } else {
            self.push_in_order(candidates, |c| Work::Walk(c, index + 1));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::load::provider::MemBackend;

    #[test]
    fn fnmatch_semantics() {
        assert!(fnmatch(b"*.conf", b"a.conf"));
        assert!(!fnmatch(b"*.conf", b".hidden.conf"));
        assert!(fnmatch(b".*.conf", b".hidden.conf"));
        assert!(fnmatch(b"?.conf", b"a.conf"));
        assert!(!fnmatch(b"?.conf", b"ab.conf"));
        assert!(fnmatch(b"[ab].conf", b"b.conf"));
        assert!(!fnmatch(b"[!ab].conf", b"b.conf"));
        assert!(fnmatch(b"[a-c]x", b"bx"));
        assert!(fnmatch(b"[x", b"[x"));
        assert!(fnmatch(b"a*b*c", b"aXXbYYc"));
        assert!(!fnmatch(b"a*b*c", b"aXXbYY"));
        assert!(fnmatch(b"\\*", b"*"));
        assert!(!fnmatch(b"\\*", b"x"));
        assert!(fnmatch(b"*", b"x.conf"));
    }

    #[test]
    fn wildcard_test_matches_apr() {
        assert!(has_wildcard(b"/etc/*.conf"));
        assert!(has_wildcard(b"/etc/[ab].conf"));
        assert!(!has_wildcard(b"/etc/[ab.conf"));
        assert!(!has_wildcard(b"/etc/a.conf"));
        assert!(!has_wildcard(b"/etc/\\*"));
    }

    fn files(expansion: Expansion<'_>) -> Vec<String> {
        expansion
            .map(|e| match e {
                Expanded::File(p) => p.display().to_string(),
                Expanded::Error(err) => err.message(),
            })
            .collect()
    }

    #[test]
    fn sorts_by_bytes_and_skips_dotfiles() {
        let vfs = Vfs::direct(Arc::new(
            MemBackend::new()
                .file("/c/9-b.conf", "")
                .file("/c/10-a.conf", "")
                .file("/c/Z.conf", "")
                .file("/c/a.conf", "")
                .file("/c/.hidden.conf", "")
                .file("/c/readme.txt", ""),
        ));
        assert_eq!(
            files(expand(&vfs, Path::new("/c/*.conf"), false)),
            ["/c/10-a.conf", "/c/9-b.conf", "/c/Z.conf", "/c/a.conf"]
        );
        assert_eq!(
            files(expand(&vfs, Path::new("/c"), false)),
            [
                "/c/.hidden.conf",
                "/c/10-a.conf",
                "/c/9-b.conf",
                "/c/Z.conf",
                "/c/a.conf",
                "/c/readme.txt"
            ]
        );
    }

    #[test]
    fn middle_wildcard_fails_when_one_directory_has_no_match() {
        let vfs = Vfs::direct(Arc::new(
            MemBackend::new()
                .file("/inc/a/x.conf", "")
                .dir("/inc/b")
                .symlink("/inc/c", "/inc/a"),
        ));
        assert_eq!(
            files(expand(&vfs, Path::new("/inc/*/*.conf"), false)),
            [
                "/inc/a/x.conf",
                "Include/IncludeOptional: No matches for the wildcard '*.conf' in '/inc/b', failing"
            ]
        );
        assert_eq!(
            files(expand(&vfs, Path::new("/inc/*/*.conf"), true)),
            ["/inc/a/x.conf"]
        );
    }

    #[test]
    fn optional_skips_missing_and_dangling() {
        let vfs = Vfs::direct(Arc::new(
            MemBackend::new()
                .file("/s/a.conf", "")
                .symlink("/s/old.conf", "/nowhere"),
        ));
        assert_eq!(
            files(expand(&vfs, Path::new("/s/*.conf"), true)),
            ["/s/a.conf"]
        );
        assert_eq!(
            files(expand(&vfs, Path::new("/s/*.conf"), false)),
            ["/s/a.conf", "/s/old.conf"]
        );
        assert!(
            expand(&vfs, Path::new("/missing/*.conf"), true)
                .next()
                .is_none()
        );
        assert_eq!(
            files(expand(&vfs, Path::new("/missing/*.conf"), false)),
            [
                "Include/IncludeOptional: Could not open directory /missing: No such file or directory"
            ]
        );
    }
}
