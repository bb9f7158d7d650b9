//! The benchmarks' CPU clock: a busy machine's waits for a core inflate wall time, not this.

/// The CPU time this thread has used, in milliseconds: what a step costs, whatever else
/// the machine is running (wall time also counts the waits for a core). NaN where not measured.
#[cfg(not(unix))]
pub fn thread_cpu_ms() -> f64 {
    f64::NAN
}

/// The CPU time this thread has used, in milliseconds: what a step costs, whatever else
/// the machine is running (wall time also counts the waits for a core).
#[cfg(unix)]
pub fn thread_cpu_ms() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec for the call to fill; the clock exists on Linux.
    let ok = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) } == 0;
    if !ok {
        return f64::NAN;
    }
    t.tv_sec as f64 * 1000.0 + t.tv_nsec as f64 / 1e6
}
