//! Public keys of PEM certificates and private keys, enough to tell whether
//! a certificate and a key belong together (mod_ssl's AH02565 check at
//! start-up): the RSA modulus and exponent, or the EC public point.
//!
//! A small DER reader over the few structures involved — X.509
//! `SubjectPublicKeyInfo`, PKCS#1 `RSAPrivateKey`, SEC1 `ECPrivateKey`,
//! PKCS#8 `PrivateKeyInfo` — rather than a certificate crate: nothing else
//! is needed. Encrypted keys, keys whose public half must be computed (an
//! EC or Ed25519 key without its public point) and anything unparsable give
//! `None`: the caller cannot tell and stays silent. Never panics.

/// A public key, normalised for comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PublicKey {
    Rsa {
        modulus: Vec<u8>,
        exponent: Vec<u8>,
    },
    /// An elliptic-curve point: its x coordinate and the parity of y (so a
    /// compressed and an uncompressed encoding compare equal).
    Ec {
        x: Vec<u8>,
        y_odd: bool,
    },
    /// Another algorithm's raw public key bytes (Ed25519 …).
    Raw(Vec<u8>),
}

const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];

/// The public key of the first certificate in a PEM file.
pub fn certificate_key(pem: &[u8]) -> Option<PublicKey> {
    let der = blocks(pem)
        .into_iter()
        .find(|b| b.label.ends_with("CERTIFICATE"))?
        .der;
    certificate_der_key(&der)
}

/// The public key of a DER certificate.
fn certificate_der_key(der: &[u8]) -> Option<PublicKey> {
    let mut cert = Der::new(der).sequence()?;
    let mut tbs = cert.sequence()?;
    // [0] version, serialNumber, signature, issuer, validity, subject.
    if tbs.peek_tag() == Some(0xa0) {
        tbs.any()?;
    }
    for _ in 0..5 {
        tbs.any()?;
    }
    spki(tbs.sequence()?)
}

/// The public key of the first private key in a PEM file (`None` for an
/// encrypted key or one without its public half).
pub fn private_key(pem: &[u8]) -> Option<PublicKey> {
    let block = blocks(pem).into_iter().find(|b| {
        b.label.ends_with("PRIVATE KEY") && !b.label.contains("ENCRYPTED") && !b.encrypted
    })?;
    match block.label.as_str() {
        "RSA PRIVATE KEY" => rsa_private(&block.der),
        "EC PRIVATE KEY" => ec_private(&block.der),
        "PRIVATE KEY" => pkcs8(&block.der),
        _ => None,
    }
}

/// Whether a certificate and a key match: `None` when either cannot be read.
pub fn pair_matches(certificate_pem: &[u8], key_pem: &[u8]) -> Option<bool> {
    Some(certificate_key(certificate_pem)? == private_key(key_pem)?)
}

fn spki(mut info: Der<'_>) -> Option<PublicKey> {
    let mut algorithm = info.sequence()?;
    let oid = algorithm.expect(0x06)?;
    let bits = bit_string(info.expect(0x03)?)?;
    if oid == OID_RSA {
        let mut key = Der::new(bits).sequence()?;
        Some(PublicKey::Rsa {
            modulus: unsigned(key.expect(0x02)?),
            exponent: unsigned(key.expect(0x02)?),
        })
    } else if oid == OID_EC {
        ec_point(bits)
    } else {
        Some(PublicKey::Raw(bits.to_vec()))
    }
}

fn rsa_private(der: &[u8]) -> Option<PublicKey> {
    let mut key = Der::new(der).sequence()?;
    key.expect(0x02)?;
    Some(PublicKey::Rsa {
        modulus: unsigned(key.expect(0x02)?),
        exponent: unsigned(key.expect(0x02)?),
    })
}

/// SEC1 `ECPrivateKey`: version, key, `[0]` parameters, `[1]` public key.
fn ec_private(der: &[u8]) -> Option<PublicKey> {
    let mut key = Der::new(der).sequence()?;
    key.expect(0x02)?;
    key.expect(0x04)?;
    while let Some(tag) = key.peek_tag() {
        let value = key.any()?;
        if tag == 0xa1 {
            return ec_point(bit_string(Der::new(value).expect(0x03)?)?);
        }
    }
    None
}

/// PKCS#8 `PrivateKeyInfo` (or v2 `OneAsymmetricKey` with its `[1]` public
/// key).
fn pkcs8(der: &[u8]) -> Option<PublicKey> {
    let mut info = Der::new(der).sequence()?;
    info.expect(0x02)?;
    let mut algorithm = info.sequence()?;
    let oid = algorithm.expect(0x06)?;
    let inner = info.expect(0x04)?;
    if oid == OID_RSA {
        return rsa_private(inner);
    }
    if oid == OID_EC {
        return ec_private(inner);
    }
    while let Some(tag) = info.peek_tag() {
        let value = info.any()?;
        if tag == 0x81 {
            return Some(PublicKey::Raw(bit_string(value)?.to_vec()));
        }
    }
    None
}

fn ec_point(point: &[u8]) -> Option<PublicKey> {
    match point.split_first()? {
        (4, rest) if !rest.is_empty() && rest.len() % 2 == 0 => {
            let (x, y) = rest.split_at(rest.len() / 2);
            Some(PublicKey::Ec {
                x: x.to_vec(),
                y_odd: y.last()? & 1 == 1,
            })
        }
        (2 | 3, x) if !x.is_empty() => Some(PublicKey::Ec {
            x: x.to_vec(),
            y_odd: point[0] == 3,
        }),
        _ => None,
    }
}

/// A BIT STRING's bytes (no unused bits allowed for keys).
fn bit_string(value: &[u8]) -> Option<&[u8]> {
    match value.split_first()? {
        (0, rest) => Some(rest),
        _ => None,
    }
}

/// An INTEGER's magnitude without leading zero bytes.
fn unsigned(value: &[u8]) -> Vec<u8> {
    let start = value.iter().position(|&b| b != 0).unwrap_or(value.len());
    value[start..].to_vec()
}

/// A cursor over DER elements.
struct Der<'a> {
    rest: &'a [u8],
}

impl<'a> Der<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Der { rest: bytes }
    }

    fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// The next element's tag and value.
    fn next(&mut self) -> Option<(u8, &'a [u8])> {
        let (&tag, rest) = self.rest.split_first()?;
        if tag & 0x1f == 0x1f {
            return None;
        }
        let (&first, mut rest) = rest.split_first()?;
        let len = if first < 0x80 {
            first as usize
        } else {
            let count = (first & 0x7f) as usize;
            if count == 0 || count > 4 || rest.len() < count {
                return None;
            }
            let len = rest[..count]
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | b as usize);
            rest = &rest[count..];
            len
        };
        if rest.len() < len {
            return None;
        }
        let (value, after) = rest.split_at(len);
        self.rest = after;
        Some((tag, value))
    }

    fn any(&mut self) -> Option<&'a [u8]> {
        self.next().map(|(_, v)| v)
    }

    fn expect(&mut self, tag: u8) -> Option<&'a [u8]> {
        match self.next()? {
            (t, v) if t == tag => Some(v),
            _ => None,
        }
    }

    fn sequence(&mut self) -> Option<Der<'a>> {
        self.expect(0x30).map(Der::new)
    }
}

/// One PEM block: its label, whether its headers say it is encrypted
/// (`Proc-Type: 4,ENCRYPTED`), and its decoded bytes.
struct Block {
    label: String,
    encrypted: bool,
    der: Vec<u8>,
}

/// Every well-formed PEM block of a file, in order.
fn blocks(pem: &[u8]) -> Vec<Block> {
    let text = String::from_utf8_lossy(pem);
    let mut out = Vec::new();
    let mut current: Option<(String, bool, String)> = None;
    for line in text.lines() {
        let line = line.trim();
        if let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        {
            current = Some((label.to_string(), false, String::new()));
        } else if let Some(label) = line
            .strip_prefix("-----END ")
            .and_then(|l| l.strip_suffix("-----"))
        {
            if let Some((open, encrypted, body)) = current.take()
                && open == label
                && let Some(der) = base64(&body)
            {
                out.push(Block {
                    label: open,
                    encrypted,
                    der,
                });
            }
        } else if let Some((_, encrypted, body)) = current.as_mut() {
            if line.contains(':') {
                *encrypted |= line.contains("ENCRYPTED");
            } else {
                body.push_str(line);
            }
        }
    }
    out
}

/// Standard base64 (whitespace ignored, `=` padding ends the data).
fn base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            c if c.is_ascii_whitespace() => continue,
            _ => return None,
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SSL: &str = "tests/scenarios/21-ssl-cert-renewed-key-not/candidate/etc/ssl";

    fn read(path: &str) -> Vec<u8> {
        std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).expect(path)
    }

    #[test]
    fn ec_certificate_and_its_key_match() {
        let cert = read(&format!("{SSL}/certs/shop.example-TEST-ONLY.crt"));
        let key = read(&format!("{SSL}/private/shop.example-TEST-ONLY.key"));
        assert!(matches!(certificate_key(&cert), Some(PublicKey::Ec { .. })));
        assert_eq!(pair_matches(&cert, &key), Some(true));
    }

    #[test]
    fn another_key_does_not_match() {
        let cert = read(&format!("{SSL}/certs/shop.example-2026-TEST-ONLY.crt"));
        let key = read(&format!("{SSL}/private/shop.example-TEST-ONLY.key"));
        assert_eq!(pair_matches(&cert, &key), Some(false));
    }

    #[test]
    fn rsa_keys_in_both_encodings_match() {
        let cert = read("tests/keys/rsa-TEST-ONLY.crt");
        assert!(matches!(
            certificate_key(&cert),
            Some(PublicKey::Rsa { .. })
        ));
        assert_eq!(
            pair_matches(&cert, &read("tests/keys/rsa-TEST-ONLY.key")),
            Some(true)
        );
        let pkcs1 = read("tests/keys/rsa-TEST-ONLY-pkcs1.key");
        assert_eq!(pair_matches(&cert, &pkcs1), Some(true));
        let ec_key = read(&format!("{SSL}/private/shop.example-TEST-ONLY.key"));
        assert_eq!(pair_matches(&cert, &ec_key), Some(false));
    }

    #[test]
    fn unreadable_input_is_unknown() {
        let key = read(&format!("{SSL}/private/shop.example-TEST-ONLY.key"));
        assert_eq!(pair_matches(b"", &key), None);
        let encrypted =
            b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n";
        assert_eq!(private_key(encrypted), None);
        let truncated = b"-----BEGIN CERTIFICATE-----\nMIIB3TCC\n-----END CERTIFICATE-----\n";
        assert_eq!(certificate_key(truncated), None);
        assert_eq!(certificate_key(&[0xff; 64]), None);
    }

    #[test]
    fn damaged_der_never_panics() {
        let cert = read("tests/keys/rsa-TEST-ONLY.crt");
        let der = blocks(&cert).remove(0).der;
        for cut in 0..der.len() {
            let _ = certificate_der_key(&der[..cut]);
            let _ = rsa_private(&der[..cut]);
            let _ = pkcs8(&der[cut..]);
        }
        for at in 0..der.len() {
            for flip in [0x01, 0x80, 0xff] {
                let mut damaged = der.clone();
                damaged[at] ^= flip;
                let _ = certificate_der_key(&damaged);
                let _ = ec_private(&damaged);
            }
        }
    }
}
