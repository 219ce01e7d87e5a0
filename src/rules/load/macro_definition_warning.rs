//! `AL031` macro-definition-warning: the documentation and code of a loader finding. Detected by `load`.

crate::declare_rule! {
    /// ## What it does
    /// Reports what mod_macro warns about in a definition: an empty body, a parameter without a
    /// `$`, `%` or `@` prefix, parameter names that are prefixes of each other, a parameter never
    /// used, text after `</Macro>`.
    ///
    /// ## Why is this risky?
    /// Each is a macro that does not do what it says: an unused parameter or a prefix clash
    /// (`$name` and `$name_alias`) substitutes the wrong text.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <Macro VHost $name $name_alias>
    ///     ServerName $name
    /// </Macro>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <Macro VHost $host $alias>
    ///     ServerName $host
    ///     ServerAlias $alias
    /// </Macro>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_macro.html>
    pub MACRO_DEFINITION_WARNING = {
        code: "AL031",
        name: "macro-definition-warning",
        family: Load,
        severity: Warning,
        blocks_check: false,
    }
}
