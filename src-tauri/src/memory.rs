//! Giving memory back to the OS after a large, short-lived allocation (a listing of
//! thousands of installations decodes every page, saves the cache and drops the pages):
//! glibc keeps freed memory in its per-thread arenas unless asked to release it.

/// Releases the heap's free pages to the OS (glibc on Linux; nothing elsewhere).
pub fn release_free_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks glibc's own arenas; it has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}
