//! `AL013` path-outside-tree: the documentation and code of a loader finding. Detected by `load`.

crate::declare_rule! {
    /// ## What it does
    /// Reports a path the configuration reads (an `Include` target, a symlink target) that lies
    /// outside every mapped root of the checked tree. It is not read and not verified.
    ///
    /// ## Why is this risky?
    /// What lies outside the repository is not what will be deployed with it; apachelint will not
    /// read it (a change adding `Include /etc/shadow` must not get that file read or echoed). Map
    /// it with `--map CONFIG_PATH=CHECKOUT_PATH` to check it.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// Include /etc/letsencrypt/options-ssl-apache.conf
    /// ```
    ///
    /// ```apache
    /// # after
    /// # apachelint --map /etc/letsencrypt=./letsencrypt …
    /// Include /etc/letsencrypt/options-ssl-apache.conf
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#include>
    pub PATH_OUTSIDE_TREE = {
        code: "AL013",
        name: "path-outside-tree",
        family: Load,
        severity: Warning,
        blocks_check: false,
    }
}
