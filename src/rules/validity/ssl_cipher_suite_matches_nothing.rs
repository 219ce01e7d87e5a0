//! `AL185` ssl-cipher-suite-matches-nothing.

use crate::load::tree::NodeId;
use crate::model::openssl_ciphers::{self, Universe};
use crate::rules::context::{Context, Rule};

use super::tls::startup_failure;

crate::declare_rule! {
    /// ## What it does
    /// Reports the `SSLCipherSuite` of a TLS server that leaves OpenSSL no suite to offer, or
    /// that OpenSSL cannot parse. apachelint evaluates the cipher string as OpenSSL 3.0 does
    /// (aliases, `+` intersections, `!`/`-`/`+` actions, and the `:!aNULL:!eNULL:!EXP` mod_ssl
    /// always appends) over the suites Debian's OpenSSL offers — so a list of RC4 or 3DES
    /// suites, which this OpenSSL does not have, matches nothing. For `SSLCipherSuite TLSv1.3`
    /// it checks that at least one name is a TLS 1.3 suite. Strings using aliases the model
    /// does not evaluate (GOST, Suite B) are left alone.
    ///
    /// ## Why is this risky?
    /// httpd never parses the cipher string under `apache2 -t`, which says `Syntax OK`; the
    /// server does not start: `AH01898: Unable to configure permitted SSL ciphers` with
    /// OpenSSL's `no cipher match`.
    ///
    /// ## Example
    /// ```apache
    /// # before: TLS 1.3 names in the TLS 1.2 list
    /// SSLCipherSuite TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384
    /// ```
    ///
    /// ```apache
    /// # after
    /// SSLCipherSuite TLSv1.3 TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#sslciphersuite>
    /// - <https://docs.openssl.org/3.0/man1/openssl-ciphers/>
    pub SSL_CIPHER_SUITE_MATCHES_NOTHING = {
        code: "AL185",
        name: "ssl-cipher-suite-matches-nothing",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct SslCipherSuiteMatchesNothing;

impl Rule for SslCipherSuiteMatchesNothing {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SSL_CIPHER_SUITE_MATCHES_NOTHING
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for startup in ctx.tls_startup() {
            let server = &startup.server;
            let suites: Vec<NodeId> = server.all(ctx.config, "SSLCipherSuite").collect();
            let form = |id: &NodeId, protocol: &str| {
                let args: Vec<&str> = ctx.node(*id).arg_values().collect();
                match args.as_slice() {
                    [_] => protocol == "SSL",
                    [p, _] => *p == protocol,
                    _ => false,
                }
            };
            let tls12 = suites.iter().rev().find(|id| form(id, "SSL")).copied();
            let tls13 = suites.iter().rev().find(|id| form(id, "TLSv1.3")).copied();
            if let Some(id) = tls12 {
                check_tls12(ctx, id);
            }
            if let Some(id) = tls13 {
                check_tls13(ctx, id);
            }
        }
    }
}

fn check_tls12(ctx: &mut Context<'_>, id: NodeId) {
    let node = ctx.node(id);
    let last = node.args.len().saturating_sub(1);
    let Some(list) = node.arg(last) else { return };
    let eval =
        openssl_ciphers::evaluate(&format!("{list}:!aNULL:!eNULL:!EXP"), Universe::Installed);
    if eval.uncertain || (!eval.invalid && !eval.enabled.is_empty()) {
        return;
    }
    let message = if eval.invalid {
        format!("OpenSSL cannot parse the cipher string '{list}'")
    } else {
        format!("no cipher suite this OpenSSL offers matches '{list}'")
    };
    let f = ctx.report(id, node.arg_span(last), message);
    f.primary_label = Some(if eval.invalid {
        "a character outside OpenSSL's cipher grammar, or an unknown `@` command".to_string()
    } else {
        "TLS 1.3 names, suites this OpenSSL lacks (RC4, 3DES …) and unknown words match nothing"
            .to_string()
    });
    startup_failure(
        f,
        &["AH01898: Unable to configure permitted SSL ciphers".to_string()],
        "Check the string with `openssl ciphers -v 'STRING'`; TLS 1.3 suites go in \
         `SSLCipherSuite TLSv1.3 …`.",
    );
}

fn check_tls13(ctx: &mut Context<'_>, id: NodeId) {
    let node = ctx.node(id);
    let Some(list) = node.arg(1) else { return };
    if list.is_empty() || !openssl_ciphers::tls13_suites(list).is_empty() {
        return;
    }
    let f = ctx.report(
        id,
        node.arg_span(1),
        format!("no TLS 1.3 suite in '{list}'"),
    );
    startup_failure(
        f,
        &["AH10127: Unable to configure permitted TLSv1.3 ciphers".to_string()],
        &format!(
            "TLS 1.3 suites are {}.",
            openssl_ciphers::TLS13_SUITES.join(", ")
        ),
    );
}
