//! httpd's expression language, ap_expr (`server/util_expr_scan.l`,
//! `util_expr_parse.y`, `util_expr_eval.c`; docs `expr.html`), as httpd 2.4
//! parses it when it reads `<If>`, `Require expr`, `SetEnvIfExpr`,
//! `Header … expr=`, `RewriteCond expr`, `SSLRequire` and the string
//! expressions of `ErrorDocument`, `AuthName`, `Alias` …
//!
//! [`parse`] accepts and rejects exactly what httpd does and returns httpd's
//! own error text:
//!
//! - The lexer follows flex's rules state by state (longest match, first
//!   rule on a tie): `and`/`andx`, `-in`/`-inx`, `m#…#` against `m_x`,
//!   octal against bad escapes (`\123`, `\19`), strings split at `%{` and
//!   `$1`, `%{func:arg}` nesting. It runs lazily, one token ahead, as
//!   bison asks for them, so a scanner error only counts when the parser
//!   gets that far.
//! - The parser is recursive descent over the same grammar. Where bison
//!   reports an error it reports the same one: `syntax error, unexpected
//!   T_ID, expecting '('`; the expected tokens are those of the LALR state
//!   the error is found in, listed only when there are at most four, as
//!   bison does.
//! - Names are looked up when bison reduces them (variables and functions
//!   as soon as they close, operators after one token of lookahead), and a
//!   failed lookup does not stop the parse: httpd keeps only the last such
//!   message and appends it to a later syntax error (`syntax error,
//!   unexpected $end: Variable 'FOO' does not exist`).
//! - Regexes are compiled when reduced (`Failed to compile regular
//!   expression`), `-R`/`-ipmatch` subnets are parsed as APR does, and the
//!   parser stack has bison's 10000-state limit (`memory exhausted`).
//! - A quote inside `%{func:…}` or a backslash ending a string jams flex:
//!   httpd prints `flex scanner jammed` and exits.
//!
//! Pure: the caller says which modules add names ([`Providers`]) and how
//! regexes compile.

use std::ops::Range;

use super::ipsubnet::subnet_arg_is_valid;

/// What the consumer asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A condition (`<If>`, `Require expr`, `SetEnvIfExpr`).
    Condition,
    /// A string with `%{…}` and `$1` in it (`AP_EXPR_FLAG_STRING_RESULT`:
    /// `ErrorDocument`, `AuthName`, `Header … expr=`).
    String,
}

/// Modules that add names through httpd's `expr_lookup` hook.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Providers {
    /// mod_ssl: `SSL_*` variables, `SSL()`/`%{SSL:…}`, `PeerExtList()`.
    pub ssl: bool,
    /// mod_proxy_hcheck: `HC_*` variables and `hc()`.
    pub proxy_hcheck: bool,
}

impl Providers {
    /// Every optional provider: what a line in an inactive branch may count on.
    pub fn all() -> Self {
        Providers {
            ssl: true,
            proxy_hcheck: true,
        }
    }
}

/// Whether httpd's regex compiler accepts a pattern (the flag asks for
/// caseless matching, `/…/i`).
pub type RegexCheck<'a> = &'a (dyn Fn(&str, bool) -> bool + Sync);

/// What went wrong, for help texts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// bison's `syntax error, unexpected …`.
    Syntax,
    /// The scanner refused a character or an escape.
    Lexical,
    UnknownVariable,
    UnknownFunction,
    UnknownListFunction,
    UnknownOperator,
    /// `-R`/`-ipmatch` without a literal subnet, or with a bad one.
    Subnet,
    /// `Failed to compile regular expression`.
    Regex,
    /// `memory exhausted`: nesting deeper than bison's stack.
    TooDeep,
    /// `flex scanner jammed`: httpd exits on the spot.
    Jammed,
}

/// A rejected expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExprError {
    /// httpd's message, byte for byte (it may quote a non-UTF-8 byte).
    pub message: Vec<u8>,
    pub kind: ErrorKind,
    /// Byte range in the expression: the unexpected token, the unknown
    /// name, the bad escape; for `$end`, the last byte written.
    pub span: Range<usize>,
    /// For `…: Variable 'FOO' does not exist` after a syntax error: where
    /// that second part comes from, and what it is.
    pub cause: Option<(Range<usize>, ErrorKind)>,
}

impl ExprError {
    /// httpd prints this alone and exits, whatever directive holds it.
    pub fn is_jammed(&self) -> bool {
        self.kind == ErrorKind::Jammed
    }
}

/// Parses `text` as httpd's `ap_expr_parse` does.
pub fn parse(
    text: &str,
    mode: Mode,
    providers: Providers,
    regex_compiles: RegexCheck<'_>,
) -> Result<(), ExprError> {
    let run = || Parser::new(text.as_bytes(), mode, providers, regex_compiles).run();
    // The parser recurses only into `(` and `%{`; deeply nested input gets
    // a thread whose stack holds bison's 10000 levels (if the thread cannot
    // start, the expression goes unchecked).
    let openers = text.matches('(').count() + text.matches("%{").count();
    if openers < INLINE_NESTING {
        return run();
    }
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(DEEP_STACK_BYTES)
            .spawn_scoped(scope, run)
            .ok()
            .and_then(|handle| handle.join().ok())
            .unwrap_or(Ok(()))
    })
}

/// Nesting any thread's stack holds (a level costs a few kilobytes in a
/// debug build).
const INLINE_NESTING: usize = 64;
/// Enough for 10000 levels in a debug build (reserved, not committed).
const DEEP_STACK_BYTES: usize = 256 << 20;

/// httpd's `MAX_STRING_LEN`: the scanner's string and regex buffers.
const MAX_STRING_LEN: usize = 8192;
/// bison's `YYMAXDEPTH`.
const MAX_PARSER_STATES: usize = 10000;

// ------------------------------------------------------------------ tokens

/// The grammar's terminals, in bison's numbering order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    End,
    True,
    False,
    Error,
    Digit,
    Id,
    Str,
    Regex,
    RegexI,
    Backref,
    Unary,
    Binary,
    StrBegin,
    StrEnd,
    VarBegin,
    VarEnd,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Reg,
    Nre,
    In,
    StrEq,
    StrNe,
    StrLt,
    StrLe,
    StrGt,
    StrGe,
    Concat,
    Or,
    And,
    Not,
    LParen,
    RParen,
    LBrace,
    RBrace,
    Comma,
    Colon,
}

impl Tok {
    /// The name bison prints.
    fn bison_name(self) -> &'static str {
        match self {
            Tok::End => "$end",
            Tok::True => "T_TRUE",
            Tok::False => "T_FALSE",
            Tok::Error => "T_ERROR",
            Tok::Digit => "T_DIGIT",
            Tok::Id => "T_ID",
            Tok::Str => "T_STRING",
            Tok::Regex => "T_REGEX",
            Tok::RegexI => "T_REGEX_I",
            Tok::Backref => "T_REGEX_BACKREF",
            Tok::Unary => "T_OP_UNARY",
            Tok::Binary => "T_OP_BINARY",
            Tok::StrBegin => "T_STR_BEGIN",
            Tok::StrEnd => "T_STR_END",
            Tok::VarBegin => "T_VAR_BEGIN",
            Tok::VarEnd => "T_VAR_END",
            Tok::Eq => "T_OP_EQ",
            Tok::Ne => "T_OP_NE",
            Tok::Lt => "T_OP_LT",
            Tok::Le => "T_OP_LE",
            Tok::Gt => "T_OP_GT",
            Tok::Ge => "T_OP_GE",
            Tok::Reg => "T_OP_REG",
            Tok::Nre => "T_OP_NRE",
            Tok::In => "T_OP_IN",
            Tok::StrEq => "T_OP_STR_EQ",
            Tok::StrNe => "T_OP_STR_NE",
            Tok::StrLt => "T_OP_STR_LT",
            Tok::StrLe => "T_OP_STR_LE",
            Tok::StrGt => "T_OP_STR_GT",
            Tok::StrGe => "T_OP_STR_GE",
            Tok::Concat => "T_OP_CONCAT",
            Tok::Or => "T_OP_OR",
            Tok::And => "T_OP_AND",
            Tok::Not => "T_OP_NOT",
            Tok::LParen => "'('",
            Tok::RParen => "')'",
            Tok::LBrace => "'{'",
            Tok::RBrace => "'}'",
            Tok::Comma => "','",
            Tok::Colon => "':'",
        }
    }

    fn starts_word(self) -> bool {
        matches!(
            self,
            Tok::Digit | Tok::Id | Tok::Backref | Tok::StrBegin | Tok::VarBegin
        )
    }

    fn starts_strpart(self) -> bool {
        matches!(self, Tok::Str | Tok::Backref | Tok::VarBegin)
    }
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    span: Range<usize>,
    /// The text of a string (cut at a NUL, as httpd copies it), a regex
    /// pattern, or a scanner error's message.
    value: Vec<u8>,
}

// ------------------------------------------------------------------- lexer

/// flex start conditions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Start {
    Initial,
    /// Inside quotes, or a whole string expression.
    Str,
    /// After `%{`.
    Var,
    /// After `%{name:`.
    VarArg,
}

/// The scanner jammed at this offset.
struct Jammed(usize);

struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    start: Start,
    stack: Vec<Start>,
    buf: Vec<u8>,
    /// Where `buf`'s text starts.
    buf_from: usize,
    /// The quote that ends the current string; none for a string expression.
    delimiter: Option<u8>,
    /// Where the current quoted string or `%{` began.
    opened_at: usize,
    string_mode: bool,
}

/// Characters that may follow `m` to open a regex.
const REGEX_DELIMITERS: &[u8] = b"/#$%^,;:_?|-!.'\"";

const KEYWORDS: [(&[u8], Tok); 12] = [
    (b"and", Tok::And),
    (b"or", Tok::Or),
    (b"not", Tok::Not),
    (b"lt", Tok::Lt),
    (b"le", Tok::Le),
    (b"gt", Tok::Gt),
    (b"ge", Tok::Ge),
    (b"ne", Tok::Ne),
    (b"eq", Tok::Eq),
    (b"in", Tok::In),
    (b"true", Tok::True),
    (b"false", Tok::False),
];

const DASH_OPERATORS: [(&[u8], Tok); 7] = [
    (b"-in", Tok::In),
    (b"-eq", Tok::Eq),
    (b"-ne", Tok::Ne),
    (b"-ge", Tok::Ge),
    (b"-le", Tok::Le),
    (b"-gt", Tok::Gt),
    (b"-lt", Tok::Lt),
];

fn is_id_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl<'a> Lexer<'a> {
    fn new(src: &'a [u8], mode: Mode) -> Self {
        let string_mode = mode == Mode::String;
        Lexer {
            src,
            pos: 0,
            start: if string_mode {
                Start::Str
            } else {
                Start::Initial
            },
            stack: Vec::new(),
            buf: Vec::new(),
            buf_from: 0,
            delimiter: None,
            opened_at: 0,
            string_mode,
        }
    }

    fn at(&self, i: usize) -> Option<u8> {
        self.src.get(i).copied()
    }

    fn token(&self, tok: Tok, span: Range<usize>) -> Token {
        Token {
            tok,
            span,
            value: Vec::new(),
        }
    }

    /// `PERROR`: a T_ERROR token carrying the message.
    fn error(&self, span: Range<usize>, message: Vec<u8>) -> Token {
        Token {
            tok: Tok::Error,
            span,
            value: message,
        }
    }

    fn next(&mut self) -> Result<Token, Jammed> {
        match self.start {
            Start::Initial => Ok(self.initial()),
            Start::Str | Start::VarArg => self.text(),
            Start::Var => Ok(self.variable()),
        }
    }

    fn initial(&mut self) -> Token {
        while matches!(self.at(self.pos), Some(b' ' | b'\t' | b'\n')) {
            self.pos += 1;
        }
        let p = self.pos;
        let Some(c) = self.at(p) else {
            return self.token(Tok::End, p..p);
        };
        let next = self.at(p + 1);
        let two = |lexer: &mut Self, tok| {
            lexer.pos = p + 2;
            lexer.token(tok, p..p + 2)
        };
        let one = |lexer: &mut Self, tok| {
            lexer.pos = p + 1;
            lexer.token(tok, p..p + 1)
        };
        match c {
            b'"' | b'\'' => {
                self.pos = p + 1;
                self.buf.clear();
                self.buf_from = p + 1;
                self.delimiter = Some(c);
                self.opened_at = p;
                self.start = Start::Str;
                self.token(Tok::StrBegin, p..p + 1)
            }
            b'%' if next == Some(b'{') => {
                self.opened_at = p;
                self.stack.push(Start::Initial);
                self.start = Start::Var;
                two(self, Tok::VarBegin)
            }
            b'$' if next.is_some_and(|n| n.is_ascii_digit()) => two(self, Tok::Backref),
            b'/' => self.regex(p, p + 1, b'/'),
            b'm' if next.is_some_and(|n| REGEX_DELIMITERS.contains(&n)) && self.id_len(p) <= 2 => {
                self.regex(p, p + 2, next.unwrap_or(b'/'))
            }
            b'=' => match next {
                Some(b'~') => two(self, Tok::Reg),
                Some(b'=') => two(self, Tok::StrEq),
                _ => one(self, Tok::StrEq),
            },
            b'!' => match next {
                Some(b'=') => two(self, Tok::StrNe),
                Some(b'~') => two(self, Tok::Nre),
                _ => one(self, Tok::Not),
            },
            b'<' if next == Some(b'=') => two(self, Tok::StrLe),
            b'<' => one(self, Tok::StrLt),
            b'>' if next == Some(b'=') => two(self, Tok::StrGe),
            b'>' => one(self, Tok::StrGt),
            b'&' if next == Some(b'&') => two(self, Tok::And),
            b'|' if next == Some(b'|') => two(self, Tok::Or),
            b'.' => one(self, Tok::Concat),
            b'-' if next.is_some_and(|n| n.is_ascii_alphabetic() || n == b'_') => {
                let len = 1 + self.src[p + 1..]
                    .iter()
                    .take_while(|&&b| is_id_byte(b))
                    .count();
                let word = &self.src[p..p + len];
                self.pos = p + len;
                if len == 2 {
                    return self.token(Tok::Unary, p..p + len);
                }
                match DASH_OPERATORS.iter().find(|(text, _)| *text == word) {
                    Some(&(_, tok)) => self.token(tok, p..p + len),
                    None => self.token(Tok::Binary, p..p + len),
                }
            }
            b'-' if next.is_some_and(|n| n.is_ascii_digit()) => self.digits(p, p + 1),
            b'0'..=b'9' => self.digits(p, p),
            b'(' => one(self, Tok::LParen),
            b')' => one(self, Tok::RParen),
            b'{' => one(self, Tok::LBrace),
            b'}' => one(self, Tok::RBrace),
            b',' => one(self, Tok::Comma),
            b':' => one(self, Tok::Colon),
            c if c.is_ascii_alphabetic() => {
                let len = self.id_len(p);
                let word = &self.src[p..p + len];
                self.pos = p + len;
                match KEYWORDS.iter().find(|(text, _)| *text == word) {
                    Some(&(_, tok)) => self.token(tok, p..p + len),
                    None => self.token(Tok::Id, p..p + len),
                }
            }
            _ => {
                self.pos = p + 1;
                self.error(p..p + 1, quoted_char(b"Parse error near", c))
            }
        }
    }

    /// Length of `[a-zA-Z][a-zA-Z0-9_]*` at `p`.
    fn id_len(&self, p: usize) -> usize {
        self.src[p..].iter().take_while(|&&b| is_id_byte(b)).count()
    }

    fn digits(&mut self, from: usize, digits_from: usize) -> Token {
        let end = digits_from
            + self.src[digits_from..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
        self.pos = end;
        self.token(Tok::Digit, from..end)
    }

    /// A regex from its opening (`/` or `m#`) to its flags; an unterminated
    /// regex ends the input (flex's default end-of-file action).
    fn regex(&mut self, from: usize, body: usize, delimiter: u8) -> Token {
        let Some(len) = self.src[body..].iter().position(|&b| b == delimiter) else {
            self.pos = self.src.len();
            if self.src.len() - body >= MAX_STRING_LEN {
                return self.error(from..self.pos, b"Regexp too long".to_vec());
            }
            return self.token(Tok::End, from..self.pos);
        };
        if len >= MAX_STRING_LEN {
            self.pos = body + MAX_STRING_LEN;
            return self.error(from..self.pos, b"Regexp too long".to_vec());
        }
        let close = body + len;
        let (tok, end) = match self.at(close + 1) {
            Some(b'i') => (Tok::RegexI, close + 2),
            _ => (Tok::Regex, close + 1),
        };
        self.pos = end;
        Token {
            tok,
            span: from..end,
            value: self.src[body..close].to_vec(),
        }
    }

    /// Inside `%{`: a name, `:`, or `}`.
    fn variable(&mut self) -> Token {
        let p = self.pos;
        let Some(c) = self.at(p) else {
            return self.error(
                self.opened_at..p,
                b"Unterminated string or variable".to_vec(),
            );
        };
        if c.is_ascii_alphabetic() {
            let len = self.id_len(p);
            self.pos = p + len;
            return self.token(Tok::Id, p..p + len);
        }
        self.pos = p + 1;
        match c {
            b'}' => {
                self.start = self.stack.pop().unwrap_or(Start::Initial);
                self.token(Tok::VarEnd, p..p + 1)
            }
            b':' => {
                self.start = Start::VarArg;
                self.buf.clear();
                self.buf_from = p + 1;
                self.token(Tok::Colon, p..p + 1)
            }
            _ => self.error(
                p..p + 1,
                quoted_char(b"Invalid character in variable name", c),
            ),
        }
    }

    /// The text of a string or of a `%{func:…}` argument.
    fn text(&mut self) -> Result<Token, Jammed> {
        let in_arg = self.start == Start::VarArg;
        loop {
            let p = self.pos;
            let Some(c) = self.at(p) else {
                if in_arg || !self.string_mode {
                    return Ok(self.error(
                        self.opened_at..p,
                        b"Unterminated string or variable".to_vec(),
                    ));
                }
                let string = self.take_string();
                self.start = Start::Initial;
                return Ok(string);
            };
            let next = self.at(p + 1);
            match c {
                b'"' | b'\'' if in_arg => return Err(Jammed(p)),
                b'"' | b'\'' if self.delimiter == Some(c) => {
                    if !self.buf.is_empty() {
                        return Ok(self.take_string());
                    }
                    self.pos = p + 1;
                    self.start = Start::Initial;
                    return Ok(self.token(Tok::StrEnd, p..p + 1));
                }
                b'\n' => {
                    self.pos = p + 1;
                    return Ok(self.error(
                        self.opened_at..p,
                        b"Unterminated string or variable".to_vec(),
                    ));
                }
                b'\\' => {
                    let Some(escaped) = next else {
                        return Err(Jammed(p));
                    };
                    if let Some(error) = self.escape(p, escaped) {
                        return Ok(error);
                    }
                }
                b'$' if next.is_some_and(|n| n.is_ascii_digit()) => {
                    if !self.buf.is_empty() {
                        return Ok(self.take_string());
                    }
                    self.pos = p + 2;
                    return Ok(self.token(Tok::Backref, p..p + 2));
                }
                b'%' if next == Some(b'{') => {
                    if !self.buf.is_empty() {
                        return Ok(self.take_string());
                    }
                    self.pos = p + 2;
                    self.opened_at = p;
                    self.stack.push(self.start);
                    self.start = Start::Var;
                    return Ok(self.token(Tok::VarBegin, p..p + 2));
                }
                b'}' if in_arg => {
                    if !self.buf.is_empty() {
                        return Ok(self.take_string());
                    }
                    self.pos = p + 1;
                    self.start = self.stack.pop().unwrap_or(Start::Initial);
                    return Ok(self.token(Tok::VarEnd, p..p + 1));
                }
                _ => {
                    let run = if matches!(c, b'%' | b'}' | b'$' | b'"' | b'\'') {
                        1
                    } else {
                        self.src[p..]
                            .iter()
                            .take_while(|b| !b"\\\n\"'%}$".contains(b))
                            .count()
                    };
                    self.pos = p + run;
                    for i in p..p + run {
                        if let Some(error) = self.append(self.src[i]) {
                            return Ok(error);
                        }
                    }
                }
            }
        }
    }

    /// A backslash escape at `p`; `Some` when it is a scanner error.
    fn escape(&mut self, p: usize, escaped: u8) -> Option<Token> {
        if !escaped.is_ascii_digit() {
            self.pos = p + 2;
            let byte = match escaped {
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                b'b' => 0x08,
                b'f' => 0x0c,
                other => other,
            };
            return self.append(byte);
        }
        let digits = self.src[p + 1..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let octal = self.src[p + 1..]
            .iter()
            .take(3)
            .take_while(|b| (b'0'..=b'7').contains(*b))
            .count();
        if octal < digits {
            // `\\[0-9]+` matched more than `\\[0-7]{1,3}`.
            self.pos = p + 1 + digits;
            return Some(self.error(p..self.pos, b"Bad escape sequence".to_vec()));
        }
        self.pos = p + 1 + octal;
        let value = self.src[p + 1..self.pos]
            .iter()
            .fold(0u32, |acc, &b| acc * 8 + u32::from(b - b'0'));
        match u8::try_from(value) {
            Ok(byte) => self.append(byte),
            Err(_) => Some(self.error(p..self.pos, b"Escape sequence out of bound".to_vec())),
        }
    }

    /// `STR_APPEND`: the buffer holds `MAX_STRING_LEN - 1` bytes at most.
    fn append(&mut self, byte: u8) -> Option<Token> {
        self.buf.push(byte);
        (self.buf.len() >= MAX_STRING_LEN)
            .then(|| self.error(self.buf_from..self.pos, b"String too long".to_vec()))
    }

    fn take_string(&mut self) -> Token {
        let mut value = std::mem::take(&mut self.buf);
        if let Some(nul) = value.iter().position(|&b| b == 0) {
            value.truncate(nul);
        }
        let span = self.buf_from..self.pos;
        self.buf_from = self.pos;
        Token {
            tok: Tok::Str,
            span,
            value,
        }
    }
}

/// `<prefix> '<c>'` with the raw byte, as httpd formats it.
fn quoted_char(prefix: &[u8], c: u8) -> Vec<u8> {
    let mut message = prefix.to_vec();
    message.extend_from_slice(b" '");
    message.push(c);
    message.push(b'\'');
    message
}

// ------------------------------------------------------------------ parser

/// Why the parse stopped.
enum Stop {
    /// `yyerror`: the token and the expected ones (empty: too many to list).
    Syntax(Token, &'static [Tok]),
    TooDeep(Range<usize>),
    /// `YYABORT` on a T_ERROR the grammar expects: only the scanner's message.
    Abort,
    BadRegex(Range<usize>),
    Jammed(usize),
}

/// A word's value, as far as argument checks care: httpd only accepts a
/// single literal string (`op_String`) where it wants a constant.
enum Operand {
    Literal(Vec<u8>),
    Computed,
}

/// httpd's `ctx->error2`: the last scanner or lookup message.
struct Note {
    message: Vec<u8>,
    span: Range<usize>,
    kind: ErrorKind,
}

struct Parser<'a> {
    lexer: Lexer<'a>,
    src: &'a [u8],
    mode: Mode,
    lookahead: Option<Token>,
    note: Option<Note>,
    /// Entries on bison's state stack.
    states: usize,
    providers: Providers,
    regex_compiles: RegexCheck<'a>,
}

/// httpd's variables (`%{NAME}`, case-insensitive).
pub const VARIABLES: [&str; 52] = [
    "TIME_YEAR",
    "TIME_MON",
    "TIME_DAY",
    "TIME_HOUR",
    "TIME_MIN",
    "TIME_SEC",
    "TIME_WDAY",
    "TIME",
    "SERVER_SOFTWARE",
    "API_VERSION",
    "HTTP_USER_AGENT",
    "HTTP_PROXY_CONNECTION",
    "HTTP_REFERER",
    "HTTP_COOKIE",
    "HTTP_FORWARDED",
    "HTTP_HOST",
    "HTTP_ACCEPT",
    "REQUEST_METHOD",
    "REQUEST_SCHEME",
    "REQUEST_URI",
    "REQUEST_FILENAME",
    "REMOTE_HOST",
    "REMOTE_IDENT",
    "REMOTE_USER",
    "SERVER_ADMIN",
    "SERVER_NAME",
    "SERVER_PORT",
    "SERVER_PROTOCOL",
    "SCRIPT_FILENAME",
    "PATH_INFO",
    "QUERY_STRING",
    "IS_SUBREQ",
    "DOCUMENT_ROOT",
    "AUTH_TYPE",
    "THE_REQUEST",
    "CONTENT_TYPE",
    "HANDLER",
    "REQUEST_LOG_ID",
    "SCRIPT_USER",
    "SCRIPT_GROUP",
    "DOCUMENT_URI",
    "LAST_MODIFIED",
    "CONTEXT_PREFIX",
    "CONTEXT_DOCUMENT_ROOT",
    "REQUEST_STATUS",
    "REMOTE_ADDR",
    "REMOTE_PORT",
    "HTTPS",
    "IPV6",
    "CONN_LOG_ID",
    "CONN_REMOTE_ADDR",
    "HTTP2",
];

/// httpd's string functions (`name(arg)` and `%{name:arg}`, case-insensitive).
pub const FUNCTIONS: [&str; 19] = [
    "osenv",
    "env",
    "resp",
    "req",
    "http",
    "note",
    "reqenv",
    "req_novary",
    "tolower",
    "toupper",
    "escape",
    "unescape",
    "file",
    "filesize",
    "base64",
    "unbase64",
    "sha1",
    "md5",
    "ldap",
];

/// httpd's unary operators (`-f`, case-sensitive).
pub const UNARY_OPERATORS: &[u8] = b"nzRTdefsLhxFUA";

/// httpd's binary operators (`-ipmatch`, case-insensitive).
pub const BINARY_OPERATORS: [&str; 4] = ["ipmatch", "fnmatch", "strmatch", "strcmatch"];

/// Expected tokens after a complete expression inside `(`.
const AFTER_PAREN_EXPR: &[Tok] = &[Tok::Or, Tok::And, Tok::RParen];
/// Expected tokens after a function's argument.
const AFTER_ARGUMENT: &[Tok] = &[Tok::Concat, Tok::RParen];
/// Expected tokens at the start of a `%{func:…}` argument or a string expression.
const STRING_START: &[Tok] = &[Tok::Error, Tok::Str, Tok::Backref, Tok::VarBegin];
/// Too many to list (bison lists at most four).
const UNLISTED: &[Tok] = &[];

impl<'a> Parser<'a> {
    fn new(
        src: &'a [u8],
        mode: Mode,
        providers: Providers,
        regex_compiles: RegexCheck<'a>,
    ) -> Self {
        Parser {
            lexer: Lexer::new(src, mode),
            src,
            mode,
            lookahead: None,
            note: None,
            states: 1,
            providers,
            regex_compiles,
        }
    }

    fn run(mut self) -> Result<(), ExprError> {
        let result = match self.mode {
            Mode::Condition => self.condition(),
            Mode::String => self.string_expression(),
        };
        self.finish(result)
    }

    fn finish(self, result: Result<(), Stop>) -> Result<(), ExprError> {
        let (message, span, kind) = match result {
            // Parsed, or aborted on a scanner error: httpd returns the last
            // note alone, if any.
            Ok(()) | Err(Stop::Abort) => {
                return match self.note {
                    Some(note) => Err(ExprError {
                        message: note.message,
                        kind: note.kind,
                        span: note.span,
                        cause: None,
                    }),
                    None => Ok(()),
                };
            }
            Err(Stop::Jammed(at)) => {
                return Err(ExprError {
                    message: b"flex scanner jammed".to_vec(),
                    kind: ErrorKind::Jammed,
                    span: at..(at + 1).min(self.src.len()),
                    cause: None,
                });
            }
            Err(Stop::Syntax(token, expected)) => {
                let mut message = format!("syntax error, unexpected {}", token.tok.bison_name());
                for (i, tok) in expected.iter().enumerate() {
                    message.push_str(if i == 0 { ", expecting " } else { " or " });
                    message.push_str(tok.bison_name());
                }
                // `$end` points at the last thing written.
                let span = if token.span.is_empty() {
                    let end = self.src.trim_ascii_end().len();
                    end.saturating_sub(1)..end
                } else {
                    token.span
                };
                (message.into_bytes(), span, ErrorKind::Syntax)
            }
            Err(Stop::TooDeep(span)) => (b"memory exhausted".to_vec(), span, ErrorKind::TooDeep),
            Err(Stop::BadRegex(span)) => (
                b"Failed to compile regular expression".to_vec(),
                span,
                ErrorKind::Regex,
            ),
        };
        // httpd appends the last note: `<error>: <error2>`.
        let mut message = message;
        let cause = self.note.map(|note| {
            message.extend_from_slice(b": ");
            message.extend_from_slice(&note.message);
            (note.span, note.kind)
        });
        Err(ExprError {
            message,
            kind,
            span,
            cause,
        })
    }

    // -------------------------------------------------------------- tokens

    fn peek(&mut self) -> Result<&Token, Stop> {
        if self.lookahead.is_none() {
            let token = self.lexer.next().map_err(|Jammed(at)| Stop::Jammed(at))?;
            if token.tok == Tok::Error {
                self.note = Some(Note {
                    message: token.value.clone(),
                    span: token.span.clone(),
                    kind: ErrorKind::Lexical,
                });
            }
            self.lookahead = Some(token);
        }
        Ok(self.lookahead.as_ref().expect("just filled"))
    }

    fn peek_tok(&mut self) -> Result<Tok, Stop> {
        Ok(self.peek()?.tok)
    }

    /// Shifts the lookahead onto bison's stack.
    fn shift(&mut self) -> Result<Token, Stop> {
        self.peek()?;
        let token = self.lookahead.take().expect("peeked");
        self.states += 1;
        if self.states >= MAX_PARSER_STATES {
            return Err(Stop::TooDeep(token.span));
        }
        Ok(token)
    }

    /// Reduces `len` stack entries to one.
    fn reduce(&mut self, len: usize) {
        self.states -= len - 1;
    }

    /// A syntax error at the lookahead.
    fn unexpected(&mut self, expected: &'static [Tok]) -> Stop {
        match self.peek() {
            Ok(token) => Stop::Syntax(token.clone(), expected),
            Err(stop) => stop,
        }
    }

    fn expect(&mut self, tok: Tok, expected: &'static [Tok]) -> Result<Token, Stop> {
        if self.peek_tok()? == tok {
            self.shift()
        } else {
            Err(self.unexpected(expected))
        }
    }

    fn name(&self, token: &Token) -> &'a [u8] {
        &self.src[token.span.clone()]
    }

    // ------------------------------------------------------------- grammar

    /// `root: T_EXPR_BOOL expr`.
    fn condition(&mut self) -> Result<(), Stop> {
        self.states += 1;
        self.expr()?;
        if self.peek_tok()? == Tok::End {
            Ok(())
        } else {
            Err(self.unexpected(&[Tok::End]))
        }
    }

    /// `root: T_EXPR_STRING string`.
    fn string_expression(&mut self) -> Result<(), Stop> {
        self.states += 1;
        self.string(STRING_START, &[Tok::End], Tok::End)?;
        Ok(())
    }

    /// `expr` with `||` below `&&` below `!`, all right-associative: the
    /// chains stay on the stack until they end.
    fn expr(&mut self) -> Result<(), Stop> {
        let mut ors = 0;
        loop {
            let mut ands = 0;
            loop {
                let mut nots = 0;
                while self.peek_tok()? == Tok::Not {
                    self.shift()?;
                    nots += 1;
                }
                self.primary()?;
                self.states -= nots;
                if self.peek_tok()? != Tok::And {
                    break;
                }
                self.shift()?;
                ands += 1;
            }
            self.states -= 2 * ands;
            if self.peek_tok()? != Tok::Or {
                break;
            }
            self.shift()?;
            ors += 1;
        }
        self.states -= 2 * ors;
        Ok(())
    }

    fn primary(&mut self) -> Result<(), Stop> {
        match self.peek_tok()? {
            Tok::True | Tok::False => {
                self.shift()?;
                Ok(())
            }
            Tok::Error => {
                self.shift()?;
                Err(Stop::Abort)
            }
            Tok::LParen => {
                self.shift()?;
                self.expr()?;
                self.expect(Tok::RParen, AFTER_PAREN_EXPR)?;
                self.reduce(3);
                Ok(())
            }
            Tok::Unary => {
                let operator = self.shift()?;
                let operand = self.word()?;
                self.reduce(2);
                self.lookup_unary(&operator, operand);
                Ok(())
            }
            tok if tok.starts_word() => {
                self.word()?;
                self.comparison()
            }
            _ => Err(self.unexpected(UNLISTED)),
        }
    }

    /// What follows the left word of a comparison.
    fn comparison(&mut self) -> Result<(), Stop> {
        match self.peek_tok()? {
            Tok::Binary => {
                let operator = self.shift()?;
                let right = self.word()?;
                self.reduce(3);
                self.lookup_binary(&operator, right);
            }
            Tok::Eq
            | Tok::Ne
            | Tok::Lt
            | Tok::Le
            | Tok::Gt
            | Tok::Ge
            | Tok::StrEq
            | Tok::StrNe
            | Tok::StrLt
            | Tok::StrLe
            | Tok::StrGt
            | Tok::StrGe => {
                self.shift()?;
                self.word()?;
                self.reduce(3);
            }
            Tok::Reg | Tok::Nre => {
                self.shift()?;
                let tok = self.peek_tok()?;
                if !matches!(tok, Tok::Regex | Tok::RegexI) {
                    return Err(self.unexpected(&[Tok::Regex, Tok::RegexI]));
                }
                let regex = self.shift()?;
                let pattern = String::from_utf8_lossy(&regex.value);
                if !(self.regex_compiles)(&pattern, tok == Tok::RegexI) {
                    return Err(Stop::BadRegex(regex.span));
                }
                self.reduce(3);
            }
            Tok::In => {
                self.shift()?;
                self.list()?;
                self.reduce(3);
            }
            _ => return Err(self.unexpected(UNLISTED)),
        }
        Ok(())
    }

    /// `wordlist`: `name(word)` or `{ word, … }`.
    fn list(&mut self) -> Result<(), Stop> {
        match self.peek_tok()? {
            Tok::Id => {
                let name = self.shift()?;
                self.expect(Tok::LParen, &[Tok::LParen])?;
                self.word()?;
                self.expect(Tok::RParen, AFTER_ARGUMENT)?;
                self.reduce(4);
                self.lookup_list_function(&name);
                Ok(())
            }
            Tok::LBrace => {
                self.shift()?;
                self.word()?;
                loop {
                    match self.peek_tok()? {
                        Tok::Comma => {
                            self.shift()?;
                            self.word()?;
                            self.reduce(3);
                        }
                        Tok::RBrace => {
                            self.shift()?;
                            self.reduce(3);
                            return Ok(());
                        }
                        _ => return Err(self.unexpected(&[Tok::RBrace, Tok::Comma])),
                    }
                }
            }
            _ => Err(self.unexpected(&[Tok::Id, Tok::LBrace])),
        }
    }

    /// `word` with its right-associative `.` chain.
    fn word(&mut self) -> Result<Operand, Stop> {
        let mut value = self.word_atom()?;
        let mut concats = 0;
        while self.peek_tok()? == Tok::Concat {
            self.shift()?;
            self.word_atom()?;
            concats += 1;
            value = Operand::Computed;
        }
        self.states -= 2 * concats;
        Ok(value)
    }

    fn word_atom(&mut self) -> Result<Operand, Stop> {
        match self.peek_tok()? {
            Tok::Digit | Tok::Backref => {
                self.shift()?;
                Ok(Operand::Computed)
            }
            Tok::VarBegin => {
                self.var()?;
                Ok(Operand::Computed)
            }
            Tok::Id => {
                let name = self.shift()?;
                self.expect(Tok::LParen, &[Tok::LParen])?;
                self.word()?;
                self.expect(Tok::RParen, AFTER_ARGUMENT)?;
                self.reduce(4);
                self.lookup_function(&name);
                Ok(Operand::Computed)
            }
            Tok::StrBegin => {
                self.shift()?;
                if self.peek_tok()? == Tok::StrEnd {
                    self.shift()?;
                    self.reduce(2);
                    return Ok(Operand::Literal(Vec::new()));
                }
                let value = self.string(
                    UNLISTED,
                    &[Tok::Str, Tok::Backref, Tok::StrEnd, Tok::VarBegin],
                    Tok::StrEnd,
                )?;
                self.shift()?;
                self.reduce(3);
                Ok(value)
            }
            _ => Err(self.unexpected(UNLISTED)),
        }
    }

    /// `string`: one or more parts up to (not including) `end`; a T_ERROR
    /// first aborts. Leaves one stack entry.
    fn string(
        &mut self,
        first: &'static [Tok],
        rest: &'static [Tok],
        end: Tok,
    ) -> Result<Operand, Stop> {
        let value = match self.peek_tok()? {
            Tok::Error => {
                self.shift()?;
                return Err(Stop::Abort);
            }
            tok if tok.starts_strpart() => self.strpart()?,
            _ => return Err(self.unexpected(first)),
        };
        let mut single = true;
        loop {
            match self.peek_tok()? {
                tok if tok.starts_strpart() => {
                    self.strpart()?;
                    self.reduce(2);
                    single = false;
                }
                tok if tok == end => {
                    return Ok(if single { value } else { Operand::Computed });
                }
                _ => return Err(self.unexpected(rest)),
            }
        }
    }

    fn strpart(&mut self) -> Result<Operand, Stop> {
        match self.peek_tok()? {
            Tok::VarBegin => {
                self.var()?;
                Ok(Operand::Computed)
            }
            Tok::Str => Ok(Operand::Literal(self.shift()?.value)),
            _ => {
                self.shift()?;
                Ok(Operand::Computed)
            }
        }
    }

    /// `%{NAME}` or `%{func:string}`, looked up when it closes.
    fn var(&mut self) -> Result<(), Stop> {
        self.shift()?;
        let name = self.expect(Tok::Id, &[Tok::Id])?;
        match self.peek_tok()? {
            Tok::VarEnd => {
                self.shift()?;
                self.reduce(3);
                self.lookup_variable(&name);
            }
            Tok::Colon => {
                self.shift()?;
                self.string(
                    STRING_START,
                    &[Tok::Str, Tok::Backref, Tok::VarBegin, Tok::VarEnd],
                    Tok::VarEnd,
                )?;
                self.shift()?;
                self.reduce(5);
                self.lookup_function(&name);
            }
            _ => return Err(self.unexpected(&[Tok::VarEnd, Tok::Colon])),
        }
        Ok(())
    }

    // ------------------------------------------------------------- lookups

    fn fail(&mut self, span: Range<usize>, kind: ErrorKind, message: Vec<u8>) {
        self.note = Some(Note {
            message,
            span,
            kind,
        });
    }

    /// `<what> '<name as written>' does not exist` (operators with their `-`).
    fn not_found(&mut self, token: &Token, kind: ErrorKind, what: &str) {
        let mut message = format!("{what} '").into_bytes();
        message.extend_from_slice(self.name(token));
        message.extend_from_slice(b"' does not exist");
        self.fail(token.span.clone(), kind, message);
    }

    fn lookup_variable(&mut self, name: &Token) {
        let text = self.name(name);
        let known = VARIABLES
            .iter()
            .any(|v| v.as_bytes().eq_ignore_ascii_case(text))
            || (self.providers.ssl && text.starts_with(b"SSL_"))
            || (self.providers.proxy_hcheck
                && text.len() >= 3
                && text[..3].eq_ignore_ascii_case(b"HC_"));
        if !known {
            self.not_found(name, ErrorKind::UnknownVariable, "Variable");
        }
    }

    fn lookup_function(&mut self, name: &Token) {
        let text = self.name(name);
        let known = FUNCTIONS
            .iter()
            .any(|f| f.as_bytes().eq_ignore_ascii_case(text))
            || (self.providers.ssl && text == b"SSL")
            || (self.providers.proxy_hcheck && text.eq_ignore_ascii_case(b"HC"));
        if !known {
            self.not_found(name, ErrorKind::UnknownFunction, "Function");
        }
    }

    fn lookup_list_function(&mut self, name: &Token) {
        if !(self.providers.ssl && self.name(name) == b"PeerExtList") {
            self.not_found(
                name,
                ErrorKind::UnknownListFunction,
                "List-returning function",
            );
        }
    }

    fn lookup_unary(&mut self, operator: &Token, operand: Operand) {
        let name = &self.name(operator)[1..];
        if !UNARY_OPERATORS.contains(&name[0]) {
            self.not_found(operator, ErrorKind::UnknownOperator, "Unary operator");
        } else if name == b"R" {
            self.check_subnet(operator, operand);
        }
    }

    fn lookup_binary(&mut self, operator: &Token, right: Operand) {
        let name = &self.name(operator)[1..];
        if !BINARY_OPERATORS
            .iter()
            .any(|b| b.as_bytes().eq_ignore_ascii_case(name))
        {
            self.not_found(operator, ErrorKind::UnknownOperator, "Binary operator");
        } else if name.eq_ignore_ascii_case(b"ipmatch") {
            self.check_subnet(operator, right);
        }
    }

    /// `subnet_parse_arg`: the argument must be one literal string that APR
    /// parses as a subnet.
    fn check_subnet(&mut self, operator: &Token, operand: Operand) {
        match operand {
            Operand::Literal(text) if subnet_arg_is_valid(&text) => {}
            Operand::Literal(_) => self.fail(
                operator.span.clone(),
                ErrorKind::Subnet,
                b"parsing of subnet/netmask failed".to_vec(),
            ),
            Operand::Computed => {
                let mut message = self.name(operator).to_vec();
                message.extend_from_slice(b" requires subnet/netmask as constant argument");
                self.fail(operator.span.clone(), ErrorKind::Subnet, message);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn any_regex(_: &str, _: bool) -> bool {
        true
    }

    fn check(text: &str) -> Option<String> {
        parse(text, Mode::Condition, Providers::default(), &any_regex)
            .err()
            .map(|e| String::from_utf8_lossy(&e.message).into_owned())
    }

    // Boundaries confirmed with apache2 2.4.71 (the corpus has no lines
    // this long).
    #[test]
    fn stack_limit_is_bisons() {
        let parens = |k: usize| format!("{}true{}", "(".repeat(k), ")".repeat(k));
        assert_eq!(check(&parens(9995)), None);
        assert_eq!(check(&parens(9996)).as_deref(), Some("memory exhausted"));
        let ands = |k: usize| vec!["true"; k].join(" && ");
        assert_eq!(check(&ands(4999)), None);
        assert_eq!(check(&ands(5000)).as_deref(), Some("memory exhausted"));
        assert_eq!(check(&format!("{}true", "!".repeat(9996))), None);
        assert_eq!(
            check(&format!("{}true", "!".repeat(9997))).as_deref(),
            Some("memory exhausted")
        );
    }

    #[test]
    fn scanner_buffers_hold_8191_bytes() {
        let string = |n: usize| format!("'{}' == 'a'", "a".repeat(n));
        assert_eq!(check(&string(8191)), None);
        assert_eq!(check(&string(8192)).as_deref(), Some("String too long"));
        let regex = |n: usize| format!("'a' =~ /{}/", "a".repeat(n));
        assert_eq!(check(&regex(8191)), None);
        assert_eq!(
            check(&regex(8192)).as_deref(),
            Some(
                "syntax error, unexpected T_ERROR, expecting T_REGEX or T_REGEX_I: Regexp too long"
            )
        );
    }

    proptest::proptest! {
        /// Hostile input never panics, and every span lies in the text.
        #[test]
        fn any_input_parses_without_panic(
            text in "[ -~\\t\\né%{}'\"$\\\\]{0,60}",
            string_mode: bool,
            ssl: bool,
        ) {
            let mode = if string_mode { Mode::String } else { Mode::Condition };
            let providers = Providers { ssl, proxy_hcheck: false };
            if let Err(error) = parse(&text, mode, providers, &any_regex) {
                proptest::prop_assert!(error.span.start <= error.span.end);
                proptest::prop_assert!(error.span.end <= text.len());
                if let Some((cause, _)) = error.cause {
                    proptest::prop_assert!(cause.end <= text.len());
                }
            }
        }
    }

    #[test]
    fn spans_point_at_the_culprit() {
        let span = |text: &str| {
            parse(text, Mode::Condition, Providers::default(), &any_regex)
                .err()
                .map(|e| (e.span, e.cause.map(|c| c.0)))
        };
        assert_eq!(span("%{FOO} == 'a'"), Some((2..5, None)));
        assert_eq!(span("%{FOO} == "), Some((8..9, Some(2..5))));
        assert_eq!(span("'a' == b"), Some((7..8, None)));
        assert_eq!(span("'x\\8'"), Some((2..4, None)));
        assert_eq!(span("%{req:'a'}"), Some((6..7, None)));
        assert_eq!(span("-l 'x'"), Some((0..2, None)));
    }
}
