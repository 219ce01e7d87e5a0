//! Source files, file ids, byte spans and the line index that turns spans into
//! line/column pairs for display.
//!
//! Invariants:
//! - A [`Span`] is a byte range into exactly one [`SourceFile`]; it never points
//!   outside the file's bytes (`end <= len`).
//! - Lines are split on LF only, as httpd does (`apr_file_gets`); a lone CR is
//!   ordinary whitespace inside a line.
//! - Line numbers and columns are 1-based. Columns count Unicode scalar values
//!   of the lossily decoded line (a stray non-UTF-8 byte counts as one column).
//! - Configuration text is bytes, not `str`: httpd does no encoding check, so
//!   neither do we. Decoding happens only for display.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Index of a file in a [`SourceSet`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct FileId(pub u32);

/// A half-open byte range `start..end` inside one file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

impl TextRange {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        TextRange {
            start: start as u32,
            end: end as u32,
        }
    }

    pub fn empty_at(offset: usize) -> Self {
        Self::new(offset, offset)
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub fn start(self) -> usize {
        self.start as usize
    }

    pub fn end(self) -> usize {
        self.end as usize
    }

    /// The smallest range covering both.
    pub fn cover(self, other: TextRange) -> TextRange {
        TextRange {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn as_range(self) -> std::ops::Range<usize> {
        self.start()..self.end()
    }
}

/// A byte range in a specific file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct Span {
    pub file: FileId,
    pub range: TextRange,
}

impl Span {
    pub fn new(file: FileId, range: TextRange) -> Self {
        Span { file, range }
    }
}

/// Byte offsets of line starts, built once per file on first use.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// `line_starts[i]` is the offset of the first byte of line `i + 1`.
    line_starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &[u8]) -> Self {
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(0);
        line_starts.extend(
            text.iter()
                .enumerate()
                .filter(|&(_, &b)| b == b'\n')
                .map(|(i, _)| (i + 1) as u32),
        );
        LineIndex { line_starts }
    }

    /// 1-based line number containing `offset` (an offset equal to the file
    /// length belongs to the last line).
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&(offset as u32)) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// Offset of the first byte of 1-based `line`.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(0) as usize
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

/// A 1-based line/column position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// One configuration file as read: its path and its bytes.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as it should be shown to the user (the file in the checkout
    /// the user can open).
    pub path: PathBuf,
    /// The path as the configuration (and httpd) names it:
    /// `/etc/apache2/sites-enabled/shop.conf`.
    pub config_path: PathBuf,
    pub text: Arc<[u8]>,
    line_index: OnceLock<LineIndex>,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: impl Into<Arc<[u8]>>) -> Self {
        let path = path.into();
        SourceFile {
            config_path: path.clone(),
            path,
            text: text.into(),
            line_index: OnceLock::new(),
        }
    }

    /// Sets the configuration's name for this file.
    pub fn with_config_path(mut self, config_path: impl Into<PathBuf>) -> Self {
        self.config_path = config_path.into();
        self
    }

    pub fn line_index(&self) -> &LineIndex {
        self.line_index.get_or_init(|| LineIndex::new(&self.text))
    }

    /// Line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let index = self.line_index();
        let line = index.line_of(offset);
        let start = index.line_start(line);
        let column = count_columns(&self.text[start..offset]) + 1;
        LineCol { line, column }
    }

    /// The bytes of a range, decoded lossily for display.
    pub fn snippet(&self, range: TextRange) -> std::borrow::Cow<'_, str> {
        let end = range.end().min(self.text.len());
        let start = range.start().min(end);
        String::from_utf8_lossy(&self.text[start..end])
    }

    pub fn display_path(&self) -> String {
        self.path.display().to_string()
    }
}

/// Number of display columns in `bytes`: UTF-8 scalar values, with every
/// byte that is not part of a valid sequence counting as one.
fn count_columns(bytes: &[u8]) -> usize {
    String::from_utf8_lossy(bytes).chars().count()
}

/// All files read for one configuration, addressed by [`FileId`].
#[derive(Debug, Default, Clone)]
pub struct SourceSet {
    files: Vec<SourceFile>,
}

impl SourceSet {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, file: SourceFile) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.files.push(file);
        id
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// Appends copies of `other`'s files (the texts are shared) and returns
    /// the offset to add to `other`'s file ids.
    pub fn append(&mut self, other: &SourceSet) -> u32 {
        let offset = self.files.len() as u32;
        self.files.extend(other.files.iter().cloned());
        offset
    }

    /// The file a configuration path names, if it was read.
    pub fn find_config_path(&self, config_path: &Path) -> Option<FileId> {
        self.iter()
            .find(|(_, f)| f.config_path == config_path)
            .map(|(id, _)| id)
    }

    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.iter().find(|(_, f)| f.path == path).map(|(id, _)| id)
    }
}

/// Escape bytes the way httpd's error log does (`ap_escape_errorlog_item`):
/// a backslash shows as `\\`, control bytes as `\n`, `\t`… or `\xHH`, and bytes
/// of 0x80 and above as `\xHH`. Used where apachelint quotes httpd's own
/// messages so users recognise them.
pub fn escape_like_httpd(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            b'\r' => out.push_str("\\r"),
            0x08 => out.push_str("\\b"),
            0x0b => out.push_str("\\v"),
            0x20..=0x7e => out.push(b as char),
            _ => {
                use fmt::Write;
                let _ = write!(out, "\\x{b:02x}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_lf_only_and_scalar_columns() {
        let f = SourceFile::new("x", b"ab\r\nc\rd\n\xc3\xa9x".to_vec());
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(4), LineCol { line: 2, column: 1 });
        // A lone CR does not start a line.
        assert_eq!(f.line_col(6), LineCol { line: 2, column: 3 });
        // The é is one column.
        assert_eq!(f.line_col(10), LineCol { line: 3, column: 2 });
        assert_eq!(f.line_col(11), LineCol { line: 3, column: 3 });
    }

    #[test]
    fn escapes_like_the_error_log() {
        assert_eq!(
            escape_like_httpd(b"\xef\xbb\xbfA\\b\n"),
            "\\xef\\xbb\\xbfA\\\\b\\n"
        );
    }
}
