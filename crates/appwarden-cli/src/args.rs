//! The command line's shape (clap). Kept apart from what the commands do.

use clap::{Args, Parser, Subcommand};

/// Manage GitHub App private keys, fingerprints, installations and installation tokens.
///
/// Keys live in the OS keyring or on a PKCS#11 token; the config (apps, fingerprints, where
/// each key lives, no key material) lives in the OS config directory or $APPWARDEN_CONFIG_DIR.
#[derive(Parser)]
#[command(name = "appwarden", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub pins: PinArgs,
}

/// Where a PKCS#11 token's PIN comes from when a key on one is used.
#[derive(Args, Clone, Default)]
pub struct PinArgs {
    /// Read a PKCS#11 token's PIN from this file (its first line), for scripts. Without it:
    /// $APPWARDEN_PKCS11_PIN, a PIN remembered in the OS keyring, or a prompt.
    #[arg(long, global = true, value_name = "FILE")]
    pub pkcs11_pin_file: Option<std::path::PathBuf>,
    /// Keep the PIN in the OS keyring once the token accepts it, so later runs do not ask.
    #[arg(long, global = true)]
    pub remember_pin: bool,
}

/// A key on a PKCS#11 token: where to import a PEM, or which key already there to use.
#[derive(Args, Clone, Default)]
pub struct Pkcs11Args {
    /// The token's PKCS#11 library (SoftHSM2: /usr/lib/softhsm/libsofthsm2.so; smart cards:
    /// opensc-pkcs11.so; YubiKey: libykcs11.so). `appwarden pkcs11 modules` lists the usual ones.
    #[arg(long, value_name = "PATH", requires = "pkcs11_token")]
    pub pkcs11_module: Option<std::path::PathBuf>,
    /// The token's label (`appwarden pkcs11 tokens` lists them).
    #[arg(long, value_name = "LABEL", requires = "pkcs11_module")]
    pub pkcs11_token: Option<String>,
    /// Use this private key already on the token (its label) instead of importing --key.
    #[arg(
        long,
        value_name = "LABEL",
        requires = "pkcs11_token",
        conflicts_with = "key"
    )]
    pub pkcs11_key: Option<String>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Work with private key files: fingerprints and comparisons.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Apps stored in the keyring and config.
    #[command(subcommand)]
    App(AppCommand),
    /// Print a JWT for the app (valid at least 4 more minutes: one JWT per five-minute window).
    Jwt(AppArgs),
    /// List every installation of the app.
    Installations(InstallationsArgs),
    /// Mint an installation access token (or `token revoke` one).
    Token(TokenArgs),
    /// Per-host settings: an Enterprise Server's own CA certificate.
    #[command(subcommand)]
    Host(HostCommand),
    /// Keys left in the OS keyring by an interrupted change (a crash between keyring and config).
    #[command(subcommand)]
    Keyring(KeyringCommand),
    /// The app's webhook: configuration, deliveries, redelivery, signature checks.
    #[command(subcommand)]
    Hook(HookCommand),
    /// Administer installations: suspend, unsuspend, uninstall; pending installation requests.
    #[command(subcommand)]
    Installation(InstallationCommand),
    /// PKCS#11 tokens (smart cards, YubiKeys, HSMs): modules, tokens and the keys on them.
    #[command(subcommand)]
    Pkcs11(Pkcs11Command),
    /// Govern an organization through the app's installation on it (found with
    /// GET /orgs/{org}/installation, with a token scoped to the one permission each needs):
    /// its installed apps and its audit log.
    #[command(subcommand)]
    Org(Box<OrgCommand>),
    /// Credentials found exposed (in a log, a commit, a message), revoked by value.
    #[command(subcommand)]
    Credentials(CredentialsCommand),
    /// Appwarden's own record of the changes it made (tokens minted and revoked,
    /// installations suspended, webhook changes, redeliveries, keys and apps added or
    /// removed), oldest first; `activity verify` checks that no line was removed or edited.
    Activity(ActivityArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    ///
    /// bash: appwarden completions bash > ~/.local/share/bash-completion/completions/appwarden
    /// zsh:  appwarden completions zsh > ~/.zfunc/_appwarden   (with fpath+=~/.zfunc)
    /// fish: appwarden completions fish > ~/.config/fish/completions/appwarden.fish
    Completions { shell: clap_complete::Shell },
    /// Write the man pages, one per command and subcommand, into a directory.
    #[command(hide = true)]
    Manpages { dir: std::path::PathBuf },
    /// git's credential helper: installation tokens for HTTPS remotes of stored apps' hosts.
    ///
    /// git config --global credential.https://github.com.helper '!appwarden git-credential'
    /// git config --global credential.https://github.com.useHttpPath true
    GitCredential {
        /// What git asks: get, store or erase.
        operation: String,
    },
}

#[derive(Subcommand)]
pub enum CredentialsCommand {
    /// Finds personal access tokens (ghp_, github_pat_), OAuth tokens (gho_) and GitHub Apps'
    /// user-to-server and refresh tokens (ghu_, ghr_) in the text given, shows them masked,
    /// and after confirmation sends them to GitHub (POST /credentials/revoke, no
    /// authentication), which revokes them, tells their owners and cannot undo it.
    /// Installation tokens (ghs_) are not accepted there: they are revoked with their own token
    /// (DELETE /installation/token) instead.
    Revoke {
        /// The credentials, or text containing them; - (or nothing, with a pipe) reads
        /// standard input.
        text: Vec<String>,
        /// github.com (default) or a GHE.com host; Enterprise Server has no such endpoint.
        #[arg(long, conflicts_with = "app")]
        api_url: Option<String>,
        /// Take the API URL from this stored app.
        #[arg(long)]
        app: Option<String>,
        /// Revoke without asking (needed without a terminal).
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ActivityArgs {
    #[command(subcommand)]
    pub command: Option<ActivityCommand>,
    /// Only entries since then: 24h, 7d, or a date (2026-11-01).
    #[arg(long, value_name = "AGE|DATE")]
    pub since: Option<String>,
    /// Only this app's entries.
    #[arg(long)]
    pub app: Option<String>,
    /// The entries as JSON Lines, as they are kept.
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand)]
pub enum ActivityCommand {
    /// Checks that each line follows the one before it (exit 1 and the first line that does
    /// not, when a line was removed or edited).
    Verify,
}

#[derive(Subcommand)]
pub enum OrgCommand {
    /// Every GitHub App installed on the organization, ours among them, with its repository
    /// selection, permissions and events (needs the organization's Administration permission,
    /// read).
    Apps(OrgAppsArgs),
    /// The organization's audit log, newest first (GitHub Enterprise Cloud or an Enterprise
    /// Server; needs the organization's Administration permission, read). By default GitHub
    /// searches the last three months; --since (or created: in --phrase) reaches further.
    AuditLog(AuditLogArgs),
    /// Members' pending requests for fine-grained personal access tokens to access the
    /// organization (needs organization_personal_access_token_requests: read), and
    /// `approve` / `deny` (write).
    PatRequests(PatRequestsArgs),
    /// Fine-grained personal access tokens with access to the organization, marked as an
    /// administrator looks at them (expired, expiring, never used…) (needs
    /// organization_personal_access_tokens: read), and `revoke` (write).
    Pats(PatsArgs),
    /// Credentials members authorized for the organization's SAML single sign-on (GitHub
    /// Enterprise Cloud): personal access tokens, SSH keys, OAuth and GitHub App tokens
    /// (needs the organization's Administration permission: read), and `revoke` (write).
    Credentials(OrgCredentialsArgs),
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct OrgCredentialsArgs {
    #[command(subcommand)]
    pub action: Option<OrgCredentialAction>,
    /// The organization's login.
    #[arg(long, required = true)]
    pub org: Option<String>,
    /// Only this member's credentials.
    #[arg(long)]
    pub login: Option<String>,
    #[command(flatten)]
    pub app: AppArgs,
    /// GitHub's objects, as an array.
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand)]
pub enum OrgCredentialAction {
    /// Remove a credential's SAML authorization: its owner must authorize it again (asks for
    /// the owner's login on a terminal; --confirm LOGIN without one).
    Revoke {
        /// The organization's login.
        #[arg(long)]
        org: String,
        /// The authorization's credential_id (from `org credentials`).
        credential_id: u64,
        /// The login of the credential's owner, typed to confirm.
        #[arg(long)]
        confirm: Option<String>,
        #[command(flatten)]
        app: AppArgs,
    },
}

/// The filters both lists take, as GitHub names them.
#[derive(Args, Clone, Default)]
pub struct PatFilterArgs {
    /// Only this owner's (repeatable, at most 10).
    #[arg(long = "owner", value_name = "LOGIN")]
    pub owners: Vec<String>,
    /// Only those reaching this repository (its name).
    #[arg(long)]
    pub repository: Option<String>,
    /// Only those with this permission at this level, e.g. issues_read, contents_write.
    #[arg(long, value_name = "NAME_LEVEL")]
    pub permission: Option<String>,
    /// Only tokens last used before then (24h, 90d, or a date).
    #[arg(long, value_name = "AGE|DATE")]
    pub last_used_before: Option<String>,
    /// Only tokens last used after then.
    #[arg(long, value_name = "AGE|DATE")]
    pub last_used_after: Option<String>,
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct PatRequestsArgs {
    #[command(subcommand)]
    pub action: Option<PatRequestAction>,
    /// The organization's login.
    #[arg(long, required = true)]
    pub org: Option<String>,
    #[command(flatten)]
    pub app: AppArgs,
    #[command(flatten)]
    pub filter: PatFilterArgs,
    /// GitHub's request objects, as an array.
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand)]
pub enum PatRequestAction {
    /// Approve requests (one, or many: 100 a request to GitHub).
    Approve(ReviewArgs),
    /// Deny requests.
    Deny(ReviewArgs),
}

#[derive(Args)]
pub struct ReviewArgs {
    /// The organization's login.
    #[arg(long)]
    pub org: String,
    /// The requests' IDs (from `org pat-requests`).
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<u64>,
    /// Why, shown to the requester (at most 1,024 characters).
    #[arg(long)]
    pub reason: Option<String>,
    #[command(flatten)]
    pub app: AppArgs,
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct PatsArgs {
    #[command(subcommand)]
    pub action: Option<PatAction>,
    /// The organization's login.
    #[arg(long, required = true)]
    pub org: Option<String>,
    #[command(flatten)]
    pub app: AppArgs,
    #[command(flatten)]
    pub filter: PatFilterArgs,
    /// GitHub's token objects, as an array.
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand)]
pub enum PatAction {
    /// Revoke tokens' access to the organization (asks for the organization's login on a
    /// terminal; --confirm LOGIN without one).
    Revoke {
        /// The organization's login.
        #[arg(long)]
        org: String,
        /// The tokens' IDs (from `org pats`).
        #[arg(required = true, value_name = "ID")]
        ids: Vec<u64>,
        /// The organization's login, typed to confirm.
        #[arg(long)]
        confirm: Option<String>,
        #[command(flatten)]
        app: AppArgs,
    },
}

#[derive(Args)]
pub struct OrgAppsArgs {
    /// The organization's login.
    #[arg(long)]
    pub org: String,
    #[command(flatten)]
    pub app: AppArgs,
    /// Only the apps granted this permission: NAME (any level) or NAME=LEVEL (that level
    /// or above), e.g. contents=write.
    #[arg(long, value_name = "NAME[=LEVEL]")]
    pub permission: Option<String>,
    /// GitHub's installation objects, as an array.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct AuditLogArgs {
    /// The organization's login.
    #[arg(long)]
    pub org: String,
    #[command(flatten)]
    pub app: AppArgs,
    /// GitHub's search phrase: qualifiers such as action:integration_installation,
    /// actor:LOGIN, repo:ORG/REPO, created:>=2026-11-01 (the audit log does not search text).
    #[arg(long)]
    pub phrase: Option<String>,
    /// Only events about programmatic access: apps and installations, installation requests,
    /// personal access tokens, OAuth authorizations, SAML credential authorizations.
    #[arg(long)]
    pub programmatic_access: bool,
    /// Only events since then: 24h, 7d, 2w, or a date (2026-11-01), on GitHub's clock.
    #[arg(long, value_name = "AGE|DATE")]
    pub since: Option<String>,
    /// Stop after this many events.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Web events (GitHub's default), Git events, or both.
    #[arg(long, value_enum, default_value_t = AuditIncludeArg::Web)]
    pub include: AuditIncludeArg,
    /// Oldest first instead of newest first.
    #[arg(long)]
    pub oldest_first: bool,
    /// One event per line as GitHub sent it (JSON Lines, for a SIEM), as the pages arrive.
    #[arg(long)]
    pub json: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum AuditIncludeArg {
    Web,
    Git,
    All,
}

#[derive(Subcommand)]
pub enum HookCommand {
    /// Show the app's webhook configuration, or change it with the options below. The
    /// secret is never shown (GitHub does not give it back); a new one is read from a file
    /// or standard input, never the command line.
    Config(HookConfigArgs),
    /// List the webhook's deliveries, newest first (GitHub keeps about three days).
    Deliveries(DeliveriesArgs),
    /// One delivery: its request (headers, payload) and the receiver's response.
    Delivery {
        /// The delivery's ID (from `hook deliveries`).
        id: String,
        #[command(flatten)]
        app: AppArgs,
        #[arg(long)]
        json: bool,
    },
    /// Redeliver one delivery, or with --failed every failed delivery in a time window
    /// (each event once, skipping those since delivered successfully).
    Redeliver(RedeliverArgs),
    /// Where webhook deliveries come from (GET /meta "hooks", IPv4 and IPv6), for a
    /// receiver's firewall: a CIDR list, nginx allow lines, or JSON. GitHub changes them
    /// from time to time: fetch them again regularly, and keep checking
    /// X-Hub-Signature-256 (`hook verify-signature`). Exit 0 with ranges, 1 when the host
    /// has none to give (an Enterprise Server delivers from itself; GHE.com's /meta does
    /// not list its subdomain's), 2 on error.
    SourceRanges {
        /// A stored app: the ranges of its host.
        #[arg(long, conflicts_with = "api_url")]
        app: Option<String>,
        /// github.com (default), an Enterprise Server host, a GHE.com subdomain, or an API URL.
        #[arg(long)]
        api_url: Option<String>,
        #[arg(long, value_enum, default_value_t = RangesFormat::Cidr)]
        format: RangesFormat,
    },
    /// Check a delivery's X-Hub-Signature-256 against its payload and the webhook secret.
    /// The secret comes from $APPWARDEN_WEBHOOK_SECRET or --secret-file, never the command
    /// line (where other users could see it). Exit 0 valid, 1 invalid, 2 error.
    VerifySignature {
        /// The header's value: sha256=<64 hex digits>.
        #[arg(long)]
        signature: String,
        /// The payload exactly as delivered (a file, or - for standard input).
        #[arg(long, default_value = "-")]
        payload: String,
        /// A file holding the webhook secret.
        #[arg(long)]
        secret_file: Option<String>,
    },
}

/// How `hook source-ranges` prints the ranges.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RangesFormat {
    /// One range a line.
    Cidr,
    /// nginx `allow` lines and `deny all;`, for a `location` block.
    Nginx,
    Json,
}

#[derive(Args)]
pub struct HookConfigArgs {
    #[command(flatten)]
    pub app: AppArgs,
    /// The URL GitHub delivers to.
    #[arg(long)]
    pub url: Option<String>,
    /// How payloads are sent.
    #[arg(long, value_parser = ["json", "form"])]
    pub content_type: Option<String>,
    /// Whether GitHub checks the receiver's TLS certificate (keep it on).
    #[arg(long, value_parser = ["on", "off"])]
    pub ssl_verification: Option<String>,
    /// Set or replace the secret with the contents of this file (- for standard input).
    #[arg(long, conflicts_with = "remove_secret")]
    pub secret_file: Option<String>,
    /// Remove the secret (deliveries are then unsigned).
    #[arg(long)]
    pub remove_secret: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct DeliveriesArgs {
    #[command(flatten)]
    pub app: AppArgs,
    /// Only failed deliveries: the receiver answered other than 2xx/3xx, or never answered
    /// (a timeout). Redelivery counts the same ones.
    #[arg(long)]
    pub failed: bool,
    /// Only this event (`push`), or one action of it (`pull_request.opened`).
    #[arg(long)]
    pub event: Option<String>,
    /// From this time: 90m, 24h, 3d ago, or a date/time (2026-11-20, 2026-11-20T08:00:00Z).
    #[arg(long)]
    pub since: Option<String>,
    /// Until this time (same forms).
    #[arg(long)]
    pub until: Option<String>,
    /// At most this many (0: all).
    #[arg(long, default_value_t = 100)]
    pub limit: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct RedeliverArgs {
    /// The delivery's ID (or use --failed).
    #[arg(required_unless_present = "failed", conflicts_with = "failed")]
    pub id: Option<String>,
    #[command(flatten)]
    pub app: AppArgs,
    /// Every failed delivery in the window.
    #[arg(long)]
    pub failed: bool,
    /// The window's start: 90m, 24h, 3d ago, or a date/time.
    #[arg(long, default_value = "24h", requires = "failed")]
    pub since: String,
    /// The window's end (default: now).
    #[arg(long, requires = "failed")]
    pub until: Option<String>,
    /// Show what would be redelivered, and do nothing.
    #[arg(long, requires = "failed")]
    pub dry_run: bool,
    /// Milliseconds between two redeliveries (GitHub asks for a second between writes).
    #[arg(long, default_value_t = 1000)]
    pub pause_ms: u64,
}

#[derive(Subcommand)]
pub enum InstallationCommand {
    /// Suspend an installation: its tokens stop working until it is unsuspended.
    Suspend(InstallationTarget),
    /// Lift an installation's suspension.
    Unsuspend(InstallationTarget),
    /// Uninstall the app from the account (cannot be undone from here).
    Uninstall(InstallationTarget),
    /// Accounts whose members asked for the app to be installed.
    Requests {
        #[command(flatten)]
        app: AppArgs,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct InstallationTarget {
    /// The installation: its ID, an account login, or owner/repo.
    pub installation: String,
    #[command(flatten)]
    pub app: AppArgs,
    /// Confirm by giving the account's login (asked for interactively when omitted on a
    /// terminal). Required for suspend and uninstall.
    #[arg(long)]
    pub confirm: Option<String>,
}

#[derive(Subcommand)]
pub enum KeyringCommand {
    /// List keyring entries no app uses, left by an interrupted change (exit 1 if any).
    Check,
    /// Delete those entries from the keyring.
    Clean,
}

#[derive(Subcommand)]
pub enum HostCommand {
    /// List hosts with settings.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Trust this CA certificate (PEM) for an API URL, in addition to the OS's roots.
    SetCa {
        /// The host or API URL (ghes.example.com).
        api_url: String,
        /// The CA certificate file (PEM), or - for standard input.
        file: String,
    },
    /// Stop trusting a host's extra CA certificate.
    RemoveCa { api_url: String },
}

#[derive(Subcommand)]
pub enum KeyCommand {
    /// Print a key's fingerprint as GitHub shows it (SHA256:…).
    Fingerprint {
        /// PEM file (private or public key), or - for standard input.
        file: String,
    },
    /// Compare a key with a fingerprint copied from GitHub. Exit 0 on a match, 1 on a
    /// mismatch, 2 on an error.
    Compare {
        /// PEM file, or - for standard input.
        file: String,
        /// The fingerprint from the app's settings page (with or without SHA256:).
        fingerprint: String,
    },
}

#[derive(Subcommand)]
pub enum AppCommand {
    /// Store an app: its private key goes into the OS keyring, or into a PKCS#11 token with
    /// --pkcs11-module and --pkcs11-token (then the PEM file may be deleted).
    Add {
        /// A name of your choosing, used as --app NAME later.
        #[arg(long)]
        name: String,
        #[arg(long)]
        app_id: String,
        /// The app's client ID (Iv…); recommended as the JWT issuer. Read from GitHub when omitted.
        #[arg(long)]
        client_id: Option<String>,
        /// github.com (default), an Enterprise Server host, or an API URL.
        #[arg(long)]
        api_url: Option<String>,
        /// The private key (.pem) GitHub downloaded, or - for standard input.
        #[arg(long, required_unless_present = "pkcs11_key")]
        key: Option<String>,
        #[command(flatten)]
        pkcs11: Pkcs11Args,
        /// Store without asking GitHub whether it accepts the key.
        #[arg(long)]
        no_verify: bool,
        /// An Enterprise Server's own CA certificate (PEM), trusted for this host from now on.
        #[arg(long)]
        ca_cert: Option<String>,
    },
    /// List stored apps and their key fingerprints.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove an app and delete its keys from the keyring.
    Remove { name: String },
    /// Add or remove one of an app's keys (GitHub allows 25 per app).
    #[command(subcommand)]
    Key(AppKeyCommand),
    /// Check each stored key of the app against GitHub (GET /app).
    Verify {
        name: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum AppKeyCommand {
    /// Add another private key to an app (for rotation), into the keyring or a PKCS#11 token.
    Add {
        app: String,
        /// PEM file, or - for standard input.
        #[arg(long, required_unless_present = "pkcs11_key")]
        key: Option<String>,
        #[command(flatten)]
        pkcs11: Pkcs11Args,
        #[arg(long)]
        no_verify: bool,
    },
    /// Remove one key from an app and from the keyring (a key on a token stays on the token).
    Remove {
        app: String,
        /// The key's fingerprint (SHA256:…), as `app list` shows it.
        fingerprint: String,
    },
}

#[derive(Subcommand)]
pub enum Pkcs11Command {
    /// The usual places of PKCS#11 libraries (SoftHSM2, OpenSC, ykcs11, p11-kit), installed or not.
    Modules {
        #[arg(long)]
        json: bool,
    },
    /// The slots of a module: tokens with their labels and serials, and free slots.
    Tokens {
        #[arg(long, value_name = "PATH")]
        pkcs11_module: std::path::PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// The private keys on a token (asks for its PIN), with their fingerprints.
    Keys {
        #[arg(long, value_name = "PATH")]
        pkcs11_module: std::path::PathBuf,
        #[arg(long, value_name = "LABEL")]
        pkcs11_token: String,
        #[arg(long)]
        json: bool,
    },
}

/// Which app to act as: a stored one (--app), or ad hoc (--app-id and --key; nothing is stored).
#[derive(Args, Clone, Default)]
pub struct AppArgs {
    /// A stored app's name (or app ID). Default: $APPWARDEN_APP, or the only stored app.
    #[arg(long, env = "APPWARDEN_APP", conflicts_with_all = ["app_id", "key"])]
    pub app: Option<String>,
    /// Ad hoc: the app ID.
    #[arg(long, requires = "key")]
    pub app_id: Option<String>,
    /// Ad hoc: the client ID, used as the JWT issuer.
    #[arg(long, requires = "app_id")]
    pub client_id: Option<String>,
    /// Ad hoc: the private key file, or - for standard input.
    #[arg(long, requires = "app_id")]
    pub key: Option<String>,
    /// Ad hoc: github.com (default), an Enterprise Server host, or an API URL.
    #[arg(long, requires = "app_id")]
    pub api_url: Option<String>,
    /// Ad hoc: a CA certificate (PEM) to trust for this API URL.
    #[arg(long, requires = "app_id")]
    pub ca_cert: Option<String>,
}

#[derive(Args)]
pub struct InstallationsArgs {
    #[command(flatten)]
    pub app: AppArgs,
    /// The same as --format json.
    #[arg(long)]
    pub json: bool,
    /// How to print the list: a table, GitHub's JSON objects, or CSV (RFC 4180).
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    /// Only installations that have not accepted the app's current permissions or events
    /// (each keeps its old grant until its owner approves), with what is missing.
    #[arg(long)]
    pub awaiting_acceptance: bool,
    /// Pages fetched at once (1 = one at a time).
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
    /// Neither use nor update the cached list (by default the cached pages are confirmed with
    /// conditional requests: GitHub answers 304 for an unchanged page when the JWT is the one
    /// that fetched it, i.e. within the same five-minute window).
    #[arg(long)]
    pub no_cache: bool,
}

/// How `installations` prints its list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
    Csv,
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct TokenArgs {
    #[command(subcommand)]
    pub action: Option<TokenAction>,
    #[command(flatten)]
    pub app: AppArgs,
    /// The installation: its ID, an account login, or owner/repo.
    #[arg(long)]
    pub installation: Option<String>,
    /// Limit the token to this repository (name or owner/name); repeatable.
    #[arg(long = "repo")]
    pub repos: Vec<String>,
    /// Limit the token to this permission, NAME=LEVEL (read, write, admin); repeatable.
    #[arg(long = "permission")]
    pub permissions: Vec<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand)]
pub enum TokenAction {
    /// Revoke an installation token (DELETE /installation/token).
    Revoke {
        /// The token, or - to read it from standard input.
        token: String,
        /// github.com (default), an Enterprise Server host, or an API URL.
        #[arg(long, conflicts_with = "app")]
        api_url: Option<String>,
        /// Take the API URL from this stored app.
        #[arg(long)]
        app: Option<String>,
    },
}
