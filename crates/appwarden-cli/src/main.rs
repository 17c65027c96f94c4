//! `appwarden`: the command line over Appwarden's core.
//!
//! Exit codes: 0 success, 1 a negative answer (`key compare` mismatch, `app verify` with a
//! rejected key), 2 an error (printed as `error:` and `hint:` lines on stderr).

mod args;
mod commands;
mod input;
mod output;

use clap::Parser;

fn main() {
    let cli = args::Cli::parse();
    let code = match commands::run(cli.command) {
        Ok(code) => code,
        Err(err) => {
            output::print_error(&err);
            2
        }
    };
    std::process::exit(code);
}
