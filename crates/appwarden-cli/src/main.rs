//! `appwarden`: the command line over Appwarden's core.
//!
//! Exit codes: 0 success, 1 a negative answer (`key compare` mismatch, `app verify` with a
//! rejected key), 2 an error (printed as `error:` and `hint:` lines on stderr).
//!
//! Logging goes to stderr, off unless `APPWARDEN_LOG` sets a level or filter (`debug` shows
//! each request to GitHub: endpoint, status, time, request ID; never headers or bodies).

mod activity;
mod apps;
mod args;
mod commands;
mod credentials;
mod git_credential;
mod hooks;
mod input;
mod installation_admin;
mod installations;
mod local_store;
mod org;
mod org_pats;
mod org_saml;
mod output;
mod pkcs11;
mod progress;
mod shell;
mod tokens;

use clap::Parser;

fn main() {
    if let Some(filter) = std::env::var("APPWARDEN_LOG")
        .ok()
        .filter(|f| !f.is_empty())
    {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_writer(std::io::stderr)
            .with_ansi(false)
            .init();
    }
    let cli = args::Cli::parse();
    pkcs11::set_pin_args(cli.pins);
    let code = match commands::run(cli.command) {
        Ok(code) => code,
        Err(err) => {
            output::print_error(&err);
            2
        }
    };
    // Log out of PKCS#11 tokens and finalise their modules before exiting.
    appwarden_core::hardware::close_all();
    std::process::exit(code);
}
