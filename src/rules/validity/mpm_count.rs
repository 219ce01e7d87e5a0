//! `AL124` mpm-count.

use crate::finding::{HttpdPhase, Label};
use crate::load::tree::{Config, NodeId};
use crate::model::registry::{self, Mpm};
use crate::report::httpd::PROGRAM;
use crate::rules::context::{Context, Rule};

use super::checked_nodes::{printed_in, whole_configuration};

crate::declare_rule! {
    /// ## What it does
    /// Reports a configuration that loads two MPMs (`mpm_event`, `mpm_worker`, `mpm_prefork`),
    /// or none at all. The finding for a missing MPM points at the first line of the root file:
    /// it is about the configuration as a whole.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start (`AH00534: apache2: Configuration error: More than one MPM
    /// loaded.` / `… No MPM loaded.`). Switching MPMs with `a2enmod mpm_prefork` without
    /// `a2dismod mpm_event` first, or a partial copy of `mods-enabled`, does it.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
    /// LoadModule mpm_prefork_module /usr/lib/apache2/modules/mod_mpm_prefork.so
    /// ```
    ///
    /// ```apache
    /// # after
    /// LoadModule mpm_prefork_module /usr/lib/apache2/modules/mod_mpm_prefork.so
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mpm.html>
    pub MPM_COUNT = {
        code: "AL124",
        name: "mpm-count",
        family: Validity,
        severity: Error,
        blocks_check: false,
    }
}

/// The MPMs Debian ships, by module identifier.
const MPM_MODULES: [(&str, Mpm); 3] = [
    ("mpm_event_module", Mpm::Event),
    ("mpm_prefork_module", Mpm::Prefork),
    ("mpm_worker_module", Mpm::Worker),
];

/// The MPMs a configuration loads, in loading order, with their
/// `LoadModule` line (`None`: compiled in).
pub(crate) fn loaded_mpms(config: &Config) -> Vec<(Mpm, Option<NodeId>)> {
    config
        .modules
        .iter()
        .filter_map(|m| {
            MPM_MODULES
                .iter()
                .find(|(id, _)| *id == m.identifier)
                .map(|&(_, mpm)| (mpm, m.node))
        })
        .collect()
}

pub struct MpmCount;

impl Rule for MpmCount {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &MPM_COUNT
    }

    fn check(&self, ctx: &mut Context<'_>) {
        let mpms = loaded_mpms(ctx.config);
        match mpms.as_slice() {
            [] => report_no_mpm(ctx),
            [_] => {}
            [(first_mpm, first), (second_mpm, Some(second)), ..] => {
                let span = ctx.node(*second).arg_span(0);
                let first_span = first.map(|n| ctx.node(n).arg_span(0));
                let f = ctx.httpd_error(
                    *second,
                    span,
                    format!("AH00534: {PROGRAM}: Configuration error: More than one MPM loaded."),
                );
                printed_in(f, HttpdPhase::Exit);
                f.primary_label = Some(format!("a second MPM ({})", second_mpm.name()));
                if let Some(first_span) = first_span {
                    f.labels.push(Label {
                        span: first_span,
                        message: format!("{} is loaded here", first_mpm.name()),
                    });
                }
                f.help = Some(format!(
                    "load exactly one MPM: on Debian, `a2dismod mpm_{}` before `a2enmod mpm_{}`",
                    first_mpm.name(),
                    second_mpm.name()
                ));
            }
            [_, (_, None), ..] => {}
        }
    }
}

/// No MPM: the whole configuration is at fault. Silent when apachelint
/// cannot see everything httpd would read (a file outside the tree may load
/// one), or when a module it does not know might be an MPM.
fn report_no_mpm(ctx: &mut Context<'_>) {
    let incomplete =
        ctx.config.findings.iter().any(|f| {
            f.rule.blocks_check || f.rule.code == crate::rules::load::PATH_OUTSIDE_TREE.code
        });
    let unknown_module = ctx
        .config
        .modules
        .iter()
        .any(|m| registry::module_by_identifier(&m.identifier).is_none());
    if incomplete || unknown_module {
        return;
    }
    let Some((root, span)) = whole_configuration(ctx) else {
        return;
    };
    let f = ctx.httpd_error(
        root,
        span,
        format!("AH00534: {PROGRAM}: Configuration error: No MPM loaded."),
    );
    printed_in(f, HttpdPhase::Exit);
    f.primary_label = Some("the configuration as a whole loads no MPM".to_string());
    f.help = Some(
        "load one MPM, e.g. `LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so` (Debian: `a2enmod mpm_event`)"
            .to_string(),
    );
}
