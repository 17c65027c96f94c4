//! Keys on PKCS#11 tokens from the command line: where PINs come from (a file, the
//! environment, the OS keyring, a prompt without echo), putting a key on a token for
//! `app add` / `app key add`, and the `pkcs11` commands that list modules, tokens and keys.

use crate::args::{PinArgs, Pkcs11Args, Pkcs11Command};
use crate::output;
use appwarden_core::hardware::{
    self, HardwareError, ImportedKey, PinAnswer, PinSource, TokenDescription, TokenSelector,
};
use appwarden_core::jwt::SigningKey;
use appwarden_core::store::{AppStore, NewKey};
use appwarden_core::{Error, Pin, PrivateKey};
use std::io::IsTerminal;
use std::sync::{Arc, OnceLock};

/// The environment variable a script can give a token's PIN in.
pub const PIN_ENV: &str = "APPWARDEN_PKCS11_PIN";
/// Wrong PINs typed at the prompt before giving up.
const PROMPT_TRIES: usize = 3;

static PIN_ARGS: OnceLock<PinArgs> = OnceLock::new();

/// Records the global PIN options (called once, from `main`).
pub fn set_pin_args(args: PinArgs) {
    let _ = PIN_ARGS.set(args);
}

/// PINs for the CLI: `--pkcs11-pin-file`, then `$APPWARDEN_PKCS11_PIN`, then (on a terminal,
/// unless `prompt` is false) a prompt without echo, asked again after a wrong PIN.
#[derive(Debug)]
pub struct CliPins {
    file: Option<std::path::PathBuf>,
    remember: bool,
    prompt: bool,
    prompts: std::sync::atomic::AtomicUsize,
}

impl CliPins {
    pub fn new(prompt: bool) -> Self {
        let args = PIN_ARGS.get().cloned().unwrap_or_default();
        Self {
            file: args.pkcs11_pin_file,
            remember: args.remember_pin,
            prompt,
            prompts: Default::default(),
        }
    }

    fn read_pin_file(&self, token: &TokenDescription) -> Option<Result<Pin, String>> {
        let path = self.file.as_ref()?;
        Some(
            std::fs::read_to_string(path)
                .map(|text| Pin::new(text.lines().next().unwrap_or("").trim_end()))
                .map_err(|err| {
                    format!(
                        "Could not read the PIN file {} for the token \"{}\": {err}.",
                        path.display(),
                        token.label
                    )
                }),
        )
    }
}

impl PinSource for CliPins {
    fn pin(&self, token: &TokenDescription, failed: Option<&HardwareError>) -> Option<PinAnswer> {
        let answer = |pin| {
            Some(PinAnswer {
                pin,
                remember: self.remember,
            })
        };
        let typed_before = self.prompts.load(std::sync::atomic::Ordering::Relaxed) > 0;
        if failed.is_none() {
            match self.read_pin_file(token) {
                Some(Ok(pin)) => return answer(pin),
                Some(Err(message)) => {
                    eprintln!("error: {message}");
                    return None;
                }
                None => {}
            }
            if let Ok(pin) = std::env::var(PIN_ENV)
                && !pin.is_empty()
            {
                return answer(Pin::new(pin));
            }
        } else if !typed_before {
            // The PIN from the file or the environment was refused: trying it again would
            // only use up the token's tries.
            return None;
        }
        if !self.prompt || !std::io::stderr().is_terminal() {
            return None;
        }
        let asked = self
            .prompts
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if asked >= PROMPT_TRIES {
            return None;
        }
        if let Some(failed) = failed {
            eprintln!("{failed}");
        }
        let prompt = format!(
            "PIN for the token \"{}\" (serial {}): ",
            token.label, token.serial
        );
        let typed = rpassword::prompt_password(prompt).ok()?;
        let pin = Pin::new(typed.trim_end_matches(['\r', '\n']));
        drop(zeroize::Zeroizing::new(typed));
        answer(pin)
    }
}

/// The default store, asking for PINs as the CLI does.
pub fn open_store() -> Result<AppStore, Error> {
    let store = AppStore::open_default()?.with_pins(Arc::new(CliPins::new(true)));
    Ok(match crate::commands::activity_log() {
        Some(log) => store.with_activity(log),
        None => store,
    })
}

/// The default store for git's credential helper: no prompts (git owns the terminal).
pub fn open_store_without_prompts() -> Result<AppStore, Error> {
    Ok(AppStore::open_default()?.with_pins(Arc::new(CliPins::new(false))))
}

/// The key `app add` / `app key add` is given: a PEM (for the keyring, or to import into the
/// token `--pkcs11-token` names) or a key already on a token (`--pkcs11-key`).
pub enum KeyToAdd {
    Pem {
        pem: PrivateKey,
        path: Option<String>,
    },
    OnToken(ImportedKey),
}

/// Where the key went.
pub enum PlacedKey {
    Keyring(PrivateKey),
    Token(ImportedKey),
}

impl KeyToAdd {
    /// Reads the PEM and opens a key already on a token (asking for the PIN); nothing is
    /// written yet.
    pub fn open(
        store: &AppStore,
        args: &Pkcs11Args,
        pem: Option<PrivateKey>,
        pem_path: Option<&str>,
    ) -> Result<Self, Error> {
        if let (Some(module), Some(token), Some(key_label)) =
            (&args.pkcs11_module, &args.pkcs11_token, &args.pkcs11_key)
        {
            let session = store.open_token(module, &TokenSelector::label(token))?;
            return Ok(KeyToAdd::OnToken(ImportedKey {
                key: session.key(key_label, None)?,
                created: false,
            }));
        }
        match pem {
            Some(pem) => Ok(KeyToAdd::Pem {
                pem,
                path: pem_path.map(str::to_owned),
            }),
            None => Err(Error::InvalidInput(
                "Give the private key with --key FILE, or one on a token with --pkcs11-module, --pkcs11-token and --pkcs11-key.".into(),
            )),
        }
    }

    /// The key GitHub is asked about before anything is stored.
    pub fn signing(&self) -> SigningKey {
        match self {
            KeyToAdd::OnToken(on_token) => on_token.key.clone().into(),
            KeyToAdd::Pem { pem, .. } => pem.clone().into(),
        }
    }

    /// Puts the key in place: a PEM is imported into the token (under `label`) only now,
    /// after GitHub's check; without a token it goes to the keyring with the app.
    pub fn place(
        self,
        store: &AppStore,
        args: &Pkcs11Args,
        label: &str,
    ) -> Result<PlacedKey, Error> {
        let (pem, path) = match self {
            KeyToAdd::OnToken(on_token) => {
                let reference = on_token.key.reference();
                eprintln!(
                    "Using the key \"{}\" already on the token \"{}\".",
                    reference.key_label, reference.token_label
                );
                return Ok(PlacedKey::Token(on_token));
            }
            KeyToAdd::Pem { pem, path } => (pem, path),
        };
        match (&args.pkcs11_module, &args.pkcs11_token) {
            (Some(module), Some(token)) => {
                let session = store.open_token(module, &TokenSelector::label(token))?;
                let imported = session.import(&pem, label)?;
                report_import(&imported, path.as_deref());
                Ok(PlacedKey::Token(imported))
            }
            _ => Ok(PlacedKey::Keyring(pem)),
        }
    }
}

impl PlacedKey {
    /// The key as the store adds it.
    pub fn new_key(&self) -> NewKey<'_> {
        match self {
            PlacedKey::Keyring(pem) => pem.into(),
            PlacedKey::Token(imported) => imported.into(),
        }
    }

    /// "in the OS keyring" or "on the token".
    pub fn place_words(&self) -> &'static str {
        match self {
            PlacedKey::Keyring(_) => "in the OS keyring",
            PlacedKey::Token(_) => "on the token",
        }
    }
}

/// Says where an imported key went and that the PEM is no longer needed.
fn report_import(imported: &ImportedKey, pem_path: Option<&str>) {
    let reference = imported.key.reference();
    if imported.created {
        eprintln!(
            "Imported the key into the token \"{}\" as \"{}\" (sensitive, not extractable): it cannot be read back.",
            reference.token_label, reference.key_label
        );
        if let Some(path) = pem_path.filter(|p| *p != "-") {
            eprintln!("The PEM file is no longer needed: delete it (shred -u {path}).");
        }
    } else {
        eprintln!(
            "The key was already on the token \"{}\" as \"{}\".",
            reference.token_label, reference.key_label
        );
    }
}

pub fn run(command: Pkcs11Command) -> Result<i32, Error> {
    match command {
        Pkcs11Command::Modules { json } => {
            let modules = hardware::usual_modules();
            if json {
                output::print_json(&modules);
            } else {
                let rows: Vec<Vec<String>> = modules
                    .iter()
                    .map(|m| {
                        vec![
                            m.name.clone(),
                            m.path.display().to_string(),
                            if m.installed { "installed" } else { "" }.to_owned(),
                        ]
                    })
                    .collect();
                print!("{}", output::table(&["MODULE", "PATH", ""], &rows));
            }
            Ok(0)
        }
        Pkcs11Command::Tokens {
            pkcs11_module,
            json,
        } => {
            let tokens = hardware::list_tokens(&pkcs11_module)?;
            if json {
                output::print_json(&tokens);
            } else {
                let rows: Vec<Vec<String>> = tokens
                    .iter()
                    .map(|t| {
                        if t.initialized {
                            vec![
                                t.slot.to_string(),
                                t.label.clone(),
                                t.serial.clone(),
                                format!("{} {}", t.manufacturer, t.model),
                                pin_state(t),
                            ]
                        } else {
                            vec![
                                t.slot.to_string(),
                                "(free slot)".into(),
                                String::new(),
                                String::new(),
                                String::new(),
                            ]
                        }
                    })
                    .collect();
                print!(
                    "{}",
                    output::table(&["SLOT", "LABEL", "SERIAL", "MADE BY", "PIN"], &rows)
                );
            }
            Ok(0)
        }
        Pkcs11Command::Keys {
            pkcs11_module,
            pkcs11_token,
            json,
        } => {
            let store = open_store()?;
            let session = store.open_token(&pkcs11_module, &TokenSelector::label(&pkcs11_token))?;
            let keys = session.keys()?;
            if json {
                output::print_json(&keys);
            } else if keys.is_empty() {
                eprintln!("The token \"{pkcs11_token}\" holds no private keys.");
            } else {
                let rows: Vec<Vec<String>> = keys
                    .iter()
                    .map(|k| {
                        vec![
                            k.label.clone(),
                            k.id.clone(),
                            match k.bits {
                                Some(bits) => format!("{} {bits}", k.key_type),
                                None => k.key_type.clone(),
                            },
                            k.fingerprint.clone().unwrap_or_default(),
                            if k.extractable { "extractable" } else { "" }.to_owned(),
                        ]
                    })
                    .collect();
                print!(
                    "{}",
                    output::table(&["LABEL", "ID", "TYPE", "FINGERPRINT", ""], &rows)
                );
            }
            Ok(0)
        }
    }
}

fn pin_state(token: &TokenDescription) -> String {
    if token.pin_locked {
        "locked".into()
    } else if token.pin_final_try {
        "final try".into()
    } else if token.pin_count_low {
        "few tries left".into()
    } else if token.login_required {
        "required".into()
    } else {
        "none".into()
    }
}
