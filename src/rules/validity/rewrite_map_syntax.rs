//! How mod_rewrite reads `RewriteMap` (`cmd_rewritemap` in
//! `modules/mappers/mod_rewrite.c`): the map type prefix, the source, and
//! the file httpd checks exists while reading the configuration.

use std::path::Path;

use super::target_paths::server_root_relative;

/// What a `RewriteMap` source turned out to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum MapSource {
    /// httpd checks that this file exists (absolute, after
    /// `ap_server_root_relative`).
    File(String),
    /// Nothing to check on disk (`int:`, `dbd:`, `fastdbd:`).
    Nothing,
}

/// The `int:` maps mod_rewrite registers (names are case-sensitive).
const INTERNAL_MAPS: [&str; 4] = ["tolower", "toupper", "escape", "unescape"];

/// The DBM types Debian's APR-util provides.
const DBM_TYPES: [&str; 4] = ["default", "sdbm", "db", "gdbm"];

/// Reads a map source (`txt:/path`, `dbm=sdbm:/path`, `prg:/bin/x -a`,
/// `int:toupper`, a bare path …) as httpd does; `Err` is httpd's message.
pub(crate) fn read_map_source(
    source: &str,
    server_root: &Path,
    dbd_loaded: bool,
) -> Result<MapSource, String> {
    let prefix = |p: &str| {
        source
            .get(..p.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(p))
    };
    let file = |path: &str| MapSource::File(server_root_relative(server_root, path));
    if prefix("txt:") || prefix("rnd:") {
        return Ok(file(&source[4..]));
    }
    if prefix("dbm") {
        let (dbm_type, path) = match source.as_bytes().get(3) {
            Some(b':') => ("default", Some(&source[4..])),
            Some(b'=') => match source[4..].find(':') {
                Some(colon) => (&source[4..4 + colon], Some(&source[4 + colon + 1..])),
                None => ("", None),
            },
            _ => ("", None),
        };
        let Some(path) = path else {
            return Err(format!("RewriteMap: bad map:{source}"));
        };
        let Some(dbm_type) = DBM_TYPES.iter().find(|t| dbm_type.eq_ignore_ascii_case(t)) else {
            return Err(format!("RewriteMap: dbm type {dbm_type} is invalid"));
        };
        let checked = if *dbm_type == "sdbm" {
            format!("{path}.dir")
        } else {
            path.to_string()
        };
        return Ok(file(&checked));
    }
    if prefix("dbd:") || prefix("fastdbd:") {
        if !dbd_loaded {
            return Err("RewriteMap types dbd and fastdbd require mod_dbd!".to_string());
        }
        return Ok(MapSource::Nothing);
    }
    if prefix("prg:") {
        return Ok(match first_program_word(&source[4..]) {
            Some(program) => file(&program),
            None => MapSource::Nothing,
        });
    }
    if prefix("int:") {
        let name = &source[4..];
        if !INTERNAL_MAPS.contains(&name) {
            return Err(format!("RewriteMap: internal map not found:{name}"));
        }
        return Ok(MapSource::Nothing);
    }
    Ok(file(source))
}

/// The program of a `prg:` map (`apr_tokenize_to_argv`'s first word: quotes
/// group, backslashes escape).
fn first_program_word(command: &str) -> Option<String> {
    let mut chars = command.trim_start().chars().peekable();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (c, quote) {
            ('\\', _) => word.extend(chars.next()),
            ('"' | '\'', None) => quote = Some(c),
            (q, Some(open)) if q == open => quote = None,
            (c, None) if c.is_whitespace() => break,
            (c, _) => word.push(c),
        }
    }
    (!word.is_empty()).then_some(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(source: &str) -> Result<MapSource, String> {
        read_map_source(source, Path::new("/etc/apache2"), false)
    }

    #[test]
    fn sources_like_httpd() {
        let file = |p: &str| Ok(MapSource::File(p.to_string()));
        assert_eq!(
            read("txt:/nonexistent/map.txt"),
            file("/nonexistent/map.txt")
        );
        assert_eq!(read("TXT:map.txt"), file("/etc/apache2/map.txt"));
        assert_eq!(read("/x/map.txt"), file("/x/map.txt"));
        assert_eq!(read("dbm:/x/map"), file("/x/map"));
        assert_eq!(read("dbm=sdbm:/x/map"), file("/x/map.dir"));
        assert_eq!(
            read("dbm=bogus:/x/map"),
            Err("RewriteMap: dbm type bogus is invalid".to_string())
        );
        assert_eq!(
            read("dbm=bogus"),
            Err("RewriteMap: bad map:dbm=bogus".to_string())
        );
        assert_eq!(
            read("dbmx:/x"),
            Err("RewriteMap: bad map:dbmx:/x".to_string())
        );
        assert_eq!(read("prg:\"/bin/cat\" -u"), file("/bin/cat"));
        assert_eq!(read("int:toupper"), Ok(MapSource::Nothing));
        assert_eq!(
            read("int:ToUpper"),
            Err("RewriteMap: internal map not found:ToUpper".to_string())
        );
        assert_eq!(
            read("dbd:SELECT 1"),
            Err("RewriteMap types dbd and fastdbd require mod_dbd!".to_string())
        );
    }
}

#[cfg(test)]
mod hostile_input {
    use std::path::Path;

    use proptest::prelude::*;

    use super::read_map_source;

    proptest! {
        #[test]
        fn never_panics(source in "[a-zA-Z:=/é \"'\\\\.]{0,24}") {
            let _ = read_map_source(&source, Path::new("/etc/apache2"), false);
        }
    }
}
