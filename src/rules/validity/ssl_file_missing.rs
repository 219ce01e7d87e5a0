//! `AL170` ssl-file-missing.

use crate::rules::context::{Context, Rule};

use super::target_paths::{holder_is_seen, is_directory, server_root_relative};
use super::tls::directives_named;

crate::declare_rule! {
    /// ## What it does
    /// Reports a mod_ssl file or directory that does not exist on the target: a certificate,
    /// key, chain, CA or revocation file that is missing or empty, a CA or revocation
    /// directory that is missing, and the file and directory arguments of
    /// `SSLOpenSSLConfCmd`. Relative paths are taken relative to `ServerRoot`, as httpd does.
    /// When apachelint cannot know (the path is outside the checked tree, as `/etc/ssl` is in
    /// a CI checkout) it says nothing.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start: `SSLCertificateFile: file '/etc/ssl/certs/shop.pem' does not
    /// exist or is empty`. A renewed certificate written under a new name, or a key removed
    /// before the configuration that names it, takes every site of the server down on the
    /// next reload.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// SSLCertificateFile /etc/ssl/certs/shop-2023.pem
    /// ```
    ///
    /// ```apache
    /// # after
    /// SSLCertificateFile /etc/ssl/certs/shop-2024.pem
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#sslcertificatefile>
    pub SSL_FILE_MISSING = {
        code: "AL170",
        name: "ssl-file-missing",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

/// Directives whose one argument must be a non-empty regular file.
const FILE_DIRECTIVES: &[&str] = &[
    "SSLCertificateFile",
    "SSLCertificateKeyFile",
    "SSLCertificateChainFile",
    "SSLSessionTicketKeyFile",
    "SSLCACertificateFile",
    "SSLCADNRequestFile",
    "SSLCARevocationFile",
    "SSLProxyCACertificateFile",
    "SSLProxyCARevocationFile",
    "SSLProxyMachineCertificateFile",
    "SSLProxyMachineCertificateChainFile",
    "SSLSRPVerifierFile",
    "SSLOCSPResponderCertificateFile",
];

/// Directives whose one argument must be a directory.
const DIR_DIRECTIVES: &[&str] = &[
    "SSLCACertificatePath",
    "SSLCADNRequestPath",
    "SSLCARevocationPath",
    "SSLProxyCACertificatePath",
    "SSLProxyCARevocationPath",
    "SSLProxyMachineCertificatePath",
];

/// `SSLOpenSSLConfCmd` commands taking a file (`SSL_CONF_TYPE_FILE`).
const CONF_CMD_FILES: &[&str] = &[
    "Certificate",
    "PrivateKey",
    "ServerInfoFile",
    "ChainCAFile",
    "VerifyCAFile",
    "RequestCAFile",
    "ClientCAFile",
    "DHParameters",
];

/// `SSLOpenSSLConfCmd` commands taking a directory (`SSL_CONF_TYPE_DIR`).
const CONF_CMD_DIRS: &[&str] = &[
    "ChainCAPath",
    "VerifyCAPath",
    "RequestCAPath",
    "ClientCAPath",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    File,
    Dir,
}

pub struct SslFileMissing;

impl Rule for SslFileMissing {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SSL_FILE_MISSING
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let wanted = FILE_DIRECTIVES
            .iter()
            .map(|d| (*d, Want::File))
            .chain(DIR_DIRECTIVES.iter().map(|d| (*d, Want::Dir)));
        for (directive, want) in wanted {
            for id in directives_named(ctx, directive) {
                let node = ctx.node(id);
                let [path] = node.args.as_slice() else {
                    continue;
                };
                // Engine and provider keys are not files (`modssl_is_engine_id`).
                let engine_key =
                    matches!(directive, "SSLCertificateFile" | "SSLCertificateKeyFile")
                        && path.value.starts_with("pkcs11:");
                if path.value.is_empty() || engine_key {
                    continue;
                }
                check_path(ctx, id, 0, want);
            }
        }
        for id in directives_named(ctx, "SSLOpenSSLConfCmd") {
            let node = ctx.node(id);
            let [command, value] = node.args.as_slice() else {
                continue;
            };
            let is = |names: &[&str]| names.iter().any(|n| n.eq_ignore_ascii_case(&command.value));
            let want = if is(CONF_CMD_FILES) {
                Want::File
            } else if is(CONF_CMD_DIRS) {
                Want::Dir
            } else {
                continue;
            };
            if !value.value.is_empty() {
                check_path(ctx, id, 1, want);
            }
        }
    }
}

/// Reports argument `arg` of `id` when the target lacks it.
fn check_path(ctx: &mut Context<'_>, id: crate::load::tree::NodeId, arg: usize, want: Want) {
    let node = ctx.node(id);
    let Some(written) = node.arg(arg) else { return };
    let path = server_root_relative(&ctx.config.server_root, written);
    let directive = ctx.config.canonical_name(&node.name);
    let (message, label) = match want {
        Want::File => match ctx.facts.file_size(&path) {
            Ok(Some(size)) if size > 0 => return,
            Ok(Some(_)) => ("does not exist or is empty", "this file is empty"),
            Ok(None) if holder_is_seen(ctx, &path) => {
                ("does not exist or is empty", "no such file")
            }
            _ => return,
        },
        Want::Dir => match is_directory(ctx, &path) {
            Some(false) => ("does not exist", "no such directory"),
            _ => return,
        },
    };
    let kind = if want == Want::File {
        "file"
    } else {
        "directory"
    };
    let span = node.arg_span(arg);
    let f = ctx.httpd_error(id, span, format!("{directive}: {kind} '{path}' {message}"));
    f.primary_label = Some(label.to_string());
    f.help = Some(format!(
        "httpd checks this {kind} when it reads the configuration and refuses to start without it: \
         install it on the target before deploying this configuration, or fix the path"
    ));
}
