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

    fn read(&self, path: &str) -> Result<Option<Vec<u8>>, Unknown> {
        match self.vfs.read(&self.absolute(path)) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(VfsError::Outside) | Err(VfsError::Io(_)) => Err(Unknown),
            Err(_) => Ok(None),
        }
    }
}
