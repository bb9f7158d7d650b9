//! `broadsheet_rank(article_fts, weights...)`: the search's ranking, an FTS5 auxiliary function
//! registered on each connection of the store (with the index's list of words the search
//! looks in).
//!
//! It is `bm25` (the same formula, constants and column weights) except for a search of one
//! phrase, which it does not weigh by the phrase's rarity: `bm25` reads every match of each
//! phrase once per search to count them (about 3 ms for a common word in 100,000 stories,
//! BENCHMARKS.md "Search"), and with one phrase that weight multiplies every score alike, so
//! the order is the same without it. With several phrases it counts them as `bm25` does.
//!
//! This is the store's only `unsafe` code: the FTS5 extension API is C's. It must never keep a
//! pointer past the call it was given in, and never unwind into SQLite (nothing here panics).

use std::ffi::{c_int, c_void};
use std::ptr;

use rusqlite::{ffi, Connection};

/// BM25's constants, as SQLite's `bm25` has them.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Registers `broadsheet_rank` on `conn`, and gives it `temp.article_fts_terms`, the index's
/// words (an `fts5vocab` table of instances: a look-up stops at the first one, where one of
/// rows would count every story of the word first), for the search to tell a word no other
/// word begins with.
pub(super) fn register(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.article_fts_terms
             USING fts5vocab(main, article_fts, instance);",
    )?;
    let fail = |rc| rusqlite::Error::SqliteFailure(ffi::Error::new(rc), None);
    // SAFETY: the handle is used only within this call, on the thread that owns `conn`; the
    // statement is finalized before returning, and `api` is written by SQLite only while it
    // steps (the documented way to reach the FTS5 API).
    unsafe {
        let db = conn.handle();
        let mut stmt: *mut ffi::sqlite3_stmt = ptr::null_mut();
        let rc = ffi::sqlite3_prepare_v2(
            db,
            c"SELECT fts5(?1)".as_ptr(),
            -1,
            &mut stmt,
            ptr::null_mut(),
        );
        if rc != ffi::SQLITE_OK {
            return Err(fail(rc));
        }
        let mut api: *mut ffi::fts5_api = ptr::null_mut();
        ffi::sqlite3_bind_pointer(
            stmt,
            1,
            ptr::addr_of_mut!(api).cast(),
            c"fts5_api_ptr".as_ptr(),
            None,
        );
        ffi::sqlite3_step(stmt);
        let rc = ffi::sqlite3_finalize(stmt);
        if rc != ffi::SQLITE_OK {
            return Err(fail(rc));
        }
        let Some(create) = api.as_ref().and_then(|a| a.xCreateFunction) else {
            return Err(fail(ffi::SQLITE_ERROR));
        };
        let rc = create(
            api,
            c"broadsheet_rank".as_ptr(),
            ptr::null_mut(),
            Some(rank),
            None,
        );
        if rc != ffi::SQLITE_OK {
            return Err(fail(rc));
        }
    }
    Ok(())
}

/// What a search computes once: the average row length and each phrase's weight.
struct PerSearch {
    avgdl: f64,
    idf: Vec<f64>,
    freq: Vec<f64>,
}

/// The auxiliary function itself: the score of the current row, lower is better (as `bm25`).
unsafe extern "C" fn rank(
    api: *const ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    ctx: *mut ffi::sqlite3_context,
    n_val: c_int,
    vals: *mut *mut ffi::sqlite3_value,
) {
    // SAFETY: SQLite passes a valid API, context and `n_val` argument values for this call.
    unsafe {
        let weights: &[*mut ffi::sqlite3_value] = if vals.is_null() || n_val <= 0 {
            &[]
        } else {
            std::slice::from_raw_parts(vals, n_val as usize)
        };
        match api.as_ref().map(|a| score(a, fts, weights)) {
            Some(Ok(s)) => ffi::sqlite3_result_double(ctx, s),
            Some(Err(rc)) => ffi::sqlite3_result_error_code(ctx, rc),
            None => ffi::sqlite3_result_error_code(ctx, ffi::SQLITE_MISUSE),
        }
    }
}

/// A method of the API, or SQLITE_MISUSE when this SQLite lacks it.
fn method<T>(m: Option<T>) -> Result<T, c_int> {
    m.ok_or(ffi::SQLITE_MISUSE)
}

fn check(rc: c_int) -> Result<(), c_int> {
    if rc == ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(rc)
    }
}

/// BM25 of the current row, as in SQLite's `fts5Bm25Function`.
unsafe fn score(
    api: &ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    weights: &[*mut ffi::sqlite3_value],
) -> Result<f64, c_int> {
    // SAFETY: `fts` is the context of the current call; the per-search data is ours (set
    // below with its destructor), so the cast back is to its own type.
    unsafe {
        let mut data = method(api.xGetAuxdata)?(fts, 0).cast::<PerSearch>();
        if data.is_null() {
            let fresh = Box::into_raw(Box::new(per_search(api, fts)?));
            check(method(api.xSetAuxdata)?(
                fts,
                fresh.cast(),
                Some(drop_per_search),
            ))?;
            data = fresh;
        }
        let data = &mut *data;
        data.freq.iter_mut().for_each(|f| *f = 0.0);
        let mut n_inst = 0;
        check(method(api.xInstCount)?(fts, &mut n_inst))?;
        let inst = method(api.xInst)?;
        for i in 0..n_inst {
            let (mut phrase, mut col, mut off) = (0, 0, 0);
            check(inst(fts, i, &mut phrase, &mut col, &mut off))?;
            let w = match weights.get(col as usize) {
                Some(v) => ffi::sqlite3_value_double(*v),
                None => 1.0,
            };
            if let Some(f) = data.freq.get_mut(phrase as usize) {
                *f += w;
            }
        }
        let mut n_tok = 0;
        check(method(api.xColumnSize)?(fts, -1, &mut n_tok))?;
        let d = f64::from(n_tok);
        let s: f64 = data
            .idf
            .iter()
            .zip(&data.freq)
            .map(|(idf, f)| idf * (f * (K1 + 1.0)) / (f + K1 * (1.0 - B + B * d / data.avgdl)))
            .sum();
        Ok(-s)
    }
}

/// The average row length, and each phrase's weight: 1 for a search of one phrase, else
/// `bm25`'s IDF (which needs each phrase's matches counted).
unsafe fn per_search(
    api: &ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
) -> Result<PerSearch, c_int> {
    // SAFETY: as in `score`; `count_match` writes only to the `hits` it is given.
    unsafe {
        let phrases = method(api.xPhraseCount)?(fts).max(0) as usize;
        let (mut rows, mut tokens) = (0i64, 0i64);
        check(method(api.xRowCount)?(fts, &mut rows))?;
        check(method(api.xColumnTotalSize)?(fts, -1, &mut tokens))?;
        let avgdl = tokens as f64 / (rows.max(1)) as f64;
        let mut idf = vec![1.0; phrases];
        if phrases > 1 {
            let query = method(api.xQueryPhrase)?;
            for (i, w) in idf.iter_mut().enumerate() {
                let mut hits = 0i64;
                check(query(
                    fts,
                    i as c_int,
                    ptr::addr_of_mut!(hits).cast(),
                    Some(count_match),
                ))?;
                let x = ((rows - hits) as f64 + 0.5) / (hits as f64 + 0.5);
                *w = if x.ln() > 0.0 { x.ln() } else { 1e-6 };
            }
        }
        Ok(PerSearch {
            avgdl,
            idf,
            freq: vec![0.0; phrases],
        })
    }
}

unsafe extern "C" fn count_match(
    _api: *const ffi::Fts5ExtensionApi,
    _fts: *mut ffi::Fts5Context,
    hits: *mut c_void,
) -> c_int {
    // SAFETY: `hits` is the counter `per_search` passed, alive for the whole query.
    unsafe {
        *hits.cast::<i64>() += 1;
    }
    ffi::SQLITE_OK
}

unsafe extern "C" fn drop_per_search(p: *mut c_void) {
    // SAFETY: `p` is the box `score` leaked into the auxiliary data, dropped once by SQLite.
    unsafe { drop(Box::from_raw(p.cast::<PerSearch>())) }
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    /// Each row's rowid and score by `f`, best first.
    fn ranked(c: &Connection, f: &str, query: &str) -> Vec<(i64, f64)> {
        c.prepare(&format!(
            "SELECT rowid, {f}(t, 8.0, 1.0) AS r FROM t WHERE t MATCH ?1 ORDER BY r, rowid DESC"
        ))
        .unwrap()
        .query_map([query], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    }

    #[test]
    fn one_word_ranks_in_bm25s_order_and_several_words_score_as_bm25() {
        let c = Connection::open_in_memory().unwrap();
        super::register(&c).unwrap();
        c.execute_batch(
            "CREATE VIRTUAL TABLE t USING fts5(title, text, content = '', contentless_delete = 1,
                 tokenize = 'unicode61 remove_diacritics 2');",
        )
        .unwrap();
        // Titles and texts of varied lengths, the words in the title or the text, once or more.
        for i in 0..40usize {
            let title = if i % 3 == 0 {
                "Summit talks"
            } else {
                "Harbour news"
            };
            let text = format!(
                "{} {} {}",
                "summit ".repeat(i % 4),
                "talks ".repeat(i % 5),
                "filler ".repeat(i * 7 % 30)
            );
            c.execute(
                "INSERT INTO t (rowid, title, text) VALUES (?1, ?2, ?3)",
                rusqlite::params![i as i64, title, text],
            )
            .unwrap();
        }
        for query in ["\"summit\"*", "\"talk\"*"] {
            let (ours, theirs) = (
                ranked(&c, "broadsheet_rank", query),
                ranked(&c, "bm25", query),
            );
            assert!(ours.len() > 10, "{query}");
            let order = |v: &[(i64, f64)]| v.iter().map(|r| r.0).collect::<Vec<_>>();
            assert_eq!(order(&ours), order(&theirs), "{query}");
            // One word: bm25's score times a constant, its weight.
            let ratio = theirs[0].1 / ours[0].1;
            assert!(ours
                .iter()
                .zip(&theirs)
                .all(|(o, t)| (t.1 / o.1 - ratio).abs() < 1e-9));
        }
        let query = "\"summit\" \"talk\"*";
        let (ours, theirs) = (
            ranked(&c, "broadsheet_rank", query),
            ranked(&c, "bm25", query),
        );
        assert!(ours.len() > 5);
        assert!(ours
            .iter()
            .zip(&theirs)
            .all(|(o, t)| o.0 == t.0 && (o.1 - t.1).abs() < 1e-9));
    }
}
