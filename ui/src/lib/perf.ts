// Timing marks for the benchmark suite (bench/), which reads them through WebDriver with
// `performance.getEntriesByName`. They change nothing the user sees.

/** Measures from `start` (a `performance.now()` time) to just after the next paint. */
export function measureToPaint(name: string, start: number): void {
  requestAnimationFrame(() => {
    // A task queued from a frame callback runs once that frame has been painted.
    setTimeout(() => {
      performance.measure(name, { start, end: performance.now() });
    }, 0);
  });
}
