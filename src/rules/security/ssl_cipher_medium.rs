//! `AL302` ssl-cipher-medium.

use crate::model::openssl_ciphers::{Cipher, E_3DES, E_IDEA};
use crate::rules::context::{Context, Rule};

use super::report_cipher_class;

crate::declare_rule! {
    /// ## What it does
    /// Reports a cipher string (`SSLCipherSuite`, `SSLProxyCipherSuite`,
    /// `SSLOpenSSLConfCmd CipherString`) that enables suites with a 64-bit block cipher:
    /// 3DES (`DES-CBC3-SHA` …) and IDEA — typically through `MEDIUM`, `ALL` or `3DES`. The
    /// evaluation is OpenSSL's (see `ssl-cipher-weak`), over every suite an OpenSSL build
    /// may offer.
    ///
    /// ## Why is this risky?
    /// 64-bit blocks collide after a few dozen gigabytes on one connection: the Sweet32
    /// attack (CVE-2016-2183) recovers cookies from long-lived HTTPS sessions. CIS item 7.8
    /// requires medium-strength ciphers disabled; Mozilla keeps 3DES only in its "old"
    /// profile, for Windows XP-era clients.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// SSLCipherSuite HIGH:MEDIUM:!aNULL:!MD5
    /// ```
    ///
    /// ```apache
    /// # after
    /// SSLCipherSuite HIGH:!aNULL:!MD5:!3DES
    /// ```
    ///
    /// ## References
    /// - <https://sweet32.info/>
    /// - <https://wiki.mozilla.org/Security/Server_Side_TLS>
    /// - CIS Apache HTTP Server 2.4 Benchmark, 7.8 "Ensure Medium Strength SSL/TLS Ciphers Are Disabled"
    pub SSL_CIPHER_MEDIUM = {
        code: "AL302",
        name: "ssl-cipher-medium",
        family: Security,
        severity: Warning,
        blocks_check: false,
    }
}

fn medium_class(c: &Cipher) -> Option<&'static str> {
    if c.enc & E_3DES != 0 {
        Some("3DES")
    } else if c.enc & E_IDEA != 0 {
        Some("IDEA")
    } else {
        None
    }
}

pub struct SslCipherMedium;

impl Rule for SslCipherMedium {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SSL_CIPHER_MEDIUM
    }

    fn check(&self, ctx: &mut Context<'_>) {
        report_cipher_class(
            ctx,
            "64-bit block suites (Sweet32)",
            medium_class,
            "add `:!3DES:!IDEA`, or list the suites you want (Mozilla's intermediate profile)",
        );
    }
}
