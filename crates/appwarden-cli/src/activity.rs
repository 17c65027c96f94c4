//! `appwarden activity`: Appwarden's own record of the changes it made, and `activity verify`.

use crate::args::{ActivityArgs, ActivityCommand};
use crate::{input, output};
use appwarden_core::Error;
use appwarden_core::activity::{ActivityOutcome, Verification};

pub fn run(args: ActivityArgs) -> Result<i32, Error> {
    let Some(log) = crate::commands::activity_log() else {
        return Err(Error::InvalidInput(
            "This system has no data directory for the activity record: set APPWARDEN_DATA_DIR."
                .into(),
        ));
    };
    let unreadable =
        |err: appwarden_core::activity::ActivityError| Error::InvalidInput(err.to_string());
    if let Some(ActivityCommand::Verify) = args.command {
        return match log.verify().map_err(unreadable)? {
            Verification::Intact { lines } => {
                println!(
                    "{}: {lines} entries, each following the one before.",
                    log.path().display()
                );
                Ok(0)
            }
            Verification::Broken { line, reason } => {
                println!(
                    "{}: line {line} breaks the chain: {reason}.",
                    log.path().display()
                );
                Ok(1)
            }
        };
    }
    let since = args
        .since
        .as_deref()
        .map(|v| input::moment(v, chrono::Utc::now()))
        .transpose()?;
    let entries: Vec<_> = log
        .entries()
        .map_err(unreadable)?
        .into_iter()
        .filter(|e| since.is_none_or(|since| e.at >= since))
        .filter(|e| {
            args.app.as_deref().is_none_or(|app| {
                e.app
                    .as_deref()
                    .is_some_and(|a| a.eq_ignore_ascii_case(app))
            })
        })
        .collect();
    if args.json {
        for entry in &entries {
            println!("{}", serde_json::to_string(entry).unwrap_or_default());
        }
        return Ok(0);
    }
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            vec![
                e.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                e.app.clone().unwrap_or_default(),
                e.action.as_str().to_owned(),
                e.target.clone().unwrap_or_default(),
                match e.outcome {
                    ActivityOutcome::Succeeded => "ok".to_owned(),
                    ActivityOutcome::Failed => "FAILED".to_owned(),
                },
                e.detail.clone().unwrap_or_default(),
                e.request_id.clone().unwrap_or_default(),
            ]
        })
        .collect();
    print!(
        "{}",
        output::table(
            &[
                "TIME (UTC)",
                "APP",
                "ACTION",
                "TARGET",
                "OUTCOME",
                "DETAIL",
                "REQUEST ID"
            ],
            &rows
        )
    );
    eprintln!("{} entries in {}", entries.len(), log.path().display());
    Ok(0)
}
