//! The installable packages, as an administrator gets them: the `.deb` built by
//! `scripts/package.sh` (which `scripts/test.sh` runs first) is checked with `dpkg-deb`,
//! unpacked into a throwaway root with `dpkg -x`, and what it installed is run: the CLI
//! (`--version`, a fingerprint equal to openssl's, its man pages rendered by `man -l`), the
//! desktop entry and AppStream metainfo through their linters, and the desktop app under
//! Xvfb to a rendered window. The `.rpm` is listed with `rpm -qlp` where `rpm` exists.

use appwarden_system_tests::desktop::Desktop;
use appwarden_system_tests::keyring_session::{Keyring, KeyringSession};
use appwarden_system_tests::{fixture, stderr, stdout};
use std::path::{Path, PathBuf};
use std::process::Command;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn bundle_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/release/bundle")
}

/// The one package of `kind` (`deb`, `rpm`) that package.sh built for this version.
fn package(kind: &str) -> PathBuf {
    let dir = bundle_dir().join(kind);
    let found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e}: run `bash scripts/package.sh` first",
                dir.display()
            )
        })
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            name.ends_with(&format!(".{kind}")) && name.contains(VERSION)
        })
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one .{kind} for {VERSION} in {}: {found:?}",
        dir.display()
    );
    found.into_iter().next().unwrap()
}

fn run(program: &str, args: &[&str]) -> std::process::Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} runs (scripts/install-deps.sh installs it): {e}"))
}

fn field<'a>(control: &'a str, name: &str) -> Option<&'a str> {
    control
        .lines()
        .find_map(|line| line.trim_start().strip_prefix(&format!("{name}: ")))
}

/// Paths the package installs, from `dpkg-deb --contents` (`./usr/bin/appwarden` → `/usr/bin/appwarden`).
fn deb_contents(deb: &Path) -> Vec<String> {
    let out = run("dpkg-deb", &["--contents", &deb.to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
        .lines()
        .filter_map(|line| line.split_whitespace().nth(5))
        .map(|path| {
            format!(
                "/{}",
                path.trim_start_matches(['.', '/']).trim_end_matches('/')
            )
        })
        .collect()
}

#[test]
fn the_deb_declares_what_it_needs_and_holds_the_app_the_cli_its_manual_and_completions() {
    let deb = package("deb");
    let out = run("dpkg-deb", &["--info", &deb.to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let control = stdout(&out);
    assert_eq!(field(&control, "Package"), Some("appwarden"), "{control}");
    assert_eq!(field(&control, "Version"), Some(VERSION), "{control}");
    assert_eq!(field(&control, "Architecture"), Some("amd64"), "{control}");
    let depends = field(&control, "Depends").unwrap_or_default();
    assert!(depends.contains("libwebkit2gtk-4.1-0"), "{control}");
    assert!(depends.contains("libgtk-3-0"), "{control}");
    let recommends = field(&control, "Recommends").unwrap_or_default();
    assert!(recommends.contains("gnome-keyring"), "{control}");
    assert!(field(&control, "Description").is_some(), "{control}");

    // The version comes from Cargo.toml alone; the changelog and the metainfo name it.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let changelog = std::fs::read_to_string(root.join("packaging/changelog")).unwrap();
    assert!(
        changelog
            .lines()
            .next()
            .unwrap_or_default()
            .contains(&format!("({VERSION})")),
        "packaging/changelog has no entry for {VERSION}"
    );
    let metainfo =
        std::fs::read_to_string(root.join("packaging/dev.appwarden.desktop.metainfo.xml")).unwrap();
    assert!(
        metainfo.contains(&format!("<release version=\"{VERSION}\"")),
        "the metainfo has no release {VERSION}"
    );
    let tauri_conf = std::fs::read_to_string(root.join("src-tauri/tauri.conf.json")).unwrap();
    assert!(
        !tauri_conf.contains("\"version\""),
        "tauri.conf.json must take Cargo's version"
    );

    let contents = deb_contents(&deb);
    let has = |path: &str| contents.iter().any(|p| p == path);
    for path in [
        "/usr/bin/appwarden-desktop",
        "/usr/bin/appwarden",
        "/usr/share/applications/Appwarden.desktop",
        "/usr/share/metainfo/dev.appwarden.desktop.metainfo.xml",
        "/usr/share/icons/hicolor/scalable/apps/appwarden-desktop.svg",
        "/usr/share/man/man1/appwarden.1.gz",
        "/usr/share/man/man1/appwarden-key-fingerprint.1.gz",
        "/usr/share/man/man1/appwarden-hook-redeliver.1.gz",
        "/usr/share/bash-completion/completions/appwarden",
        "/usr/share/zsh/vendor-completions/_appwarden",
        "/usr/share/fish/vendor_completions.d/appwarden.fish",
        "/usr/share/doc/appwarden/copyright",
        "/usr/share/doc/appwarden/changelog.Debian.gz",
    ] {
        assert!(has(path), "{path} missing from the .deb: {contents:#?}");
    }
    for size in [16, 32, 48, 64, 128, 256, 512] {
        let icon = format!("/usr/share/icons/hicolor/{size}x{size}/apps/appwarden-desktop.png");
        assert!(has(&icon), "{icon} missing: {contents:#?}");
    }
    // One man page per command and subcommand.
    let pages = contents
        .iter()
        .filter(|p| p.starts_with("/usr/share/man/man1/appwarden"))
        .count();
    assert!(pages >= 30, "{pages} man pages");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_unpacked_deb_runs_the_cli_its_manual_and_the_window() {
    let deb = package("deb");
    let root = tempfile::tempdir().unwrap();
    let out = run(
        "dpkg",
        &["-x", &deb.to_string_lossy(), &root.path().to_string_lossy()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let installed = |path: &str| root.path().join(path.trim_start_matches('/'));

    // The CLI: its version, and a fingerprint equal to openssl's.
    let cli = installed("/usr/bin/appwarden");
    let out = Command::new(&cli).arg("--version").output().unwrap();
    assert_eq!(stdout(&out).trim(), format!("appwarden {VERSION}"));
    let key = fixture("rsa2048-pkcs1.pem");
    let out = Command::new(&cli)
        .args(["key", "fingerprint"])
        .arg(&key)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let openssl = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "openssl rsa -in '{}' -pubout -outform DER 2>/dev/null | openssl sha256 -binary | openssl base64",
            key.display()
        ))
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out).trim(),
        format!("SHA256:{}", stdout(&openssl).trim())
    );

    // The manual renders, and says what `appwarden help` says.
    let page = installed("/usr/share/man/man1/appwarden-key-fingerprint.1.gz");
    let out = Command::new("man")
        .args(["-l", "-P", "cat"])
        .arg(&page)
        .env("MANWIDTH", "100")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let manual = stdout(&out);
    assert!(manual.contains("appwarden-key-fingerprint"), "{manual}");
    let help = Command::new(&cli)
        .args(["help", "key", "fingerprint"])
        .output()
        .unwrap();
    let first_line = stdout(&help).lines().next().unwrap_or_default().to_owned();
    assert!(
        manual
            .replace(char::is_whitespace, "")
            .contains(&first_line.replace(char::is_whitespace, "")),
        "man page lacks `{first_line}`: {manual}"
    );
    // Completions name the commands.
    let bash = std::fs::read_to_string(installed(
        "/usr/share/bash-completion/completions/appwarden",
    ))
    .unwrap();
    assert!(bash.contains("installations") && bash.contains("fingerprint"));

    // The desktop entry and the metainfo pass their linters.
    let entry = installed("/usr/share/applications/Appwarden.desktop");
    let out = run("desktop-file-validate", &[&entry.to_string_lossy()]);
    assert!(
        out.status.success() && stdout(&out).trim().is_empty(),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let text = std::fs::read_to_string(&entry).unwrap();
    let wm_class = text
        .lines()
        .find_map(|l| l.strip_prefix("StartupWMClass="))
        .unwrap_or_else(|| panic!("no StartupWMClass: {text}"))
        .to_owned();
    assert!(text.contains("Exec=appwarden-desktop"), "{text}");
    let metainfo = installed("/usr/share/metainfo/dev.appwarden.desktop.metainfo.xml");
    let out = run(
        "appstreamcli",
        &["validate", "--no-net", &metainfo.to_string_lossy()],
    );
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));

    // The installed app opens to a rendered window.
    let keyring = KeyringSession::start(Keyring::Unlocked);
    let home = tempfile::tempdir().unwrap();
    let app = Desktop::start_binary(
        &installed("/usr/bin/appwarden-desktop"),
        "installed-package",
        &keyring,
        home.path(),
        &[],
    )
    .await;
    app.el("add-app").await;
    assert_eq!(app.driver.title().await.unwrap(), "Appwarden");
    app.shot("01-installed-window").await;
    // The desktop entry's StartupWMClass is the window's class, so docks group them.
    let tree = stdout(&run("xwininfo", &["-root", "-tree"]));
    let classes: Vec<String> = tree
        .lines()
        .filter(|line| line.contains("\"Appwarden\""))
        .filter_map(|line| line.split_whitespace().next())
        .map(|id| stdout(&run("xprop", &["-id", id, "WM_CLASS"])))
        .collect();
    assert!(
        classes
            .iter()
            .any(|c| c.contains(&format!("\"{wm_class}\""))),
        "no window of class {wm_class}: {classes:?}"
    );
    app.quit().await;
}

#[test]
fn the_rpm_lists_the_same_files() {
    if Command::new("rpm").arg("--version").output().is_err() {
        eprintln!("rpm is not installed here: the .rpm is not checked");
        return;
    }
    let rpm = package("rpm");
    let out = run("rpm", &["-qlp", &rpm.to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let files = stdout(&out);
    for path in [
        "/usr/bin/appwarden-desktop",
        "/usr/bin/appwarden",
        "/usr/share/applications/Appwarden.desktop",
        "/usr/share/man/man1/appwarden.1.gz",
        "/usr/share/zsh/site-functions/_appwarden",
        "/usr/share/metainfo/dev.appwarden.desktop.metainfo.xml",
    ] {
        assert!(
            files.lines().any(|line| line == path),
            "{path} missing: {files}"
        );
    }
    let out = run(
        "rpm",
        &["-qp", "--queryformat", "%{VERSION}", &rpm.to_string_lossy()],
    );
    assert_eq!(stdout(&out), VERSION);
}
