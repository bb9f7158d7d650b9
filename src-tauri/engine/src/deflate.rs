//! Raw deflate (RFC 1951) for bodies of a few kilobytes: the store's packed stories.
//!
//! Owns writing a deflate stream and nothing else. It never inflates (flate2 reads what it
//! writes), never decides what is worth compressing, and keeps nothing between calls that could
//! change its output: the same input always gives the same bytes. It exists because a general
//! compressor prepares tables for megabytes before every input (miniz clears about 300 KB), and
//! a farm story is 1.6 KB; here the one table that must be cleared is sized to the input (8 KB
//! for that story), and the others are never read past what this input wrote
//! (BENCHMARKS.md, "Packing").
//!
//! How: LZ77 over the whole input with a hash of four bytes, a short chain of earlier positions
//! and one step of lazy matching; then the matches and literals go out in blocks of at most
//! [`BLOCK_TOKENS`], each written with whichever of stored, fixed or dynamic Huffman codes is
//! the smallest.

use std::cell::RefCell;

/// The shortest match looked for: the hash covers four bytes (deflate allows three, which
/// rarely pay on text).
const MIN_MATCH: usize = 4;
const MAX_MATCH: usize = 258;
/// How far back a match may reach.
const WINDOW: usize = 32 * 1024;
/// Earlier positions with the same hash compared at each position, at most.
const MAX_CHAIN: usize = 8;
/// A match this long is taken as it is: no further candidates, no look one byte ahead.
const NICE_MATCH: usize = 48;
/// Positions inside a match recorded for later matches, at most: the start of a repeated
/// stretch is what later text repeats; recording all of a long one cost 7% more time for 0.4%
/// less size on farm stories.
const INSERT_WITHIN_MATCH: usize = 16;
/// Literals and matches per block. A new block is a new chance to fit the codes to the text.
const BLOCK_TOKENS: usize = 1 << 15;
/// Positions are kept as `u32`; an input this long or longer is coded without matches.
const MATCHED_LIMIT: usize = 1 << 31;
/// A stored block's most bytes.
const STORED_MAX: usize = 0xffff;

const END_OF_BLOCK: usize = 256;
const LITLEN_SYMBOLS: usize = 286;
const DIST_SYMBOLS: usize = 30;
const CODELEN_SYMBOLS: usize = 19;
/// The order in which a dynamic block's header gives the code-length code's lengths.
const CODELEN_ORDER: [usize; CODELEN_SYMBOLS] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// A token with this bit set is a match: `(length - 3) << 16 | (distance - 1)`; else a literal.
const MATCH: u32 = 1 << 31;

/// Appends `input`, deflated as one complete raw stream (no zlib or gzip wrapper), to `out`.
pub fn deflate(input: &[u8], out: &mut Vec<u8>) {
    SCRATCH.with_borrow_mut(|(matcher, block)| {
        block.clear();
        let mut writer = Writer {
            bits: Bits::new(out),
            block,
            input,
            start: 0,
        };
        if input.len() < MATCHED_LIMIT {
            matcher.reset_for(input.len());
            tokenize(input, matcher, &mut writer);
        } else {
            for (at, &byte) in input.iter().enumerate() {
                writer.maybe_end_block(at);
                writer.literal(byte);
            }
        }
        writer.finish();
    });
}

thread_local! {
    /// The match finder's tables and the block's buffer, kept between calls so they are
    /// allocated once per thread; only the part an input uses is cleared.
    static SCRATCH: RefCell<(Matcher, Block)> = RefCell::new(Default::default());
}

#[derive(Default)]
struct Matcher {
    /// Per hash, the last position with it (`u32::MAX`: none).
    head: Vec<u32>,
    /// Per position (modulo the window), the position before it with the same hash. Only
    /// entries written for this input are read, so it is never cleared.
    prev: Vec<u32>,
    hash_shift: u32,
    prev_mask: usize,
}

impl Matcher {
    /// Sizes and clears the tables for an input of `len` bytes.
    fn reset_for(&mut self, len: usize) {
        let hash_bits = len.next_power_of_two().trailing_zeros().clamp(8, 15);
        let heads = 1usize << hash_bits;
        self.head.clear();
        self.head.resize(heads, u32::MAX);
        let window = len.next_power_of_two().clamp(1, WINDOW);
        if self.prev.len() < window {
            self.prev.resize(window, u32::MAX);
        }
        self.prev_mask = window - 1;
        self.hash_shift = 32 - hash_bits;
    }

    fn hash(&self, data: &[u8], at: usize) -> usize {
        let mut word = [0; 4];
        word.copy_from_slice(&data[at..at + 4]);
        (u32::from_le_bytes(word).wrapping_mul(0x9e37_79b1) >> self.hash_shift) as usize
    }

    /// Records `at` (which has [`MIN_MATCH`] bytes after it) as the newest position of its hash.
    #[inline]
    fn insert(&mut self, data: &[u8], at: usize) {
        let h = self.hash(data, at);
        self.prev[at & self.prev_mask] = self.head[h];
        self.head[h] = at as u32;
    }

    /// The longest match for `at` among earlier positions with its hash, as (length,
    /// distance), a length under [`MIN_MATCH`] meaning none; then records `at`. Every
    /// candidate is compared byte for byte, so a stale table entry costs a comparison, never a
    /// wrong match.
    #[inline]
    fn find_and_insert(&mut self, data: &[u8], at: usize) -> (usize, usize) {
        let max_len = (data.len() - at).min(MAX_MATCH);
        let h = self.hash(data, at);
        let oldest = at.saturating_sub(WINDOW);
        let (mut best, mut best_dist) = (MIN_MATCH - 1, 0);
        let mut candidate = self.head[h] as usize;
        for _ in 0..MAX_CHAIN {
            if candidate >= at || candidate < oldest {
                break;
            }
            // Only a candidate that agrees at the current best length can beat it.
            if data[candidate + best] == data[at + best] {
                let len = common_prefix(data, candidate, at, max_len);
                if len > best {
                    best = len;
                    best_dist = at - candidate;
                    if len >= NICE_MATCH || len == max_len {
                        break;
                    }
                }
            }
            candidate = self.prev[candidate & self.prev_mask] as usize;
        }
        self.prev[at & self.prev_mask] = self.head[h];
        self.head[h] = at as u32;
        (best, best_dist)
    }
}

/// How many bytes from `earlier` and `at` agree, up to `max_len` (`earlier < at`, and
/// `at + max_len` within `data`).
fn common_prefix(data: &[u8], earlier: usize, at: usize, max_len: usize) -> usize {
    let mut len = 0;
    while len + 8 <= max_len {
        let diff = read8(data, earlier + len) ^ read8(data, at + len);
        if diff != 0 {
            return len + (diff.trailing_zeros() / 8) as usize;
        }
        len += 8;
    }
    while len < max_len && data[earlier + len] == data[at + len] {
        len += 1;
    }
    len
}

fn read8(data: &[u8], at: usize) -> u64 {
    let mut word = [0; 8];
    word.copy_from_slice(&data[at..at + 8]);
    u64::from_le_bytes(word)
}

/// Turns `data` into literals and matches, handing them to `writer`: greedy, except that a
/// short match is given up for a longer one starting a byte later.
fn tokenize(data: &[u8], matcher: &mut Matcher, writer: &mut Writer) {
    let n = data.len();
    // Positions from which a match can start (four bytes follow).
    let matchable = |at: usize| at + MIN_MATCH <= n;
    let mut at = 0;
    let mut found = if matchable(0) {
        matcher.find_and_insert(data, 0)
    } else {
        (0, 0)
    };
    while at < n {
        writer.maybe_end_block(at);
        let (len, dist) = found;
        if len < MIN_MATCH {
            writer.literal(data[at]);
            at += 1;
            if matchable(at) {
                found = matcher.find_and_insert(data, at);
            }
            continue;
        }
        let mut inserted_up_to = at + 1;
        if len < NICE_MATCH && matchable(at + 1) {
            let next = matcher.find_and_insert(data, at + 1);
            inserted_up_to = at + 2;
            if next.0 > len {
                writer.literal(data[at]);
                at += 1;
                found = next;
                continue;
            }
        }
        writer.matched(len, dist);
        for p in inserted_up_to..at + len.min(INSERT_WITHIN_MATCH) {
            if matchable(p) {
                matcher.insert(data, p);
            }
        }
        at += len;
        found = if matchable(at) {
            matcher.find_and_insert(data, at)
        } else {
            (0, 0)
        };
    }
}

/// The tokens of the block being gathered, and how often each symbol occurs in them.
struct Block {
    tokens: Vec<u32>,
    litlen: [u32; LITLEN_SYMBOLS],
    dist: [u32; DIST_SYMBOLS],
}

impl Block {
    fn clear(&mut self) {
        self.tokens.clear();
        self.litlen.fill(0);
        self.dist.fill(0);
    }
}

impl Default for Block {
    fn default() -> Self {
        Block {
            tokens: Vec::new(),
            litlen: [0; LITLEN_SYMBOLS],
            dist: [0; DIST_SYMBOLS],
        }
    }
}

struct Writer<'a> {
    bits: Bits<'a>,
    block: &'a mut Block,
    input: &'a [u8],
    /// Where the gathered block's bytes start in the input.
    start: usize,
}

impl Writer<'_> {
    fn literal(&mut self, byte: u8) {
        self.block.tokens.push(u32::from(byte));
        self.block.litlen[usize::from(byte)] += 1;
    }

    fn matched(&mut self, len: usize, dist: usize) {
        let (len, dist) = ((len - 3) as u32, (dist - 1) as u32);
        self.block.tokens.push(MATCH | len << 16 | dist);
        self.block.litlen[length_code(len).0] += 1;
        self.block.dist[distance_code(dist).0] += 1;
    }

    /// Writes the gathered block if it is full; its bytes end at `at`.
    fn maybe_end_block(&mut self, at: usize) {
        if self.block.tokens.len() >= BLOCK_TOKENS {
            self.write_block(at, false);
        }
    }

    fn finish(mut self) {
        self.write_block(self.input.len(), true);
        self.bits.align();
    }

    fn write_block(&mut self, end: usize, last: bool) {
        let raw = &self.input[self.start..end];
        self.start = end;
        let block = &mut *self.block;
        block.litlen[END_OF_BLOCK] = 1;

        let mut litlen_lengths = [0; LITLEN_SYMBOLS];
        let mut dist_lengths = [0; DIST_SYMBOLS];
        code_lengths(&block.litlen, 15, &mut litlen_lengths);
        code_lengths(&block.dist, 15, &mut dist_lengths);
        let header = DynamicHeader::new(&litlen_lengths, &dist_lengths);
        let dynamic = 3 + header.bits + data_bits(block, &litlen_lengths, &dist_lengths);
        let (fixed_litlen, fixed_dist) = fixed_lengths();
        let fixed = 3 + data_bits(block, &fixed_litlen, &fixed_dist);
        // A stored block pads to a byte and spends four on its length.
        let stored_blocks = raw.len().div_ceil(STORED_MAX).max(1) as u64;
        let stored = 8 * (raw.len() as u64 + 5 * stored_blocks) + 7;

        if stored < dynamic.min(fixed) {
            write_stored(&mut self.bits, raw, last);
        } else if fixed <= dynamic {
            self.bits.put(u32::from(last) | 1 << 1, 3);
            write_tokens(&mut self.bits, &block.tokens, &fixed_litlen, &fixed_dist);
        } else {
            self.bits.put(u32::from(last) | 2 << 1, 3);
            header.write(&mut self.bits);
            write_tokens(
                &mut self.bits,
                &block.tokens,
                &litlen_lengths,
                &dist_lengths,
            );
        }
        block.clear();
    }
}

/// The length symbol of `len - 3` (0..=255) as (symbol, extra bits, their value).
fn length_code(x: u32) -> (usize, u32, u32) {
    if x < 8 {
        return (257 + x as usize, 0, 0);
    }
    if x == 255 {
        return (285, 0, 0);
    }
    let top = 31 - x.leading_zeros();
    let extra = top - 2;
    let symbol = 257 + 4 * (top - 1) + ((x >> extra) & 3);
    (symbol as usize, extra, x & ((1 << extra) - 1))
}

/// The distance symbol of `distance - 1` (0..=32767) as (symbol, extra bits, their value).
fn distance_code(x: u32) -> (usize, u32, u32) {
    if x < 4 {
        return (x as usize, 0, 0);
    }
    let top = 31 - x.leading_zeros();
    let extra = top - 1;
    let symbol = 2 * top + ((x >> extra) & 1);
    (symbol as usize, extra, x & ((1 << extra) - 1))
}

/// Extra bits after a literal/length symbol.
fn length_extra_bits(symbol: usize) -> u32 {
    match symbol {
        265..=284 => (symbol as u32 - 261) / 4,
        _ => 0,
    }
}

/// Extra bits after a distance symbol.
fn distance_extra_bits(symbol: usize) -> u32 {
    if symbol < 4 {
        0
    } else {
        symbol as u32 / 2 - 1
    }
}

/// The fixed code's lengths (RFC 1951, 3.2.6). All 288 literal/length codes count: the two a
/// block never uses still take their places among the 8-bit codes.
fn fixed_lengths() -> ([u8; 288], [u8; DIST_SYMBOLS]) {
    let mut litlen = [8; 288];
    litlen[144..256].fill(9);
    litlen[256..280].fill(7);
    (litlen, [5; DIST_SYMBOLS])
}

/// The block's size in bits with these codes, without its header.
fn data_bits(block: &Block, litlen: &[u8], dist: &[u8]) -> u64 {
    let litlen_bits: u64 = (block.litlen.iter().zip(litlen).enumerate())
        .map(|(s, (&f, &l))| u64::from(f) * u64::from(u32::from(l) + length_extra_bits(s)))
        .sum();
    let dist_bits: u64 = (block.dist.iter().zip(dist).enumerate())
        .map(|(s, (&f, &l))| u64::from(f) * u64::from(u32::from(l) + distance_extra_bits(s)))
        .sum();
    litlen_bits + dist_bits
}

fn write_tokens(bits: &mut Bits, tokens: &[u32], litlen_lengths: &[u8], dist_lengths: &[u8]) {
    let mut litlen_codes = [0; 288];
    let mut dist_codes = [0; DIST_SYMBOLS];
    canonical_codes(litlen_lengths, &mut litlen_codes);
    canonical_codes(dist_lengths, &mut dist_codes);
    let put_symbol = |bits: &mut Bits, codes: &[u16], lengths: &[u8], s: usize| {
        bits.put(u32::from(codes[s]), u32::from(lengths[s]));
    };
    for &token in tokens {
        if token & MATCH == 0 {
            put_symbol(bits, &litlen_codes, litlen_lengths, token as usize);
            continue;
        }
        let (symbol, extra, value) = length_code((token >> 16) & 0xff);
        put_symbol(bits, &litlen_codes, litlen_lengths, symbol);
        bits.put(value, extra);
        let (symbol, extra, value) = distance_code(token & 0xffff);
        put_symbol(bits, &dist_codes, dist_lengths, symbol);
        bits.put(value, extra);
    }
    put_symbol(bits, &litlen_codes, litlen_lengths, END_OF_BLOCK);
}

/// Writes `raw` as stored blocks of at most [`STORED_MAX`] bytes (one, empty, for no bytes).
fn write_stored(bits: &mut Bits, raw: &[u8], last: bool) {
    let mut rest = raw;
    loop {
        let (chunk, tail) = rest.split_at(rest.len().min(STORED_MAX));
        bits.put(u32::from(last && tail.is_empty()), 3);
        bits.align();
        let len = chunk.len() as u16;
        bits.out.extend_from_slice(&len.to_le_bytes());
        bits.out.extend_from_slice(&(!len).to_le_bytes());
        bits.out.extend_from_slice(chunk);
        if tail.is_empty() {
            return;
        }
        rest = tail;
    }
}

/// A dynamic block's header: the code lengths, run-length coded, and the code for those.
struct DynamicHeader {
    litlen_count: usize,
    dist_count: usize,
    codelen_count: usize,
    codelen_lengths: [u8; CODELEN_SYMBOLS],
    /// The run-length coded lengths as (symbol, extra bits' value).
    runs: Vec<(u8, u8)>,
    /// The header's size in bits, after the block's first three.
    bits: u64,
}

impl DynamicHeader {
    fn new(litlen: &[u8; LITLEN_SYMBOLS], dist: &[u8; DIST_SYMBOLS]) -> Self {
        let used = |lengths: &[u8], least: usize| {
            let last = lengths.iter().rposition(|&l| l != 0).map_or(0, |i| i + 1);
            last.max(least)
        };
        let (litlen_count, dist_count) = (used(litlen, 257), used(dist, 1));
        let lengths: Vec<u8> = (litlen[..litlen_count].iter())
            .chain(&dist[..dist_count])
            .copied()
            .collect();
        let runs = run_lengths(&lengths);
        let mut freqs = [0; CODELEN_SYMBOLS];
        for &(symbol, _) in &runs {
            freqs[usize::from(symbol)] += 1;
        }
        let mut codelen_lengths = [0; CODELEN_SYMBOLS];
        code_lengths(&freqs, 7, &mut codelen_lengths);
        let codelen_count = CODELEN_ORDER
            .iter()
            .rposition(|&s| codelen_lengths[s] != 0)
            .map_or(0, |i| i + 1)
            .max(4);
        let run_bits: u64 = (runs.iter())
            .map(|&(s, _)| u64::from(codelen_lengths[usize::from(s)]) + run_extra_bits(s))
            .sum();
        DynamicHeader {
            litlen_count,
            dist_count,
            codelen_count,
            codelen_lengths,
            runs,
            bits: 14 + 3 * codelen_count as u64 + run_bits,
        }
    }

    fn write(&self, bits: &mut Bits) {
        bits.put((self.litlen_count - 257) as u32, 5);
        bits.put((self.dist_count - 1) as u32, 5);
        bits.put((self.codelen_count - 4) as u32, 4);
        for &s in &CODELEN_ORDER[..self.codelen_count] {
            bits.put(u32::from(self.codelen_lengths[s]), 3);
        }
        let mut codes = [0; CODELEN_SYMBOLS];
        canonical_codes(&self.codelen_lengths, &mut codes);
        for &(symbol, extra) in &self.runs {
            let s = usize::from(symbol);
            bits.put(u32::from(codes[s]), u32::from(self.codelen_lengths[s]));
            bits.put(u32::from(extra), run_extra_bits(symbol) as u32);
        }
    }
}

fn run_extra_bits(symbol: u8) -> u64 {
    match symbol {
        16 => 2,
        17 => 3,
        18 => 7,
        _ => 0,
    }
}

/// Code lengths as the code-length alphabet writes them: 16 repeats the last length 3 to 6
/// times, 17 and 18 write 3 to 10 and 11 to 138 zeros.
fn run_lengths(lengths: &[u8]) -> Vec<(u8, u8)> {
    let mut runs = Vec::with_capacity(lengths.len());
    let mut i = 0;
    while i < lengths.len() {
        let value = lengths[i];
        let run = lengths[i..].iter().take_while(|&&l| l == value).count();
        i += run;
        let mut left = run;
        if value == 0 {
            while left >= 11 {
                let n = left.min(138);
                runs.push((18, (n - 11) as u8));
                left -= n;
            }
            if left >= 3 {
                runs.push((17, (left - 3) as u8));
                left = 0;
            }
        } else {
            runs.push((value, 0));
            left -= 1;
            while left >= 3 {
                let n = left.min(6);
                runs.push((16, (n - 3) as u8));
                left -= n;
            }
        }
        runs.extend(std::iter::repeat_n((value, 0), left));
    }
    runs
}

/// Huffman code lengths for `freqs`, none over `max_bits`, into `lengths`. The code is always
/// complete: fewer than two used symbols get two codes of one bit (symbols 0 and 1 stand in),
/// which every inflater accepts.
fn code_lengths(freqs: &[u32], max_bits: u32, lengths: &mut [u8]) {
    lengths.fill(0);
    // Each used symbol as its frequency above its number, so one sort of plain numbers orders
    // them by frequency (a block's frequencies stay under 2^16, see BLOCK_TOKENS).
    let mut keys = [0u32; 288];
    let mut n = 0;
    for (s, &f) in freqs.iter().enumerate() {
        if f != 0 {
            keys[n] = f << 9 | s as u32;
            n += 1;
        }
    }
    let used = &mut keys[..n];
    if used.len() < 2 {
        let one = used.first().map_or(0, |&k| (k & 0x1ff) as usize);
        lengths[one] = 1;
        lengths[usize::from(one == 0)] = 1;
        return;
    }
    used.sort_unstable();
    let mut depths = [0u32; 288];
    let depths = &mut depths[..n];
    for (d, &k) in depths.iter_mut().zip(used.iter()) {
        *d = k >> 9;
    }
    huffman_depths(depths);

    // How many symbols get each length; lengths past the limit are moved up to it, and the
    // code, now oversubscribed, is mended one leaf at a time: each step takes a leaf off the
    // deepest level and turns a shallower leaf into two one level down, which leaves the
    // number of symbols the same and lowers the Kraft sum by one deepest leaf's share.
    let max = max_bits as usize;
    let mut per_length = [0u32; 16];
    for &d in depths.iter() {
        per_length[(d as usize).min(max)] += 1;
    }
    let kraft = |per_length: &[u32; 16]| -> u64 {
        (1..=max)
            .map(|l| u64::from(per_length[l]) << (max - l))
            .sum()
    };
    let mut total = kraft(&per_length);
    while total > 1 << max {
        per_length[max] -= 1;
        if let Some(l) = (1..max).rev().find(|&l| per_length[l] != 0) {
            per_length[l] -= 1;
            per_length[l + 1] += 2;
        }
        total -= 1;
    }
    // The rarest symbols take the longest codes.
    let mut symbols = used.iter().map(|&k| (k & 0x1ff) as usize);
    for l in (1..=max).rev() {
        for s in symbols.by_ref().take(per_length[l] as usize) {
            lengths[s] = l as u8;
        }
    }
}

/// Replaces weights sorted ascending (at least two) with their Huffman code lengths, in place
/// and without allocating (Moffat and Katajainen, "In-place calculation of minimum-redundancy
/// codes", 1995): first each internal node's weight, with its parent's index left in the
/// entries it consumed; then each internal node's depth; then the leaves' depths, level by
/// level.
fn huffman_depths(a: &mut [u32]) {
    let n = a.len();
    a[0] += a[1];
    let (mut root, mut leaf) = (0, 2);
    for next in 1..n - 1 {
        for child in 0..2 {
            let take_root = leaf >= n || (root < next && a[root] < a[leaf]);
            let weight = if take_root {
                let w = a[root];
                a[root] = next as u32;
                root += 1;
                w
            } else {
                leaf += 1;
                a[leaf - 1]
            };
            if child == 0 {
                a[next] = weight;
            } else {
                a[next] += weight;
            }
        }
    }
    a[n - 2] = 0;
    for next in (0..n - 2).rev() {
        a[next] = a[a[next] as usize] + 1;
    }
    let (mut available, mut depth) = (1u32, 0u32);
    let mut internal = n - 1; // one past the next internal node to read
    let mut leaf = n; // one past the next leaf to write
    while available > 0 {
        let mut used = 0;
        while internal > 0 && a[internal - 1] == depth {
            used += 1;
            internal -= 1;
        }
        while available > used {
            leaf -= 1;
            a[leaf] = depth;
            available -= 1;
        }
        available = 2 * used;
        depth += 1;
    }
}

/// The canonical codes of these lengths, bit-reversed, as deflate sends a code's first bit
/// first.
fn canonical_codes(lengths: &[u8], codes: &mut [u16]) {
    let mut per_length = [0u16; 16];
    for &l in lengths {
        per_length[usize::from(l)] += 1;
    }
    per_length[0] = 0;
    let mut next = [0u16; 16];
    let mut code = 0u16;
    for bits in 1..16 {
        code = (code + per_length[bits - 1]) << 1;
        next[bits] = code;
    }
    for (s, &l) in lengths.iter().enumerate() {
        if l != 0 {
            let l = usize::from(l);
            codes[s] = next[l].reverse_bits() >> (16 - l);
            next[l] += 1;
        }
    }
}

/// Bits, first bit lowest, gathered into bytes.
struct Bits<'a> {
    out: &'a mut Vec<u8>,
    pending: u64,
    count: u32,
}

impl<'a> Bits<'a> {
    fn new(out: &'a mut Vec<u8>) -> Self {
        Bits {
            out,
            pending: 0,
            count: 0,
        }
    }

    /// Appends the low `count` (at most 32) bits of `value`, whose higher bits are zero.
    fn put(&mut self, value: u32, count: u32) {
        self.pending |= u64::from(value) << self.count;
        self.count += count;
        if self.count >= 32 {
            self.out
                .extend_from_slice(&(self.pending as u32).to_le_bytes());
            self.pending >>= 32;
            self.count -= 32;
        }
    }

    /// Pads with zero bits to a whole byte and writes out what is pending.
    fn align(&mut self) {
        while self.count > 0 {
            self.out.push(self.pending as u8);
            self.pending >>= 8;
            self.count = self.count.saturating_sub(8);
        }
        self.pending = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn deflated(input: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        deflate(input, &mut out);
        out
    }

    fn inflated(stream: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::DeflateDecoder::new(stream)
            .read_to_end(&mut out)
            .expect("a valid deflate stream");
        out
    }

    fn assert_round_trip(input: &[u8]) -> Vec<u8> {
        let stream = deflated(input);
        let back = inflated(&stream);
        assert!(
            back == input,
            "{} bytes came back as {}",
            input.len(),
            back.len()
        );
        stream
    }

    /// A small deterministic generator (no dependency for it).
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// Text-like bytes: words from a small vocabulary, with copies of earlier stretches at
    /// every distance and runs of one byte, so matches of every length and distance occur.
    fn text_like(rng: &mut Rng, len: usize) -> Vec<u8> {
        const WORDS: [&str; 12] = [
            "the ",
            "summit ",
            "Beijing ",
            "leaders ",
            "<p>",
            "</p>",
            "said ",
            "on ",
            "trade ",
            "é ",
            "\u{2014} ",
            "\n",
        ];
        let mut out = Vec::with_capacity(len);
        while out.len() < len {
            match rng.below(10) {
                0 if out.len() > 4 => {
                    let from = rng.below(out.len());
                    let n = (1 + rng.below(300)).min(out.len() - from);
                    out.extend_from_within(from..from + n);
                }
                1 => out.extend(std::iter::repeat_n(rng.next() as u8, rng.below(400))),
                2 => out.push(rng.next() as u8),
                _ => out.extend_from_slice(WORDS[rng.below(WORDS.len())].as_bytes()),
            }
        }
        out.truncate(len);
        out
    }

    #[test]
    fn short_and_empty_inputs_round_trip() {
        for input in [
            &b""[..],
            b"a",
            b"ab",
            b"abc",
            b"abcd",
            b"aaaa",
            b"aaaaa",
            b"abcabcabc",
        ] {
            assert_round_trip(input);
        }
    }

    #[test]
    fn a_long_run_of_one_byte_becomes_overlapping_matches() {
        let stream = assert_round_trip(&[b'x'; 100_000]);
        assert!(stream.len() < 1_000, "{} bytes", stream.len());
    }

    #[test]
    fn random_bytes_are_stored_not_grown_by_more_than_the_block_headers() {
        let mut rng = Rng(7);
        let noise: Vec<u8> = (0..200_000).map(|_| rng.next() as u8).collect();
        let stream = assert_round_trip(&noise);
        let blocks = noise.len().div_ceil(BLOCK_TOKENS);
        assert!(
            stream.len() <= noise.len() + 5 * blocks,
            "{} bytes",
            stream.len()
        );
    }

    #[test]
    fn stored_blocks_split_at_their_largest_size_and_no_bytes_is_one_empty_block() {
        for len in [0, 1, STORED_MAX, STORED_MAX + 1, 2 * STORED_MAX + 7] {
            let raw: Vec<u8> = (0..len).map(|i| (i * 7 + i / 300) as u8).collect();
            let mut stream = Vec::new();
            let mut bits = Bits::new(&mut stream);
            write_stored(&mut bits, &raw, true);
            bits.align();
            let blocks = len.div_ceil(STORED_MAX).max(1);
            assert_eq!(stream.len(), len + 5 * blocks, "{len} bytes");
            assert_eq!(inflated(&stream), raw);
        }
    }

    #[test]
    fn every_byte_value_round_trips() {
        let all: Vec<u8> = (0..=255u8).cycle().take(5_000).collect();
        assert_round_trip(&all);
    }

    #[test]
    fn text_like_inputs_of_many_sizes_round_trip() {
        let mut rng = Rng(0x5eed);
        for round in 0..400 {
            let len = match round % 4 {
                0 => rng.below(64),
                1 => rng.below(4_000),
                2 => rng.below(40_000),
                _ => 60_000 + rng.below(150_000),
            };
            let input = text_like(&mut rng, len);
            assert_round_trip(&input);
        }
    }

    #[test]
    fn matches_reach_back_the_whole_window_and_no_further() {
        let mut rng = Rng(3);
        let chunk: Vec<u8> = (0..300).map(|_| rng.next() as u8).collect();
        for gap in [WINDOW - 300 - 1, WINDOW - 300, WINDOW - 299, WINDOW + 10] {
            let mut input = chunk.clone();
            input.extend((0..gap).map(|_| rng.next() as u8));
            input.extend_from_slice(&chunk);
            assert_round_trip(&input);
        }
    }

    #[test]
    fn the_same_input_always_gives_the_same_bytes() {
        let mut rng = Rng(11);
        let a = text_like(&mut rng, 30_000);
        let b = text_like(&mut rng, 500);
        let first = deflated(&a);
        deflated(&b); // the tables now hold another input's positions
        assert_eq!(deflated(&a), first);
    }

    #[test]
    fn a_news_story_packs_as_tightly_as_the_general_compressors_best_level() {
        // What the store packs: an excerpt, the plain text, then the sanitized HTML.
        let html = include_str!("../tests/fixtures/export/seed-summit-story-sanitized.html");
        let mut in_tag = false;
        let text: String = (html.chars())
            .filter(|&c| {
                let keep = !in_tag && c != '<';
                in_tag = (in_tag || c == '<') && c != '>';
                keep
            })
            .collect();
        let excerpt: String = text.chars().take(280).collect();
        let input = format!("{excerpt}{text}{html}");
        let ours = assert_round_trip(input.as_bytes()).len();
        let mut best = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut best, input.as_bytes()).expect("in memory");
        let best = best.finish().expect("in memory").len();
        assert!(
            ours * 100 <= best * 102,
            "{ours} bytes against the best level's {best}"
        );
    }

    /// Frequencies in the Fibonacci sequence make the deepest possible Huffman tree: 23 levels
    /// below a block's largest possible frequency.
    #[test]
    fn code_lengths_stay_within_the_limit_and_form_a_complete_code() {
        let mut fib = vec![1u32, 1];
        while fib[fib.len() - 1] + fib[fib.len() - 2] <= BLOCK_TOKENS as u32 {
            fib.push(fib[fib.len() - 1] + fib[fib.len() - 2]);
        }
        for (symbols, max_bits) in [(286, 15), (30, 15), (19, 7)] {
            let mut freqs = vec![0; symbols];
            for (f, &w) in freqs.iter_mut().zip(&fib) {
                *f = w;
            }
            let mut lengths = vec![0; symbols];
            code_lengths(&freqs, max_bits, &mut lengths);
            let used = freqs.iter().filter(|&&f| f != 0).count();
            let coded = lengths.iter().filter(|&&l| l != 0).count();
            assert_eq!(coded, used);
            assert!(lengths.iter().all(|&l| u32::from(l) <= max_bits));
            let kraft: u64 = (lengths.iter())
                .filter(|&&l| l != 0)
                .map(|&l| 1u64 << (max_bits - u32::from(l)))
                .sum();
            assert_eq!(kraft, 1 << max_bits, "{symbols} symbols");
            // Rarer symbols never get shorter codes.
            assert!(lengths[..used].windows(2).all(|w| w[0] >= w[1]));
        }
    }

    #[test]
    fn one_used_symbol_still_gets_a_complete_code() {
        for one in [0, 1, 5] {
            let mut freqs = [0; 30];
            freqs[one] = 9;
            let mut lengths = [0; 30];
            code_lengths(&freqs, 15, &mut lengths);
            assert_eq!(lengths[one], 1);
            assert_eq!(lengths.iter().filter(|&&l| l == 1).count(), 2);
        }
    }

    #[test]
    fn length_and_distance_codes_agree_with_the_rfc_tables() {
        // RFC 1951, 3.2.5: each code's first value and extra bits.
        let length_base = [
            3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99,
            115, 131, 163, 195, 227, 258,
        ];
        for len in 3..=258u32 {
            let (symbol, extra, value) = length_code(len - 3);
            assert_eq!(length_base[symbol - 257] + value, len);
            assert_eq!(extra, length_extra_bits(symbol));
            assert!(value < 1 << extra || extra == 0 && value == 0);
        }
        let distance_base = [
            1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025,
            1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
        ];
        for dist in 1..=32768u32 {
            let (symbol, extra, value) = distance_code(dist - 1);
            assert_eq!(distance_base[symbol] + value, dist);
            assert_eq!(extra, distance_extra_bits(symbol));
            assert!(value < 1 << extra || extra == 0 && value == 0);
        }
    }
}
