//! `AL002` mismatched-close-tag: the documentation and code of a parser finding. Detected by `syntax::parser`.

crate::declare_rule! {
    /// ## What it does
    /// Reports a closing tag that does not match the innermost open section.
    ///
    /// ## Why is this risky?
    /// httpd refuses the configuration (`Expected </Directory> but saw </Files>`); the sections you
    /// meant to close are not the ones that are open.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <Directory /srv/www>
    ///     <Files x>
    ///     </Directory>
    /// ```
    ///
    /// ```apache
    /// # after
    /// <Directory /srv/www>
    ///     <Files x>
    ///     </Files>
    /// </Directory>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/sections.html>
    pub MISMATCHED_CLOSE_TAG = {
        code: "AL002",
        name: "mismatched-close-tag",
        family: Syntax,
        severity: Error,
        blocks_check: true,
    }
}
