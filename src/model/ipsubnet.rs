//! Which subnet strings APR accepts (`apr_ipsubnet_create` in APR's
//! `network_io/unix/sockaddr.c`, with APR's own `apr_inet_pton`): the
//! arguments of `Require ip`, `-R` and `-ipmatch` in expressions.
//!
//! - The address must look like an IP: contain a `:` (IPv6) or consist of
//!   digits and dots only.
//! - IPv6 is BIND's `inet_pton6` (hex groups, one `::`, an embedded dotted
//!   quad); IPv4-mapped addresses (`::ffff:1.2.3.4`) are refused.
//! - IPv4 is exactly four decimal octets (leading zeros allowed, each ≤ 255).
//! - Without a mask, a network prefix of up to four octets is also accepted
//!   (`10`, `10.1.`, `192.168.1`).
//! - A mask is a bit count (`strtol`: leading whitespace and a sign allowed,
//!   1..=32 or 1..=128) or, for IPv4, a dotted netmask.

/// Why `apr_ipsubnet_create` refuses an address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubnetError {
    /// `APR_EINVAL`: nothing like an IP address.
    NotAnAddress,
    /// `APR_EBADIP`
    BadAddress,
    /// `APR_EBADMASK`
    BadMask,
}

/// `apr_ipsubnet_create(address, mask)`.
pub fn check_subnet(address: &[u8], mask: Option<&[u8]>) -> Result<(), SubnetError> {
    if !looks_like_ip(address) {
        return Err(SubnetError::NotAnAddress);
    }
    let family = if let Some(v6) = inet_pton6(address) {
        if is_v4_mapped(&v6) {
            return Err(SubnetError::BadAddress);
        }
        Family::V6
    } else if inet_pton4(address).is_some() {
        Family::V4
    } else if mask.is_none() && is_network_prefix(address) {
        return Ok(());
    } else {
        return Err(SubnetError::BadAddress);
    };
    let Some(mask) = mask else { return Ok(()) };
    let max_bits = match family {
        Family::V4 => 32,
        Family::V6 => 128,
    };
    match strtol_whole(mask) {
        Some(bits) if bits > 0 && bits <= max_bits => Ok(()),
        _ if family == Family::V4 && inet_pton4(mask).is_some() => Ok(()),
        _ => Err(SubnetError::BadMask),
    }
}

/// Whether `apr_ipsubnet_create(address, mask)` succeeds.
pub fn subnet_is_valid(address: &[u8], mask: Option<&[u8]>) -> bool {
    check_subnet(address, mask).is_ok()
}

/// `A.B.C.D/M` or `A.B.C.D` split at the first `/`, as httpd's callers do.
pub fn subnet_arg_is_valid(arg: &[u8]) -> bool {
    match arg.iter().position(|&b| b == b'/') {
        Some(slash) => subnet_is_valid(&arg[..slash], Some(&arg[slash + 1..])),
        None => subnet_is_valid(arg, None),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    V4,
    V6,
}

fn looks_like_ip(address: &[u8]) -> bool {
    !address.is_empty()
        && (address.contains(&b':') || address.iter().all(|&b| b == b'.' || b.is_ascii_digit()))
}

/// BIND's `inet_pton4` as APR ships it: exactly four octets.
pub(crate) fn inet_pton4(text: &[u8]) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut octets = 0;
    let mut saw_digit = false;
    let mut current: u32 = 0;
    for &b in text {
        if b.is_ascii_digit() {
            current = current * 10 + u32::from(b - b'0');
            if current > 255 {
                return None;
            }
            if !saw_digit {
                octets += 1;
                if octets > 4 {
                    return None;
                }
                saw_digit = true;
            }
            out[octets - 1] = current as u8;
        } else if b == b'.' && saw_digit {
            if octets == 4 {
                return None;
            }
            saw_digit = false;
            current = 0;
        } else {
            return None;
        }
    }
    (octets == 4).then_some(out)
}

/// BIND's `inet_pton6` as APR ships it (an embedded IPv4 tail is allowed).
pub(crate) fn inet_pton6(text: &[u8]) -> Option<[u8; 16]> {
    let mut out = [0u8; 16];
    let mut len = 0usize;
    let mut gap: Option<usize> = None;
    let mut i = 0usize;
    if text.first() == Some(&b':') {
        if text.get(1) != Some(&b':') {
            return None;
        }
        i = 1;
    }
    let mut token_start = i;
    let mut saw_xdigit = false;
    let mut value: u32 = 0;
    while i < text.len() {
        let b = text[i];
        i += 1;
        if let Some(digit) = (b as char).to_digit(16) {
            value = (value << 4) | digit;
            if value > 0xffff {
                return None;
            }
            saw_xdigit = true;
            continue;
        }
        if b == b':' {
            token_start = i;
            if !saw_xdigit {
                if gap.is_some() {
                    return None;
                }
                gap = Some(len);
                continue;
            }
            if len + 2 > 16 {
                return None;
            }
            out[len] = (value >> 8) as u8;
            out[len + 1] = value as u8;
            len += 2;
            saw_xdigit = false;
            value = 0;
            continue;
        }
        if b == b'.'
            && len + 4 <= 16
            && let Some(quad) = inet_pton4(&text[token_start..])
        {
            out[len..len + 4].copy_from_slice(&quad);
            len += 4;
            saw_xdigit = false;
            break;
        }
        return None;
    }
    if saw_xdigit {
        if len + 2 > 16 {
            return None;
        }
        out[len] = (value >> 8) as u8;
        out[len + 1] = value as u8;
        len += 2;
    }
    if let Some(gap) = gap {
        let tail = len - gap;
        out.copy_within(gap..len, 16 - tail);
        out[gap..16 - tail].fill(0);
        len = 16;
    }
    (len == 16).then_some(out)
}

fn is_v4_mapped(address: &[u8; 16]) -> bool {
    address[..10].iter().all(|&b| b == 0) && address[10] == 0xff && address[11] == 0xff
}

/// APR's legacy network syntax (`parse_network`): `a`, `a.b`, `a.b.c`,
/// `a.b.c.d`, each optionally with a trailing dot.
fn is_network_prefix(text: &[u8]) -> bool {
    if text.len() > "255.255.255.255".len() {
        return false;
    }
    let mut rest = text;
    let mut octets = 0;
    while !rest.is_empty() {
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 || octets == 4 {
            return false;
        }
        let value = rest[..digits].iter().fold(0u32, |acc, &b| {
            acc.saturating_mul(10).saturating_add(u32::from(b - b'0'))
        });
        if value > 255 {
            return false;
        }
        rest = &rest[digits..];
        match rest.first() {
            Some(b'.') => rest = &rest[1..],
            Some(_) => return false,
            None => {}
        }
        octets += 1;
    }
    true
}

/// `strtol(text, &end, 10)` when it consumes all of `text`.
fn strtol_whole(text: &[u8]) -> Option<i64> {
    let trimmed = text.trim_ascii_start();
    let (negative, digits) = match trimmed.first() {
        Some(b'-') => (true, &trimmed[1..]),
        Some(b'+') => (false, &trimmed[1..]),
        _ => (false, trimmed),
    };
    if text.is_empty() {
        // strtol of "" leaves `end` at the (empty) end: 0.
        return Some(0);
    }
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let magnitude = digits.iter().fold(0i64, |acc, &b| {
        acc.saturating_mul(10).saturating_add(i64::from(b - b'0'))
    });
    Some(if negative { -magnitude } else { magnitude })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(arg: &str) -> bool {
        subnet_arg_is_valid(arg.as_bytes())
    }

    #[test]
    fn addresses_and_masks_as_apr_takes_them() {
        for good in [
            "10.0.0.0/8",
            "10.1",
            "10.1.",
            "192.168.001.010",
            "::1",
            "::1/128",
            "fe80::/10",
            "1.2.3.4/255.255.0.0",
            "1.2.3.4/ 8",
            "1.2.3.4/+8",
            "::1.2.3.4",
            "00000::1",
        ] {
            assert!(ok(good), "{good}");
        }
        for bad in [
            "",
            "1.2.3/8",
            "::ffff:1.2.3.4",
            "1.2.3.4/0",
            "1.2.3.4/33",
            "1.2.3.4/",
            "::1/255.0.0.0",
            "10.256",
            "host.example",
            "1.2.3.4.5",
            "1:2:3:4:5:6:7:8:9",
            ":1",
            "1::2::3",
        ] {
            assert!(!ok(bad), "{bad}");
        }
    }
}
