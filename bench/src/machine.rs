//! A description of the machine and tool versions, for the results file.

use std::process::Command;

fn first_line(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).output().ok()?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    text.lines().next().map(|l| l.trim().to_owned())
}

fn proc_field(file: &str, key: &str) -> Option<String> {
    std::fs::read_to_string(file)
        .ok()?
        .lines()
        .find_map(|line| {
            let (k, v) = line.split_once(':')?;
            (k.trim() == key).then(|| v.trim().to_owned())
        })
}

/// Lines of "what: value".
pub fn describe() -> Vec<(String, String)> {
    let mut lines = Vec::new();
    let mut push = |what: &str, value: Option<String>| {
        if let Some(value) = value {
            lines.push((what.to_owned(), value));
        }
    };
    push("CPU", proc_field("/proc/cpuinfo", "model name"));
    push(
        "Cores",
        std::thread::available_parallelism()
            .ok()
            .map(|n| n.to_string()),
    );
    push(
        "Memory",
        proc_field("/proc/meminfo", "MemTotal").and_then(|kb| {
            let kb: f64 = kb.trim_end_matches(" kB").parse().ok()?;
            Some(format!("{:.1} GiB", kb / 1024.0 / 1024.0))
        }),
    );
    push(
        "OS",
        proc_field("/etc/os-release", "PRETTY_NAME")
            .or_else(|| {
                std::fs::read_to_string("/etc/os-release")
                    .ok()
                    .and_then(|t| {
                        t.lines()
                            .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                            .map(|v| v.trim_matches('"').to_owned())
                    })
            })
            .map(|v| v.trim_matches('"').to_owned()),
    );
    push("Kernel", first_line("uname", &["-r"]));
    push("rustc", first_line("rustc", &["--version"]));
    push("Node", first_line("node", &["--version"]));
    push("Python", first_line("python3", &["--version"]));
    lines
}
