//! Logical lines: httpd's `ap_cfg_getline` / `cfg_trim_line`, byte for byte.
//!
//! - Physical lines end at LF only; a lone CR is whitespace.
//! - A physical line whose LF (optionally preceded by CR) follows a `\` is
//!   continued: the `\`, CR and LF are removed and the next physical line is
//!   appended with its leading whitespace. The check looks at the *joined*
//!   buffer, so `\\` at end of line continues too, and the quirk of a blank
//!   line after a `\\` continuing again is reproduced.
//! - Whitespace after the `\` means no continuation; so does a `\` on the last
//!   line of a file without a final newline.
//! - A NUL byte ends the physical line: the rest of it is dropped and the
//!   logical line ends there (httpd works on C strings).
//! - The logical line is trimmed of C-locale `isspace` bytes at both ends.
//! - Its line number is the number of the last physical line read, which is
//!   what httpd prints in messages.
//!
//! A logical line that is one contiguous slice of the file borrows it; a joined
//! or truncated one owns its bytes and keeps a piece map back to file offsets.

use std::borrow::Cow;

use crate::source::TextRange;

/// httpd's `apr_isspace` in the C locale.
pub fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// One logical line, trimmed.
#[derive(Debug, Clone)]
pub struct LogicalLine<'a> {
    /// The trimmed text of the logical line.
    pub text: Cow<'a, [u8]>,
    /// Where `text` lives in the file.
    pub map: OffsetMap,
    /// 1-based number of the physical line where the text starts.
    pub first_line: u32,
    /// 1-based number of the last physical line read (httpd's line number).
    pub last_line: u32,
    /// Length of the joined line before trimming (httpd's line-length limit
    /// applies to it).
    pub raw_len: usize,
    /// A NUL byte cut this line short.
    pub nul_truncated: bool,
    /// Number of `\` continuations joined into this line.
    pub continuations: u32,
}

/// One piece of an [`OffsetMap`]: text from `text` onwards comes from the
/// file at `file`. A *linear* piece (`atomic_len == 0`) maps byte for byte; an
/// *atomic* piece stands for text substituted in place of the file bytes
/// `file..file + atomic_len` (a `${VAR}` or a macro parameter), so every
/// offset inside it maps to that whole source range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piece {
    pub text: u32,
    pub file: u32,
    pub atomic_len: u32,
}

/// Maps offsets in a logical line's text to offsets in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OffsetMap {
    /// The text is the file slice starting at this offset.
    Contiguous(u32),
    /// The text was joined or substituted from several file slices; sorted by
    /// text offset, the first at text offset 0.
    Pieces(Box<[Piece]>),
}

impl OffsetMap {
    fn piece(pieces: &[Piece], text_offset: u32) -> Piece {
        let i = match pieces.binary_search_by_key(&text_offset, |p| p.text) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        pieces[i]
    }

    /// File offset of the byte at `text_offset` (the start of the source
    /// range for substituted text).
    pub fn to_file(&self, text_offset: usize) -> usize {
        match self {
            OffsetMap::Contiguous(start) => *start as usize + text_offset,
            OffsetMap::Pieces(pieces) => {
                let p = Self::piece(pieces, text_offset as u32);
                if p.atomic_len == 0 {
                    (p.file + (text_offset as u32 - p.text)) as usize
                } else {
                    p.file as usize
                }
            }
        }
    }

    /// File offset one past the byte at `text_offset`.
    fn to_file_end(&self, text_offset: usize) -> usize {
        match self {
            OffsetMap::Contiguous(start) => *start as usize + text_offset + 1,
            OffsetMap::Pieces(pieces) => {
                let p = Self::piece(pieces, text_offset as u32);
                if p.atomic_len == 0 {
                    (p.file + (text_offset as u32 - p.text)) as usize + 1
                } else {
                    (p.file + p.atomic_len) as usize
                }
            }
        }
    }

    /// File range covering the text range `start..end` (the end is mapped as
    /// one past the last byte, so a range never runs into the next piece).
    pub fn range_to_file(&self, start: usize, end: usize) -> TextRange {
        let file_start = self.to_file(start);
        if end <= start {
            return TextRange::new(file_start, file_start);
        }
        let file_end = self.to_file_end(end - 1);
        TextRange::new(file_start, file_end.max(file_start))
    }

    /// Builds a map for text assembled from `pieces` (sorted by text offset).
    pub fn from_pieces(pieces: Vec<Piece>) -> OffsetMap {
        match pieces.as_slice() {
            [] => OffsetMap::Contiguous(0),
            [only] if only.atomic_len == 0 && only.text == 0 => OffsetMap::Contiguous(only.file),
            _ => OffsetMap::Pieces(pieces.into_boxed_slice()),
        }
    }

    /// The map of `text` after replacing its bytes `at..at + len` — whose
    /// source is already described by `self` — with `replacement_len` bytes
    /// of substituted text, recorded as one atomic piece.
    pub fn substituted(&self, at: usize, len: usize, replacement_len: usize) -> OffsetMap {
        let source = self.range_to_file(at, at + len);
        let mut pieces = self.pieces_in(0, at);
        pieces.push(Piece {
            text: at as u32,
            file: source.start,
            atomic_len: source.len() as u32,
        });
        let shift = replacement_len as i64 - len as i64;
        for p in self.pieces_in(at + len, usize::MAX) {
            pieces.push(Piece {
                text: (p.text as i64 + shift) as u32,
                ..p
            });
        }
        OffsetMap::from_pieces(pieces)
    }

    /// The pieces describing text offsets `start..end`, each starting at or
    /// after `start` (a piece straddling `start` is cut there).
    fn pieces_in(&self, start: usize, end: usize) -> Vec<Piece> {
        if end <= start {
            return Vec::new();
        }
        let mut out = Vec::new();
        match self {
            OffsetMap::Contiguous(file) => out.push(Piece {
                text: start as u32,
                file: file + start as u32,
                atomic_len: 0,
            }),
            OffsetMap::Pieces(pieces) => {
                let first = Self::piece(pieces, start as u32);
                out.push(if first.atomic_len == 0 {
                    Piece {
                        text: start as u32,
                        file: first.file + (start as u32 - first.text),
                        atomic_len: 0,
                    }
                } else {
                    Piece {
                        text: start as u32,
                        ..first
                    }
                });
                out.extend(
                    pieces
                        .iter()
                        .filter(|p| (p.text as usize) > start && (p.text as usize) < end)
                        .copied(),
                );
            }
        }
        out
    }
}

/// Iterator over the logical lines of a file.
pub struct LogicalLines<'a> {
    src: &'a [u8],
    pos: usize,
    physical_line: u32,
}

impl<'a> LogicalLines<'a> {
    pub fn new(src: &'a [u8]) -> Self {
        LogicalLines {
            src,
            pos: 0,
            physical_line: 0,
        }
    }

    /// Reads one physical line starting at `self.pos`: returns the byte range
    /// of its content (LF included when present) and whether a NUL cut it.
    fn physical(&mut self) -> Option<(usize, usize, bool)> {
        if self.pos >= self.src.len() {
            return None;
        }
        let start = self.pos;
        let rest = &self.src[start..];
        let line_end = match memchr::memchr(b'\n', rest) {
            Some(i) => start + i + 1,
            None => self.src.len(),
        };
        self.pos = line_end;
        let line = &self.src[start..line_end];
        match memchr::memchr(0, line) {
            Some(nul) => Some((start, start + nul, true)),
            None => Some((start, line_end, false)),
        }
    }
}

impl<'a> Iterator for LogicalLines<'a> {
    type Item = LogicalLine<'a>;

    fn next(&mut self) -> Option<LogicalLine<'a>> {
        // Fast path state: a single contiguous slice.
        let mut contiguous: Option<(usize, usize)> = None;
        // Slow path state: joined bytes plus piece map.
        let mut joined: Vec<u8> = Vec::new();
        let mut pieces: Vec<Piece> = Vec::new();
        let mut first_line = 0;
        let mut nul_truncated = false;
        let mut continuations = 0;

        loop {
            self.physical_line += 1;
            let Some((start, end, nul)) = self.physical() else {
                if contiguous.is_none() && pieces.is_empty() {
                    return None;
                }
                // EOF right after a continuation: httpd ends the line here.
                break;
            };
            if first_line == 0 {
                first_line = self.physical_line;
            }
            // Append this physical line: the first one is borrowed, later
            // ones (after a continuation) are copied into `joined`.
            if contiguous.is_none() && pieces.is_empty() {
                contiguous = Some((start, end));
            } else {
                pieces.push(Piece {
                    text: joined.len() as u32,
                    file: start as u32,
                    atomic_len: 0,
                });
                joined.extend_from_slice(&self.src[start..end]);
            }
            if nul {
                nul_truncated = true;
                break;
            }
            // Continuation check on the whole buffer, as httpd does.
            let buf: &[u8] = match contiguous {
                Some((cs, ce)) => &self.src[cs..ce],
                None => &joined,
            };
            let mut cut = buf.len();
            if cut > 0 && buf[cut - 1] == b'\n' {
                cut -= 1;
                if cut > 0 && buf[cut - 1] == b'\r' {
                    cut -= 1;
                }
                if cut > 0 && buf[cut - 1] == b'\\' {
                    cut -= 1;
                    continuations += 1;
                    match contiguous {
                        Some((cs, _)) => {
                            // Convert to joined form without the `\`, CR, LF.
                            pieces.push(Piece {
                                text: 0,
                                file: cs as u32,
                                atomic_len: 0,
                            });
                            joined.extend_from_slice(&self.src[cs..cs + cut]);
                            contiguous = None;
                        }
                        None => {
                            joined.truncate(cut);
                            while pieces.len() > 1
                                && pieces.last().is_some_and(|p| p.text as usize >= cut)
                            {
                                pieces.pop();
                            }
                        }
                    }
                    continue;
                }
            }
            break;
        }

        let last_line = self.physical_line;
        let (text, raw_len, map) = match contiguous {
            Some((cs, ce)) => {
                let (ts, te) = trim_bounds(&self.src[cs..ce]);
                (
                    Cow::Borrowed(&self.src[cs + ts..cs + te]),
                    ce - cs,
                    OffsetMap::Contiguous((cs + ts) as u32),
                )
            }
            None => {
                let raw_len = joined.len();
                let (ts, te) = trim_bounds(&joined);
                let text = joined[ts..te].to_vec();
                // Re-base the piece map on the trimmed text.
                let full = OffsetMap::Pieces(pieces.into_boxed_slice());
                let map = rebase(&full, ts, te.max(ts));
                (Cow::Owned(text), raw_len, map)
            }
        };
        Some(LogicalLine {
            text,
            map,
            first_line,
            last_line,
            raw_len,
            nul_truncated,
            continuations,
        })
    }
}

/// Start and end of `bytes` without leading and trailing `isspace` bytes.
fn trim_bounds(bytes: &[u8]) -> (usize, usize) {
    let start = bytes
        .iter()
        .position(|&b| !is_space(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| !is_space(b))
        .map_or(start, |i| i + 1);
    (start, end.max(start))
}

/// The piece map of the text range `start..end` of `full`, with text offsets
/// starting at 0. A map of one piece becomes contiguous.
fn rebase(full: &OffsetMap, start: usize, end: usize) -> OffsetMap {
    let pieces = full
        .pieces_in(start, end)
        .into_iter()
        .map(|p| Piece {
            text: p.text - start as u32,
            ..p
        })
        .collect();
    OffsetMap::from_pieces(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(src: &[u8]) -> Vec<(String, u32, u32)> {
        LogicalLines::new(src)
            .map(|l| {
                (
                    String::from_utf8_lossy(&l.text).into_owned(),
                    l.first_line,
                    l.last_line,
                )
            })
            .collect()
    }

    #[test]
    fn plain_lines_and_crlf() {
        assert_eq!(
            lines(b"  A b \r\n\nC\n"),
            vec![("A b".into(), 1, 1), ("".into(), 2, 2), ("C".into(), 3, 3)]
        );
    }

    #[test]
    fn continuation_joins_without_space() {
        assert_eq!(
            lines(b"Server\\\nAdmin a@b\n"),
            vec![("ServerAdmin a@b".into(), 1, 2)]
        );
    }

    #[test]
    fn continuation_before_crlf() {
        assert_eq!(lines(b"A \\\r\n b\r\n"), vec![("A  b".into(), 1, 2)]);
    }

    #[test]
    fn trailing_space_after_backslash_is_not_continuation() {
        assert_eq!(
            lines(b"ServerAdmin \\ \nx@y\n"),
            vec![("ServerAdmin \\".into(), 1, 1), ("x@y".into(), 2, 2)]
        );
    }

    #[test]
    fn double_backslash_still_continues() {
        assert_eq!(
            lines(b"ServerAdmin a@b\\\\\nServerTokens Prod\n"),
            vec![("ServerAdmin a@b\\ServerTokens Prod".into(), 1, 2)]
        );
    }

    #[test]
    fn backslash_at_eof_without_newline_is_literal() {
        assert_eq!(
            lines(b"ServerAdmin a@b \\"),
            vec![("ServerAdmin a@b \\".into(), 1, 1)]
        );
    }

    #[test]
    fn blank_line_ends_a_continuation() {
        assert_eq!(
            lines(b"A \\\n\nB\n"),
            vec![("A".into(), 1, 2), ("B".into(), 3, 3)]
        );
    }

    #[test]
    fn nul_truncates_the_logical_line() {
        assert_eq!(
            lines(b"ServerAdmin a\0Bogus\nNext\n"),
            vec![("ServerAdmin a".into(), 1, 1), ("Next".into(), 2, 2)]
        );
    }

    #[test]
    fn joined_offsets_map_back_to_the_file() {
        let src = b"Ab\\\n  cd\n";
        let line = LogicalLines::new(src).next().unwrap();
        assert_eq!(&*line.text, b"Ab  cd");
        assert_eq!(line.map.to_file(0), 0);
        assert_eq!(line.map.to_file(2), 4);
        assert_eq!(line.map.to_file(5), 7);
        assert_eq!(line.map.range_to_file(4, 6), TextRange::new(6, 8));
    }

    #[test]
    fn substituted_text_maps_to_the_whole_source_range() {
        // "A ${X} b" with ${X} (offsets 2..6) replaced by "long value".
        let map = OffsetMap::Contiguous(100);
        let sub = map.substituted(2, 4, 10);
        assert_eq!(sub.range_to_file(0, 1), TextRange::new(100, 101));
        assert_eq!(sub.range_to_file(2, 12), TextRange::new(102, 106));
        assert_eq!(sub.range_to_file(5, 7), TextRange::new(102, 106));
        assert_eq!(sub.range_to_file(13, 14), TextRange::new(107, 108));
    }

    #[test]
    fn eof_after_continuation_counts_one_more_line() {
        let v = lines(b"A \\\n");
        assert_eq!(v, vec![("A".into(), 1, 2)]);
    }
}
