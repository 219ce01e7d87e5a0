//! `AL022` conditional-unclosed: the documentation and code of a loader finding. Detected by `load`.

crate::declare_rule! {
    /// ## What it does
    /// Reports a conditional section left open at the end of its file. If the condition is false
    /// httpd refuses the configuration (`Expected </IfModule> before end of configuration`); if it
    /// is true httpd silently runs the body to the end of the file.
    ///
    /// ## Why is this risky?
    /// A true conditional that never closes swallows the rest of the file into the condition; the
    /// day the condition turns false, all of it disappears or the server refuses to start.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <IfModule mod_ssl.c>
    ///     Listen 443
    /// ServerTokens Prod
    /// ```
    ///
    /// ```apache
    /// # after
    /// <IfModule mod_ssl.c>
    ///     Listen 443
    /// </IfModule>
    /// ServerTokens Prod
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#ifmodule>
    pub CONDITIONAL_UNCLOSED = {
        code: "AL022",
        name: "conditional-unclosed",
        family: Load,
        severity: Error,
        blocks_check: true,
    }
}
