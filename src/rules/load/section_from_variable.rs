//! `AL050` section-from-variable: the documentation and code of a loader finding. Detected by `load`.

crate::declare_rule! {
    /// ## What it does
    /// Reports a line whose section structure changes after `${VAR}` substitution (a `${…}` that
    /// produces or removes a `<Section` or `</Section>` name).
    ///
    /// ## Why is this risky?
    /// httpd builds sections after substitution; apachelint parses structure before it, so it
    /// cannot check such a file faithfully and fails closed.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// Define OPEN "<VirtualHost"
    /// ${OPEN} *:80>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <VirtualHost *:80>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#define>
    pub SECTION_FROM_VARIABLE = {
        code: "AL050",
        name: "section-from-variable",
        family: Load,
        severity: Error,
        blocks_check: true,
    }
}
