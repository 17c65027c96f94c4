//! Process measurements from Linux's /proc and wait4: PSS of a process tree, a process's
//! start time, and a child's peak RSS.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may hold spaces: read after the last ')'.
    let rest = &stat[stat.rfind(')')? + 2..];
    rest.split_whitespace().nth(1)?.parse().ok()
}

fn all_pids() -> Vec<u32> {
    std::fs::read_dir("/proc")
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// The process running `binary` (the newest if several).
pub fn find_process(binary: &Path) -> Option<u32> {
    let wanted = binary.canonicalize().ok()?;
    all_pids()
        .into_iter()
        .filter(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == wanted))
        .max()
}

/// `pid` and all its descendants.
pub fn tree(pid: u32) -> Vec<u32> {
    let pids = all_pids();
    let mut found = vec![pid];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        for &candidate in &pids {
            if parent_of(candidate) == Some(parent) && !found.contains(&candidate) {
                found.push(candidate);
            }
        }
        i += 1;
    }
    found
}

/// Proportional set size of one process in kB (0 when it is gone).
fn pss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|line| line.starts_with("Pss:"))
                .and_then(|line| line.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// The kernel's name for a process (`comm`, at most 15 characters), or its PID when gone.
fn name_of(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .map(|name| name.trim().to_owned())
        .unwrap_or_else(|_| pid.to_string())
}

/// One process's share of a tree's memory.
pub struct ProcessPss {
    /// The kernel's name for it (`comm`, at most 15 characters).
    pub name: String,
    pub mb: f64,
}

/// PSS of a process and each of its descendants, in MB, largest first.
pub fn tree_pss(pid: u32) -> Vec<ProcessPss> {
    let mut processes: Vec<ProcessPss> = tree(pid)
        .into_iter()
        .map(|p| ProcessPss {
            name: name_of(p),
            mb: pss_kb(p) as f64 / 1024.0,
        })
        .collect();
    processes.sort_by(|a, b| b.mb.total_cmp(&a.mb));
    processes
}

/// The sum of [`tree_pss`].
pub fn total_mb(processes: &[ProcessPss]) -> f64 {
    processes.iter().map(|p| p.mb).sum()
}

/// With `BENCH_SMAPS_DIR` set, copies the smaps of `pid` and its descendants there
/// (`<label>-<name>-<pid>.smaps`), to see which mappings a measurement's memory is in.
pub fn keep_smaps(pid: u32, label: &str) {
    let Ok(dir) = std::env::var("BENCH_SMAPS_DIR") else {
        return;
    };
    for p in tree(pid) {
        let target = format!("{dir}/{label}-{}-{p}.smaps", name_of(p));
        let _ = std::fs::copy(format!("/proc/{p}/smaps"), target);
    }
}

/// "WebKitWebProcess 170.2 MB, appwarden-deskt 40.1 MB, …".
pub fn breakdown(processes: &[ProcessPss]) -> String {
    processes
        .iter()
        .map(|p| format!("{} {:.1} MB", p.name, p.mb))
        .collect::<Vec<_>>()
        .join(", ")
}

/// When a process started, as milliseconds since the Unix epoch (10 ms resolution: the
/// kernel counts in clock ticks since boot).
pub fn start_time_ms(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    // Field 22 overall; field 20 counting from the state (field 3).
    let ticks: f64 = rest.split_whitespace().nth(19)?.parse().ok()?;
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?;
    Some(now.as_secs_f64() * 1000.0 - (uptime - ticks / hz) * 1000.0)
}

/// The argument that makes this binary a measuring helper (see [`measured`]).
pub const PEAK_RSS_HELPER: &str = "__peak-rss";

/// A command that runs `program` under a measuring helper: add its arguments and
/// environment as for `program` itself, then pass it to [`run_measured`].
///
/// Why a helper: Linux carries a process's high-water RSS across `exec` into `ru_maxrss`,
/// and a child spawned straight from this process (large: it holds simulated GitHubs)
/// shares this memory until it execs, so its `ru_maxrss` would report this process's
/// peak. The helper is small, so the child it spawns reports its own.
pub fn measured(program: &Path) -> Command {
    let mut command = Command::new(std::env::current_exe().expect("the benchmark's path"));
    command.arg(PEAK_RSS_HELPER).arg(program);
    command
}

/// Runs a command from [`measured`] to completion; returns its wall time and the program's
/// peak RSS in MB.
pub fn run_measured(command: &mut Command) -> (Duration, f64, bool) {
    let started = std::time::Instant::now();
    let out = command
        .stdout(std::process::Stdio::piped())
        .output()
        .expect("the measuring helper runs");
    let elapsed = started.elapsed();
    let report = String::from_utf8_lossy(&out.stdout);
    let mut fields = report.split_whitespace();
    let peak_kb: f64 = fields.next().and_then(|v| v.parse().ok()).unwrap_or(0.0);
    let success = out.status.success() && fields.next() == Some("ok");
    (elapsed, peak_kb / 1024.0, success)
}

/// The helper's side: runs `args[0]` with the rest as arguments (output discarded), waits
/// with wait4 and prints "<peak RSS in KB> ok|failed".
pub fn measure_child(args: &[String]) -> ! {
    let mut child = Command::new(&args[0]);
    child
        .args(&args[1..])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let child = child.spawn().expect("the measured command starts");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    std::mem::forget(child);
    let success = waited == pid && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    // ru_maxrss is in kilobytes on Linux.
    println!(
        "{} {}",
        usage.ru_maxrss,
        if success { "ok" } else { "failed" }
    );
    std::process::exit(0);
}
