#!/usr/bin/env python3
"""Start-up of the command line (BENCHMARKS.md, "The command line"): wall time and CPU time of
`broadsheet --version`, `articles` and `articles --search` on a 100,000-article library, for one
or more builds of `broadsheet` run alternately, round by round. Peak memory is not measured
here: on Linux a child's peak RSS starts from its parent's (Python's) at exec; use
`/usr/bin/time -f %M` for it.

Reproduce:
  cargo build --release --bin broadsheet && cargo build --release -p broadsheet-engine --example library_100k
  BENCH_LIBRARY=/tmp/lib100k/library.sqlite3 target/release/examples/library_100k 100000
  python3 tests/bench-cli.py /tmp/lib100k target/release/broadsheet [OTHER_BROADSHEET...]
ROUNDS (default 50) sets the runs per command and build.
"""
import os
import sqlite3
import statistics
import sys
import time


def search_word(library):
    """A word of middling frequency from the library's titles, as a reader would search."""
    db = sqlite3.connect(f"file:{library}/library.sqlite3?mode=ro", uri=True)
    titles = [t for (t,) in db.execute("SELECT title FROM articles LIMIT 2000")]
    counts = {}
    for t in titles:
        for w in t.lower().split():
            if len(w) > 4:
                counts[w] = counts.get(w, 0) + 1
    ranked = sorted(counts, key=counts.get)
    return ranked[len(ranked) // 2]


def run(argv):
    """One run: (wall ms, user+sys CPU ms)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    start = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, os.environ,
                         file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1)])
    _, status, usage = os.wait4(pid, 0)
    wall = (time.perf_counter() - start) * 1000
    os.close(devnull)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{argv} failed")
    return wall, (usage.ru_utime + usage.ru_stime) * 1000


def main():
    library, programs = sys.argv[1], sys.argv[2:]
    rounds = int(os.environ.get("ROUNDS", "50"))
    word = search_word(library)
    commands = {
        "--version": ["--version"],
        "articles": ["--data-dir", library, "articles"],
        f"search '{word}'": ["--data-dir", library, "articles", "--search", word],
    }
    for name, args in commands.items():
        results = {p: [] for p in programs}
        for p in programs:  # warm the page cache
            run([p] + args)
        for r in range(rounds):
            order = programs if r % 2 == 0 else programs[::-1]
            for p in order:
                results[p].append(run([p] + args))
        for p in programs:
            walls = sorted(w for w, _ in results[p])
            cpu = statistics.median(c for _, c in results[p])
            print(f"{name:<22} {p:<40} wall median {statistics.median(walls):6.1f} ms"
                  f"  p90 {walls[len(walls) * 9 // 10]:6.1f} ms  cpu median {cpu:5.1f} ms")


main()
