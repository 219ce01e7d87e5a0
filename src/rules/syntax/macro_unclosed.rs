//! `AL006` macro-unclosed: the documentation and code of a parser finding. Detected by `syntax::parser`.

crate::declare_rule! {
    /// ## What it does
    /// Reports a `<Macro>` whose `</Macro>` is missing (mod_macro reads the body raw up to a line
    /// starting with `</Macro>`).
    ///
    /// ## Why is this risky?
    /// httpd refuses the configuration (`contents error: expected token not found: </Macro>`).
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <Macro VHost $name>
    ///     ServerName $name
    /// ```
    ///
    /// ```apache
    /// # after
    /// <Macro VHost $name>
    ///     ServerName $name
    /// </Macro>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/mod_macro.html>
    pub MACRO_UNCLOSED = {
        code: "AL006",
        name: "macro-unclosed",
        family: Syntax,
        severity: Error,
        blocks_check: true,
    }
}
