//! The memory allocator and its settings.

/// The engine builds and drops a syntax tree of many small boxes per file, on every worker at once: glibc's
/// allocator spent about a third of the run in malloc and free (docs/benchmarks.md); mimalloc's per-thread heaps
/// do not.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in the mimalloc that libmimalloc-sys 0.1.49 builds (v3): the crate does not export it.
/// `purge_delay_is_the_option_it_names` checks the number against the option's documented default.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keeps freed memory for reuse instead of handing it back to the system after a second. Each file's syntax tree is
/// freed at once, and the next file allocates as much again: returned pages come back zero-filled through page
/// faults, which cost about a tenth of a run over a dependency tree (docs/benchmarks.md). Peak memory is what a
/// run needs at its busiest either way.
pub fn configure() {
    // SAFETY: mi_option_set only stores the value; it may be called at any time from any thread.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) };
    disable_transparent_huge_pages();
}

/// Backs the heap with 4 KiB pages instead of 2 MiB ones. Each worker's heap grows by fresh pages, and the kernel
/// zeroes a whole huge page at its first touch: over the corpus that zeroing was 10–19 % of the CPU time and a third
/// of the peak memory, for memory a run of small files mostly never uses (docs/benchmarks.md).
#[cfg(target_os = "linux")]
fn disable_transparent_huge_pages() {
    // SAFETY: PR_SET_THP_DISABLE only sets a flag on this process; it has no memory-safety preconditions. A kernel
    // without it refuses the call, which changes nothing.
    unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
}

#[cfg(not(target_os = "linux"))]
fn disable_transparent_huge_pages() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn transparent_huge_pages_can_be_turned_off() {
        // Not `configure()`: its purge-delay setting is process-wide and would race the test above.
        disable_transparent_huge_pages();
        // SAFETY: PR_GET_THP_DISABLE only reads the flag.
        assert_eq!(unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) }, 1);
    }

    #[test]
    fn purge_delay_is_the_option_it_names() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // SAFETY: reading an option has no preconditions.
        let default = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        assert_eq!(default, 1000, "option {PURGE_DELAY} is not mimalloc's purge delay (default 1000 ms)");
        // Its neighbours, use_numa_nodes (0) and the deprecated eager-commit delay, have other defaults.
        // SAFETY: as above.
        assert_eq!(unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY + 1) }, 0);
    }
}
