//! The file view the loader sees: absolute paths *as the configuration names
//! them* (`/etc/apache2/sites-enabled/shop.conf`), mapped onto a [`Backend`]
//! through path maps, with symlinks resolved the way the kernel would — but
//! in configuration space, so an absolute link target inside a checkout
//! (`-> /etc/apache2/sites-available/shop.conf`) lands in the checkout too.
//!
//! Confinement: in repository mode only mapped paths are readable. A path
//! outside every mapped root is [`VfsError::Outside`] and is never read — a
//! change that adds `Include /etc/shadow` must not get that file read or
//! echoed.

use std::collections::{HashMap, VecDeque};
use std::ffi::OsString;
use std::fmt;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::provider::{Backend, DirEntry, EntryKind, Meta};

/// The one non-regular file httpd reads (`ap_pcfg_openfile`).
const DEV_NULL: &str = "/dev/null";

/// Linux's limit on symlinks followed while resolving one path.
const MAX_SYMLINKS: usize = 40;

/// `config` (an absolute path in the configuration's view) is found at
/// `backend` in the backend.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    pub config: PathBuf,
    pub backend: PathBuf,
}

/// Why a path could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VfsError {
    NotFound,
    /// Outside every mapped root: not read, by design.
    Outside,
    /// Too many levels of symbolic links.
    Loop,
    /// A FIFO, socket, device (or a directory where a file was wanted).
    NotRegular,
    NotADirectory,
    Io(String),
}

impl fmt::Display for VfsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VfsError::NotFound => f.write_str("No such file or directory"),
            VfsError::Outside => f.write_str("not verified: outside the checked tree"),
            VfsError::Loop => f.write_str("Too many levels of symbolic links"),
            VfsError::NotRegular => f.write_str("not a regular file"),
            VfsError::NotADirectory => f.write_str("Not a directory"),
            VfsError::Io(e) => f.write_str(e),
        }
    }
}

impl From<io::Error> for VfsError {
    fn from(e: io::Error) -> Self {
        match e.kind() {
            io::ErrorKind::NotFound => VfsError::NotFound,
            io::ErrorKind::NotADirectory => VfsError::NotADirectory,
            io::ErrorKind::InvalidInput => VfsError::NotRegular,
            _ => VfsError::Io(e.to_string()),
        }
    }
}

/// A resolved path: where it ended up after following symlinks, and what is there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    pub path: PathBuf,
    pub meta: Meta,
}

/// The configuration's view of the files.
#[derive(Clone)]
pub struct Vfs {
    backend: Arc<dyn Backend>,
    /// Longest configuration prefix first.
    mounts: Vec<Mount>,
    /// When false, unmapped paths are read from the backend as they are.
    confined: bool,
    /// Resolved directories, so a directory of 10,000 site files is resolved
    /// once, not once per file.
    dirs: Arc<Mutex<HashMap<PathBuf, Result<Resolved, VfsError>>>>,
    /// [`Vfs::stat`] answers: rules ask about the same certificate, log
    /// directory or document root for thousands of vhosts. A run never
    /// writes, so an answer stays true for its length.
    stats: Arc<Mutex<HashMap<PathBuf, Result<Resolved, VfsError>>>>,
    /// [`Vfs::read_dir`] listings by resolved path: the `.htaccess` search
    /// lists every served directory, and rules asking what a served
    /// directory holds get the same listing without another read.
    listings: Arc<Mutex<HashMap<PathBuf, Vec<DirEntry>>>>,
}

impl fmt::Debug for Vfs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Vfs")
            .field("backend", &self.backend.describe())
            .field("mounts", &self.mounts)
            .field("confined", &self.confined)
            .finish()
    }
}

impl Vfs {
    /// Unconfined access to `backend` with paths as they are (ad hoc checks of
    /// a live server's `/etc/apache2`).
    pub fn direct(backend: Arc<dyn Backend>) -> Self {
        Vfs {
            backend,
            mounts: Vec::new(),
            confined: false,
            dirs: Arc::default(),
            stats: Arc::default(),
            listings: Arc::default(),
        }
    }

    /// Confined access: only paths under one of `mounts` exist.
    pub fn confined(backend: Arc<dyn Backend>, mut mounts: Vec<Mount>) -> Self {
        mounts.sort_by_key(|m| std::cmp::Reverse(m.config.components().count()));
        Vfs {
            backend,
            mounts,
            confined: true,
            dirs: Arc::default(),
            stats: Arc::default(),
            listings: Arc::default(),
        }
    }

    pub fn mounts(&self) -> &[Mount] {
        &self.mounts
    }

    pub fn is_confined(&self) -> bool {
        self.confined
    }

    pub fn describe(&self) -> String {
        self.backend.describe()
    }

    /// The backend path of a configuration path (no symlink resolution).
    pub fn map(&self, path: &Path) -> Result<PathBuf, VfsError> {
        for m in &self.mounts {
            if let Ok(rest) = path.strip_prefix(&m.config) {
                return Ok(if rest.as_os_str().is_empty() {
                    m.backend.clone()
                } else {
                    m.backend.join(rest)
                });
            }
        }
        if self.confined {
            Err(VfsError::Outside)
        } else {
            Ok(path.to_path_buf())
        }
    }

    /// The configuration path a backend path is mapped from, if any (for
    /// showing checkout paths in configuration terms).
    pub fn unmap(&self, backend_path: &Path) -> Option<PathBuf> {
        self.mounts.iter().find_map(|m| {
            backend_path
                .strip_prefix(&m.backend)
                .ok()
                .map(|rest| m.config.join(rest))
        })
    }

    /// The path to show the user for a configuration path: the backend's name
    /// for the mapped file (the checkout path), or the path itself.
    pub fn display_path(&self, config: &Path) -> PathBuf {
        match self.map(config) {
            Ok(backend_path) => self.backend.display(&backend_path),
            Err(_) => config.to_path_buf(),
        }
    }

    /// In confined mode: `path` lies strictly above a mapped root.
    fn is_mount_ancestor(&self, path: &Path) -> bool {
        self.confined
            && self
                .mounts
                .iter()
                .any(|m| m.config != path && m.config.starts_with(path))
    }

    fn lstat(&self, path: &Path) -> Result<Meta, VfsError> {
        Ok(self.backend.lstat(&self.map(path)?)?)
    }

    /// Resolves every symlink in `path` (the last component too when
    /// `follow_final`), returning the final path and what is there.
    pub fn resolve(&self, path: &Path, follow_final: bool) -> Result<Resolved, VfsError> {
        if !self.confined && self.mounts.is_empty() {
            // Paths as they are: let the backend follow links natively.
            let native = if follow_final {
                self.backend.stat_following(path)
            } else {
                None
            };
            if let Some(meta) = native {
                return Ok(Resolved {
                    path: path.to_path_buf(),
                    meta: meta?,
                });
            }
        }
        let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
            return self.resolve_from(PathBuf::from("/"), path, follow_final);
        };
        let dir = self.resolve_dir(parent)?;
        if dir.meta.kind != EntryKind::Dir {
            return Err(VfsError::NotADirectory);
        }
        self.resolve_from(dir.path, Path::new(name), follow_final)
    }

    /// Resolves a directory path, memoised.
    fn resolve_dir(&self, dir: &Path) -> Result<Resolved, VfsError> {
        if let Some(hit) = self.dirs.lock().ok().and_then(|m| m.get(dir).cloned()) {
            return hit;
        }
        let result = self.resolve_from(PathBuf::from("/"), dir, true);
        if let Ok(mut m) = self.dirs.lock() {
            m.insert(dir.to_path_buf(), result.clone());
        }
        result
    }

    /// Resolves `rest` (relative, or absolute to restart at `/`) below the
    /// already resolved directory `start`.
    fn resolve_from(
        &self,
        start: PathBuf,
        rest: &Path,
        follow_final: bool,
    ) -> Result<Resolved, VfsError> {
        let mut resolved = start;
        let mut meta = Meta {
            kind: EntryKind::Dir,
            len: 0,
        };
        let mut pending: VecDeque<OsString> = VecDeque::new();
        push_components(&mut pending, rest, &mut resolved, rest.is_absolute());
        let mut links = 0;
        while let Some(name) = pending.pop_front() {
            if name == ".." {
                resolved.pop();
                meta = Meta {
                    kind: EntryKind::Dir,
                    len: 0,
                };
                continue;
            }
            let candidate = resolved.join(&name);
            let m = if self.is_mount_ancestor(&candidate) {
                // A directory above a mapped root (`/etc` for `/etc/apache2`).
                Meta {
                    kind: EntryKind::Dir,
                    len: 0,
                }
            } else {
                self.lstat(&candidate)?
            };
            let is_last = pending.is_empty();
            if m.kind == EntryKind::Symlink && (follow_final || !is_last) {
                links += 1;
                if links > MAX_SYMLINKS {
                    return Err(VfsError::Loop);
                }
                let target = self.backend.read_link(&self.map(&candidate)?)?;
                let mut front = VecDeque::new();
                push_components(&mut front, &target, &mut resolved, target.is_absolute());
                while let Some(c) = front.pop_back() {
                    pending.push_front(c);
                }
                continue;
            }
            if !is_last && m.kind != EntryKind::Dir {
                return Err(VfsError::NotADirectory);
            }
            resolved = candidate;
            meta = m;
        }
        Ok(Resolved {
            path: resolved,
            meta,
        })
    }

    /// `stat`: follows symlinks. `/dev/null` is an empty file everywhere:
    /// httpd allows including it (the one exception to "regular files only").
    pub fn stat(&self, path: &Path) -> Result<Resolved, VfsError> {
        if path == Path::new(DEV_NULL) {
            return Ok(Resolved {
                path: path.to_path_buf(),
                meta: Meta {
                    kind: EntryKind::File,
                    len: 0,
                },
            });
        }
        if let Some(hit) = self.stats.lock().ok().and_then(|m| m.get(path).cloned()) {
            return hit;
        }
        let result = self.resolve(path, true);
        if let Ok(mut m) = self.stats.lock() {
            m.insert(path.to_path_buf(), result.clone());
        }
        result
    }

    /// Entries of a directory (symlinks in the directory's own path followed;
    /// entry kinds as `readdir` reports them, symlinks not followed).
    pub fn read_dir(&self, path: &Path) -> Result<(PathBuf, Vec<DirEntry>), VfsError> {
        let dir = self.stat(path)?;
        if dir.meta.kind != EntryKind::Dir {
            return Err(VfsError::NotADirectory);
        }
        if let Some(known) = self
            .listings
            .lock()
            .ok()
            .and_then(|l| l.get(&dir.path).cloned())
        {
            return Ok((dir.path, known));
        }
        let entries = self.read_resolved_dir(&dir.path)?;
        if let Ok(mut listings) = self.listings.lock() {
            listings.insert(dir.path.clone(), entries.clone());
        }
        Ok((dir.path, entries))
    }

    /// Entries of a directory whose path is already resolved: one a
    /// [`Vfs::read_dir`] returned, or a `Dir` entry (not a symlink) listed in
    /// one. Walking a tree this way resolves each directory once instead of
    /// every component of every path again.
    pub fn read_resolved_dir(&self, resolved: &Path) -> Result<Vec<DirEntry>, VfsError> {
        Ok(self.backend.read_dir(&self.map(resolved)?)?)
    }

    /// Reads a regular file, following symlinks. Never opens anything else
    /// (`/dev/null` reads as empty without being opened).
    pub fn read(&self, path: &Path) -> Result<Vec<u8>, VfsError> {
        if path == Path::new(DEV_NULL) {
            return Ok(Vec::new());
        }
        let target = self.stat(path)?;
        if target.meta.kind != EntryKind::File {
            return Err(VfsError::NotRegular);
        }
        Ok(self.backend.read(&self.map(&target.path)?)?)
    }
}

/// Queues the components of `path`. An absolute path restarts resolution at
/// the root.
fn push_components(
    out: &mut VecDeque<OsString>,
    path: &Path,
    resolved: &mut PathBuf,
    absolute: bool,
) {
    if absolute {
        *resolved = PathBuf::from("/");
    }
    for c in path.components() {
        match c {
            Component::Normal(n) => out.push_back(n.to_os_string()),
            Component::ParentDir => out.push_back(OsString::from("..")),
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::provider::MemBackend;

    fn vfs(mem: MemBackend) -> Vfs {
        Vfs::confined(
            Arc::new(mem),
            vec![Mount {
                config: "/etc/apache2".into(),
                backend: "/repo/apache2".into(),
            }],
        )
    }

    #[test]
    fn absolute_link_targets_stay_in_the_checkout() {
        let v = vfs(MemBackend::new()
            .file("/repo/apache2/sites-available/shop.conf", "ServerName shop")
            .symlink(
                "/repo/apache2/sites-enabled/shop.conf",
                "/etc/apache2/sites-available/shop.conf",
            )
            .symlink(
                "/repo/apache2/sites-enabled/rel.conf",
                "../sites-available/shop.conf",
            ));
        for link in ["shop.conf", "rel.conf"] {
            let path = Path::new("/etc/apache2/sites-enabled").join(link);
            assert_eq!(v.read(&path).unwrap(), b"ServerName shop");
            assert_eq!(
                v.stat(&path).unwrap().path,
                Path::new("/etc/apache2/sites-available/shop.conf")
            );
        }
    }

    #[test]
    fn paths_outside_the_tree_are_never_read() {
        let v = vfs(MemBackend::new()
            .file("/etc/shadow", "secret")
            .symlink("/repo/apache2/evil.conf", "/etc/shadow"));
        assert_eq!(v.read(Path::new("/etc/shadow")), Err(VfsError::Outside));
        assert_eq!(
            v.read(Path::new("/etc/apache2/evil.conf")),
            Err(VfsError::Outside)
        );
    }

    #[test]
    fn loops_and_specials_are_errors_not_hangs() {
        let v = vfs(MemBackend::new()
            .symlink("/repo/apache2/a", "b")
            .symlink("/repo/apache2/b", "a")
            .special("/repo/apache2/fifo"));
        assert_eq!(v.read(Path::new("/etc/apache2/a")), Err(VfsError::Loop));
        assert_eq!(
            v.read(Path::new("/etc/apache2/fifo")),
            Err(VfsError::NotRegular)
        );
    }
}
