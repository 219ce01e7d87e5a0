//! From "the path the user gave" to "what httpd would read": finds the root
//! file of a tree, decides between reading paths as they are (a live server's
//! `/etc/apache2`) and repository mode (a checkout whose files stand for
//! paths like `/etc/apache2/…`), and builds the path maps.
//!
//! Layouts recognised, for a directory PATH:
//! - a filesystem fragment: `PATH/etc/apache2/apache2.conf` or
//!   `PATH/etc/httpd/conf/httpd.conf` — PATH stands for `/`;
//! - a server root: `PATH/apache2.conf`, `PATH/httpd.conf` or
//!   `PATH/conf/httpd.conf` — PATH stands for the ServerRoot (the
//!   `ServerRoot` the root file sets, else the profile's compiled-in root).
//!
//! A file PATH is the root file; its directory plays the ServerRoot.
//!
//! Repository mode (reads confined to the mapped roots) is on when PATH is in
//! a git work tree, when it is a filesystem fragment, or when maps are given.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::provider::{Backend, EntryKind};
use super::vfs::{Mount, Vfs};

/// What the user asked for.
#[derive(Clone, Debug, Default)]
pub struct InputSpec {
    /// Absolute path of the tree or root file on the backend.
    pub path: PathBuf,
    /// `--map CONFIG=CHECKOUT` pairs (checkout paths absolute).
    pub maps: Vec<(PathBuf, PathBuf)>,
    /// `--server-root`: the ServerRoot as the configuration sees it.
    pub server_root: Option<PathBuf>,
    /// The compiled-in ServerRoot of the target (`/etc/apache2` on Debian).
    pub default_server_root: PathBuf,
    /// Repository mode regardless of a `.git` (the backend is a git tree).
    pub repository: bool,
}

/// The resolved input.
#[derive(Clone, Debug)]
pub struct Input {
    pub vfs: Vfs,
    /// The root file as the configuration names it.
    pub root_file: PathBuf,
    /// ServerRoot before the configuration sets one.
    pub server_root: PathBuf,
    /// A sentence for humans: how the input was understood.
    pub description: String,
}

fn kind(backend: &dyn Backend, path: &Path) -> Option<EntryKind> {
    backend.lstat(path).ok().map(|m| m.kind)
}

fn is_file(backend: &dyn Backend, path: &Path) -> bool {
    matches!(
        kind(backend, path),
        Some(EntryKind::File | EntryKind::Symlink)
    )
}

/// Is `path` inside a git work tree?
pub fn git_root(backend: &dyn Backend, path: &Path) -> Option<PathBuf> {
    let mut cur = Some(path);
    while let Some(dir) = cur {
        if kind(backend, &dir.join(".git")).is_some() {
            return Some(dir.to_path_buf());
        }
        cur = dir.parent();
    }
    None
}

/// The ServerRoot a root file sets, by a plain scan of its lines (the first
/// `ServerRoot` directive outside any section wins for mapping purposes).
fn scan_server_root(text: &[u8]) -> Option<PathBuf> {
    crate::syntax::lines::LogicalLines::new(text).find_map(|line| {
        let words = super::words_of(&line.text);
        match words.as_slice() {
            [name, value] if name.eq_ignore_ascii_case("ServerRoot") => Some(PathBuf::from(value)),
            _ => None,
        }
    })
}

/// Resolves the input.
pub fn resolve(backend: Arc<dyn Backend>, spec: &InputSpec) -> Result<Input, String> {
    let path = &spec.path;
    let b = backend.as_ref();
    let path_kind =
        kind(b, path).ok_or_else(|| format!("{}: No such file or directory", path.display()))?;

    if !spec.maps.is_empty() {
        let mounts: Vec<Mount> = spec
            .maps
            .iter()
            .map(|(config, checkout)| Mount {
                config: config.clone(),
                backend: checkout.clone(),
            })
            .collect();
        let vfs = Vfs::confined(backend.clone(), mounts);
        let root_backend = match path_kind {
            EntryKind::Dir => find_root_in(b, path).ok_or_else(|| {
                format!("{}: no apache2.conf or httpd.conf found", path.display())
            })?,
            _ => path.clone(),
        };
        let root_file = vfs
            .unmap(&root_backend)
            .ok_or_else(|| format!("{} is not under any --map checkout path", path.display()))?;
        let server_root = spec.server_root.clone().unwrap_or_else(|| {
            root_file
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| spec.default_server_root.clone())
        });
        return Ok(Input {
            vfs,
            root_file,
            server_root,
            description: "repository mode with the given path maps".to_string(),
        });
    }

    // A filesystem fragment: PATH stands for `/`.
    if path_kind == EntryKind::Dir {
        for (root, server_root) in [
            ("etc/apache2/apache2.conf", "/etc/apache2"),
            ("etc/httpd/conf/httpd.conf", "/etc/httpd"),
        ] {
            if is_file(b, &path.join(root)) {
                let vfs = Vfs::confined(
                    backend.clone(),
                    vec![Mount {
                        config: PathBuf::from("/"),
                        backend: path.clone(),
                    }],
                );
                return Ok(Input {
                    vfs,
                    root_file: Path::new("/").join(root),
                    server_root: spec
                        .server_root
                        .clone()
                        .unwrap_or_else(|| PathBuf::from(server_root)),
                    description: format!(
                        "{} stands for / (a filesystem layout); reads are confined to it",
                        path.display()
                    ),
                });
            }
        }
    }

    // A server root directory, or a root file.
    let (root_backend, tree_dir) = match path_kind {
        EntryKind::Dir => {
            let root = find_root_in(b, path).ok_or_else(|| {
                format!(
                    "{}: no apache2.conf, httpd.conf or conf/httpd.conf found",
                    path.display()
                )
            })?;
            (root, path.clone())
        }
        _ => {
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            let tree_dir = if dir.file_name().is_some_and(|n| n == "conf")
                && path.file_name().is_some_and(|n| n == "httpd.conf")
            {
                dir.parent().map(Path::to_path_buf).unwrap_or(dir)
            } else {
                dir
            };
            (path.clone(), tree_dir)
        }
    };
    let in_git = spec.repository || git_root(b, path).is_some();
    if !in_git {
        // Paths as they are, like `apache2 -d TREE -f ROOT`.
        let server_root = spec.server_root.clone().unwrap_or(tree_dir);
        return Ok(Input {
            vfs: Vfs::direct(backend.clone()),
            root_file: root_backend,
            server_root,
            description: "paths read as they are (not a repository)".to_string(),
        });
    }
    // Repository mode: the tree stands for the ServerRoot it declares.
    let declared = b
        .read(&root_backend)
        .ok()
        .and_then(|text| scan_server_root(&text));
    let config_root = spec
        .server_root
        .clone()
        .or(declared)
        .unwrap_or_else(|| spec.default_server_root.clone());
    let vfs = Vfs::confined(
        backend.clone(),
        vec![Mount {
            config: config_root.clone(),
            backend: tree_dir.clone(),
        }],
    );
    let root_file = vfs
        .unmap(&root_backend)
        .unwrap_or_else(|| config_root.join(root_backend.file_name().unwrap_or_default()));
    Ok(Input {
        vfs,
        root_file,
        server_root: config_root.clone(),
        description: format!(
            "{} stands for {} (repository mode); reads are confined to it",
            tree_dir.display(),
            config_root.display()
        ),
    })
}

/// The root file inside a server-root directory.
fn find_root_in(backend: &dyn Backend, dir: &Path) -> Option<PathBuf> {
    ["apache2.conf", "httpd.conf", "conf/httpd.conf"]
        .iter()
        .map(|name| dir.join(name))
        .find(|p| is_file(backend, p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::provider::MemBackend;

    fn spec(path: &str) -> InputSpec {
        InputSpec {
            path: path.into(),
            default_server_root: "/etc/apache2".into(),
            ..Default::default()
        }
    }

    #[test]
    fn filesystem_fragment_maps_root() {
        let mem = Arc::new(
            MemBackend::new()
                .file("/repo/ex/etc/apache2/apache2.conf", "")
                .dir("/repo/.git"),
        );
        let input = resolve(mem, &spec("/repo/ex")).unwrap();
        assert_eq!(input.root_file, Path::new("/etc/apache2/apache2.conf"));
        assert_eq!(input.server_root, Path::new("/etc/apache2"));
        assert!(input.vfs.is_confined());
        assert!(
            input
                .vfs
                .read(Path::new("/etc/apache2/apache2.conf"))
                .is_ok()
        );
    }

    #[test]
    fn repository_tree_stands_for_its_server_root() {
        let mem = Arc::new(
            MemBackend::new()
                .file("/repo/httpd/conf/httpd.conf", "ServerRoot \"/etc/httpd\"\n")
                .dir("/repo/.git"),
        );
        let input = resolve(mem, &spec("/repo/httpd")).unwrap();
        assert_eq!(input.root_file, Path::new("/etc/httpd/conf/httpd.conf"));
        assert_eq!(input.server_root, Path::new("/etc/httpd"));
    }

    #[test]
    fn outside_git_paths_are_as_they_are() {
        let mem = Arc::new(MemBackend::new().file("/etc/apache2/apache2.conf", ""));
        let input = resolve(mem, &spec("/etc/apache2")).unwrap();
        assert_eq!(input.root_file, Path::new("/etc/apache2/apache2.conf"));
        assert!(!input.vfs.is_confined());
    }
}
