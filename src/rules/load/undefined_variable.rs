//! `AL020` undefined-variable: the documentation and code of a loader finding. Detected by `load`.

crate::declare_rule! {
    /// ## What it does
    /// Reports `${NAME}` where NAME is neither `Define`d before the line (read order) nor set in
    /// the environment profile. httpd leaves the text literally in place.
    ///
    /// ## Why is this risky?
    /// httpd only warns (`AH00111: Config variable ${NAME} is not defined`) and carries on with the
    /// literal `${NAME}` — a log path or document root that silently points nowhere. Names
    /// containing `:` are exempt, as in httpd.
    ///
    /// ## Example
    /// ```apache
    /// # before
    /// DocumentRoot ${SHOP_ROOT}/public
    /// Define SHOP_ROOT /srv/shop
    /// ```
    ///
    /// ```apache
    /// # after
    /// Define SHOP_ROOT /srv/shop
    /// DocumentRoot ${SHOP_ROOT}/public
    /// ```
    ///
    /// ## References
    /// - <https://httpd.apache.org/docs/2.4/mod/core.html#define>
    pub UNDEFINED_VARIABLE = {
        code: "AL020",
        name: "undefined-variable",
        family: Load,
        severity: Warning,
        blocks_check: false,
    }
}
