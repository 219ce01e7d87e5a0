//! `AL003` unmatched-close-tag: the documentation and code of a parser finding. Detected by `syntax::parser`.

crate::declare_rule! {
    /// ## What it does
    /// Reports a closing tag with no open section, e.g. a stray `</Directory>` or one whose opening
    /// tag is in another file.
    ///
    /// ## Why is this risky?
    /// httpd refuses the configuration (`</Directory> without matching <Directory> section`).
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// ServerName shop.example
    /// </VirtualHost>
    /// ```
    ///
    /// ```apache
    /// # after
    /// ServerName shop.example
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/sections.html>
    pub UNMATCHED_CLOSE_TAG = {
        code: "AL003",
        name: "unmatched-close-tag",
        family: Syntax,
        severity: Error,
        blocks_check: true,
    }
}
