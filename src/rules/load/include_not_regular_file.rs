//! `AL012` include-not-regular-file: the documentation and code of a loader finding. Detected by `load`.

crate::declare_rule! {
    /// ## What it does
    /// Reports an `Include` of something that is not a regular file: a FIFO, socket or device.
    ///
    /// ## Why is this risky?
    /// httpd refuses it (`AH00554: Access to file … denied by server: not a regular file`) — and
    /// for a FIFO it blocks forever while starting. apachelint never opens such files.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// Include /run/config.fifo
    /// ```
    ///
    /// ```apache
    /// # after
    /// Include /etc/apache2/extra.conf
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#include>
    pub INCLUDE_NOT_REGULAR_FILE = {
        code: "AL012",
        name: "include-not-regular-file",
        family: Load,
        severity: Error,
        blocks_check: true,
    }
}
