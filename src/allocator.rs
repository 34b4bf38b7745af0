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
}

#[cfg(test)]
mod tests {
    use super::*;

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
