//! Git backends: the tree of a revision (`--baseline-git REV`, the known-good
//! side) and the index (`--staged`, the pre-commit candidate), read with the
//! `git` program — never the working tree, never written.
//!
//! Paths are absolute: `<repository root>/<path in the tree>`, so the same
//! path maps and symlink resolution as for the disk apply. Directories are
//! implied by the files below them; symlinks (mode 120000) are links whose
//! target is the blob's text; submodules and everything else are special.
//! Blobs are read lazily through one long-running `git cat-file --batch`.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;

use super::provider::{Backend, DirEntry, EntryKind, Meta, children_in, not_regular};

/// One entry of a git tree or index.
#[derive(Clone, Debug, PartialEq, Eq)]
enum GitEntry {
    Blob { oid: String, symlink: bool },
    Dir,
    Special,
}

/// Which side of git to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GitSource {
    /// The tree of a revision (`HEAD`, `origin/main`, a commit).
    Revision(String),
    /// The index: what `git commit` would commit now.
    Index,
}

struct CatFile {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

/// A git revision or the index, as a [`Backend`].
pub struct GitBackend {
    root: PathBuf,
    source: GitSource,
    entries: BTreeMap<PathBuf, GitEntry>,
    cat: Mutex<Option<CatFile>>,
}

impl Drop for GitBackend {
    fn drop(&mut self) {
        if let Ok(mut cat) = self.cat.lock()
            && let Some(mut c) = cat.take()
        {
            drop(c.stdin);
            let _ = c.child.wait();
        }
    }
}

#[allow(clippy::disallowed_methods)] // the I/O edge: running git
fn git(root: &Path, args: &[&str]) -> io::Result<Vec<u8>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .stdin(Stdio::null())
        .output()?;
    if !out.status.success() {
        return Err(io::Error::other(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(out.stdout)
}

/// The root of the work tree containing `path`.
pub fn repository_root(path: &Path) -> io::Result<PathBuf> {
    let dir = if path.is_dir() {
        path
    } else {
        path.parent().unwrap_or(path)
    };
    let out = git(dir, &["rev-parse", "--show-toplevel"])?;
    let text = String::from_utf8_lossy(&out);
    Ok(PathBuf::from(text.trim()))
}

impl GitBackend {
    /// Opens `source` of the repository whose work tree is `root`.
    pub fn open(root: &Path, source: GitSource) -> io::Result<GitBackend> {
        let listing = match &source {
            GitSource::Revision(rev) => {
                git(root, &["ls-tree", "-r", "-z", "--full-tree", rev.as_str()])?
            }
            GitSource::Index => git(root, &["ls-files", "-s", "-z"])?,
        };
        let mut entries = BTreeMap::new();
        for record in listing.split(|&b| b == 0).filter(|r| !r.is_empty()) {
            let Some(tab) = record.iter().position(|&b| b == b'\t') else {
                continue;
            };
            let (meta, path) = (&record[..tab], &record[tab + 1..]);
            let fields: Vec<&[u8]> = meta.split(|&b| b == b' ').collect();
            // ls-tree: "<mode> <type> <oid>"; ls-files -s: "<mode> <oid> <stage>".
            let (mode, oid) = match source {
                GitSource::Revision(_) => (fields.first(), fields.get(2)),
                GitSource::Index => (fields.first(), fields.get(1)),
            };
            let (Some(mode), Some(oid)) = (mode, oid) else {
                continue;
            };
            let entry = match *mode {
                b"100644" | b"100755" => GitEntry::Blob {
                    oid: String::from_utf8_lossy(oid).into_owned(),
                    symlink: false,
                },
                b"120000" => GitEntry::Blob {
                    oid: String::from_utf8_lossy(oid).into_owned(),
                    symlink: true,
                },
                _ => GitEntry::Special,
            };
            let full = root.join(Path::new(std::ffi::OsStr::from_bytes(path)));
            let mut parent = full.parent();
            while let Some(p) = parent {
                if !p.starts_with(root) || p == root {
                    break;
                }
                entries.entry(p.to_path_buf()).or_insert(GitEntry::Dir);
                parent = p.parent();
            }
            entries.insert(full, entry);
        }
        entries.insert(root.to_path_buf(), GitEntry::Dir);
        Ok(GitBackend {
            root: root.to_path_buf(),
            source,
            entries,
            cat: Mutex::new(None),
        })
    }

    fn get(&self, path: &Path) -> io::Result<&GitEntry> {
        if let Some(e) = self.entries.get(path) {
            return Ok(e);
        }
        // Directories above the repository root exist (for absolute paths).
        if self.root.starts_with(path) {
            return Ok(&GitEntry::Dir);
        }
        Err(io::Error::from(io::ErrorKind::NotFound))
    }

    #[allow(clippy::disallowed_methods)] // the I/O edge: running git
    fn blob(&self, oid: &str) -> io::Result<Vec<u8>> {
        let mut guard = self
            .cat
            .lock()
            .map_err(|_| io::Error::other("git cat-file lock poisoned"))?;
        if guard.is_none() {
            let mut child = Command::new("git")
                .arg("-C")
                .arg(&self.root)
                .args(["cat-file", "--batch"])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()?;
            let stdin = child
                .stdin
                .take()
                .ok_or_else(|| io::Error::other("no stdin"))?;
            let stdout = child
                .stdout
                .take()
                .ok_or_else(|| io::Error::other("no stdout"))?;
            *guard = Some(CatFile {
                child,
                stdin,
                stdout: BufReader::new(stdout),
            });
        }
        let cat = guard
            .as_mut()
            .ok_or_else(|| io::Error::other("git cat-file"))?;
        writeln!(cat.stdin, "{oid}")?;
        cat.stdin.flush()?;
        let mut header = String::new();
        cat.stdout.read_line(&mut header)?;
        // "<oid> blob <size>\n"
        let size: usize = header
            .split_whitespace()
            .nth(2)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| io::Error::other(format!("git cat-file: {}", header.trim())))?;
        let mut data = vec![0; size];
        cat.stdout.read_exact(&mut data)?;
        let mut newline = [0u8; 1];
        cat.stdout.read_exact(&mut newline)?;
        Ok(data)
    }
}

impl Backend for GitBackend {
    fn describe(&self) -> String {
        match &self.source {
            GitSource::Revision(rev) => format!("git revision {rev}"),
            GitSource::Index => "git index (staged)".to_string(),
        }
    }

    fn lstat(&self, path: &Path) -> io::Result<Meta> {
        Ok(match self.get(path)? {
            GitEntry::Blob { symlink: true, .. } => Meta {
                kind: EntryKind::Symlink,
                len: 0,
            },
            GitEntry::Blob { .. } => Meta {
                kind: EntryKind::File,
                len: 0,
            },
            GitEntry::Dir => Meta {
                kind: EntryKind::Dir,
                len: 0,
            },
            GitEntry::Special => Meta {
                kind: EntryKind::Special,
                len: 0,
            },
        })
    }

    fn read_link(&self, path: &Path) -> io::Result<PathBuf> {
        match self.get(path)? {
            GitEntry::Blob { oid, symlink: true } => {
                Ok(PathBuf::from(OsString::from_vec(self.blob(oid)?)))
            }
            _ => Err(io::Error::new(io::ErrorKind::InvalidInput, "not a symlink")),
        }
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<DirEntry>> {
        if !matches!(self.get(path)?, GitEntry::Dir) {
            return Err(io::Error::new(
                io::ErrorKind::NotADirectory,
                "not a directory",
            ));
        }
        Ok(children_in(&self.entries, path, |e| match e {
            GitEntry::Blob { symlink: true, .. } => EntryKind::Symlink,
            GitEntry::Blob { .. } => EntryKind::File,
            GitEntry::Dir => EntryKind::Dir,
            GitEntry::Special => EntryKind::Special,
        }))
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        match self.get(path)? {
            GitEntry::Blob {
                oid,
                symlink: false,
            } => self.blob(oid),
            _ => Err(not_regular()),
        }
    }

    fn display(&self, path: &Path) -> PathBuf {
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        match &self.source {
            GitSource::Revision(rev) => PathBuf::from(format!("{rev}:{}", rel.display())),
            GitSource::Index => PathBuf::from(format!(":{}", rel.display())),
        }
    }
}
