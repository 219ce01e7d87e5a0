//! `AL024` ifversion-invalid: the documentation and code of a loader finding. Detected by `load`.

crate::declare_rule! {
    /// ## What it does
    /// Reports an `<IfVersion>` whose version is not `major[.minor[.patch]]` or whose regular
    /// expression does not compile.
    ///
    /// ## Why is this risky?
    /// httpd refuses the configuration (`Version appears to be invalid. …`).
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <IfVersion >= 2.4.x>
    /// </IfVersion>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <IfVersion >= 2.4>
    /// </IfVersion>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_version.html>
    pub IFVERSION_INVALID = {
        code: "AL024",
        name: "ifversion-invalid",
        family: Load,
        severity: Error,
        blocks_check: true,
    }
}
