//! `AL014` include-recursion: the documentation and code of a loader finding. Detected by `load`.

crate::declare_rule! {
    /// ## What it does
    /// Reports an `Include` that (directly or indirectly) includes itself, or include nesting
    /// deeper than httpd's limit of 128.
    ///
    /// ## Why is this risky?
    /// httpd refuses the configuration (`Exceeded maximum include depth of 128, There appears to be
    /// a recursion.`).
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// # conf.d/a.conf
    /// Include conf.d/*.conf
    /// ```
    ///
    /// ```apache
    /// # after
    /// # conf.d/a.conf
    /// ServerTokens Prod
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#include>
    pub INCLUDE_RECURSION = {
        code: "AL014",
        name: "include-recursion",
        family: Load,
        severity: Error,
        blocks_check: true,
    }
}
