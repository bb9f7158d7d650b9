//! The shape of the code, checked: SQL lives only in the store, and no source file grows past
//! what a newcomer can read.
//!
//! This file owns two rules of the repository's layout (issue 8): no engine source file
//! outside `src/store/` holds SQL or calls SQLite, and no source file of the workspace (engine,
//! app, fixture server; test files aside) has more than [`MAX_CODE_LINES`] lines of code, an
//! inline `#[cfg(test)] mod tests` block not counted. It reads the sources as text and never
//! builds or runs them; it must never grow exceptions beyond the one listed below.

use std::path::{Path, PathBuf};

/// Most lines of code one source file may have (blank and comment-only lines not counted).
const MAX_CODE_LINES: usize = 800;

/// Files allowed over [`MAX_CODE_LINES`] for now, relative to the workspace root.
const OVERSIZED_FOR_NOW: &[&str] = &[];

fn engine_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn workspace_dir() -> PathBuf {
    engine_dir().join("../..")
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path, recurse: bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if recurse {
                    pending.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn relative(path: &Path) -> String {
    let root = workspace_dir().canonicalize().unwrap();
    let path = path.canonicalize().unwrap();
    path.strip_prefix(&root)
        .unwrap_or(&path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// A Rust source file read just enough for these checks: which lines hold code, the string
/// literals (with the line each starts on), and the code with strings and comments blanked.
struct Scanned {
    /// Per line (0-based): whether anything but whitespace and comments is on it.
    has_code: Vec<bool>,
    /// (line, contents) of each string literal, escapes left as written.
    strings: Vec<(usize, String)>,
    /// Per line: the code outside strings and comments.
    code: Vec<String>,
}

fn scan(text: &str) -> Scanned {
    let chars: Vec<char> = text.chars().collect();
    let lines = text.split('\n').count();
    let mut out = Scanned {
        has_code: vec![false; lines],
        strings: Vec::new(),
        code: vec![String::new(); lines],
    };
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let (mut i, mut line) = (0usize, 0usize);
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
            continue;
        }
        // Comments.
        if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '/' && at(i + 1) == '*' {
            let mut depth = 0usize;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
            continue;
        }
        // Raw strings: r"…", r#"…"#, br#"…"#.
        let raw_start = c == 'r'
            && (i == 0
                || !is_ident(chars[i - 1])
                || (chars[i - 1] == 'b' && (i < 2 || !is_ident(chars[i - 2]))));
        if raw_start {
            let mut j = i + 1;
            while at(j) == '#' {
                j += 1;
            }
            if at(j) == '"' {
                let hashes = j - i - 1;
                let start_line = line;
                out.has_code[line] = true;
                let mut k = j + 1;
                let mut content = String::new();
                while k < chars.len() {
                    if chars[k] == '"' && (0..hashes).all(|h| at(k + 1 + h) == '#') {
                        break;
                    }
                    if chars[k] == '\n' {
                        line += 1;
                    }
                    out.has_code[line] = true;
                    content.push(chars[k]);
                    k += 1;
                }
                out.strings.push((start_line, content));
                i = k + 1 + hashes;
                continue;
            }
        }
        if c == '"' {
            let start_line = line;
            out.has_code[line] = true;
            let mut k = i + 1;
            let mut content = String::new();
            while k < chars.len() && chars[k] != '"' {
                if chars[k] == '\\' {
                    content.push(chars[k]);
                    k += 1;
                }
                if chars.get(k) == Some(&'\n') {
                    line += 1;
                }
                out.has_code[line] = true;
                if let Some(&ch) = chars.get(k) {
                    content.push(ch);
                }
                k += 1;
            }
            out.strings.push((start_line, content));
            i = k + 1;
            continue;
        }
        // Character literals ('"', '\'', 'x'); a lone quote is a lifetime.
        if c == '\'' {
            let end = if at(i + 1) == '\\' {
                (i + 2..chars.len()).find(|&k| chars[k] == '\'')
            } else if at(i + 2) == '\'' {
                Some(i + 2)
            } else {
                None
            };
            if let Some(end) = end {
                out.has_code[line] = true;
                out.code[line].push_str("' '");
                i = end + 1;
                continue;
            }
        }
        if !c.is_whitespace() {
            out.has_code[line] = true;
        }
        out.code[line].push(c);
        i += 1;
    }
    out
}

/// The lines (0-based, half-open) of inline `#[cfg(test)] mod … { … }` blocks, as rustfmt
/// lays them out: the block ends at the first `}` line indented like its `mod` line.
fn test_blocks(text: &str) -> Vec<(usize, usize)> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() == "#[cfg(test)]" {
            let mod_line = (i + 1..lines.len()).find(|&k| !lines[k].trim().is_empty());
            if let Some(m) = mod_line {
                let trimmed = lines[m].trim_start();
                let is_inline_mod = (trimmed.starts_with("mod ")
                    || trimmed.starts_with("pub mod "))
                    && trimmed.trim_end().ends_with('{');
                if is_inline_mod {
                    let indent = &lines[m][..lines[m].len() - trimmed.len()];
                    let close = format!("{indent}}}");
                    let end = (m + 1..lines.len())
                        .find(|&k| lines[k].trim_end() == close)
                        .unwrap_or(lines.len() - 1);
                    blocks.push((i, end + 1));
                    i = end + 1;
                    continue;
                }
            }
        }
        i += 1;
    }
    blocks
}

/// Lines of code of a file: lines with code on them, outside inline test modules.
fn code_lines(text: &str) -> usize {
    let scanned = scan(text);
    let blocks = test_blocks(text);
    scanned
        .has_code
        .iter()
        .enumerate()
        .filter(|(line, has_code)| {
            **has_code && !blocks.iter().any(|(a, b)| (*a..*b).contains(line))
        })
        .count()
}

/// What in `text` looks like SQL or a call into SQLite, as (0-based line, what).
fn sql_findings(text: &str) -> Vec<(usize, String)> {
    let scanned = scan(text);
    let mut found = Vec::new();
    for (line, literal) in &scanned.strings {
        if let Some(what) = sql_statement(literal) {
            found.push((*line, format!("{what} in a string")));
        }
        if literal.trim_end().ends_with(".sql") {
            found.push((*line, "a .sql file".to_owned()));
        }
    }
    const CALLS: &[&str] = &[
        ".execute(",
        ".execute_batch(",
        ".prepare(",
        ".prepare_cached(",
        ".query_row(",
        ".query_map(",
        ".query_and_then(",
        "rusqlite",
    ];
    for (line, code) in scanned.code.iter().enumerate() {
        let squeezed: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        for call in CALLS {
            if squeezed.contains(call) {
                found.push((line, format!("`{call}`")));
            }
        }
    }
    found.sort();
    found
}

/// The kind of SQL statement a string holds, if it holds one (keywords in any case).
fn sql_statement(literal: &str) -> Option<&'static str> {
    let words: Vec<String> = literal
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let word = |i: usize| words.get(i).map_or("", String::as_str);
    for i in 0..words.len() {
        match word(i) {
            "select" if words[i + 1..].iter().any(|w| w == "from") => return Some("SELECT … FROM"),
            "insert" if word(i + 1) == "into" || word(i + 3) == "into" => {
                return Some("INSERT INTO")
            }
            "update" if word(i + 1) == "set" || word(i + 2) == "set" => {
                return Some("UPDATE … SET")
            }
            "delete" if word(i + 1) == "from" => return Some("DELETE FROM"),
            "create" | "drop" | "alter"
                if matches!(
                    word(i + 1),
                    "table" | "index" | "trigger" | "view" | "virtual"
                ) || (word(i + 1) == "unique" && word(i + 2) == "index") =>
            {
                return Some("a schema statement")
            }
            "pragma" if !word(i + 1).is_empty() => return Some("PRAGMA"),
            _ => {}
        }
    }
    None
}

#[test]
fn no_engine_source_outside_the_store_holds_sql() {
    let src = engine_dir().join("src");
    let store = src.join("store");
    let mut findings = Vec::new();
    for path in rust_files(&src, true) {
        if path.starts_with(&store) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (line, what) in sql_findings(&text) {
            findings.push(format!("{}:{}: {what}", relative(&path), line + 1));
        }
    }
    assert!(
        findings.is_empty(),
        "SQL outside src/store/ (move the query into the store, behind a Store method):\n{}",
        findings.join("\n")
    );
}

#[test]
fn no_source_file_of_the_workspace_is_over_800_lines_of_code() {
    let root = workspace_dir();
    let tauri = root.join("src-tauri");
    let mut files = rust_files(&tauri, false);
    files.extend(rust_files(&tauri.join("engine/src"), true));
    files.extend(rust_files(&tauri.join("engine/examples"), true));
    files.extend(rust_files(&tauri.join("fixture-server/src"), true));
    assert!(files.len() > 30, "only {} source files found", files.len());
    let mut too_long = Vec::new();
    let mut still_oversized = Vec::new();
    for path in &files {
        let name = relative(path);
        let lines = code_lines(&std::fs::read_to_string(path).unwrap());
        if OVERSIZED_FOR_NOW.contains(&name.as_str()) {
            if lines > MAX_CODE_LINES {
                still_oversized.push(name);
            }
        } else if lines > MAX_CODE_LINES {
            too_long.push(format!("{name}: {lines} lines of code"));
        }
    }
    assert!(
        too_long.is_empty(),
        "over {MAX_CODE_LINES} lines of code (split the file by what it owns):\n{}",
        too_long.join("\n")
    );
    let stale: Vec<&&str> = OVERSIZED_FOR_NOW
        .iter()
        .filter(|name| !still_oversized.iter().any(|s| s == *name))
        .collect();
    assert!(
        stale.is_empty(),
        "no longer over {MAX_CODE_LINES} lines (or gone): remove from OVERSIZED_FOR_NOW: {stale:?}"
    );
}

/// The two checks above are only as good as their reading of the source: this pins it.
#[test]
fn the_checks_see_sql_and_count_code_as_intended() {
    let sql = r##"
use std::fmt;
// A comment may say SELECT id FROM feeds and DELETE FROM it: comments are not code.
fn f(doc: &Document, conn: &Connection) {
    doc.select("img").nodes(); // "select" alone is not SQL
    let q = "SELECT id, url
             FROM feeds WHERE id = ?1";
    let _ = format!("update {} set", 1);
    let quote = '"';
    conn.execute("insert or ignore into images (url) values (?1)", [1]);
    let raw = r#"delete from articles where "id" = 1"#;
    let ok = "Select a folder from the list";
}
"##;
    let found: Vec<(usize, String)> = sql_findings(sql);
    let lines: Vec<usize> = found.iter().map(|(l, _)| l + 1).collect();
    // 6: SELECT…FROM over two lines; 8: UPDATE … SET; 10: INSERT and `.execute(`;
    // 11: DELETE FROM in a raw string; 12: English that reads like SQL is still flagged.
    assert_eq!(lines, [6, 8, 10, 10, 11, 12], "{found:?}");
    assert!(sql_statement("PRAGMA user_version").is_some());
    assert!(sql_statement("CREATE UNIQUE INDEX x ON y (z)").is_some());
    assert!(sql_statement("pick the images from the page").is_none());

    let code = "//! Doc.\n\nfn a() {\n    // note\n    let s = \"\n\n\";\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() {}\n}\n";
    // `fn a() {`, `let s = "`, the empty line inside the string, `";`, `}`: not the doc
    // comment, the comment, the blank lines or the test module.
    assert_eq!(code_lines(code), 5);
}
