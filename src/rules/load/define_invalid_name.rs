//! `AL025` define-invalid-name: the documentation and code of a loader finding. Detected by `load`.

crate::declare_rule! {
    /// ## What it does
    /// Reports a `Define` or `UnDefine` whose name contains `:`.
    ///
    /// ## Why is this risky?
    /// httpd refuses the configuration (`Variable name must not contain ':'`).
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// Define app:root /srv/app
    /// ```
    ///
    /// ```apache
    /// # after
    /// Define APP_ROOT /srv/app
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#define>
    pub DEFINE_INVALID_NAME = {
        code: "AL025",
        name: "define-invalid-name",
        family: Load,
        severity: Error,
        blocks_check: true,
    }
}
