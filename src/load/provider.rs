//! THE I/O EDGE: every byte of configuration apachelint reads comes through a
//! [`Backend`]. Backends: the disk ([`DiskBackend`]), memory ([`MemBackend`],
//! for tests and benchmarks), a git revision and the git index (`git.rs`).
//!
//! A backend answers questions about *its own* paths (a disk path, a path in
//! a git tree, a key in memory) and never follows a final symlink itself:
//! symlink resolution, path maps and confinement live one layer up, in
//! [`super::vfs::Vfs`], so every backend resolves links the same way.
//!
//! Invariants: `read` refuses anything that is not a regular file *before*
//! opening it (httpd blocks forever on an included FIFO; we must not), and no
//! backend writes anything.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};

/// The type of a directory entry, as `lstat` sees it (a symlink is reported
/// as a symlink, not as what it points to).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Dir,
    Symlink,
    /// A FIFO, socket or device: never read.
    Special,
}

/// What `lstat` says about a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Meta {
    pub kind: EntryKind,
    pub len: u64,
}

/// One name in a directory listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirEntry {
    pub name: OsString,
    pub kind: EntryKind,
}

/// Read-only access to one source of files.
pub trait Backend: Send + Sync {
    /// A short description for messages: "working tree", "git HEAD", …
    fn describe(&self) -> String;
    fn lstat(&self, path: &Path) -> io::Result<Meta>;
    fn read_link(&self, path: &Path) -> io::Result<PathBuf>;
    /// Entries of a directory (without `.` and `..`), in no particular order.
    fn read_dir(&self, path: &Path) -> io::Result<Vec<DirEntry>>;
    /// Bytes of a regular file (following symlinks where the backend does so
    /// natively); anything but a regular file is an error, checked before
    /// the file is opened.
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
    /// `stat` following symlinks, when the backend can do it natively (the
    /// disk can; others return `None` and the caller resolves links itself).
    fn stat_following(&self, _path: &Path) -> Option<io::Result<Meta>> {
        None
    }
    /// How to show one of this backend's paths to the user.
    fn display(&self, path: &Path) -> PathBuf {
        path.to_path_buf()
    }
}

/// The local file system. Paths are shown relative to `display_base` (the
/// working directory) when they lie below it.
#[derive(Debug, Default, Clone)]
pub struct DiskBackend {
    pub display_base: Option<PathBuf>,
}

fn kind_of(file_type: std::fs::FileType) -> EntryKind {
    if file_type.is_symlink() {
        EntryKind::Symlink
    } else if file_type.is_dir() {
        EntryKind::Dir
    } else if file_type.is_file() {
        EntryKind::File
    } else {
        EntryKind::Special
    }
}

#[allow(clippy::disallowed_methods)] // the I/O edge
impl Backend for DiskBackend {
    fn describe(&self) -> String {
        "file system".to_string()
    }

    fn lstat(&self, path: &Path) -> io::Result<Meta> {
        let m = std::fs::symlink_metadata(path)?;
        Ok(Meta {
            kind: kind_of(m.file_type()),
            len: m.len(),
        })
    }

    fn read_link(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::read_link(path)
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<DirEntry>> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(path)? {
            let entry = entry?;
            let kind = match entry.file_type() {
                Ok(t) => kind_of(t),
                Err(_) => EntryKind::Special,
            };
            out.push(DirEntry {
                name: entry.file_name(),
                kind,
            });
        }
        Ok(out)
    }

    fn display(&self, path: &Path) -> PathBuf {
        match &self.display_base {
            Some(base) => path.strip_prefix(base).unwrap_or(path).to_path_buf(),
            None => path.to_path_buf(),
        }
    }

    fn stat_following(&self, path: &Path) -> Option<io::Result<Meta>> {
        Some(std::fs::metadata(path).map(|m| Meta {
            kind: kind_of(m.file_type()),
            len: m.len(),
        }))
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        let meta = std::fs::metadata(path)?;
        if !meta.file_type().is_file() {
            return Err(not_regular());
        }
        std::fs::read(path)
    }
}

/// The direct children of `dir` in a map of paths (parents sort before
/// their children in a `BTreeMap`), with each entry's kind.
pub fn children_in<T>(
    entries: &BTreeMap<PathBuf, T>,
    dir: &Path,
    kind: impl Fn(&T) -> EntryKind,
) -> Vec<DirEntry> {
    let mut out = Vec::new();
    for (p, entry) in entries.range(dir.to_path_buf()..) {
        if p == dir {
            continue;
        }
        if !p.starts_with(dir) {
            break;
        }
        if p.parent() != Some(dir) {
            continue;
        }
        if let Some(name) = p.file_name() {
            out.push(DirEntry {
                name: name.to_os_string(),
                kind: kind(entry),
            });
        }
    }
    out
}

/// The error for reading something that is not a regular file.
pub fn not_regular() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "not a regular file")
}

/// One entry of a [`MemBackend`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MemEntry {
    File(Vec<u8>),
    Dir,
    Symlink(PathBuf),
    /// Stands for a FIFO, socket or device.
    Special,
}

/// An in-memory tree of absolute paths. Parent directories are implied.
#[derive(Clone, Debug, Default)]
pub struct MemBackend {
    entries: BTreeMap<PathBuf, MemEntry>,
}

impl MemBackend {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file (and, implicitly, its parent directories).
    pub fn file(mut self, path: impl Into<PathBuf>, text: impl AsRef<[u8]>) -> Self {
        self.insert(path.into(), MemEntry::File(text.as_ref().to_vec()));
        self
    }

    pub fn dir(mut self, path: impl Into<PathBuf>) -> Self {
        self.insert(path.into(), MemEntry::Dir);
        self
    }

    pub fn symlink(mut self, path: impl Into<PathBuf>, target: impl Into<PathBuf>) -> Self {
        self.insert(path.into(), MemEntry::Symlink(target.into()));
        self
    }

    pub fn special(mut self, path: impl Into<PathBuf>) -> Self {
        self.insert(path.into(), MemEntry::Special);
        self
    }

    pub fn insert(&mut self, path: PathBuf, entry: MemEntry) {
        let mut parent = path.parent();
        while let Some(p) = parent {
            if p.as_os_str().is_empty() {
                break;
            }
            self.entries.entry(p.to_path_buf()).or_insert(MemEntry::Dir);
            parent = p.parent();
        }
        self.entries.insert(path, entry);
    }

    fn get(&self, path: &Path) -> io::Result<&MemEntry> {
        if path == Path::new("/") {
            return Ok(&MemEntry::Dir);
        }
        self.entries
            .get(path)
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    }
}

impl Backend for MemBackend {
    fn describe(&self) -> String {
        "memory".to_string()
    }

    fn lstat(&self, path: &Path) -> io::Result<Meta> {
        Ok(match self.get(path)? {
            MemEntry::File(bytes) => Meta {
                kind: EntryKind::File,
                len: bytes.len() as u64,
            },
            MemEntry::Dir => Meta {
                kind: EntryKind::Dir,
                len: 0,
            },
            MemEntry::Symlink(_) => Meta {
                kind: EntryKind::Symlink,
                len: 0,
            },
            MemEntry::Special => Meta {
                kind: EntryKind::Special,
                len: 0,
            },
        })
    }

    fn read_link(&self, path: &Path) -> io::Result<PathBuf> {
        match self.get(path)? {
            MemEntry::Symlink(target) => Ok(target.clone()),
            _ => Err(io::Error::new(io::ErrorKind::InvalidInput, "not a symlink")),
        }
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<DirEntry>> {
        match self.get(path)? {
            MemEntry::Dir => {}
            _ => {
                return Err(io::Error::new(
                    io::ErrorKind::NotADirectory,
                    "not a directory",
                ));
            }
        }
        Ok(children_in(&self.entries, path, |entry| match entry {
            MemEntry::File(_) => EntryKind::File,
            MemEntry::Dir => EntryKind::Dir,
            MemEntry::Symlink(_) => EntryKind::Symlink,
            MemEntry::Special => EntryKind::Special,
        }))
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        match self.get(path)? {
            MemEntry::File(bytes) => Ok(bytes.clone()),
            _ => Err(not_regular()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mem_backend_lists_children_and_implies_parents() {
        let mem = MemBackend::new()
            .file("/etc/a/x.conf", "X")
            .file("/etc/a/sub/y.conf", "Y")
            .symlink("/etc/a/l.conf", "x.conf");
        let mut names: Vec<_> = mem
            .read_dir(Path::new("/etc/a"))
            .unwrap()
            .into_iter()
            .map(|e| (e.name.into_string().unwrap(), e.kind))
            .collect();
        names.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            names,
            vec![
                ("l.conf".into(), EntryKind::Symlink),
                ("sub".into(), EntryKind::Dir),
                ("x.conf".into(), EntryKind::File)
            ]
        );
        assert_eq!(mem.lstat(Path::new("/etc")).unwrap().kind, EntryKind::Dir);
        assert!(mem.read(Path::new("/etc/a/l.conf")).is_err());
    }
}
