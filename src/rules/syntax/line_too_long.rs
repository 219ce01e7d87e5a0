//! `AL005` line-too-long: the documentation and code of a parser finding. Detected by `syntax::parser`.

crate::declare_rule! {
    /// ## What it does
    /// Reports a logical line (after joining `\` continuations) longer than httpd reads: 16 MiB in
    /// configuration files, 8 KiB in `.htaccess` files and `<Macro>` bodies.
    ///
    /// ## Why is this risky?
    /// httpd stops reading with `Line too long`; in `.htaccess` every request below it fails.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// # a generated rule set with one 20 KiB line in .htaccess
    /// ```
    ///
    /// ```apache
    /// # after
    /// # the same rules split over several lines
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/configuring.html#syntax>
    pub LINE_TOO_LONG = {
        code: "AL005",
        name: "line-too-long",
        family: Syntax,
        severity: Error,
        blocks_check: true,
    }
}
