#!/usr/bin/env python3
"""Prints the cipher table of src/model/openssl_ciphers.rs (`CIPHERS`).

The suites the installed OpenSSL knows come from `openssl ciphers -v
'ALL:COMPLEMENTOFALL:@SECLEVEL=0'` (TLS 1.3 suites left out: they are not
part of a cipher *string*), with their strength class, COMPLEMENTOFDEFAULT
and FIPS membership read back from `openssl ciphers CLASS:@SECLEVEL=0`. The
legacy suites older OpenSSL builds still ship (RC4, DES, 3DES, IDEA, SEED,
RC2, export) are appended from LEGACY below, classified as OpenSSL 1.1.1 /
1.0.2 classify them, and marked unavailable on this build.

Usage: python3 scripts/gen_cipher_table.py > /tmp/table.rs  (then paste)
"""
import subprocess

KX = {"RSA": "K_RSA", "DH": "K_DHE", "ECDH": "K_ECDHE", "PSK": "K_PSK", "RSAPSK": "K_RSAPSK",
      "ECDHEPSK": "K_ECDHEPSK", "DHEPSK": "K_DHEPSK", "SRP": "K_SRP"}
AU = {"RSA": "A_RSA", "DSS": "A_DSS", "None": "A_NULL", "ECDSA": "A_ECDSA", "PSK": "A_PSK", "SRP": "A_SRP"}
ENC = {"AES(128)": "E_AES128", "AES(256)": "E_AES256", "AESGCM(128)": "E_AES128GCM",
       "AESGCM(256)": "E_AES256GCM", "AESCCM(128)": "E_AES128CCM", "AESCCM(256)": "E_AES256CCM",
       "AESCCM8(128)": "E_AES128CCM8", "AESCCM8(256)": "E_AES256CCM8",
       "ARIAGCM(128)": "E_ARIA128GCM", "ARIAGCM(256)": "E_ARIA256GCM",
       "CHACHA20/POLY1305(256)": "E_CHACHA20", "Camellia(128)": "E_CAMELLIA128",
       "Camellia(256)": "E_CAMELLIA256", "None": "E_NULL"}
MAC = {"AEAD": "M_AEAD", "MD5": "M_MD5", "SHA1": "M_SHA1", "SHA256": "M_SHA256", "SHA384": "M_SHA384"}
TLS = {"SSLv3": "SSL3", "TLSv1": "TLS1", "TLSv1.2": "TLS1_2"}
BITS = {"None": 0}

# name, version, kx, au, enc, mac, class, not_default, bits
LEGACY = [
    ("RC4-MD5", "SSLv3", "K_RSA", "A_RSA", "E_RC4", "M_MD5", "S_MEDIUM", True, 128),
    ("RC4-SHA", "SSLv3", "K_RSA", "A_RSA", "E_RC4", "M_SHA1", "S_MEDIUM", True, 128),
    ("ECDHE-RSA-RC4-SHA", "SSLv3", "K_ECDHE", "A_RSA", "E_RC4", "M_SHA1", "S_MEDIUM", True, 128),
    ("ECDHE-ECDSA-RC4-SHA", "SSLv3", "K_ECDHE", "A_ECDSA", "E_RC4", "M_SHA1", "S_MEDIUM", True, 128),
    ("PSK-RC4-SHA", "SSLv3", "K_PSK", "A_PSK", "E_RC4", "M_SHA1", "S_MEDIUM", True, 128),
    ("DES-CBC3-SHA", "SSLv3", "K_RSA", "A_RSA", "E_3DES", "M_SHA1", "S_MEDIUM", False, 112),
    ("DHE-RSA-DES-CBC3-SHA", "SSLv3", "K_DHE", "A_RSA", "E_3DES", "M_SHA1", "S_MEDIUM", False, 112),
    ("DHE-DSS-DES-CBC3-SHA", "SSLv3", "K_DHE", "A_DSS", "E_3DES", "M_SHA1", "S_MEDIUM", False, 112),
    ("EDH-RSA-DES-CBC3-SHA", "SSLv3", "K_DHE", "A_RSA", "E_3DES", "M_SHA1", "S_MEDIUM", False, 112),
    ("EDH-DSS-DES-CBC3-SHA", "SSLv3", "K_DHE", "A_DSS", "E_3DES", "M_SHA1", "S_MEDIUM", False, 112),
    ("ECDHE-RSA-DES-CBC3-SHA", "SSLv3", "K_ECDHE", "A_RSA", "E_3DES", "M_SHA1", "S_MEDIUM", False, 112),
    ("ECDHE-ECDSA-DES-CBC3-SHA", "SSLv3", "K_ECDHE", "A_ECDSA", "E_3DES", "M_SHA1", "S_MEDIUM", False, 112),
    ("PSK-3DES-EDE-CBC-SHA", "SSLv3", "K_PSK", "A_PSK", "E_3DES", "M_SHA1", "S_MEDIUM", False, 112),
    ("IDEA-CBC-SHA", "SSLv3", "K_RSA", "A_RSA", "E_IDEA", "M_SHA1", "S_MEDIUM", True, 128),
    ("SEED-SHA", "SSLv3", "K_RSA", "A_RSA", "E_SEED", "M_SHA1", "S_MEDIUM", True, 128),
    ("DHE-RSA-SEED-SHA", "SSLv3", "K_DHE", "A_RSA", "E_SEED", "M_SHA1", "S_MEDIUM", True, 128),
    ("DES-CBC-SHA", "SSLv3", "K_RSA", "A_RSA", "E_DES", "M_SHA1", "S_LOW", True, 56),
    ("EDH-RSA-DES-CBC-SHA", "SSLv3", "K_DHE", "A_RSA", "E_DES", "M_SHA1", "S_LOW", True, 56),
    ("EXP-RC4-MD5", "SSLv3", "K_RSA", "A_RSA", "E_RC4", "M_MD5", "S_EXPORT", True, 40),
    ("EXP-RC2-CBC-MD5", "SSLv3", "K_RSA", "A_RSA", "E_RC2", "M_MD5", "S_EXPORT", True, 40),
    ("EXP-DES-CBC-SHA", "SSLv3", "K_RSA", "A_RSA", "E_DES", "M_SHA1", "S_EXPORT", True, 40),
]


def ciphers(spec, verbose=False):
    args = ["openssl", "ciphers"] + (["-v"] if verbose else []) + [spec]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def members(alias):
    return set(ciphers(f"{alias}:@SECLEVEL=0").strip().split(":"))


def main():
    high, not_default, fips = members("HIGH"), members("COMPLEMENTOFDEFAULT"), members("FIPS")
    print("pub static CIPHERS: &[Cipher] = &[")
    for line in ciphers("ALL:COMPLEMENTOFALL:@SECLEVEL=0", verbose=True).splitlines():
        name, version, kx, au, enc, mac = line.split()[:6]
        if version == "TLSv1.3":
            continue
        enc = enc.removeprefix("Enc=")
        bits = 0 if enc == "None" else int(enc.rsplit("(", 1)[1].rstrip(")"))
        strength = ["S_HIGH" if name in high else "0"]
        if name in not_default:
            strength.append("S_NOT_DEFAULT")
        if name in fips:
            strength.append("S_FIPS")
        print(f'    c("{name}", {TLS[version]}, {KX[kx.removeprefix("Kx=")]}, '
              f'{AU[au.removeprefix("Au=")]}, {ENC[enc]}, {MAC[mac.removeprefix("Mac=")]}, '
              f'{" | ".join(strength)}, {bits}, true),')
    for name, version, kx, au, enc, mac, klass, nd, bits in LEGACY:
        strength = klass + (" | S_NOT_DEFAULT" if nd else "")
        print(f'    c("{name}", {TLS[version]}, {kx}, {au}, {enc}, {mac}, {strength}, {bits}, false),')
    print("];")


if __name__ == "__main__":
    main()
