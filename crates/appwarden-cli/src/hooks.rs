//! `appwarden hook …`: the app's webhook configuration, its deliveries, redelivery and the
//! signature checker.

use crate::args::{DeliveriesArgs, HookCommand, HookConfigArgs, RangesFormat, RedeliverArgs};
use crate::commands::{runtime, session};
use crate::{input, output};
use appwarden_core::github::{
    ClientOptions, Delivery, DeliveryFilter, SecretChange, WebhookConfig, WebhookConfigUpdate,
};
use appwarden_core::redelivery::RedeliveryOptions;
use appwarden_core::source_ranges::SourceRanges;
use appwarden_core::{Error, WebhookSecret};
use std::time::Duration;

pub fn run(command: HookCommand) -> Result<i32, Error> {
    match command {
        HookCommand::Config(args) => config(args),
        HookCommand::Deliveries(args) => deliveries(args),
        HookCommand::SourceRanges {
            app,
            api_url,
            format,
        } => source_ranges(app.as_deref(), api_url.as_deref(), format),
        HookCommand::Delivery { id, app, json } => {
            let id = delivery_id(&id)?;
            let session = session(&app, ClientOptions::default())?;
            let details = runtime()?.block_on(session.delivery(id))?;
            if json {
                output::print_json(&details);
                return Ok(0);
            }
            let d = &details.delivery;
            println!("Delivery {} ({})", d.id, d.guid);
            println!("  event:       {}", d.event_name());
            println!(
                "  delivered:   {}",
                d.delivered_at.format("%Y-%m-%d %H:%M:%S UTC")
            );
            println!("  status:      {} ({})", d.status_code, d.status);
            println!("  duration:    {:.2} s", d.duration);
            println!("  redelivery:  {}", if d.redelivery { "yes" } else { "no" });
            if let Some(url) = &details.url {
                println!("  url:         {url}");
            }
            println!("\nRequest headers:");
            print_headers(details.request.headers.as_ref());
            println!("\nRequest payload:");
            println!("{}", output::json(&details.request.payload));
            println!("\nResponse headers:");
            print_headers(details.response.headers.as_ref());
            println!("\nResponse body:");
            println!("{}", details.response.payload.as_deref().unwrap_or(""));
            Ok(0)
        }
        HookCommand::Redeliver(args) => redeliver(args),
        HookCommand::VerifySignature {
            signature,
            payload,
            secret_file,
        } => verify_signature(&signature, &payload, secret_file.as_deref()),
    }
}

fn delivery_id(value: &str) -> Result<u64, Error> {
    value.trim().parse().map_err(|_| {
        Error::InvalidInput(format!(
            "\"{value}\" is not a delivery ID: use the number in the ID column of `appwarden hook deliveries`."
        ))
    })
}

fn print_headers(headers: Option<&serde_json::Map<String, serde_json::Value>>) {
    for (name, value) in headers.into_iter().flatten() {
        let value = value
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| value.to_string());
        println!("  {name}: {value}");
    }
}

/// A secret from a file or standard input, without the newline a file usually ends with.
fn read_secret(source: &str) -> Result<WebhookSecret, Error> {
    let mut bytes = input::read_key_source(source)?;
    while bytes.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        bytes.pop();
    }
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| Error::InvalidInput("The secret is not UTF-8 text.".to_owned()))?;
    Ok(WebhookSecret::new(text))
}

fn config(args: HookConfigArgs) -> Result<i32, Error> {
    let update = WebhookConfigUpdate {
        url: args.url,
        content_type: args.content_type,
        verify_ssl: args.ssl_verification.as_deref().map(|v| v == "on"),
        secret: match (&args.secret_file, args.remove_secret) {
            (Some(file), _) => Some(SecretChange::Set(read_secret(file)?)),
            (None, true) => Some(SecretChange::Remove),
            (None, false) => None,
        },
    };
    // Checked before anything else happens (the keyring, the network).
    update.validate().map_err(Error::InvalidInput)?;
    let session = session(&args.app, ClientOptions::default())?;
    let rt = runtime()?;
    let config = if update.is_empty() {
        rt.block_on(session.webhook_config())?
    } else {
        let config = rt.block_on(session.update_webhook_config(&update))?;
        eprintln!("Webhook configuration saved.");
        config
    };
    if args.json {
        output::print_json(&config);
    } else {
        print_config(&config);
    }
    Ok(0)
}

fn print_config(config: &WebhookConfig) {
    println!(
        "url:               {}",
        config.url.as_deref().unwrap_or("(none)")
    );
    println!(
        "content type:      {}",
        config.content_type.as_deref().unwrap_or("form")
    );
    println!(
        "SSL verification:  {}",
        if config.verify_ssl {
            "on"
        } else {
            "OFF (GitHub does not check the receiver's certificate)"
        }
    );
    println!(
        "secret:            {}",
        if config.secret_set {
            "set (GitHub never shows it)"
        } else {
            "none: deliveries are not signed"
        }
    );
}

fn deliveries(args: DeliveriesArgs) -> Result<i32, Error> {
    let now = chrono::Utc::now();
    let filter = DeliveryFilter {
        failed_only: args.failed,
        event: args.event.clone(),
        since: args
            .since
            .as_deref()
            .map(|v| input::moment(v, now))
            .transpose()?,
        until: args
            .until
            .as_deref()
            .map(|v| input::moment(v, now))
            .transpose()?,
        limit: (args.limit > 0).then_some(args.limit),
    };
    let session = session(&args.app, ClientOptions::default())?;
    let list = runtime()?.block_on(session.deliveries(&filter))?;
    if args.json {
        output::print_json(&list.deliveries);
    } else {
        print!("{}", delivery_table(&list.deliveries));
        let failed = list.deliveries.iter().filter(|d| !d.succeeded()).count();
        let count = list.deliveries.len();
        eprintln!(
            "{count} {} ({failed} failed){}",
            if count == 1 { "delivery" } else { "deliveries" },
            if list.truncated {
                format!("; the newest {}, see --limit and --since", args.limit)
            } else {
                String::new()
            }
        );
    }
    Ok(0)
}

fn delivery_table(deliveries: &[Delivery]) -> String {
    let rows: Vec<Vec<String>> = deliveries
        .iter()
        .map(|d| {
            vec![
                d.id.to_string(),
                d.delivered_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                d.event_name(),
                d.status_code.to_string(),
                d.status.clone(),
                format!("{:.2}s", d.duration),
                if d.redelivery { "redelivery" } else { "" }.to_owned(),
            ]
        })
        .collect();
    output::table(
        &[
            "ID",
            "DELIVERED (UTC)",
            "EVENT",
            "CODE",
            "STATUS",
            "TIME",
            "",
        ],
        &rows,
    )
}

fn redeliver(args: RedeliverArgs) -> Result<i32, Error> {
    let session = session(&args.app, ClientOptions::default())?;
    let rt = runtime()?;
    if let Some(id) = &args.id {
        let id = delivery_id(id)?;
        rt.block_on(session.redeliver(id))?;
        eprintln!(
            "GitHub accepted the redelivery of {id}; it is delivered again in the background."
        );
        return Ok(0);
    }
    let now = session.client.github_now();
    let since = input::moment(&args.since, now)?;
    let until = args
        .until
        .as_deref()
        .map(|v| input::moment(v, now))
        .transpose()?;
    let plan = rt.block_on(session.plan_redelivery(since, until))?;
    println!(
        "Window {} to {} UTC: {} failed deliveries; {} events since delivered successfully; {} to redeliver.",
        since.format("%Y-%m-%d %H:%M"),
        until.unwrap_or(now).format("%Y-%m-%d %H:%M"),
        plan.failed_in_window,
        plan.already_redelivered,
        plan.to_redeliver.len()
    );
    if args.dry_run || plan.to_redeliver.is_empty() {
        if !plan.to_redeliver.is_empty() {
            print!("{}", delivery_table(&plan.to_redeliver));
        }
        return Ok(0);
    }
    let options = RedeliveryOptions {
        pause: Duration::from_millis(args.pause_ms),
    };
    let progress = crate::progress::Progress::new("deliveries");
    let report = rt.block_on(session.redeliver_each(&plan.ids(), &options, |step| {
        progress.set(step.done as u64, step.total as u64);
        progress.line(&match &step.error {
            None => format!(
                "[{}/{}] {} redelivered",
                step.done, step.total, step.delivery_id
            ),
            Some(err) => format!(
                "[{}/{}] {} failed: {err}",
                step.done, step.total, step.delivery_id
            ),
        });
    }));
    progress.finish();
    println!(
        "{} redelivered, {} refused, {} not attempted.",
        report.redelivered.len(),
        report.failed.len(),
        report.not_attempted.len()
    );
    if let Some(reason) = &report.stopped {
        eprintln!("error: stopped early: {reason}");
        return Ok(2);
    }
    Ok(if report.failed.is_empty() { 0 } else { 1 })
}

fn verify_signature(
    signature: &str,
    payload: &str,
    secret_file: Option<&str>,
) -> Result<i32, Error> {
    if payload == "-" && secret_file == Some("-") {
        return Err(Error::InvalidInput(
            "The payload and the secret cannot both come from standard input.".to_owned(),
        ));
    }
    let secret = match secret_file {
        Some(file) => read_secret(file)?,
        None => match std::env::var("APPWARDEN_WEBHOOK_SECRET") {
            Ok(secret) if !secret.is_empty() => WebhookSecret::new(secret),
            _ => {
                return Err(Error::InvalidInput(
                    "Give the webhook secret in $APPWARDEN_WEBHOOK_SECRET or with --secret-file FILE.".to_owned(),
                ));
            }
        },
    };
    let body = input::read_key_source(payload)?;
    match appwarden_core::webhook::verify(&body, secret.expose_secret().as_bytes(), signature) {
        Ok(true) => {
            println!("valid: the payload was signed with this secret");
            Ok(0)
        }
        Ok(false) => {
            println!("invalid: not signed with this secret, or the payload was changed");
            Ok(1)
        }
        Err(err) => Err(Error::InvalidInput(err.to_string())),
    }
}

/// `hook source-ranges`: `GET /meta`'s `hooks`, unauthenticated, for the stored app's host
/// or the URL given (github.com by default).
fn source_ranges(
    app: Option<&str>,
    api_url: Option<&str>,
    format: RangesFormat,
) -> Result<i32, Error> {
    let client = crate::commands::anonymous_client(api_url, app)?;
    let ranges = runtime()?.block_on(SourceRanges::fetch(&client, chrono::Utc::now()))?;
    for entry in &ranges.unreadable {
        eprintln!("warning: GitHub listed {entry:?}, which is not an address range; left out.");
    }
    let why_none = ranges.why_none();
    match format {
        RangesFormat::Json => {
            #[derive(serde::Serialize)]
            struct Shown<'a> {
                #[serde(flatten)]
                ranges: &'a SourceRanges,
                note: Option<&'a str>,
                caveat: &'a str,
            }
            output::print_json(&Shown {
                ranges: &ranges,
                note: why_none.as_deref(),
                caveat: RANGES_CAVEAT,
            });
        }
        // Nothing printed when there is nothing to allow: `deny all;` alone would shut the
        // receiver.
        _ if why_none.is_some() => {}
        RangesFormat::Cidr => print!("{}", ranges.cidr_list()),
        RangesFormat::Nginx => print!("{}", ranges.nginx()),
    }
    match why_none {
        Some(why) => {
            eprintln!("{why}");
            Ok(1)
        }
        None => {
            eprintln!(
                "{} IPv4 and {} IPv6 range(s) from {}. {RANGES_CAVEAT}",
                ranges.ipv4.len(),
                ranges.ipv6.len(),
                ranges.api_url
            );
            Ok(0)
        }
    }
}

const RANGES_CAVEAT: &str = "GitHub changes these ranges from time to time: fetch them again regularly. They are shared by everything GitHub sends, so keep checking each delivery's X-Hub-Signature-256 (appwarden hook verify-signature).";
