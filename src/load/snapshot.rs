//! Snapshots: a self-contained, versioned record of a known-good
//! configuration — every file the loader read, as the configuration names
//! them, plus the profile it was loaded with — so a server can keep its
//! known-good after each successful deploy and check the next edit against
//! it (`apachelint snapshot PATH -o FILE`, `apachelint check --baseline FILE`).
//!
//! # Format (version 1)
//!
//! ```json
//! {"apachelint_snapshot": 1,
//!  "root_file": "/etc/apache2/apache2.conf",
//!  "server_root": "/etc/apache2",
//!  "profile": {"name": "debian-2.4", "defines": [], "env": {"APACHE_LOG_DIR": "/var/log/apache2"}},
//!  "files": [{"path": "/etc/apache2/apache2.conf", "text": "…"},
//!            {"path": "/etc/apache2/latin1.conf", "base64": "…"}]}
//! ```
//!
//! Text that is valid UTF-8 is stored as `text`, anything else as `base64`.
//! Pure: bytes in, bytes out.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{Value, json};

use super::provider::MemBackend;
use super::tree::Config;

/// The marker and version of the format.
pub const SNAPSHOT_VERSION: u64 = 1;

/// A decoded snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub root_file: PathBuf,
    pub server_root: PathBuf,
    pub profile_name: String,
    pub defines: Vec<String>,
    pub env: BTreeMap<String, String>,
    pub files: Vec<(PathBuf, Vec<u8>)>,
}

impl Snapshot {
    /// Everything a loaded configuration read.
    pub fn of(
        config: &Config,
        profile_name: &str,
        defines: &[String],
        env: &BTreeMap<String, String>,
    ) -> Snapshot {
        let mut files: Vec<(PathBuf, Vec<u8>)> = config
            .sources
            .iter()
            .filter(|(_, f)| f.config_path.is_absolute())
            .map(|(_, f)| (f.config_path.clone(), f.text.to_vec()))
            .collect();
        files.sort();
        files.dedup_by(|a, b| a.0 == b.0);
        Snapshot {
            root_file: config.root_path.clone(),
            server_root: config.server_root.clone(),
            profile_name: profile_name.to_string(),
            defines: defines.to_vec(),
            env: env.clone(),
            files,
        }
    }

    pub fn to_json(&self) -> Value {
        json!({
            "apachelint_snapshot": SNAPSHOT_VERSION,
            "root_file": self.root_file.display().to_string(),
            "server_root": self.server_root.display().to_string(),
            "profile": {"name": self.profile_name, "defines": self.defines, "env": self.env},
            "files": self.files.iter().map(|(path, bytes)| {
                match std::str::from_utf8(bytes) {
                    Ok(text) => json!({"path": path.display().to_string(), "text": text}),
                    Err(_) => json!({"path": path.display().to_string(), "base64": base64_encode(bytes)}),
                }
            }).collect::<Vec<_>>(),
        })
    }

    /// Decodes a snapshot; `Err` says why it is not one.
    pub fn from_json(bytes: &[u8]) -> Result<Snapshot, String> {
        let v: Value = serde_json::from_slice(bytes).map_err(|e| format!("not a snapshot: {e}"))?;
        match v.get("apachelint_snapshot").and_then(Value::as_u64) {
            Some(SNAPSHOT_VERSION) => {}
            Some(other) => return Err(format!("snapshot version {other} is not supported")),
            None => return Err("not an apachelint snapshot".to_string()),
        }
        let s = |key: &str| -> Result<String, String> {
            v.get(key)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| format!("snapshot: missing {key}"))
        };
        let profile = v.get("profile").cloned().unwrap_or(Value::Null);
        let mut files = Vec::new();
        for f in v
            .get("files")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let path = f
                .get("path")
                .and_then(Value::as_str)
                .ok_or("snapshot: file without path")?;
            let bytes = match (
                f.get("text").and_then(Value::as_str),
                f.get("base64").and_then(Value::as_str),
            ) {
                (Some(t), _) => t.as_bytes().to_vec(),
                (None, Some(b)) => base64_decode(b).ok_or("snapshot: bad base64")?,
                _ => return Err(format!("snapshot: file {path} has no content")),
            };
            files.push((PathBuf::from(path), bytes));
        }
        Ok(Snapshot {
            root_file: PathBuf::from(s("root_file")?),
            server_root: PathBuf::from(s("server_root")?),
            profile_name: profile
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("debian-2.4")
                .to_string(),
            defines: profile
                .get("defines")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|d| d.as_str().map(str::to_string))
                .collect(),
            env: profile
                .get("env")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                .collect(),
            files,
        })
    }

    /// The files as a memory backend (paths as the configuration names them).
    pub fn backend(&self) -> MemBackend {
        let mut mem = MemBackend::new();
        for (path, bytes) in &self.files {
            mem = mem.file(path.clone(), bytes);
        }
        mem.dir(self.server_root.clone())
    }
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(BASE64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
    {
        let v = BASE64.iter().position(|&b| b == c)? as u32;
        acc = acc << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits & 0xff) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        for data in [&b""[..], b"a", b"ab", b"abc", b"\xff\x00\xe9latin1"] {
            assert_eq!(base64_decode(&base64_encode(data)).unwrap(), data);
        }
    }

    #[test]
    fn json_round_trips() {
        let s = Snapshot {
            root_file: "/etc/apache2/apache2.conf".into(),
            server_root: "/etc/apache2".into(),
            profile_name: "debian-2.4".into(),
            defines: vec!["SSL".into()],
            env: [("A".to_string(), "b".to_string())].into(),
            files: vec![
                (
                    "/etc/apache2/apache2.conf".into(),
                    b"ServerName x\n".to_vec(),
                ),
                ("/etc/apache2/l.conf".into(), b"\xe9\n".to_vec()),
            ],
        };
        let bytes = serde_json::to_vec(&s.to_json()).unwrap();
        assert_eq!(Snapshot::from_json(&bytes).unwrap(), s);
        assert!(Snapshot::from_json(b"{}").is_err());
        assert!(Snapshot::from_json(b"ServerName x").is_err());
    }
}
