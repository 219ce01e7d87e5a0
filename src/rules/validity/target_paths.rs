//! Paths as httpd's handlers resolve them (`ap_server_root_relative`), and
//! what is known about them on the target: through [`TargetFacts`] when the
//! path lies in the checked tree, and — whatever the tree — that a path still
//! holding a literal `${NAME}` (a variable that was never defined) names
//! nothing that exists.
//!
//! In repository mode a path is judged missing only when the checkout holds
//! the directory that should hold it: a checkout of the configuration (even
//! one standing for `/`) rarely holds the module directory, the logs or the
//! document roots, and their absence there says nothing about the server.
//!
//! [`TargetFacts`]: crate::rules::context::TargetFacts

use std::path::{Path, PathBuf};

use crate::load::tree::NodeId;
use crate::rules::context::Context;

/// `ap_server_root_relative(root, path)`: absolute paths as they are,
/// others under `root`, normalised as `apr_filepath_merge` does (`//`, `.`
/// and `..` resolved lexically; a trailing `/` kept).
pub(crate) fn server_root_relative(root: &Path, path: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{}/{path}", root.to_string_lossy())
    };
    let mut parts: Vec<&str> = Vec::new();
    for segment in joined.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            name => parts.push(name),
        }
    }
    let mut out = format!("/{}", parts.join("/"));
    if joined.ends_with('/') && out != "/" {
        out.push('/');
    }
    out
}

/// `ap_make_dirstr_parent(path)`: the directory part, with its trailing `/`.
pub(crate) fn parent_directory(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..=i])
}

/// The first `${NAME}` left literally in an active directive's value: the
/// loader substitutes every defined variable, so what remains was undefined
/// when the line was read.
pub(crate) fn literal_variable(value: &str) -> Option<&str> {
    let start = value.find("${")?;
    let len = value[start..].find('}')?;
    Some(&value[start..=start + len])
}

/// Whether `path` (absolute) is an existing directory on the target:
/// `Some(false)` when it holds a literal `${NAME}` or when it is missing from
/// a directory known to exist, `Some(true)` when it exists, `None` when
/// nobody knows.
pub(crate) fn is_directory(ctx: &Context<'_>, path: &str) -> Option<bool> {
    if literal_variable(path).is_some() {
        return Some(false);
    }
    match ctx.facts.is_dir(path).ok()? {
        true => Some(true),
        false => holder_is_seen(ctx, path).then_some(false),
    }
}

/// Whether a missing `path` (absolute) means something: on the target
/// always; in a checkout only when the directory that should hold it is
/// there.
pub(crate) fn holder_is_seen(ctx: &Context<'_>, path: &str) -> bool {
    if !ctx.facts.is_checkout() {
        return true;
    }
    let holder = parent_directory(path.trim_end_matches('/'));
    !holder.is_empty() && ctx.facts.is_dir(holder) == Ok(true)
}

/// Debian's `apache2ctl` (which the service uses) creates `APACHE_RUN_DIR`
/// and `APACHE_LOCK_DIR` from `envvars` before every run: those need not
/// exist beforehand.
pub(crate) fn created_by_apache2ctl(ctx: &Context<'_>, path: &str) -> bool {
    let env = ctx.config.vars.env();
    ["APACHE_RUN_DIR", "APACHE_LOCK_DIR"]
        .iter()
        .filter_map(|name| env.get(*name))
        .any(|dir| {
            server_root_relative(&ctx.config.server_root, dir).trim_end_matches('/')
                == path.trim_end_matches('/')
        })
}

/// The ServerRoot in force when httpd read `node` (directives that run while
/// reading, such as `LoadModule`, resolve against it): the last active
/// `ServerRoot` before it, or the starting root when the configuration sets
/// none before it. `None` when only a later `ServerRoot` exists, which hides
/// the starting root.
pub(crate) fn server_root_when_read(ctx: &Context<'_>, node: NodeId) -> Option<PathBuf> {
    let settings: Vec<NodeId> = ctx
        .named("ServerRoot")
        .iter()
        .copied()
        .filter(|&id| ctx.node(id).active && ctx.node(id).args.len() == 1)
        .collect();
    match settings.iter().rev().find(|&&id| id < node) {
        Some(&id) => Some(crate::load::normalize(Path::new(
            ctx.node(id).arg(0).unwrap_or(""),
        ))),
        None if settings.is_empty() => Some(ctx.config.server_root.clone()),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_like_apr_filepath_merge() {
        let root = Path::new("/etc/apache2");
        assert_eq!(server_root_relative(root, "/x/y"), "/x/y");
        assert_eq!(
            server_root_relative(root, "/nonexistent//dir/./x/../y"),
            "/nonexistent/dir/y"
        );
        assert_eq!(server_root_relative(root, "/a/b/"), "/a/b/");
        assert_eq!(server_root_relative(root, "logs/x"), "/etc/apache2/logs/x");
        assert_eq!(server_root_relative(root, "../../../x"), "/x");
        assert_eq!(server_root_relative(root, "/"), "/");
    }

    #[test]
    fn parent_keeps_the_slash() {
        assert_eq!(
            parent_directory("/var/log/apache2/error.log"),
            "/var/log/apache2/"
        );
        assert_eq!(parent_directory("/x"), "/");
        assert_eq!(parent_directory("/x/"), "/x/");
    }

    #[test]
    fn finds_literal_variables() {
        assert_eq!(
            literal_variable("${APACHE_LOG_DIR}/error.log"),
            Some("${APACHE_LOG_DIR}")
        );
        assert_eq!(literal_variable("/var/log"), None);
        assert_eq!(literal_variable("${unterminated"), None);
    }
}
