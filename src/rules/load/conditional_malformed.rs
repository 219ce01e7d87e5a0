//! `AL023` conditional-malformed: the documentation and code of a loader finding. Detected by `load`.

crate::declare_rule! {
    /// ## What it does
    /// Reports a conditional section opener httpd cannot evaluate: no argument (`<IfModule>`,
    /// `<IfModule !>`) or no closing `>`.
    ///
    /// ## Why is this risky?
    /// httpd refuses the configuration while reading it (`<IfModule> directive requires additional
    /// arguments`).
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <IfModule>
    /// </IfModule>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <IfModule mod_rewrite.c>
    /// </IfModule>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#ifmodule>
    pub CONDITIONAL_MALFORMED = {
        code: "AL023",
        name: "conditional-malformed",
        family: Load,
        severity: Error,
        blocks_check: true,
    }
}
