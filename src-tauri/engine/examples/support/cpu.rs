//! The benchmarks' CPU clocks: a busy machine's waits for a core inflate wall time, not these.

/// The CPU time this thread has used, in milliseconds: what a step costs, whatever else
/// the machine is running (wall time also counts the waits for a core). NaN where not measured.
#[allow(dead_code)]
pub fn thread_cpu_ms() -> f64 {
    cpu_clock_ms(false)
}

/// The CPU time every thread of this process has used, in milliseconds (user and system).
/// NaN where not measured.
#[allow(dead_code)]
pub fn process_cpu_ms() -> f64 {
    cpu_clock_ms(true)
}

/// The CPU time (user and system) of this process's children that have ended and been waited
/// for, in milliseconds. NaN where not measured.
#[allow(dead_code)]
pub fn children_cpu_ms() -> f64 {
    #[cfg(unix)]
    {
        // SAFETY: an all-zero rusage is a valid value for the call to overwrite.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: `usage` is a valid rusage for the call to fill.
        if unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) } != 0 {
            return f64::NAN;
        }
        let ms = |t: libc::timeval| t.tv_sec as f64 * 1000.0 + t.tv_usec as f64 / 1000.0;
        ms(usage.ru_utime) + ms(usage.ru_stime)
    }
    #[cfg(not(unix))]
    f64::NAN
}

/// The thread's or the whole process's CPU clock, in milliseconds.
fn cpu_clock_ms(whole_process: bool) -> f64 {
    #[cfg(unix)]
    {
        let clock = if whole_process {
            libc::CLOCK_PROCESS_CPUTIME_ID
        } else {
            libc::CLOCK_THREAD_CPUTIME_ID
        };
        let mut t = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `t` is a valid timespec for the call to fill; both clocks exist on Linux and
        // macOS.
        if unsafe { libc::clock_gettime(clock, &mut t) } != 0 {
            return f64::NAN;
        }
        t.tv_sec as f64 * 1000.0 + t.tv_nsec as f64 / 1e6
    }
    #[cfg(not(unix))]
    {
        let _ = whole_process;
        f64::NAN
    }
}
