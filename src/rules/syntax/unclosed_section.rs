//! `AL001` unclosed-section: the documentation and code of a parser finding. Detected by `syntax::parser`.

crate::declare_rule! {
    /// ## What it does
    /// Reports a section (`<Directory>`, `<VirtualHost>`, …) that is still open at the end of the
    /// file that opened it.
    ///
    /// ## Why is this risky?
    /// httpd refuses the whole configuration (`<Directory> was not closed.`). Sections never span
    /// files: a section opened in one file cannot be closed in an included file.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <Directory /srv/www>
    ///     Require all granted
    /// ```
    ///
    /// ```apache
    /// # after
    /// <Directory /srv/www>
    ///     Require all granted
    /// </Directory>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/configuring.html#syntax>
    pub UNCLOSED_SECTION = {
        code: "AL001",
        name: "unclosed-section",
        family: Syntax,
        severity: Error,
        blocks_check: true,
    }
}
