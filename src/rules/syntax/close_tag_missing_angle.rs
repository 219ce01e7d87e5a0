//! `AL004` close-tag-missing-angle: the documentation and code of a parser finding. Detected by `syntax::parser`.

crate::declare_rule! {
    /// ## What it does
    /// Reports a closing tag whose first word does not end in `>`: `</Directory >`, `</Directory`,
    /// `</ Directory>`.
    ///
    /// ## Why is this risky?
    /// httpd refuses the configuration (`</Directory> directive missing closing '>'`).
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// <Directory /srv/www>
    /// </Directory >
    /// ```
    ///
    /// ```apache
    /// # after
    /// <Directory /srv/www>
    /// </Directory>
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/sections.html>
    pub CLOSE_TAG_MISSING_ANGLE = {
        code: "AL004",
        name: "close-tag-missing-angle",
        family: Syntax,
        severity: Error,
        blocks_check: true,
    }
}
