//! The store against the real OS keyring: gnome-keyring's Secret Service on a private
//! D-Bus session bus with HOME in a temporary directory. Proves keys are in the keyring and
//! in no file, that rotation and removal reach the keyring, and that a missing, absent or
//! locked keyring gives a message that says what to do and changes nothing.

use appwarden_system_tests::keyring_session::{Keyring, KeyringSession};
use appwarden_system_tests::{
    CliEnv, files_under, fixture, fixture_text, kill_after_keyring_write, start_sim, stderr, stdout,
};
use ghsim::SimConfig;

fn path(name: &str) -> String {
    fixture(name).to_string_lossy().into_owned()
}

/// Distinctive pieces of a key's material: lines of its PEM body and a run of its DER.
fn key_material(name: &str) -> (Vec<String>, Vec<u8>) {
    let pem = fixture_text(name);
    let lines: Vec<String> = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .skip(3)
        .take(3)
        .map(str::to_owned)
        .collect();
    let der = appwarden_core::PrivateKey::from_pem(pem.as_bytes())
        .unwrap()
        .expose_pkcs1_der()[200..260]
        .to_vec();
    (lines, der)
}

fn assert_no_key_material_in(dirs: &[&std::path::Path], key: &str) {
    let (lines, der) = key_material(key);
    for dir in dirs {
        for file in files_under(dir) {
            let bytes = std::fs::read(&file).unwrap_or_default();
            let text = String::from_utf8_lossy(&bytes);
            for line in &lines {
                assert!(
                    !text.contains(line.as_str()),
                    "PEM text of {key} found in {}",
                    file.display()
                );
            }
            assert!(
                !bytes.windows(der.len()).any(|w| w == der.as_slice()),
                "DER of {key} found in {}",
                file.display()
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn keys_live_in_the_secret_service_and_nowhere_else() {
    let session = KeyringSession::start(Keyring::Unlocked);
    let sim = start_sim(SimConfig {
        installations: 120,
        ..Default::default()
    })
    .await;
    let api = sim.api_url();
    let env = CliEnv::with_bus(&session.address);
    let run = |args: &[&str]| tokio::task::block_in_place(|| env.run(args, None));

    let out = run(&[
        "app",
        "add",
        "--name",
        "Deploy Bot",
        "--app-id",
        "1",
        "--api-url",
        &api,
        "--key",
        &path("rsa2048-pkcs1.pem"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let first = stdout(&out).trim().to_owned();
    assert!(first.starts_with("SHA256:"));
    assert!(
        stderr(&out).contains("GitHub accepts this key"),
        "{}",
        stderr(&out)
    );
    let entries = session.appwarden_entries();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert!(
        entries[0].contains("app-1/") && entries[0].contains(first.trim_start_matches("SHA256:")),
        "{entries:?}"
    );

    // The client ID was learnt from GitHub and stored; no key material in the config.
    let config = std::fs::read_to_string(env.config_dir().join("config.toml")).unwrap();
    assert!(
        config.contains("Iv23liSIMULATED0001") && config.contains(&first),
        "{config}"
    );
    assert_no_key_material_in(&[env.home.path(), session.home_path()], "rsa2048-pkcs1.pem");

    // The key comes back out of the keyring to sign.
    let out = run(&["installations", "--app", "deploy bot", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        serde_json::from_str::<Vec<serde_json::Value>>(&stdout(&out))
            .unwrap()
            .len(),
        120
    );

    // Rotation: a key GitHub does not know is refused and nothing changes...
    let out = run(&[
        "app",
        "key",
        "add",
        "Deploy Bot",
        "--key",
        &path("rsa2048-second.pem"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(session.appwarden_entries().len(), 1);
    // ...once registered on GitHub, it is added.
    sim.register_key(ghsim::public_pkcs1_der(&fixture_text("rsa2048-second.pem")).unwrap());
    let out = run(&[
        "app",
        "key",
        "add",
        "Deploy Bot",
        "--key",
        &path("rsa2048-second.pem"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(session.appwarden_entries().len(), 2);
    let out = run(&["app", "verify", "Deploy Bot"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out).matches("accepted by GitHub").count(), 2);

    // GitHub forgets the old key: verify says so.
    sim.unregister_key(&ghsim::public_pkcs1_der(&fixture_text("rsa2048-pkcs1.pem")).unwrap());
    let out = run(&["app", "verify", "Deploy Bot", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let verdicts: Vec<serde_json::Value> = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(verdicts.iter().filter(|v| v["accepted"] == true).count(), 1);
    assert_eq!(
        verdicts.iter().find(|v| v["accepted"] == false).unwrap()["error"]["code"],
        "key_rejected"
    );

    let out = run(&["app", "key", "remove", "Deploy Bot", &first]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(session.appwarden_entries().len(), 1);
    let out = run(&["app", "list"]);
    assert!(!stdout(&out).contains(&first));

    let out = run(&["app", "remove", "Deploy Bot"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(session.appwarden_entries().len(), 0);
    assert_no_key_material_in(
        &[env.home.path(), session.home_path()],
        "rsa2048-second.pem",
    );
}

#[test]
fn a_bus_without_a_secret_service_says_what_to_install() {
    let session = KeyringSession::start(Keyring::None);
    let env = CliEnv::with_bus(&session.address);
    let out = env.run(
        &[
            "app",
            "add",
            "--name",
            "x",
            "--app-id",
            "1",
            "--no-verify",
            "--key",
            &path("rsa2048-pkcs1.pem"),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("Secret Service provider") && err.contains("gnome-keyring"),
        "{err}"
    );
    assert!(err.contains("Nothing was changed"), "{err}");
    assert!(!env.config_dir().join("config.toml").exists());
}

#[test]
fn no_dbus_at_all_says_what_to_do() {
    let env = CliEnv::new();
    let out = env.run(
        &[
            "app",
            "add",
            "--name",
            "x",
            "--app-id",
            "1",
            "--no-verify",
            "--key",
            &path("rsa2048-pkcs1.pem"),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("D-Bus session") && err.contains("dbus-run-session"),
        "{err}"
    );
    assert!(
        !err.contains("panicked") && err.lines().count() <= 2,
        "{err}"
    );
    assert!(!env.config_dir().join("config.toml").exists());
}

#[test]
fn a_locked_keyring_says_to_unlock_it_and_changes_nothing() {
    let session = KeyringSession::start(Keyring::Unlocked);
    let env = CliEnv::with_bus(&session.address);
    let out = env.run(
        &[
            "app",
            "add",
            "--name",
            "x",
            "--app-id",
            "1",
            "--no-verify",
            "--key",
            &path("rsa2048-pkcs1.pem"),
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let config_before = std::fs::read_to_string(env.config_dir().join("config.toml")).unwrap();

    let home = session.stop();
    let locked = KeyringSession::start_in(home, Keyring::Locked);
    let env = CliEnv {
        bus: Some(locked.address.clone()),
        ..env
    };
    let out = env.run(&["jwt", "--app", "x"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("locked") && err.contains("Unlock"), "{err}");

    let out = env.run(
        &[
            "app",
            "add",
            "--name",
            "y",
            "--app-id",
            "2",
            "--no-verify",
            "--key",
            &path("rsa2048-second.pem"),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("locked"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(env.config_dir().join("config.toml")).unwrap(),
        config_before
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_crash_between_keyring_and_config_leaves_an_orphan_that_is_found_and_cleaned() {
    let session = KeyringSession::start(Keyring::Unlocked);
    let sim = start_sim(SimConfig {
        installations: 5,
        ..Default::default()
    })
    .await;
    let api = sim.api_url();
    let env = CliEnv::with_bus(&session.address);
    let run = |args: &[&str]| tokio::task::block_in_place(|| env.run(args, None));

    // A working app first, which the crash must not disturb.
    let out = run(&[
        "app",
        "add",
        "--name",
        "Steady",
        "--app-id",
        "1",
        "--api-url",
        &api,
        "--key",
        &path("rsa2048-pkcs1.pem"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    sim.register_key(ghsim::public_pkcs1_der(&fixture_text("rsa2048-second.pem")).unwrap());
    let config_before = std::fs::read_to_string(env.config_dir().join("config.toml")).unwrap();

    // Adding a second key, killed between the keyring write and the config write.
    tokio::task::block_in_place(|| {
        kill_after_keyring_write(
            env.command(&[
                "app",
                "key",
                "add",
                "Steady",
                "--key",
                &path("rsa2048-second.pem"),
            ]),
            env.home.path(),
        )
    });
    assert_eq!(
        session.appwarden_entries().len(),
        2,
        "the key reached the keyring"
    );

    // Nothing lost, nothing unusable: the config is as before and the app still works.
    let config_after = std::fs::read_to_string(env.config_dir().join("config.toml")).unwrap();
    assert_eq!(config_after, config_before);
    let out = run(&["installations", "--app", "Steady", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));

    // The orphan is found, named, and cleaned up on request.
    let out = run(&["keyring", "check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let second =
        appwarden_core::PrivateKey::from_pem(fixture_text("rsa2048-second.pem").as_bytes())
            .unwrap()
            .fingerprint();
    assert!(stdout(&out).contains(&second.base64()), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("appwarden keyring clean"),
        "{}",
        stderr(&out)
    );
    let out = run(&["keyring", "clean"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        session.appwarden_entries().len(),
        1,
        "only Steady's key is left"
    );
    let out = run(&["keyring", "check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run(&["app", "verify", "Steady"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));

    // A crash while adding a whole app (another app ID, so another entry): the same, and
    // the app can simply be added again.
    tokio::task::block_in_place(|| {
        kill_after_keyring_write(
            env.command(&[
                "app",
                "add",
                "--name",
                "Crashy",
                "--app-id",
                "2",
                "--no-verify",
                "--api-url",
                &api,
                "--key",
                &path("rsa2048-pkcs1.pem"),
            ]),
            env.home.path(),
        )
    });
    let out = run(&["app", "list"]);
    assert!(!stdout(&out).contains("Crashy"));
    let out = run(&["keyring", "check"]);
    assert_eq!(out.status.code(), Some(1));
    let out = run(&[
        "app",
        "add",
        "--name",
        "Crashy",
        "--app-id",
        "2",
        "--no-verify",
        "--api-url",
        &api,
        "--key",
        &path("rsa2048-pkcs1.pem"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(&["keyring", "check"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "adding it again settled the record"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unwritable_or_full_config_directory_changes_nothing() {
    let session = KeyringSession::start(Keyring::Unlocked);
    let env = CliEnv::with_bus(&session.address);
    let add = |name: &str| {
        vec![
            "app".to_owned(),
            "add".to_owned(),
            "--name".to_owned(),
            name.to_owned(),
            "--app-id".to_owned(),
            "1".to_owned(),
            "--no-verify".to_owned(),
            "--key".to_owned(),
            path("rsa2048-pkcs1.pem"),
        ]
    };
    let args = add("First");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = env.run(&args, None);
    assert!(out.status.success(), "{}", stderr(&out));
    let config_path = env.config_dir().join("config.toml");
    let before = std::fs::read_to_string(&config_path).unwrap();

    // The disk is full: writes fail with "File too large" past 64 bytes (RLIMIT_FSIZE; the
    // signal it raises is ignored so the write returns an error, as on a full disk).
    let args = add("Second");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut command = env.command(&args);
    unsafe {
        use std::os::unix::process::CommandExt;
        command.pre_exec(|| {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit {
                rlim_cur: 64,
                rlim_max: 64,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = command.output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("Could not save") && err.contains("disk is not full"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&config_path).unwrap(), before);
    assert_eq!(
        session.appwarden_entries().len(),
        1,
        "the keyring is unchanged"
    );

    // The config directory cannot be written at all (a file stands where it should be).
    let blocked = env.home.path().join("blocked");
    std::fs::write(&blocked, b"not a directory").unwrap();
    let args = add("Third");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = env
        .command(&args)
        .env("APPWARDEN_CONFIG_DIR", blocked.join("appwarden"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("writable") || err.contains("Could not"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(
        session.appwarden_entries().len(),
        1,
        "the keyring is unchanged"
    );
}
