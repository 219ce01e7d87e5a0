//! The TLS rules never panic on hostile configurations: empty and odd
//! arguments, huge numbers, broken cipher strings, bytes that are not
//! certificates or keys.

use std::collections::BTreeMap;
use std::sync::Arc;

use apachelint::load::provider::MemBackend;
use apachelint::load::vfs::Vfs;
use apachelint::load::{LoadOptions, load};
use apachelint::rules::context::{TargetFacts, Unknown};

struct Bytes(BTreeMap<String, Vec<u8>>);

impl TargetFacts for Bytes {
    fn file_size(&self, path: &str) -> Result<Option<u64>, Unknown> {
        Ok(self.0.get(path).map(|b| b.len() as u64))
    }
    fn is_dir(&self, _: &str) -> Result<bool, Unknown> {
        Ok(false)
    }
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>, Unknown> {
        Ok(self.0.get(path).cloned())
    }
}

const LINES: &[&str] = &[
    "SSLEngine",
    "SSLEngine on",
    "SSLCertificateFile",
    "SSLCertificateFile \"\"",
    "SSLCertificateFile /k/garbage",
    "SSLCertificateKeyFile /k/garbage",
    "SSLCertificateFile /k/truncated",
    "SSLCertificateKeyFile /k/truncated",
    "SSLCertificateFile ../../../../../../..",
    "SSLCertificateFile \"\\xff\\xfe\"",
    "SSLCipherSuite",
    "SSLCipherSuite \"\"",
    "SSLCipherSuite !",
    "SSLCipherSuite \"+:+-!@\"",
    "SSLCipherSuite @SECLEVEL=",
    "SSLCipherSuite DEFAULT",
    "SSLCipherSuite TLSv1.3",
    "SSLCipherSuite TLSv1.3 \"\"",
    "SSLCipherSuite a b c",
    "SSLProtocol",
    "SSLProtocol + - ++TLSv1 --all",
    "SSLProxyProtocol \"\"",
    "SSLVerifyDepth 99999999999999999999999999999999999999999",
    "SSLVerifyDepth -",
    "SSLCARevocationCheck",
    "SSLSessionCache :",
    "SSLSessionCache \"shmcb:(\"",
    "SSLSessionCache \"shmcb:)\"",
    "SSLSessionCache shmcb:(99999999999999999999999999999)",
    "SSLStaplingCache \"\"",
    "SSLOpenSSLConfCmd \"\" \"\"",
    "SSLOpenSSLConfCmd CipherString \"\"",
    "SSLUseStapling on",
    "SSLProxyEngine on",
    "SSLProxyCheckPeerName off",
    "Header",
    "Header always",
    "Header always set",
    "ServerName :::::",
];

#[test]
fn hostile_tls_lines_do_not_panic() {
    let mut text = String::from(
        "LoadModule ssl_module /usr/lib/apache2/modules/mod_ssl.so\n\
         LoadModule headers_module /usr/lib/apache2/modules/mod_headers.so\n",
    );
    for scope in [
        "",
        "<VirtualHost [::1]:99999 *:x _default_>\n",
        "<Location />\n",
    ] {
        text.push_str(scope);
        for line in LINES {
            text.push_str(line);
            text.push('\n');
        }
        if scope.starts_with("<VirtualHost") {
            text.push_str("</VirtualHost>\n");
        } else if scope.starts_with("<Location") {
            text.push_str("</Location>\n");
        }
    }
    let mut files = BTreeMap::new();
    files.insert(
        "/k/garbage".to_string(),
        (0u8..=255).cycle().take(5000).collect::<Vec<u8>>(),
    );
    files.insert(
        "/k/truncated".to_string(),
        b"-----BEGIN CERTIFICATE-----\nMIIB\n-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n-----BEGIN EC PRIVATE KEY-----\n".to_vec(),
    );
    let mem = MemBackend::new().file("/etc/apache2/apache2.conf", &text);
    let config = load(
        &Vfs::direct(Arc::new(mem)),
        &LoadOptions::debian("/etc/apache2/apache2.conf"),
    );
    let findings = apachelint::check::check(&config, &Bytes(files));
    assert!(!findings.is_empty());
}
