//! The syntax layer: bytes of one file → [`Parsed`] (a tree of directives,
//! sections and comments, plus structural errors), exactly as httpd 2.4 reads
//! a configuration file.
//!
//! **Invariants**: this module does no I/O and never fails: [`parse`] returns a
//! complete tree and a list of errors for any input, and never panics. Every
//! span it produces lies inside the input.
//!
//! Layers, bottom up: [`lines`] (logical lines: continuations, trimming, NUL,
//! line numbers), [`words`] (httpd's tokenizer, in nom), [`parser`] (sections
//! and recovery), [`ast`] (the tree), [`dump`] (the `dump` command's output).

pub mod ast;
pub mod dump;
pub mod line;
pub mod lines;
pub mod parser;
pub mod words;

pub use ast::*;
pub use parser::{ParseOptions, Parsed, SyntaxError, SyntaxErrorKind, parse};
