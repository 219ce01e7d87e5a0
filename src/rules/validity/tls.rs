//! Helpers shared by the mod_ssl rules: which lines to look at, and how a
//! start-up failure (one `apache2 -t` does not see) is reported.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::finding::{Finding, Stage};
use crate::load::tree::NodeId;
use crate::model::mod_ssl::{TlsServer, vhost_id};
use crate::model::pki::{self, CertificateFile, KeyFile, KeyMatch};
use crate::rules::context::Context;

use super::checked_nodes::nodes_to_check;
use super::target_paths::server_root_relative;

/// The directive nodes named `name` a value rule checks (see
/// [`nodes_to_check`]), for the TLS rules of every family.
pub(crate) fn directives_named(ctx: &Context<'_>, name: &str) -> Vec<NodeId> {
    nodes_to_check(ctx, name)
        .into_iter()
        .map(|(id, _)| id)
        .collect()
}

/// Marks a finding as a start-up failure and gives httpd's log lines.
pub(crate) fn startup_failure(finding: &mut Finding, log_lines: &[String], fix: &str) {
    let logged: Vec<String> = log_lines.iter().map(|l| format!("`{l}`")).collect();
    finding.stage = Stage::Startup;
    finding.help = Some(format!(
        "`apache2 -t` passes, but the server will not start; it logs {}. {fix}",
        logged.join(", then ")
    ));
}

/// A certificate and the key mod_ssl pairs it with (`SSLCertificateKeyFile`
/// number `index`, or the certificate file itself when there are fewer
/// keys than certificates).
pub(crate) struct CertificatePair {
    pub index: usize,
    pub cert: NodeId,
    pub cert_path: String,
    /// `None`: the key is read from the certificate file.
    pub key: Option<NodeId>,
    pub key_path: String,
}

/// Why a pair fails at start-up.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum PairFailure {
    /// AH02561/AH02562: no PEM certificate in the certificate file.
    NoCertificate,
    /// AH02564: no PEM private key in the key file.
    NoKey,
    /// AH02565: the key does not belong to the certificate.
    Mismatch,
    /// AH02578 then AH02564: an encrypted key and the built-in pass phrase
    /// dialog, which needs a terminal.
    Encrypted,
}

/// The first certificate/key pair of a TLS server that fails at start-up
/// (`ssl_init_server_certs` stops there), when apachelint can tell: files it
/// cannot read, or cannot decode, end the analysis silently.
fn first_pair_failure(
    ctx: &Context<'_>,
    server: &TlsServer,
    verdicts: &PairVerdicts,
) -> Option<(CertificatePair, PairFailure)> {
    let config = ctx.config;
    let keys: Vec<NodeId> = server.all(config, "SSLCertificateKeyFile").collect();
    for (index, cert) in server.all(config, "SSLCertificateFile").enumerate() {
        let cert_arg = config.node(cert).arg(0)?;
        let key = keys.get(index).copied();
        let key_arg = key.map_or(Some(cert_arg), |k| config.node(k).arg(0))?;
        if cert_arg.starts_with("pkcs11:") || key_arg.starts_with("pkcs11:") {
            return None;
        }
        let pair = CertificatePair {
            index,
            cert,
            cert_path: server_root_relative(&config.server_root, cert_arg),
            key,
            key_path: server_root_relative(&config.server_root, key_arg),
        };
        match verdicts.of(ctx, &pair.cert_path, &pair.key_path) {
            PairVerdict::Starts => {}
            PairVerdict::Fails(failure) => return Some((pair, failure)),
            PairVerdict::Unknown => return None,
        }
    }
    None
}

/// What mod_ssl makes of one certificate file and key file.
#[derive(Clone, Copy)]
enum PairVerdict {
    Starts,
    Fails(PairFailure),
    /// A file apachelint cannot read or decode: it says nothing.
    Unknown,
}

/// Pair verdicts by (certificate path, key path): thousands of vhosts often
/// share one certificate, which is then read and decoded once.
#[derive(Default)]
struct PairVerdicts(Mutex<HashMap<(String, String), PairVerdict>>);

impl PairVerdicts {
    fn of(&self, ctx: &Context<'_>, cert_path: &str, key_path: &str) -> PairVerdict {
        let key = (cert_path.to_string(), key_path.to_string());
        if let Some(&known) = self.0.lock().ok().as_ref().and_then(|m| m.get(&key)) {
            return known;
        }
        let verdict = pair_verdict(ctx, cert_path, key_path);
        if let Ok(mut known) = self.0.lock() {
            known.insert(key, verdict);
        }
        verdict
    }
}

fn pair_verdict(ctx: &Context<'_>, cert_path: &str, key_path: &str) -> PairVerdict {
    let Ok(Some(cert_bytes)) = ctx.facts.read(cert_path) else {
        return PairVerdict::Unknown;
    };
    let cert_public = match pki::read_certificate(&cert_bytes) {
        CertificateFile::NoCertificate => return PairVerdict::Fails(PairFailure::NoCertificate),
        CertificateFile::Undecodable => return PairVerdict::Unknown,
        CertificateFile::Certificate { public, .. } => public,
    };
    let Ok(Some(key_bytes)) = ctx.facts.read(key_path) else {
        return PairVerdict::Unknown;
    };
    let key_public = match pki::read_private_key(&key_bytes) {
        KeyFile::NoKey => return PairVerdict::Fails(PairFailure::NoKey),
        KeyFile::Encrypted if builtin_pass_phrase_dialog(ctx) => {
            return PairVerdict::Fails(PairFailure::Encrypted);
        }
        KeyFile::Encrypted | KeyFile::Undecodable => return PairVerdict::Unknown,
        KeyFile::Key(public) => public,
    };
    match (cert_public, key_public) {
        (Some(c), Some(k)) if pki::key_matches(&c, &k) == KeyMatch::Mismatch => {
            PairVerdict::Fails(PairFailure::Mismatch)
        }
        _ => PairVerdict::Starts,
    }
}

/// Whether pass phrases come from the built-in dialog (a terminal prompt):
/// the global `SSLPassPhraseDialog`, `builtin` unless set otherwise.
fn builtin_pass_phrase_dialog(ctx: &Context<'_>) -> bool {
    ctx.named("SSLPassPhraseDialog")
        .iter()
        .rev()
        .find(|&&id| ctx.node(id).active)
        .is_none_or(|&id| {
            ctx.node(id)
                .arg(0)
                .is_some_and(|v| v.eq_ignore_ascii_case("builtin"))
        })
}

/// A server mod_ssl initialises at start-up (`SSLEngine on`) and the first
/// certificate/key pair of it that fails, when apachelint can tell.
pub(crate) struct TlsStartup {
    pub server: TlsServer,
    pub failure: Option<(CertificatePair, PairFailure)>,
}

/// The servers whose first failing pair fails with `kind`: the server, the
/// pair, and the node a finding points at (the key file's directive, or the
/// certificate's when the key is read from it), with mod_ssl's name for the
/// pair in its log lines (`shop.example:443:0`).
pub(crate) fn pair_failures<'a>(
    ctx: &Context<'a>,
    kind: PairFailure,
) -> Vec<(&'a TlsServer, &'a CertificatePair, NodeId, String)> {
    ctx.tls_startup()
        .iter()
        .filter_map(|startup| match &startup.failure {
            Some((pair, failure)) if *failure == kind => {
                let key_id = format!("{}:{}", vhost_id(ctx.config, &startup.server), pair.index);
                Some((&startup.server, pair, pair.key.unwrap_or(pair.cert), key_id))
            }
            _ => None,
        })
        .collect()
}

/// Every server with `SSLEngine on`, with its first failing pair; use
/// [`Context::tls_startup`], which computes this once per check.
pub(crate) fn tls_startup(ctx: &Context<'_>) -> Vec<TlsStartup> {
    use rayon::prelude::*;
    // Reading and decoding thousands of certificates and keys: in parallel.
    let verdicts = PairVerdicts::default();
    ctx.tls_servers()
        .par_iter()
        .filter(|s| s.engine_on(ctx.config).is_some())
        .map(|server| TlsStartup {
            server: server.clone(),
            failure: first_pair_failure(ctx, server, &verdicts),
        })
        .collect()
}
