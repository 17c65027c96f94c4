//! Keys on a PKCS#11 token, with SoftHSM2 (a real PKCS#11 implementation) and OpenSC's
//! `pkcs11-tool` and openssl as independent checkers: import, signing, PINs, errors.
//!
//! PKCS#11 allows one initialisation per process, and SoftHSM2 reads `SOFTHSM2_CONF` then:
//! the in-process tests share one token store, made before any of them loads the module,
//! with a token each. CLI tests run `appwarden` with their own store.

use appwarden_core::hardware::{
    self, HardwareError, PinAnswer, PinSource, TokenDescription, TokenSelector,
};
use appwarden_core::jwt::{self, Issuer, SigningKey};
use appwarden_core::store::{AppStore, ConfigFile, MemorySecretStore, NewApp};
use appwarden_core::{ApiUrl, Error, ErrorCode, Pin, PrivateKey};
use appwarden_system_tests::softhsm::{self, PIN, SoftHsm};
use appwarden_system_tests::{fixture, fixture_text};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// Tokens of the shared store, one per test.
const TOKENS: &[&str] = &[
    "import", "jwt", "errors", "store", "removed", "remember", "ec",
];

/// The shared token store; the returned guard keeps the in-process tests one at a time
/// (sessions are process-wide, and one test closes them all).
fn shared() -> (&'static SoftHsm, std::sync::MutexGuard<'static, ()>) {
    static HSM: OnceLock<SoftHsm> = OnceLock::new();
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let guard = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let hsm = HSM.get_or_init(|| {
        let hsm = SoftHsm::new();
        for token in TOKENS {
            hsm.init_token(token);
        }
        // Safety: set once, before any test loads the module (SoftHSM2 reads it then).
        unsafe { std::env::set_var("SOFTHSM2_CONF", hsm.conf()) };
        hsm
    });
    (hsm, guard)
}

/// Gives `pin` on the first ask only (as a PIN file does), counting asks.
struct FixedPin {
    pin: &'static str,
    asked: AtomicUsize,
}

impl FixedPin {
    fn new(pin: &'static str) -> Arc<Self> {
        Arc::new(Self {
            pin,
            asked: AtomicUsize::new(0),
        })
    }
}

impl PinSource for FixedPin {
    fn pin(&self, _: &TokenDescription, failed: Option<&HardwareError>) -> Option<PinAnswer> {
        self.asked.fetch_add(1, Ordering::SeqCst);
        failed.is_none().then(|| PinAnswer {
            pin: Pin::new(self.pin),
            remember: false,
        })
    }
}

fn key() -> PrivateKey {
    PrivateKey::from_pem(fixture_text("rsa2048-pkcs1.pem").as_bytes()).unwrap()
}

fn openssl_fingerprint(pem: &std::path::Path) -> String {
    let der = Command::new("openssl")
        .args(["rsa", "-pubout", "-outform", "DER", "-in"])
        .arg(pem)
        .output()
        .unwrap()
        .stdout;
    let digest = Command::new("openssl")
        .args(["dgst", "-sha256", "-binary"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(&der)?;
            child.wait_with_output()
        })
        .unwrap()
        .stdout;
    use base64::Engine;
    format!(
        "SHA256:{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

fn open(token: &str, pins: &dyn PinSource) -> Result<Arc<hardware::TokenSession>, HardwareError> {
    hardware::token::open(&softhsm::module(), &TokenSelector::label(token), pins)
}

#[test]
fn an_imported_key_is_sensitive_not_extractable_and_has_openssls_fingerprint() {
    let (hsm, _one) = shared();
    let pins = FixedPin::new(PIN);
    let session = open("import", pins.as_ref()).unwrap();
    let imported = session.import(&key(), "appwarden/Deploy bot").unwrap();
    assert!(imported.created);
    assert_eq!(
        imported.key.fingerprint().to_string(),
        openssl_fingerprint(&fixture("rsa2048-pkcs1.pem"))
    );
    // Importing the same key again uses the one already there.
    let again = session.import(&key(), "appwarden/Deploy bot").unwrap();
    assert!(!again.created);
    assert_eq!(again.key.reference(), imported.key.reference());

    // OpenSC's view: a private key that is sensitive and not extractable, with its public key.
    let listing = hsm.pkcs11_tool("import", &["--list-objects"]);
    let text = String::from_utf8_lossy(&listing.stdout);
    assert!(listing.status.success(), "{text}");
    let private = text
        .split("Private Key Object")
        .nth(1)
        .expect("a private key object")
        .split("Object;")
        .next()
        .unwrap()
        .to_owned();
    assert!(private.contains("appwarden/Deploy bot"), "{text}");
    assert!(private.contains("sensitive"), "{private}");
    assert!(!private.contains("extractable"), "{private}");
    assert!(text.contains("Public Key Object"), "{text}");
    assert_eq!(text.matches("Private Key Object").count(), 1, "{text}");
    // Its secret numbers cannot be read: asked directly through PKCS#11, SoftHSM2 answers
    // CKR_ATTRIBUTE_SENSITIVE for each (pkcs11-tool cannot even try: "reading private keys
    // not (yet) supported").
    assert_eq!(
        secret_attributes_readable("import", "appwarden/Deploy bot"),
        Vec::<String>::new()
    );
    // The listing the window's key picker shows.
    let keys = session.keys().unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].key_type, "RSA");
    assert_eq!(keys[0].bits, Some(2048));
    assert!(keys[0].sensitive && !keys[0].extractable);
    assert_eq!(
        keys[0].fingerprint.as_deref(),
        Some(key().fingerprint().to_string().as_str())
    );
}

/// Asks the token itself (a context of its own, not Appwarden's) for each secret attribute of
/// the private key `label`; returns those it answered with a value.
fn secret_attributes_readable(token: &str, label: &str) -> Vec<String> {
    use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
    use cryptoki::object::{Attribute, AttributeInfo, AttributeType, ObjectClass};
    use cryptoki::session::UserType;
    let context = Pkcs11::new(softhsm::module()).unwrap();
    let _ = context.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK));
    let slot = context
        .get_slots_with_token()
        .unwrap()
        .into_iter()
        .find(|slot| {
            context
                .get_token_info(*slot)
                .is_ok_and(|info| info.label().trim() == token)
        })
        .unwrap();
    let session = context.open_ro_session(slot).unwrap();
    let _ = session.login(UserType::User, Some(&PIN.to_owned().into()));
    let handle = session
        .find_objects(&[
            Attribute::Class(ObjectClass::PRIVATE_KEY),
            Attribute::Label(label.as_bytes().to_vec()),
        ])
        .unwrap()[0];
    let secret = [
        AttributeType::PrivateExponent,
        AttributeType::Prime1,
        AttributeType::Prime2,
        AttributeType::Exponent1,
        AttributeType::Exponent2,
        AttributeType::Coefficient,
    ];
    let info = session.get_attribute_info(handle, &secret).unwrap();
    secret
        .iter()
        .zip(info)
        .filter(|(_, info)| !matches!(info, AttributeInfo::Sensitive))
        .map(|(attribute, info)| format!("{attribute:?}: {info:?}"))
        .collect()
}

#[test]
fn a_token_signs_the_same_jwt_as_the_pem_and_pyjwt_verifies_it() {
    let _one = shared();
    let pins = FixedPin::new(PIN);
    let session = open("jwt", pins.as_ref()).unwrap();
    let on_token = session.import(&key(), "appwarden/jwt").unwrap().key;
    let now = chrono::Utc::now();
    let issuer = Issuer::new(4242, None);
    let from_token = jwt::sign(&on_token, &issuer, now).unwrap();
    let from_pem = jwt::sign(&key(), &issuer, now).unwrap();
    // RS256 is deterministic: the token's JWT is byte for byte the PEM's.
    assert_eq!(from_token.jwt.expose_secret(), from_pem.jwt.expose_secret());

    assert!(
        pyjwt_verifies(
            from_token.jwt.expose_secret(),
            &fixture("rsa2048-pkcs1.pem"),
            "4242"
        ),
        "PyJWT refused the token's JWT"
    );

    // The session is kept: a second open asks for no PIN.
    let asked = pins.asked.load(Ordering::SeqCst);
    let reopened = open("jwt", pins.as_ref()).unwrap();
    assert!(Arc::ptr_eq(&session, &reopened));
    assert_eq!(pins.asked.load(Ordering::SeqCst), asked);
    // A signer reuses its JWT within the window: one signature on the token.
    let signer = jwt::JwtSigner::new(SigningKey::from(on_token), 4242, None);
    let first = signer.jwt(now).unwrap();
    assert_eq!(
        first.expose_secret(),
        signer.jwt(now).unwrap().expose_secret()
    );
}

#[test]
fn bad_modules_tokens_pins_and_keys_are_refused_in_plain_words() {
    let _one = shared();
    let pins = FixedPin::new(PIN);
    let missing = hardware::token::open(
        std::path::Path::new("/usr/lib/nothing/libpkcs11-missing.so"),
        &TokenSelector::label("errors"),
        pins.as_ref(),
    )
    .unwrap_err();
    assert!(
        matches!(missing, HardwareError::ModuleNotFound { .. }),
        "{missing}"
    );
    // A real shared library that is not a PKCS#11 module.
    let libz = [
        "/lib/x86_64-linux-gnu/libz.so.1",
        "/usr/lib/x86_64-linux-gnu/libz.so.1",
    ]
    .into_iter()
    .find(|path| std::path::Path::new(path).exists())
    .expect("zlib is installed");
    let foreign = hardware::token::open(
        std::path::Path::new(libz),
        &TokenSelector::label("errors"),
        pins.as_ref(),
    )
    .unwrap_err();
    assert!(
        foreign.to_string().contains("not a PKCS#11 module")
            && foreign.to_string().contains("C_GetFunctionList"),
        "{foreign}"
    );

    let no_token = open("no-such-token", pins.as_ref()).unwrap_err();
    let message = no_token.to_string();
    assert!(matches!(no_token, HardwareError::NoToken { .. }));
    assert!(
        message.contains("\"errors\""),
        "lists the tokens there: {message}"
    );

    let wrong = FixedPin::new("999999");
    let refused = open("errors", wrong.as_ref()).unwrap_err();
    assert!(
        matches!(refused, HardwareError::PinIncorrect { .. }),
        "{refused}"
    );
    assert_eq!(Error::from(refused.clone()).code(), ErrorCode::PinIncorrect);
    assert!(
        refused
            .to_string()
            .starts_with("Wrong PIN for the token \"errors\".")
    );
    let none = open("errors", &hardware::token::NoPins).unwrap_err();
    assert!(matches!(none, HardwareError::PinRequired { .. }), "{none}");
    assert!(none.to_string().contains("--pkcs11-pin-file"), "{none}");

    let session = open("errors", pins.as_ref()).unwrap();
    let no_key = session.key("not-there", None).unwrap_err();
    assert!(
        matches!(no_key, HardwareError::KeyNotFound { .. }),
        "{no_key}"
    );
    assert!(
        no_key.to_string().contains("holds no private keys"),
        "{no_key}"
    );
}

#[test]
fn a_key_that_is_not_rsa_is_refused() {
    let (hsm, _one) = shared();
    let out = hsm.pkcs11_tool(
        "ec",
        &[
            "--keypairgen",
            "--key-type",
            "EC:prime256v1",
            "--label",
            "ec-key",
            "--id",
            "01",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pins = FixedPin::new(PIN);
    let session = open("ec", pins.as_ref()).unwrap();
    let err = session.key("ec-key", None).unwrap_err();
    assert!(matches!(err, HardwareError::NotRsa { .. }), "{err}");
    assert!(err.to_string().contains("is EC, not RSA"), "{err}");
    let listed = session.keys().unwrap();
    assert_eq!(listed[0].key_type, "EC");
    assert_eq!(listed[0].fingerprint, None);
}

#[test]
fn a_token_removed_mid_session_is_reported_and_asked_for_again() {
    let (hsm, _one) = shared();
    let pins = FixedPin::new(PIN);
    let session = open("removed", pins.as_ref()).unwrap();
    let on_token = session.import(&key(), "appwarden/removed").unwrap().key;
    on_token.sign_rs256(b"before").unwrap();
    hsm.delete_token("removed");
    let err = on_token.sign_rs256(b"after").unwrap_err();
    assert!(
        matches!(err, HardwareError::TokenRemoved { .. }),
        "removal gives {err:?}"
    );
    assert_eq!(Error::from(err).code(), ErrorCode::TokenUnavailable);
}

fn store_in(dir: &std::path::Path, pins: Arc<dyn PinSource>) -> (AppStore, Arc<MemorySecretStore>) {
    let secrets = Arc::new(MemorySecretStore::default());
    let store = AppStore::new(ConfigFile::in_dir(dir), secrets.clone()).with_pins(pins);
    (store, secrets)
}

#[test]
fn an_app_can_mix_a_token_key_and_a_keyring_key_and_removing_leaves_the_token_alone() {
    let _one = shared();
    let dir = tempfile::tempdir().unwrap();
    let pins = FixedPin::new(PIN);
    let (store, secrets) = store_in(dir.path(), pins.clone());
    let session = store
        .open_token(&softhsm::module(), &TokenSelector::label("store"))
        .unwrap();
    let imported = session.import(&key(), "appwarden/Mixed").unwrap();
    let app = store
        .add_app(
            NewApp {
                name: "Mixed".into(),
                api_url: ApiUrl::github_com(),
                app_id: 7,
                client_id: None,
            },
            &imported,
            chrono::Utc::now(),
        )
        .unwrap();
    assert_eq!(app.keys[0].source_kind(), "pkcs11");
    assert!(
        secrets.entry_names().is_empty(),
        "a token key writes nothing to the keyring"
    );
    let config = std::fs::read_to_string(dir.path().join("config.toml")).unwrap();
    assert!(
        config.contains("token_label = \"store\"") && !config.contains(PIN),
        "{config}"
    );

    // Rotation: a newer key in the keyring beside the one on the token.
    let second = PrivateKey::from_pem(fixture_text("rsa2048-second.pem").as_bytes()).unwrap();
    let later = chrono::Utc::now() + chrono::Duration::seconds(1);
    store.add_key("Mixed", &second, later).unwrap();
    let app = store.app("Mixed").unwrap();
    assert_eq!(
        app.keys.iter().map(|k| k.source_kind()).collect::<Vec<_>>(),
        ["pkcs11", "keyring"]
    );
    assert_eq!(
        store.signing_key(&app).unwrap().fingerprint(),
        second.fingerprint()
    );
    let on_token = store.load_key(&app, &app.keys[0]).unwrap();
    assert!(on_token.hardware().is_some());
    assert_eq!(on_token.fingerprint(), key().fingerprint());

    // Removing the token key from Appwarden leaves it on the token.
    store.remove_key("Mixed", &key().fingerprint()).unwrap();
    assert_eq!(session.keys().unwrap().len(), 1);
}

#[test]
fn a_failed_add_takes_its_import_back_and_a_remembered_pin_is_used_then_forgotten_when_wrong() {
    let _one = shared();
    let dir = tempfile::tempdir().unwrap();
    let pins = FixedPin::new(PIN);
    let (store, secrets) = store_in(dir.path(), pins.clone());
    let session = store
        .open_token(&softhsm::module(), &TokenSelector::label("remember"))
        .unwrap();
    // The config directory is a file: the add fails, and the just-imported key is deleted.
    let blocked = tempfile::NamedTempFile::new().unwrap();
    let (blocked_store, _) = store_in(blocked.path(), pins.clone());
    let imported = session.import(&key(), "appwarden/Blocked").unwrap();
    assert!(imported.created);
    let failed = blocked_store.add_app(
        NewApp {
            name: "Blocked".into(),
            api_url: ApiUrl::github_com(),
            app_id: 8,
            client_id: None,
        },
        &imported,
        chrono::Utc::now(),
    );
    assert!(failed.is_err());
    assert!(session.keys().unwrap().is_empty(), "the import was undone");

    // Remembered PINs: kept once accepted (when asked to), tried first, dropped when refused.
    let token = session.token().clone();
    store.remember_pin(&token, &Pin::new(PIN)).unwrap();
    assert_eq!(secrets.entry_names().len(), 1);
    hardware::close_all();
    let never = FixedPin::new("never-asked");
    let remembering =
        AppStore::new(ConfigFile::in_dir(dir.path()), secrets.clone()).with_pins(never.clone());
    remembering
        .open_token(&softhsm::module(), &TokenSelector::label("remember"))
        .unwrap();
    assert_eq!(
        never.asked.load(Ordering::SeqCst),
        0,
        "the remembered PIN was used"
    );
    hardware::close_all();
    remembering
        .remember_pin(&token, &Pin::new("000000"))
        .unwrap();
    let right = FixedPin::new(PIN);
    let recovering =
        AppStore::new(ConfigFile::in_dir(dir.path()), secrets.clone()).with_pins(right.clone());
    recovering
        .open_token(&softhsm::module(), &TokenSelector::label("remember"))
        .unwrap();
    assert_eq!(
        right.asked.load(Ordering::SeqCst),
        1,
        "asked after the stale PIN"
    );
    assert!(
        secrets.entry_names().is_empty(),
        "the refused PIN was forgotten"
    );
}

// ---- The CLI, each run with its own SoftHSM2 store -------------------------------------

use appwarden_system_tests::keyring_session::{Keyring, KeyringSession};
use appwarden_system_tests::secrets::SecretPatterns;
use appwarden_system_tests::{CliEnv, files_under, start_sim, stderr, stdout};

/// A PIN distinctive enough to be found by the secrets sweep.
const CLI_PIN: &str = "pin-Q7vX2mK9";

fn pyjwt_verifies(jwt: &str, pem: &std::path::Path, issuer: &str) -> bool {
    let public = Command::new("openssl")
        .args(["rsa", "-pubout", "-in"])
        .arg(pem)
        .output()
        .unwrap()
        .stdout;
    let script = r#"
import jwt, sys
jwt.decode(sys.argv[1], sys.argv[2], algorithms=["RS256"], issuer=sys.argv[3],
           options={"require": ["iat", "exp", "iss"]})
print("verified")
"#;
    let out = Command::new("python3")
        .args(["-c", script, jwt, &String::from_utf8_lossy(&public), issuer])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).contains("verified")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cli_keeps_an_apps_key_on_a_token_and_signs_there_after_the_pem_is_deleted() {
    let hsm = SoftHsm::new();
    hsm.init_token_with_pin("cli", CLI_PIN);
    let keyring = KeyringSession::start(Keyring::Unlocked);
    let sim = start_sim(ghsim::SimConfig {
        installations: 40,
        ..Default::default()
    })
    .await;
    sim.register_key(ghsim::public_pkcs1_der(&fixture_text("rsa2048-second.pem")).unwrap());
    let api = sim.api_url();
    let env = CliEnv::with_bus(&keyring.address);
    let module = softhsm::module().to_string_lossy().into_owned();
    let pin_file = env.home.path().join("pin");
    std::fs::write(&pin_file, format!("{CLI_PIN}\n")).unwrap();
    let pin_file = pin_file.to_string_lossy().into_owned();
    let pem = env.home.path().join("deploy-bot.private-key.pem");
    std::fs::copy(fixture("rsa2048-pkcs1.pem"), &pem).unwrap();
    let pem_arg = pem.to_string_lossy().into_owned();
    let mut outputs: Vec<std::process::Output> = Vec::new();
    let mut run = |args: &[&str], pin_env: Option<&str>| {
        let mut command = env.command(args);
        command
            .env("SOFTHSM2_CONF", hsm.conf())
            .env("APPWARDEN_LOG", "trace");
        if let Some(pin) = pin_env {
            command.env("APPWARDEN_PKCS11_PIN", pin);
        }
        let out = tokio::task::block_in_place(|| command.output().unwrap());
        outputs.push(out.clone());
        out
    };
    let config_path = env.config_dir().join("config.toml");
    let config = || std::fs::read_to_string(&config_path).unwrap_or_default();

    // A key GitHub does not accept is refused before anything reaches the token.
    let out = run(
        &[
            "app",
            "add",
            "--name",
            "Wrong",
            "--app-id",
            "1",
            "--api-url",
            &api,
            "--key",
            &fixture("rsa4096-pkcs1.pem").to_string_lossy(),
            "--pkcs11-module",
            &module,
            "--pkcs11-token",
            "cli",
            "--pkcs11-pin-file",
            &pin_file,
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(!hsm_has_objects(&hsm), "nothing was imported");
    assert_eq!(config(), "");

    // Import: the PEM goes into the token; then the PEM is deleted.
    let out = run(
        &[
            "app",
            "add",
            "--name",
            "Hardware Bot",
            "--app-id",
            "1",
            "--api-url",
            &api,
            "--key",
            &pem_arg,
            "--pkcs11-module",
            &module,
            "--pkcs11-token",
            "cli",
            "--pkcs11-pin-file",
            &pin_file,
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out).trim(),
        openssl_fingerprint(&fixture("rsa2048-pkcs1.pem"))
    );
    assert!(
        stderr(&out)
            .contains("Imported the key into the token \"cli\" as \"appwarden/Hardware Bot\"")
            && stderr(&out).contains("delete it"),
        "{}",
        stderr(&out)
    );
    assert!(
        keyring.appwarden_entries().is_empty(),
        "nothing in the keyring"
    );
    std::fs::remove_file(&pem).unwrap();

    // Everything that signs works from the token: listing, minting, the JWT.
    let out = run(
        &["installations", "--app", "Hardware Bot", "--json"],
        Some(CLI_PIN),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let listed: Vec<serde_json::Value> = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(listed.len(), 40);
    let id = listed[5]["id"].to_string();
    let out = run(
        &["token", "--app", "Hardware Bot", "--installation", &id],
        Some(CLI_PIN),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("ghs_"));
    let out = run(&["jwt", "--app", "Hardware Bot"], Some(CLI_PIN));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        pyjwt_verifies(
            stdout(&out).trim(),
            &fixture("rsa2048-pkcs1.pem"),
            "Iv23liSIMULATED0001"
        ),
        "PyJWT refused the token-signed JWT"
    );

    // Each failure says what to do and changes nothing.
    let before = config();
    let second = fixture("rsa2048-second.pem").to_string_lossy().into_owned();
    let refusals: [(&[&str], Option<&str>, &str); 5] = [
        (
            &["installations", "--app", "Hardware Bot"],
            Some("000000"),
            "Wrong PIN for the token \"cli\"",
        ),
        (
            &["installations", "--app", "Hardware Bot"],
            None,
            "needs its PIN",
        ),
        (
            &[
                "app",
                "key",
                "add",
                "Hardware Bot",
                "--key",
                &second,
                "--pkcs11-module",
                &module,
                "--pkcs11-token",
                "no-such-token",
            ],
            Some(CLI_PIN),
            "No token \"no-such-token\"",
        ),
        (
            &[
                "app",
                "key",
                "add",
                "Hardware Bot",
                "--pkcs11-module",
                "/usr/lib/none/libp11-missing.so",
                "--pkcs11-token",
                "cli",
                "--pkcs11-key",
                "x",
            ],
            Some(CLI_PIN),
            "No PKCS#11 module at /usr/lib/none/libp11-missing.so",
        ),
        (
            &[
                "app",
                "key",
                "add",
                "Hardware Bot",
                "--pkcs11-module",
                &module,
                "--pkcs11-token",
                "cli",
                "--pkcs11-key",
                "not-there",
            ],
            Some(CLI_PIN),
            "No private key \"not-there\" on the token \"cli\"",
        ),
    ];
    for (args, pin, expected) in refusals {
        let out = run(args, pin);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(expected),
            "{args:?}: {}",
            stderr(&out)
        );
        assert_eq!(config(), before, "{args:?} changed the config");
    }

    // Rotation across sources: a key already on the token, and one in the keyring.
    hsm.import_with_util(
        "cli",
        CLI_PIN,
        &fixture("rsa2048-second.pem"),
        "preloaded",
        "0a0b",
    );
    let out = run(
        &[
            "app",
            "key",
            "add",
            "Hardware Bot",
            "--pkcs11-module",
            &module,
            "--pkcs11-token",
            "cli",
            "--pkcs11-key",
            "preloaded",
        ],
        Some(CLI_PIN),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Using the key \"preloaded\""),
        "{}",
        stderr(&out)
    );
    let out = run(
        &["app", "key", "remove", "Hardware Bot", stdout(&out).trim()],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("stays on the token"),
        "{}",
        stderr(&out)
    );
    let out = run(
        &[
            "app",
            "key",
            "add",
            "Hardware Bot",
            "--key",
            &fixture("rsa2048-second.pem").to_string_lossy(),
        ],
        Some(CLI_PIN),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(&["app", "list"], None);
    let listing = stdout(&out);
    assert!(
        listing.contains("PKCS#11 key \"appwarden/Hardware Bot\" on token \"cli\"")
            && listing.contains("OS keyring"),
        "{listing}"
    );
    let out = run(
        &["installations", "--app", "Hardware Bot", "--no-cache"],
        None,
    );
    assert!(
        out.status.success(),
        "the newest key (in the keyring) signs: {}",
        stderr(&out)
    );
    // The token's keys, as `pkcs11 keys` shows them.
    let out = run(
        &[
            "pkcs11",
            "keys",
            "--pkcs11-module",
            &module,
            "--pkcs11-token",
            "cli",
            "--json",
        ],
        Some(CLI_PIN),
    );
    let keys: Vec<serde_json::Value> = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(keys.len(), 2, "{keys:?}");
    let out = run(&["pkcs11", "tokens", "--pkcs11-module", &module], None);
    assert!(
        stdout(&out).contains("cli") && stdout(&out).contains("(free slot)"),
        "{}",
        stdout(&out)
    );

    // Neither the PIN nor the key appears anywhere: not in any output or trace log, nor in
    // the config or caches (the PEM copy was deleted; the key is only on the token). The one
    // JWT printed is `appwarden jwt`'s answer.
    let patterns = SecretPatterns::new()
        .with_text("PIN", CLI_PIN)
        .with_key("rsa2048-pkcs1.pem")
        .except("a JWT");
    for (index, out) in outputs.iter().enumerate() {
        for bytes in [&out.stdout, &out.stderr] {
            assert!(
                patterns.find(bytes).is_none(),
                "the PIN is in the output of run {index}"
            );
        }
    }
    for file in files_under(env.home.path()) {
        if file.ends_with("pin") {
            continue;
        }
        let bytes = std::fs::read(&file).unwrap_or_default();
        assert!(
            patterns.find(&bytes).is_none(),
            "the PIN is in {}",
            file.display()
        );
    }
}

fn hsm_has_objects(hsm: &SoftHsm) -> bool {
    let out = hsm.pkcs11_tool_with_pin("cli", CLI_PIN, &["--list-objects"]);
    String::from_utf8_lossy(&out.stdout).contains("Object;")
}
