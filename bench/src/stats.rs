//! Summaries of repeated measurements: median, min and max, and how to print them.

/// Median, min and max of a set of samples (in the unit the caller measured).
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub n: usize,
}

impl Summary {
    pub fn of(samples: &[f64]) -> Option<Self> {
        if samples.is_empty() {
            return None;
        }
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let median = if !n.is_multiple_of(2) {
            sorted[n / 2]
        } else {
            (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
        };
        Some(Self {
            median,
            min: sorted[0],
            max: sorted[n - 1],
            n,
        })
    }

    /// "1.23 s (1.20–1.31)" style, from milliseconds.
    pub fn ms(&self) -> String {
        if self.n == 1 {
            return duration(self.median);
        }
        format!(
            "{} ({}–{})",
            duration(self.median),
            duration(self.min),
            duration(self.max)
        )
    }

    /// "12.3 MB (12.1–12.5)" style, from megabytes.
    pub fn mb(&self) -> String {
        if self.n == 1 {
            return format!("{:.1} MB", self.median);
        }
        format!("{:.1} MB ({:.1}–{:.1})", self.median, self.min, self.max)
    }
}

/// Milliseconds as a readable duration.
pub fn duration(ms: f64) -> String {
    if ms >= 10_000.0 {
        format!("{:.1} s", ms / 1000.0)
    } else if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else if ms >= 10.0 {
        format!("{ms:.0} ms")
    } else if ms >= 0.1 {
        format!("{ms:.2} ms")
    } else {
        format!("{:.0} µs", ms * 1000.0)
    }
}

pub fn opt_ms(summary: Option<Summary>) -> String {
    summary.map(|s| s.ms()).unwrap_or_else(|| "–".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even() {
        let s = Summary::of(&[3.0, 1.0, 2.0]).unwrap();
        assert_eq!((s.median, s.min, s.max), (2.0, 1.0, 3.0));
        assert_eq!(Summary::of(&[1.0, 2.0, 3.0, 10.0]).unwrap().median, 2.5);
        assert!(Summary::of(&[]).is_none());
        assert_eq!(duration(1500.0), "1.50 s");
        assert_eq!(duration(0.05), "50 µs");
    }
}
