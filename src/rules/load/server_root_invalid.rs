//! `AL040` server-root-invalid: the documentation and code of a loader finding. Detected by `load`.

crate::declare_rule! {
    /// ## What it does
    /// Reports a `ServerRoot` that is not an existing directory in the checked tree.
    ///
    /// ## Why is this risky?
    /// httpd refuses the configuration (`ServerRoot must be a valid directory`), and every relative
    /// `Include` and `LoadModule` after it resolves against the wrong place.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// ServerRoot /etc/apache-2
    /// ```
    ///
    /// ```apache
    /// # after
    /// ServerRoot /etc/apache2
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#serverroot>
    pub SERVER_ROOT_INVALID = {
        code: "AL040",
        name: "server-root-invalid",
        family: Load,
        severity: Error,
        blocks_check: true,
    }
}
