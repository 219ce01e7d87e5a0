//! `AL301` ssl-cipher-weak.

use crate::model::openssl_ciphers::{
    A_NULL, Cipher, E_DES, E_NULL, E_RC2, E_RC4, M_MD5, S_EXPORT, S_LOW,
};
use crate::rules::context::{Context, Rule};

use super::report_cipher_class;

crate::declare_rule! {
    /// ## What it does
    /// Reports an `SSLCipherSuite`, `SSLProxyCipherSuite` or `SSLOpenSSLConfCmd CipherString`
    /// that enables broken suites: RC4, single DES, RC2, export-grade or LOW suites, MD5 MACs,
    /// unauthenticated (`aNULL`) or unencrypted (`eNULL`) suites. The string is evaluated as
    /// OpenSSL evaluates it (aliases such as `ALL`, `MEDIUM` or `kRSA`, `!`/`-`/`+`, with the
    /// `:!aNULL:!eNULL:!EXP` mod_ssl appends) over every suite an OpenSSL build may offer —
    /// Debian's OpenSSL 3 no longer has RC4 or DES, but the same line on another host does.
    /// Explicit lists such as Mozilla's intermediate and modern profiles pass.
    ///
    /// ## Why is this risky?
    /// RC4 has practical plaintext-recovery attacks (RFC 7465 forbids it), DES and export
    /// suites fall to brute force, MD5 MACs are forgeable, and `aNULL` suites let anyone in the
    /// middle impersonate the server. CIS item 7.5 requires weak ciphers disabled.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// SSLCipherSuite ALL:!ADH:RC4+RSA:+HIGH:+MEDIUM
    /// ```
    ///
    /// ```apache
    /// # after (Mozilla intermediate)
    /// SSLCipherSuite ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305
    /// ```
    ///
    /// ## References
    /// - <https://wiki.mozilla.org/Security/Server_Side_TLS>
    /// - <https://ssl-config.mozilla.org/>
    /// - CIS Apache HTTP Server 2.4 Benchmark, 7.5 "Ensure Weak SSL/TLS Ciphers Are Disabled"
    /// - RFC 7465 (prohibiting RC4)
    pub SSL_CIPHER_WEAK = {
        code: "AL301",
        name: "ssl-cipher-weak",
        family: Security,
        severity: Warning,
        blocks_check: false,
    }
}

/// The broken class a suite belongs to, if any.
fn weak_class(c: &Cipher) -> Option<&'static str> {
    if c.enc & E_RC4 != 0 {
        Some("RC4")
    } else if c.strength & S_EXPORT != 0 {
        Some("export-grade")
    } else if c.enc & (E_DES | E_RC2) != 0 || c.strength & S_LOW != 0 {
        Some("DES/RC2")
    } else if c.enc & E_NULL != 0 {
        Some("no encryption (eNULL)")
    } else if c.auth & A_NULL != 0 {
        Some("no authentication (aNULL)")
    } else if c.mac & M_MD5 != 0 {
        Some("MD5")
    } else {
        None
    }
}

pub struct SslCipherWeak;

impl Rule for SslCipherWeak {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SSL_CIPHER_WEAK
    }

    fn check(&self, ctx: &mut Context<'_>) {
        report_cipher_class(
            ctx,
            "broken suites",
            weak_class,
            "exclude them (`!RC4:!DES:!MD5:!EXPORT:!LOW`), or better list the suites you want: \
             Mozilla's intermediate profile is a good default",
        );
    }
}
