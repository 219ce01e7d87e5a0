//! `AL030` macro-use-invalid: the documentation and code of a loader finding. Detected by `load`.

crate::declare_rule! {
    /// ## What it does
    /// Reports a `Use` of a macro that is not defined (yet), with the wrong number of arguments, or
    /// recursively.
    ///
    /// ## Why is this risky?
    /// httpd refuses the configuration (`macro 'vhost' undefined`, `… used with 1 arguments instead
    /// of 2`, `recursive use of macro …`).
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// Use VHost shop.example
    /// <Macro VHost $name $root>
    /// </Macro>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <Macro VHost $name $root>
    /// </Macro>
    /// Use VHost shop.example /srv/shop
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_macro.html>
    pub MACRO_USE_INVALID = {
        code: "AL030",
        name: "macro-use-invalid",
        family: Load,
        severity: Error,
        blocks_check: true,
    }
}
