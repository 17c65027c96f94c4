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

/// PSS of a process and its descendants, in MB, and how many processes that was.
pub fn tree_pss_mb(pid: u32) -> (f64, usize) {
    let pids = tree(pid);
    let kb: u64 = pids.iter().map(|&p| pss_kb(p)).sum();
    (kb as f64 / 1024.0, pids.len())
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

/// Runs a command to completion; returns its wall time and peak RSS in MB (from wait4).
pub fn run_measured(command: &mut Command) -> (Duration, f64, bool) {
    let started = std::time::Instant::now();
    let child = command.spawn().expect("the command starts");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let elapsed = started.elapsed();
    assert_eq!(waited, pid, "wait4");
    std::mem::forget(child);
    let success = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    // ru_maxrss is in kilobytes on Linux.
    (elapsed, usage.ru_maxrss as f64 / 1024.0, success)
}
