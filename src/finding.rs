//! Findings: plain data, produced by the loader and the rules, consumed by the
//! reporters. Nothing here knows how findings are rendered.
//!
//! Every finding has a real location: a primary [`Span`] on the exact token,
//! the include chain that brought its file in, and — for change findings — a
//! related span on the known-good side.

use crate::rules::RuleMeta;
use crate::source::Span;

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A span with a note, shown as a secondary label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One step of an include chain: the `Include` directive (or macro `Use`)
/// that brought the next file in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainLink {
    pub span: Span,
    /// The physical line httpd reports for that directive.
    pub line: u32,
    pub kind: ChainKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChainKind {
    Include,
    Macro,
}

/// How httpd prints a message, which also says when it happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HttpdPhase {
    /// A read (pass 1) error: `apache2: Syntax error on line N of F: msg`,
    /// wrapped once per include level. Stops reading.
    Read,
    /// A directive handler (pass 2) error: `AH00526: Syntax error on line N
    /// of F:` then the message. Stops the walk.
    Walk,
    /// A check after the walk (`check_config` hooks): the message alone.
    Check,
    /// A fatal message printed alone, after which httpd exits at once (no
    /// `AH00014`): `AH00534 … More than one MPM loaded.` at the end of
    /// reading, `AH00543 … bad user name` while walking.
    Exit,
    /// A log line that does not stop anything: `[module:level] message`, or
    /// the bare message for start-up-class messages (`prefix` `None`).
    Log { prefix: Option<&'static str> },
}

/// What httpd itself would print for this problem, when it would print
/// anything: its message text and the file/line it names (which is not always
/// the precise token apachelint points at).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpdEcho {
    pub message: String,
    /// The file name httpd prints (the configuration path, or a macro
    /// expansion's pseudo-file name).
    pub file: String,
    /// The line httpd names, as a span in our sources.
    pub span: Span,
    pub line: u32,
    pub phase: HttpdPhase,
}

/// When httpd would notice the problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// `apache2 -t` refuses the configuration.
    ConfigTest,
    /// `-t` passes but the server fails when it starts (or restarts).
    Startup,
    /// The server starts, but requests fail (e.g. a `.htaccess` httpd
    /// refuses answers 500 to every request below it).
    Request,
    /// httpd accepts it; apachelint's own judgement.
    Lint,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static RuleMeta,
    pub severity: Severity,
    /// What is wrong, in one sentence (lowercase start, no final period,
    /// unless it quotes httpd).
    pub message: String,
    pub primary: Span,
    /// Label text for the primary span.
    pub primary_label: Option<String>,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    /// The include chain of the primary span's file, outermost first.
    pub chain: Vec<ChainLink>,
    pub httpd: Option<HttpdEcho>,
    pub stage: Stage,
    /// Inside a branch that is not active with this profile (an `<IfModule>`
    /// for a module not loaded, …): it breaks only when the branch turns on.
    pub latent: bool,
    /// For change findings: a unified diff of the change.
    pub diff: Option<String>,
    /// The loaded node it is about, when there is one (its arena position is
    /// httpd's reading order).
    pub node: Option<crate::load::tree::NodeId>,
    /// Checked against a known-good configuration: whether the same finding
    /// was already there (see [`crate::check`]). `None` without a baseline.
    pub baseline_state: Option<BaselineState>,
}

/// Whether a finding is new with the candidate or was already raised on the
/// known-good configuration (SARIF's `baselineState`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BaselineState {
    New,
    Unchanged,
}

impl BaselineState {
    /// The SARIF / JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            BaselineState::New => "new",
            BaselineState::Unchanged => "unchanged",
        }
    }
}

impl Finding {
    /// A finding with the rule's default severity and nothing but a message
    /// and a location; add the rest with the builder methods.
    pub fn new(rule: &'static RuleMeta, primary: Span, message: impl Into<String>) -> Self {
        Finding {
            rule,
            severity: rule.default_severity,
            message: message.into(),
            primary,
            primary_label: None,
            labels: Vec::new(),
            help: None,
            chain: Vec::new(),
            httpd: None,
            stage: Stage::Lint,
            latent: false,
            diff: None,
            node: None,
            baseline_state: None,
        }
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn label(mut self, text: impl Into<String>) -> Self {
        self.primary_label = Some(text.into());
        self
    }

    pub fn related(mut self, span: Span, text: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: text.into(),
        });
        self
    }

    pub fn help(mut self, text: impl Into<String>) -> Self {
        self.help = Some(text.into());
        self
    }

    pub fn chain(mut self, chain: Vec<ChainLink>) -> Self {
        self.chain = chain;
        self
    }

    pub fn httpd(mut self, echo: HttpdEcho) -> Self {
        self.httpd = Some(echo);
        self
    }

    pub fn stage(mut self, stage: Stage) -> Self {
        self.stage = stage;
        self
    }

    /// Marks the finding latent: a would-be error in an inactive branch
    /// becomes a warning.
    pub fn latent(mut self) -> Self {
        self.latent = true;
        if self.severity == Severity::Error {
            self.severity = Severity::Warning;
        }
        self
    }

    pub fn diff(mut self, diff: impl Into<String>) -> Self {
        self.diff = Some(diff.into());
        self
    }
}
