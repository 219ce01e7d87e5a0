//! `AL011` include-not-found: the documentation and code of a loader finding. Detected by `load`.

crate::declare_rule! {
    /// ## What it does
    /// Reports an `Include` whose file does not exist, whose wildcard matches nothing, or whose
    /// directory cannot be opened (`IncludeOptional` is exempt), with httpd's message.
    ///
    /// ## Why is this risky?
    /// httpd refuses to start (`Could not open configuration file …`, `No matches for the wildcard
    /// …`). A site file renamed or a symlink left dangling takes the whole server down on the next
    /// restart.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// Include sites-enabled/*.conf   # nothing enabled any more
    /// ```
    ///
    /// ```apache
    /// # after
    /// IncludeOptional sites-enabled/*.conf
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#include>
    pub INCLUDE_NOT_FOUND = {
        code: "AL011",
        name: "include-not-found",
        family: Load,
        severity: Error,
        blocks_check: true,
    }
}
