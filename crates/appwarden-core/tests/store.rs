//! The app store's rules, with the keyring replaced by an in-memory store (the real
//! Secret Service is exercised by the system tests).

use appwarden_core::store::{
    AppStore, ConfigFile, KeyringError, MemorySecretStore, NewApp, StoreError,
};
use appwarden_core::{ApiUrl, PrivateKey};
use std::path::PathBuf;
use std::sync::Arc;

fn key(name: &str) -> PrivateKey {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/keys")
        .join(name);
    PrivateKey::from_pem(&std::fs::read(path).unwrap()).unwrap()
}

fn new_app(name: &str) -> NewApp {
    NewApp {
        name: name.into(),
        api_url: ApiUrl::github_com(),
        app_id: 42,
        client_id: None,
    }
}

fn setup() -> (tempfile::TempDir, Arc<MemorySecretStore>, AppStore) {
    let dir = tempfile::tempdir().unwrap();
    let secrets = Arc::new(MemorySecretStore::default());
    let store = AppStore::new(ConfigFile::in_dir(dir.path()), secrets.clone());
    (dir, secrets, store)
}

#[test]
fn add_rotate_remove() {
    let (dir, secrets, store) = setup();
    let now = chrono::Utc::now();
    let app = store
        .add_app(new_app("Deploy bot"), &key("rsa2048-pkcs1.pem"), now)
        .unwrap();
    assert_eq!(app.keys.len(), 1);
    assert!(matches!(
        store.add_app(new_app("deploy BOT"), &key("rsa2048-second.pem"), now),
        Err(StoreError::AppExists(_))
    ));
    assert!(matches!(
        store.add_key("Deploy bot", &key("rsa2048-pkcs8.pem"), now),
        Err(StoreError::KeyExists { .. })
    ));
    let second = store
        .add_key(
            "42",
            &key("rsa2048-second.pem"),
            now + chrono::Duration::seconds(1),
        )
        .unwrap();
    assert_eq!(secrets.entry_names().len(), 2);
    let app = store.app("deploy bot").unwrap();
    assert_eq!(
        store.signing_key(&app).unwrap().fingerprint(),
        second.fingerprint,
        "newest key signs"
    );

    store
        .remove_key("Deploy bot", &app.keys[0].fingerprint)
        .unwrap();
    assert!(matches!(
        store.remove_key("Deploy bot", &second.fingerprint),
        Err(StoreError::LastKey { .. })
    ));
    assert_eq!(secrets.entry_names(), vec![second.keyring_entry.clone()]);

    // The config names keys but holds no key material.
    let text = std::fs::read_to_string(dir.path().join("config.toml")).unwrap();
    assert!(text.contains(&second.fingerprint.to_string()));
    assert!(!text.contains("PRIVATE KEY") && !text.contains("MII"));

    store.remove_app("Deploy bot").unwrap();
    assert!(secrets.entry_names().is_empty());
    assert!(store.apps().unwrap().is_empty());
}

#[test]
fn a_keyring_failure_changes_nothing() {
    let (dir, secrets, store) = setup();
    secrets.fail_with(Some(KeyringError::Locked {
        detail: "test".into(),
    }));
    let err = store
        .add_app(new_app("x"), &key("rsa2048-pkcs1.pem"), chrono::Utc::now())
        .unwrap_err();
    assert!(err.to_string().contains("locked") && err.to_string().contains("Unlock"));
    assert!(!dir.path().join("config.toml").exists());
}

#[test]
fn a_config_write_failure_takes_the_keyring_entry_back_out() {
    let dir = tempfile::tempdir().unwrap();
    let blocked = dir.path().join("not-a-dir");
    std::fs::write(&blocked, "a file where the config directory should be").unwrap();
    let secrets = Arc::new(MemorySecretStore::default());
    let store = AppStore::new(ConfigFile::in_dir(&blocked), secrets.clone());
    let err = store
        .add_app(new_app("x"), &key("rsa2048-pkcs1.pem"), chrono::Utc::now())
        .unwrap_err();
    assert!(matches!(err, StoreError::Config(_)), "{err}");
    assert!(
        secrets.entry_names().is_empty(),
        "nothing left in the keyring"
    );
}

#[test]
fn a_tampered_keyring_entry_is_detected() {
    let (_dir, secrets, store) = setup();
    let app = store
        .add_app(new_app("x"), &key("rsa2048-pkcs1.pem"), chrono::Utc::now())
        .unwrap();
    use appwarden_core::store::SecretStore;
    secrets
        .put(
            &app.keys[0].keyring_entry,
            key("rsa2048-second.pem").expose_pkcs1_der(),
        )
        .unwrap();
    assert!(matches!(
        store.signing_key(&app),
        Err(StoreError::StoredKeyMismatch { .. })
    ));
}

#[test]
fn unknown_apps_list_what_exists() {
    let (_dir, _secrets, store) = setup();
    store
        .add_app(
            new_app("alpha"),
            &key("rsa2048-pkcs1.pem"),
            chrono::Utc::now(),
        )
        .unwrap();
    let err = store.app("beta").unwrap_err().to_string();
    assert!(err.contains("alpha"), "{err}");
}

#[test]
fn host_ca_certificates_are_kept_per_api_url() {
    let (dir, _secrets, store) = setup();
    let cert = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/keys/cert.pem"),
    )
    .unwrap();
    let ghes = ApiUrl::parse("ghes.example.com").unwrap();
    assert_eq!(store.host_ca(&ghes).unwrap(), None);
    store
        .set_host_ca(&ghes, Some(&format!("Subject: test\n{cert}\ntrailing")))
        .unwrap();
    let kept = store.host_ca(&ghes).unwrap().unwrap();
    assert!(
        kept.starts_with("-----BEGIN CERTIFICATE-----")
            && kept.trim_end().ends_with("-----END CERTIFICATE-----")
    );
    let options = store.client_options(&ghes, Default::default()).unwrap();
    assert_eq!(options.extra_root_certificates, vec![kept]);
    assert!(
        store
            .client_options(&ApiUrl::github_com(), Default::default())
            .unwrap()
            .extra_root_certificates
            .is_empty()
    );

    // A private key or plain text is refused and changes nothing.
    let key = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/keys/rsa2048-pkcs1.pem"),
    )
    .unwrap();
    let before = std::fs::read_to_string(dir.path().join("config.toml")).unwrap();
    assert!(matches!(
        store.set_host_ca(&ghes, Some(&key)),
        Err(StoreError::NotACertificate)
    ));
    assert!(matches!(
        store.set_host_ca(&ghes, Some("hello")),
        Err(StoreError::NotACertificate)
    ));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("config.toml")).unwrap(),
        before
    );

    store.set_host_ca(&ghes, None).unwrap();
    assert_eq!(store.host_ca(&ghes).unwrap(), None);
}
