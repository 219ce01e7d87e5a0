//! `AL021` conditional-close-not-exact: the documentation and code of a loader finding. Detected by `load`.

crate::declare_rule! {
    /// ## What it does
    /// Reports a true conditional section (`<IfModule>`, `<IfDefine>`, …) whose closing line is not
    /// exactly `</IfModule>`: trailing words or a space before `>`.
    ///
    /// ## Why is this risky?
    /// In a *true* conditional httpd only recognises a line that is exactly `</IfModule>` as the
    /// end; `</IfModule> # ssl` is then read as a stray closer and the configuration is refused. In
    /// a false branch the same line is accepted — so the error appears the day the module is
    /// enabled.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <IfModule ssl_module>
    ///     Listen 443
    /// </IfModule> # ssl
    /// ```
    ///
    /// ```apache
    /// # after
    /// <IfModule ssl_module>
    ///     Listen 443
    /// </IfModule>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#ifmodule>
    pub CONDITIONAL_CLOSE_NOT_EXACT = {
        code: "AL021",
        name: "conditional-close-not-exact",
        family: Load,
        severity: Error,
        blocks_check: true,
    }
}
