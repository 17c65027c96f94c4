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

/**
 * Watches the frames the page paints until `stop`, which records the longest time between
 * two of them as a measure named `name` (how long the window stood still at worst).
 */
export function watchFrames(): { stop: (name: string) => void } {
  let last = performance.now();
  let longest = 0;
  let longestAt = last;
  let running = true;
  const frame = (now: number) => {
    if (now - last > longest) {
      longest = now - last;
      longestAt = last;
    }
    last = now;
    if (running) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  return {
    stop(name: string) {
      running = false;
      try {
        performance.measure(name, { start: longestAt, duration: longest });
      } catch {
        // A page without the User Timing level 3 options: nothing to record.
      }
    },
  };
}
