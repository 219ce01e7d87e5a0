//! Certificates and private keys as mod_ssl loads them at start-up
//! (`SSL_CTX_use_certificate_chain_file`, `SSL_CTX_use_PrivateKey_file`,
//! `SSL_CTX_check_private_key`), read without OpenSSL: PEM blocks are found
//! the way OpenSSL's PEM reader finds them (the first block with a matching
//! label, anything around it ignored), certificates are parsed with
//! `x509-parser`, and private keys (PKCS#8, PKCS#1 RSA, SEC1 EC) are walked
//! as DER far enough to get their public half.
//!
//! Every answer that is not certain is [`KeyMatch::Unknown`]: encrypted
//! keys, key types whose public half is not stored with the private one
//! (Ed25519 in PKCS#8 v1), blocks this reader cannot decode.

use x509_parser::der_parser::ber::BerObjectContent;
use x509_parser::der_parser::der::{DerObject, parse_der};
use x509_parser::pem::Pem;
use x509_parser::prelude::{FromDer, X509Certificate};
use x509_parser::public_key::PublicKey;

/// The public half of a key pair, comparable across certificate and key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PublicHalf {
    /// Modulus and public exponent, leading zero bytes stripped.
    Rsa { modulus: Vec<u8>, exponent: Vec<u8> },
    /// The encoded curve point.
    Ec(Vec<u8>),
}

impl PublicHalf {
    pub fn kind(&self) -> &'static str {
        match self {
            PublicHalf::Rsa { .. } => "RSA",
            PublicHalf::Ec(_) => "EC",
        }
    }
}

/// What a certificate file holds, as far as `SSLCertificateFile` goes.
#[derive(Debug, PartialEq, Eq)]
pub enum CertificateFile {
    /// No PEM certificate block at all: OpenSSL's reader fails with
    /// `no start line` (a key, a DER file, an HTML page …).
    NoCertificate,
    /// A certificate, with its public half when the key type is one this
    /// reader compares (RSA, EC).
    Certificate {
        public: Option<PublicHalf>,
        subject: String,
    },
    /// A certificate block this reader cannot decode: say nothing.
    Undecodable,
}

/// What a key file holds, as far as `SSLCertificateKeyFile` goes.
#[derive(Debug, PartialEq, Eq)]
pub enum KeyFile {
    /// No PEM private-key block at all.
    NoKey,
    /// A key with its public half (when stored or derivable).
    Key(Option<PublicHalf>),
    /// Encrypted with a pass phrase (PKCS#8 `ENCRYPTED PRIVATE KEY`, or a
    /// traditional PEM key with `Proc-Type: 4,ENCRYPTED`).
    Encrypted,
    /// Encrypted, or a block this reader cannot decode: say nothing.
    Undecodable,
}

/// Whether a certificate and a key belong together.
#[derive(Debug, PartialEq, Eq)]
pub enum KeyMatch {
    Matches,
    Mismatch,
    Unknown,
}

/// PEM blocks of a file, lossily decoded (comments with stray bytes are
/// allowed around blocks); `Err` for a block that does not decode.
fn pem_blocks(bytes: &[u8]) -> Vec<Result<Pem, ()>> {
    let text = String::from_utf8_lossy(bytes);
    Pem::iter_from_buffer(text.as_bytes())
        .take(64)
        .map(|b| b.map_err(|_| ()))
        .collect()
}

/// Labels `PEM_read_bio_X509_AUX` accepts.
fn is_certificate_label(label: &str) -> bool {
    matches!(
        label,
        "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE"
    )
}

/// Whether a PEM header line for a certificate is there at all (even one
/// this reader cannot decode).
fn has_certificate_header(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    text.lines().any(|l| {
        l.strip_prefix("-----BEGIN ")
            .and_then(|rest| rest.split("-----").next())
            .is_some_and(is_certificate_label)
    })
}

/// The label of the first private-key block and the line after its header,
/// if there is such a block.
fn first_private_key_header(bytes: &[u8]) -> Option<(String, String)> {
    let text = String::from_utf8_lossy(bytes);
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let label = line
            .strip_prefix("-----BEGIN ")
            .and_then(|rest| rest.split("-----").next())
            .filter(|label| label.ends_with("PRIVATE KEY"));
        if let Some(label) = label {
            return Some((
                label.to_string(),
                lines.next().unwrap_or_default().to_string(),
            ));
        }
    }
    None
}

/// Reads a certificate file as mod_ssl does (the first certificate block).
pub fn read_certificate(bytes: &[u8]) -> CertificateFile {
    if !has_certificate_header(bytes) {
        return CertificateFile::NoCertificate;
    }
    let Some(Ok(block)) = pem_blocks(bytes)
        .into_iter()
        .find(|b| b.as_ref().map_or(true, |p| is_certificate_label(&p.label)))
    else {
        return CertificateFile::Undecodable;
    };
    match X509Certificate::from_der(&block.contents) {
        Ok((_, cert)) => CertificateFile::Certificate {
            public: certificate_public_half(&cert),
            subject: cert.subject().to_string(),
        },
        Err(_) => CertificateFile::Undecodable,
    }
}

fn certificate_public_half(cert: &X509Certificate<'_>) -> Option<PublicHalf> {
    match cert.public_key().parsed().ok()? {
        PublicKey::RSA(rsa) => Some(PublicHalf::Rsa {
            modulus: strip_zeros(rsa.modulus),
            exponent: strip_zeros(rsa.exponent),
        }),
        PublicKey::EC(point) => Some(PublicHalf::Ec(point.data().to_vec())),
        _ => None,
    }
}

/// Reads a key file as mod_ssl does (the first private-key block).
pub fn read_private_key(bytes: &[u8]) -> KeyFile {
    let Some((label, next_line)) = first_private_key_header(bytes) else {
        return KeyFile::NoKey;
    };
    if label == "ENCRYPTED PRIVATE KEY"
        || next_line.starts_with("Proc-Type:") && next_line.contains("ENCRYPTED")
    {
        return KeyFile::Encrypted;
    }
    let Some(Ok(block)) = pem_blocks(bytes).into_iter().find(|b| {
        b.as_ref()
            .map_or(true, |p| p.label.ends_with("PRIVATE KEY"))
    }) else {
        return KeyFile::Undecodable;
    };
    let public = match block.label.as_str() {
        "PRIVATE KEY" => pkcs8_public_half(&block.contents),
        "RSA PRIVATE KEY" => rsa_public_half(&block.contents),
        "EC PRIVATE KEY" => ec_public_half(&block.contents),
        _ => return KeyFile::Undecodable,
    };
    match public {
        Some(p) => KeyFile::Key(p),
        None => KeyFile::Undecodable,
    }
}

/// Compares a certificate's public half with a key's.
pub fn key_matches(cert: &PublicHalf, key: &PublicHalf) -> KeyMatch {
    match (cert, key) {
        (PublicHalf::Ec(a), PublicHalf::Ec(b)) if a.len() != b.len() => KeyMatch::Unknown,
        _ if cert == key => KeyMatch::Matches,
        _ => KeyMatch::Mismatch,
    }
}

fn strip_zeros(bytes: &[u8]) -> Vec<u8> {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes[start..].to_vec()
}

fn sequence(der: &[u8]) -> Option<Vec<DerObject<'_>>> {
    let (_, obj) = parse_der(der).ok()?;
    match obj.content {
        BerObjectContent::Sequence(items) => Some(items),
        _ => None,
    }
}

fn integer_bytes<'a>(obj: &'a DerObject<'_>) -> Option<&'a [u8]> {
    match &obj.content {
        BerObjectContent::Integer(bytes) => Some(bytes),
        _ => None,
    }
}

/// `Some(None)`: a well-formed key whose public half is not known.
type Half = Option<Option<PublicHalf>>;

/// PKCS#1 `RSAPrivateKey ::= SEQUENCE { version, modulus, publicExponent, … }`.
fn rsa_public_half(der: &[u8]) -> Half {
    let items = sequence(der)?;
    let modulus = integer_bytes(items.get(1)?)?;
    let exponent = integer_bytes(items.get(2)?)?;
    Some(Some(PublicHalf::Rsa {
        modulus: strip_zeros(modulus),
        exponent: strip_zeros(exponent),
    }))
}

/// SEC1 `ECPrivateKey ::= SEQUENCE { version, privateKey, [0] params, [1] publicKey }`.
fn ec_public_half(der: &[u8]) -> Half {
    let items = sequence(der)?;
    for item in items.iter().skip(2) {
        if item.header.tag().0 != 1 || !item.header.is_contextspecific() {
            continue;
        }
        let inner = item.as_slice().ok()?;
        let (_, bits) = parse_der(inner).ok()?;
        if let BerObjectContent::BitString(_, data) = bits.content {
            return Some(Some(PublicHalf::Ec(data.data.to_vec())));
        }
    }
    Some(None)
}

/// PKCS#8 `PrivateKeyInfo ::= SEQUENCE { version, algorithm, privateKey OCTET STRING, … }`.
fn pkcs8_public_half(der: &[u8]) -> Half {
    const RSA: &str = "1.2.840.113549.1.1.1";
    const EC: &str = "1.2.840.10045.2.1";
    let items = sequence(der)?;
    let algorithm = match &items.get(1)?.content {
        BerObjectContent::Sequence(alg) => alg.first()?.as_oid().ok()?.to_id_string(),
        _ => return None,
    };
    let inner = match &items.get(2)?.content {
        BerObjectContent::OctetString(bytes) => *bytes,
        _ => return None,
    };
    match algorithm.as_str() {
        RSA => rsa_public_half(inner),
        EC => ec_public_half(inner),
        _ => Some(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_bytes_never_panic() {
        let samples: [&[u8]; 6] = [
            b"",
            b"-----BEGIN CERTIFICATE-----\n",
            b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
            b"-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n",
            b"-----BEGIN EC PRIVATE KEY-----\nMAMCAQE=\n-----END EC PRIVATE KEY-----\n",
            b"\xff\xfe\x00-----BEGIN RSA PRIVATE KEY-----\n\xff\n",
        ];
        for s in samples {
            let _ = read_certificate(s);
            let _ = read_private_key(s);
        }
        assert_eq!(read_certificate(b"hello\n"), CertificateFile::NoCertificate);
        assert_eq!(read_private_key(b"hello\n"), KeyFile::NoKey);
    }

    fn cert_half(bytes: &[u8]) -> PublicHalf {
        match read_certificate(bytes) {
            CertificateFile::Certificate {
                public: Some(p), ..
            } => p,
            other => panic!("not a comparable certificate: {other:?}"),
        }
    }

    fn key_half(bytes: &[u8]) -> Option<PublicHalf> {
        match read_private_key(bytes) {
            KeyFile::Key(p) => p,
            other => panic!("not a key: {other:?}"),
        }
    }

    #[test]
    fn pairs_from_the_test_keys() {
        let rsa = cert_half(include_bytes!("../../tests/pki/rsa.crt"));
        let ec = cert_half(include_bytes!("../../tests/pki/ec.crt"));
        let matches = |c: &PublicHalf, k: &[u8]| key_matches(c, &key_half(k).expect("public half"));
        assert_eq!(
            matches(&rsa, include_bytes!("../../tests/pki/rsa.key")),
            KeyMatch::Matches
        );
        assert_eq!(
            matches(&rsa, include_bytes!("../../tests/pki/rsa.pkcs1.key")),
            KeyMatch::Matches
        );
        assert_eq!(
            matches(&rsa, include_bytes!("../../tests/pki/combined.pem")),
            KeyMatch::Matches
        );
        assert_eq!(
            matches(&rsa, include_bytes!("../../tests/pki/rsa2.key")),
            KeyMatch::Mismatch
        );
        assert_eq!(
            matches(&ec, include_bytes!("../../tests/pki/ec.key")),
            KeyMatch::Matches
        );
        assert_eq!(
            matches(&ec, include_bytes!("../../tests/pki/ec.sec1.key")),
            KeyMatch::Matches
        );
        assert_eq!(
            matches(&ec, include_bytes!("../../tests/pki/ec2.key")),
            KeyMatch::Mismatch
        );
        assert_eq!(
            matches(&ec, include_bytes!("../../tests/pki/rsa.key")),
            KeyMatch::Mismatch
        );
        // Ed25519: the public half is not stored with a PKCS#8 v1 key.
        assert_eq!(key_half(include_bytes!("../../tests/pki/ed.key")), None);
        assert_eq!(
            read_private_key(include_bytes!("../../tests/pki/enc.key")),
            KeyFile::Encrypted
        );
        assert_eq!(
            read_private_key(include_bytes!("../../tests/pki/enc.pkcs1.key")),
            KeyFile::Encrypted
        );
        assert_eq!(
            read_certificate(include_bytes!("../../tests/pki/rsa.key")),
            CertificateFile::NoCertificate
        );
    }
}
