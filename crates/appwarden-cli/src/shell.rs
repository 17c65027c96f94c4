//! What is generated from the command line's own definitions, so that it never drifts from
//! it: shell completion scripts (`appwarden completions SHELL`) and the man pages, one per
//! command and subcommand (`appwarden manpages DIR`, which packaging runs).

use crate::args::Cli;
use appwarden_core::Error;
use clap::CommandFactory;
use std::path::Path;

/// Prints the completion script for `shell` on standard output.
pub fn completions(shell: clap_complete::Shell) -> Result<i32, Error> {
    use std::io::Write;
    let mut command = Cli::command();
    // Into memory first: clap_complete panics when its writer fails (a closed pipe).
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "appwarden", &mut script);
    match std::io::stdout().write_all(&script) {
        Ok(()) => Ok(0),
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(0),
        Err(err) => Err(Error::InvalidInput(format!(
            "Could not write the completion script: {err}"
        ))),
    }
}

/// Writes `appwarden.1` and one page per subcommand (`appwarden-key-fingerprint.1`, …) into
/// `dir`, creating it if needed.
pub fn manpages(dir: &Path) -> Result<i32, Error> {
    let cannot = |err: std::io::Error| {
        Error::InvalidInput(format!(
            "Could not write the man pages into {}: {err}",
            dir.display()
        ))
    };
    std::fs::create_dir_all(dir).map_err(cannot)?;
    clap_mangen::generate_to(Cli::command(), dir).map_err(cannot)?;
    let written = std::fs::read_dir(dir).map_err(cannot)?.count();
    eprintln!("{written} man pages in {}", dir.display());
    Ok(0)
}
