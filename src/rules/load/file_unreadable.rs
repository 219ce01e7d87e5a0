//! `AL010` file-unreadable: the documentation and code of a loader finding. Detected by `load`.

crate::declare_rule! {
    /// ## What it does
    /// Reports a configuration file that exists but could not be read (permissions, I/O error),
    /// including the root file.
    ///
    /// ## Why is this risky?
    /// apachelint cannot check what it cannot read; it fails closed (exit code 2) rather than
    /// report a clean result for part of the configuration.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// # root file not readable by the user running apachelint
    /// ```
    ///
    /// ```apache
    /// # after
    /// # run apachelint with read access to the whole tree
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#include>
    pub FILE_UNREADABLE = {
        code: "AL010",
        name: "file-unreadable",
        family: Load,
        severity: Error,
        blocks_check: true,
    }
}
