//! `AL187` ssl-private-key-encrypted.

use crate::rules::context::{Context, Rule};

use super::tls::{PairFailure, pair_failures, startup_failure};

crate::declare_rule! {
    /// ## What it does
    /// Reports a TLS server whose private key is encrypted with a pass phrase
    /// (`-----BEGIN ENCRYPTED PRIVATE KEY-----`, or `Proc-Type: 4,ENCRYPTED` in a
    /// traditional PEM key) while `SSLPassPhraseDialog` is `builtin` (the default): the
    /// built-in dialog asks on a terminal, and a server started by systemd, `apache2ctl` in
    /// a script or a deployment tool has none. An `exec:` or `|` dialog that supplies the
    /// phrase is left alone.
    ///
    /// ## Why is this risky?
    /// `apache2 -t` says `Syntax OK`; the server does not start without a terminal:
    /// `AH02578: Init: Unable to read pass phrase [Hint: key introduced or changed before
    /// restart?]`, then `AH02564: Failed to configure encrypted (?) private key
    /// shop.example:443:0, check /etc/ssl/private/shop.key`. A reload or a reboot takes the
    /// server down until someone types the phrase.
    ///
    /// ## Example
    /// ```apache
    /// # before: shop.key is encrypted
    /// SSLCertificateKeyFile /etc/ssl/private/shop.key
    /// ```
    ///
    /// ```apache
    /// # after: decrypted once (openssl pkey -in shop.key -out shop.key.plain), readable by root only
    /// SSLCertificateKeyFile /etc/ssl/private/shop.key.plain
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#sslpassphrasedialog>
    /// - <https://httpd.apache.org/docs/2.4/ssl/ssl_faq.html#removepassphrase>
    pub SSL_PRIVATE_KEY_ENCRYPTED = {
        code: "AL187",
        name: "ssl-private-key-encrypted",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

pub struct SslPrivateKeyEncrypted;

impl Rule for SslPrivateKeyEncrypted {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SSL_PRIVATE_KEY_ENCRYPTED
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let config = ctx.config;
        for (_, pair, node, key_id) in pair_failures(ctx, PairFailure::Encrypted) {
            let span = config.node(node).arg_span(0);
            let f = ctx.report(
                node,
                span,
                format!(
                    "'{}' is encrypted and no pass phrase dialog can answer without a terminal",
                    pair.key_path
                ),
            );
            f.primary_label = Some("SSLPassPhraseDialog builtin asks on a terminal".to_string());
            startup_failure(
                f,
                &[
                    "AH02578: Init: Unable to read pass phrase [Hint: key introduced or changed before restart?]"
                        .to_string(),
                    format!(
                        "AH02564: Failed to configure encrypted (?) private key {key_id}, check {}",
                        pair.key_path
                    ),
                ],
                "Store the key unencrypted (root-readable only), or give \
                 `SSLPassPhraseDialog exec:/path/to/program` that prints the phrase.",
            );
        }
    }
}
