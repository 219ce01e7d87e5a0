//! `AL175` ssl-openssl-conf-cmd-unknown.

use crate::rules::context::{Context, Rule};

use super::tls::directives_named;

crate::declare_rule! {
    /// ## What it does
    /// Reports an `SSLOpenSSLConfCmd` whose command OpenSSL does not know in a configuration
    /// file for a server (`SSL_CONF_cmd_value_type` with `SSL_CONF_FLAG_FILE`, `_SERVER` and
    /// `_CERTIFICATE`). Names are case-insensitive; command-line spellings (`-curves`,
    /// `no_ssl3`) and switches do not exist here. The value itself is only checked by OpenSSL
    /// when the server starts (`AH02407`).
    ///
    /// ## Why is this risky?
    /// httpd refuses to start: `'ECDHCurves': invalid OpenSSL configuration command`.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// SSLOpenSSLConfCmd ECDHCurves X25519:prime256v1
    /// ```
    ///
    /// ```apache
    /// # after
    /// SSLOpenSSLConfCmd Curves X25519:prime256v1
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#sslopensslconfcmd>
    /// - <https://docs.openssl.org/3.0/man3/SSL_CONF_cmd/>
    pub SSL_OPENSSL_CONF_CMD_UNKNOWN = {
        code: "AL175",
        name: "ssl-openssl-conf-cmd-unknown",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

/// OpenSSL 3.0's configuration-file command names (`ssl/ssl_conf.c`), each
/// confirmed against Debian's apache2.
const COMMANDS: &[&str] = &[
    "SignatureAlgorithms",
    "ClientSignatureAlgorithms",
    "Curves",
    "Groups",
    "ECDHParameters",
    "CipherString",
    "Ciphersuites",
    "Protocol",
    "MinProtocol",
    "MaxProtocol",
    "Options",
    "VerifyMode",
    "Certificate",
    "PrivateKey",
    "ServerInfoFile",
    "ChainCAPath",
    "ChainCAFile",
    "VerifyCAPath",
    "VerifyCAFile",
    "RequestCAFile",
    "ClientCAFile",
    "RequestCAPath",
    "ClientCAPath",
    "DHParameters",
    "RecordPadding",
    "NumTickets",
];

pub struct SslOpensslConfCmdUnknown;

impl Rule for SslOpensslConfCmdUnknown {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &SSL_OPENSSL_CONF_CMD_UNKNOWN
    }

    fn check(&self, ctx: &mut Context<'_>) {
        for id in directives_named(ctx, "SSLOpenSSLConfCmd") {
            let node = ctx.node(id);
            let [command, _] = node.args.as_slice() else {
                continue;
            };
            if COMMANDS
                .iter()
                .any(|c| c.eq_ignore_ascii_case(&command.value))
            {
                continue;
            }
            let bare = command.value.trim_start_matches('-');
            let suggestion = COMMANDS
                .iter()
                .find(|c| c.eq_ignore_ascii_case(bare))
                .map_or(String::new(), |c| format!("; write `{c}`"));
            let message = format!("'{}': invalid OpenSSL configuration command", command.value);
            let f = ctx.httpd_error(id, node.arg_span(0), message);
            f.help = Some(format!(
                "the commands are {}{suggestion}",
                COMMANDS.join(", ")
            ));
        }
    }
}
