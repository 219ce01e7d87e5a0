//! `AL303` ssl-no-forward-secrecy.

use crate::model::openssl_ciphers::{Cipher, K_DHE, K_DHEPSK, K_ECDHE, K_ECDHEPSK};
use crate::rules::context::{Context, Rule};

use super::report_cipher_class;

crate::declare_rule! {
    /// ## What it does
    /// Notes a cipher string that enables suites without forward secrecy: static RSA key
    /// exchange (`AES128-GCM-SHA256`, `AES256-SHA` …, all of `kRSA`), plain PSK and SRP —
    /// what `HIGH` and `ALL` bring in unless `!kRSA` follows.
    ///
    /// ## Why is this risky?
    /// With static RSA key exchange, whoever obtains the server's private key later (a
    /// stolen backup, a compelled disclosure) can decrypt every recorded session. Mozilla's
    /// intermediate profile offers only ECDHE and DHE suites for TLS 1.2; CIS item 7.12
    /// asks for forward secrecy. Old clients (Windows XP, Java 6) need the static suites,
    /// which is why this is a note, not an error.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// SSLCipherSuite HIGH:!aNULL:!MD5
    /// ```
    ///
    /// ```apache
    /// # after
    /// SSLCipherSuite HIGH:!aNULL:!MD5:!kRSA:!PSK:!SRP
    /// ```
    ///
    /// ## References
    /// - <https://wiki.mozilla.org/Security/Server_Side_TLS>
    /// - CIS Apache HTTP Server 2.4 Benchmark, 7.12 "Ensure Only Cipher Suites That Provide Forward Secrecy Are Enabled"
    pub SSL_NO_FORWARD_SECRECY = {
        code: "AL303",
        name: "ssl-no-forward-secrecy",
        family: Security,
        severity: Info,
        blocks_check: false,
    }
}

fn static_key_exchange(c: &Cipher) -> Option<&'static str> {
    (c.mkey & (K_ECDHE | K_DHE | K_ECDHEPSK | K_DHEPSK) == 0).then_some("static key exchange")
}

pub struct SslNoForwardSecrecy;

impl Rule for SslNoForwardSecrecy {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SSL_NO_FORWARD_SECRECY
    }

    fn check(&self, ctx: &mut Context<'_>) {
        report_cipher_class(
            ctx,
            "suites without forward secrecy",
            static_key_exchange,
            "add `:!kRSA:!PSK:!SRP` unless clients without ECDHE must be served",
        );
    }
}
