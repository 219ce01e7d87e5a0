//! Facts about the target's files, answered through the [`Vfs`]: in
//! repository mode a path outside the checked tree is *unknown* (never a
//! false "missing file" because the CI runner lacks `/etc/ssl`); on the
//! target itself every answer is real.

use std::path::{Path, PathBuf};

use super::provider::EntryKind;
use super::vfs::{Vfs, VfsError};
use crate::rules::context::{TargetFacts, Unknown};

/// [`TargetFacts`] read through a [`Vfs`].
pub struct VfsFacts<'a> {
    pub vfs: &'a Vfs,
    /// Relative paths are taken relative to it (`ap_server_root_relative`).
    pub server_root: PathBuf,
    /// `--assume-files-exist`: every file a directive names exists.
    pub assume_files_exist: bool,
}

impl VfsFacts<'_> {
    fn absolute(&self, path: &str) -> PathBuf {
        let p = Path::new(path);
        if p.is_absolute() {
            super::normalize(p)
        } else {
            super::normalize(&self.server_root.join(p))
        }
    }
}

impl TargetFacts for VfsFacts<'_> {
    fn file_size(&self, path: &str) -> Result<Option<u64>, Unknown> {
        if self.assume_files_exist {
            return Err(Unknown);
        }
        match self.vfs.stat(&self.absolute(path)) {
            Ok(r) if r.meta.kind == EntryKind::File => Ok(Some(r.meta.len)),
            Ok(_) => Ok(None),
            Err(VfsError::Outside) | Err(VfsError::Io(_)) => Err(Unknown),
            Err(_) => Ok(None),
        }
    }

    fn is_dir(&self, path: &str) -> Result<bool, Unknown> {
        if self.assume_files_exist {
            return Err(Unknown);
        }
        match self.vfs.stat(&self.absolute(path)) {
            Ok(r) => Ok(r.meta.kind == EntryKind::Dir),
            Err(VfsError::Outside) | Err(VfsError::Io(_)) => Err(Unknown),
            Err(_) => Ok(false),
        }
    }

    fn list_dir(&self, dir: &str) -> Result<Vec<(String, bool)>, Unknown> {
        if self.assume_files_exist {
            return Err(Unknown);
        }
        match self.vfs.read_dir(&self.absolute(dir)) {
            Ok((_, entries)) => Ok(entries
                .into_iter()
                .map(|e| {
                    (
                        e.name.to_string_lossy().into_owned(),
                        e.kind == EntryKind::Dir,
                    )
                })
                .collect()),
            Err(VfsError::Outside | VfsError::Io(_)) => Err(Unknown),
            Err(_) => Ok(Vec::new()),
        }
    }

    fn find_files(&self, dir: &str, name: &str) -> Result<Vec<String>, Unknown> {
        /// Limits for walking a document root.
        const MAX_DEPTH: usize = 16;
        const MAX_ENTRIES: usize = 50_000;
        let root = self.absolute(dir);
        let (resolved_root, root_entries) = match self.vfs.read_dir(&root) {
            Ok(listing) => listing,
            Err(VfsError::Outside | VfsError::Io(_)) => return Err(Unknown),
            Err(_) => return Ok(Vec::new()),
        };
        let mut found = Vec::new();
        // (path as shown, resolved path, its entries, depth)
        let mut stack = vec![(root, resolved_root, root_entries, 0usize)];
        let mut seen = 0usize;
        while let Some((shown, resolved, entries, depth)) = stack.pop() {
            for e in entries {
                seen += 1;
                if seen > MAX_ENTRIES {
                    break;
                }
                match e.kind {
                    EntryKind::Dir if depth < MAX_DEPTH => {
                        let child = resolved.join(&e.name);
                        if let Ok(child_entries) = self.vfs.read_resolved_dir(&child) {
                            stack.push((shown.join(&e.name), child, child_entries, depth + 1));
                        }
                    }
                    EntryKind::File | EntryKind::Symlink if e.name == name => {
                        found.push(shown.join(&e.name).display().to_string())
                    }
                    _ => {}
                }
            }
        }
        found.sort();
        Ok(found)
    }

    fn is_checkout(&self) -> bool {
        self.vfs.is_confined()
    }

    fn display_path(&self, path: &str) -> String {
        self.vfs
            .display_path(&self.absolute(path))
            .display()
            .to_string()
    }

    fn read(&self, path: &str) -> Result<Option<Vec<u8>>, Unknown> {
        match self.vfs.read(&self.absolute(path)) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(VfsError::Outside) | Err(VfsError::Io(_)) => Err(Unknown),
            Err(_) => Ok(None),
        }
    }
}
