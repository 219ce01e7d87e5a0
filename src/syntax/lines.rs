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

/// Maps offsets in a logical line's text to offsets in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OffsetMap {
    /// The text is the file slice starting at this offset.
    Contiguous(u32),
    /// The text was joined from several file slices: `(text_offset,
    /// file_offset)` pairs, sorted by text offset, the first at text offset 0.
    Pieces(Box<[(u32, u32)]>),
}

impl OffsetMap {
    /// File offset of the byte at `text_offset`.
    pub fn to_file(&self, text_offset: usize) -> usize {
        match self {
            OffsetMap::Contiguous(start) => *start as usize + text_offset,
            OffsetMap::Pieces(pieces) => {
                let t = text_offset as u32;
                let i = match pieces.binary_search_by_key(&t, |p| p.0) {
                    Ok(i) => i,
                    Err(i) => i.saturating_sub(1),
                };
                let (text_start, file_start) = pieces[i];
                (file_start + (t - text_start)) as usize
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
        let file_end = self.to_file(end - 1) + 1;
        TextRange::new(file_start, file_end.max(file_start))
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
        let mut pieces: Vec<(u32, u32)> = Vec::new();
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
                pieces.push((joined.len() as u32, start as u32));
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
                            pieces.push((0, cs as u32));
                            joined.extend_from_slice(&self.src[cs..cs + cut]);
                            contiguous = None;
                        }
                        None => {
                            joined.truncate(cut);
                            while pieces.len() > 1
                                && pieces.last().is_some_and(|p| p.0 as usize >= cut)
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
                let map = rebase(&full, ts, te);
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
    let OffsetMap::Pieces(pieces) = full else {
        return OffsetMap::Contiguous(full.to_file(start) as u32);
    };
    let mut out: Vec<(u32, u32)> = vec![(0, full.to_file(start) as u32)];
    for &(text_off, file_off) in pieces.iter() {
        let t = text_off as usize;
        if t > start && t < end {
            out.push(((t - start) as u32, file_off));
        }
    }
    if out.len() == 1 {
        OffsetMap::Contiguous(out[0].1)
    } else {
        OffsetMap::Pieces(out.into_boxed_slice())
    }
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
    fn eof_after_continuation_counts_one_more_line() {
        let v = lines(b"A \\\n");
        assert_eq!(v, vec![("A".into(), 1, 2)]);
    }
}
