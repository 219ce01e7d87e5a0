//! The human report: each finding rendered by miette with its source snippet,
//! labels, help, the include chain, httpd's own message, and — for change
//! findings — the known-good side as a related snippet and the diff.
//!
//! miette is only a renderer here: findings are converted at the edge. A
//! diagnostic has one source, so labels in other files (the baseline side,
//! an include site) become related diagnostics with their own snippet.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan,
};

use crate::finding::{ChainKind, Finding, Severity};
use crate::source::{FileId, SourceSet, Span};

/// Rendering options.
#[derive(Clone, Copy, Debug)]
pub struct HumanOptions {
    pub color: bool,
    pub unicode: bool,
    pub width: usize,
}

impl Default for HumanOptions {
    fn default() -> Self {
        HumanOptions {
            color: false,
            unicode: true,
            width: 100,
        }
    }
}

/// Turns file bytes into text miette can index with the same byte offsets:
/// every byte of an invalid UTF-8 sequence becomes one `?`.
fn offset_preserving_text(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for _ in chunk.invalid() {
            out.push('?');
        }
    }
    out
}

/// Snippet sources shared between diagnostics.
struct Sources<'a> {
    set: &'a SourceSet,
    cache: HashMap<FileId, Arc<NamedSource<Arc<str>>>>,
}

impl<'a> Sources<'a> {
    fn get(&mut self, file: FileId) -> Arc<NamedSource<Arc<str>>> {
        let set = self.set;
        self.cache
            .entry(file)
            .or_insert_with(|| {
                let f = set.get(file);
                let text: Arc<str> = offset_preserving_text(&f.text).into();
                Arc::new(NamedSource::new(f.display_path(), text))
            })
            .clone()
    }
}

fn source_span(span: Span) -> SourceSpan {
    SourceSpan::new(span.range.start().into(), span.range.len())
}

/// One finding as a miette diagnostic.
struct Rendered {
    message: String,
    code: String,
    severity: miette::Severity,
    source: Arc<NamedSource<Arc<str>>>,
    labels: Vec<LabeledSpan>,
    help: Option<String>,
    related: Vec<Rendered>,
}

impl fmt::Debug for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered {}

impl Diagnostic for Rendered {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(self.source.as_ref())
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
        }
    }
}

fn miette_severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

/// "file:line" of a span, for text.
fn place(set: &SourceSet, span: Span) -> String {
    let f = set.get(span.file);
    format!(
        "{}:{}",
        f.display_path(),
        f.line_col(span.range.start()).line
    )
}

fn convert(f: &Finding, sources: &mut Sources<'_>) -> Rendered {
    let set = sources.set;
    let mut labels = vec![LabeledSpan::new_primary_with_span(
        f.primary_label.clone(),
        source_span(f.primary),
    )];
    let mut related = Vec::new();
    for l in &f.labels {
        if l.span.file == f.primary.file {
            labels.push(LabeledSpan::new_with_span(
                Some(l.message.clone()),
                source_span(l.span),
            ));
        } else {
            related.push(Rendered {
                message: l.message.clone(),
                code: String::new(),
                severity: miette::Severity::Advice,
                source: sources.get(l.span.file),
                labels: vec![LabeledSpan::new_primary_with_span(
                    None,
                    source_span(l.span),
                )],
                help: None,
                related: Vec::new(),
            });
        }
    }
    let mut help = Vec::new();
    if let Some(h) = &f.help {
        help.push(h.clone());
    }
    if let Some(h) = &f.httpd {
        if h.message == f.message {
            help.push(format!("apache2 -t reports this at {}", place(set, h.span)));
        } else {
            help.push(format!(
                "apache2 -t says (at {}): {}",
                place(set, h.span),
                h.message.replace('\n', "\\n")
            ));
        }
    }
    if !f.chain.is_empty() {
        let steps: Vec<String> = f
            .chain
            .iter()
            .map(|l| {
                let via = set.get(l.span.file);
                let what = match l.kind {
                    ChainKind::Include => "",
                    ChainKind::Macro => " (Use)",
                };
                format!("{}:{}{what}", via.display_path(), l.line)
            })
            .collect();
        help.push(format!("included from {}", steps.join(" → ")));
    }
    let latent = if f.latent {
        " [latent: inactive with this profile]"
    } else {
        ""
    };
    Rendered {
        message: format!("{}{latent}", f.message),
        code: format!("{} {}", f.rule.code, f.rule.name),
        severity: miette_severity(f.severity),
        source: sources.get(f.primary.file),
        labels,
        help: (!help.is_empty()).then(|| help.join("\n")),
        related,
    }
}

/// Renders findings for a terminal.
pub fn render(findings: &[Finding], sources: &SourceSet, options: HumanOptions) -> String {
    let theme = match (options.color, options.unicode) {
        (true, true) => GraphicalTheme::unicode(),
        (true, false) => GraphicalTheme::ascii(),
        (false, true) => GraphicalTheme::unicode_nocolor(),
        (false, false) => GraphicalTheme::none(),
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(false)
        .with_urls(false);
    let mut cache = Sources {
        set: sources,
        cache: HashMap::new(),
    };
    let mut out = String::new();
    for f in findings {
        let rendered = convert(f, &mut cache);
        let mut text = String::new();
        if handler.render_report(&mut text, &rendered).is_err() {
            text = format!("{}\n", rendered.message);
        }
        out.push_str(&text);
        if let Some(diff) = &f.diff {
            for line in diff.lines() {
                out.push_str("    ");
                out.push_str(line);
                out.push('\n');
            }
        }
        out.push('\n');
    }
    out
}
