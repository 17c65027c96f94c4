//! A private SoftHSM2 token store (SoftHSM2 is a real PKCS#11 implementation): its own
//! config file and token directory under a temporary directory, tokens initialised with
//! `softhsm2-util`, objects inspected with OpenSC's `pkcs11-tool`.

use std::path::{Path, PathBuf};
use std::process::Command;

pub const PIN: &str = "123456";
pub const SO_PIN: &str = "12345678";

/// SoftHSM2's PKCS#11 module, where Debian installs it.
pub fn module() -> PathBuf {
    installed_module().expect(
        "SoftHSM2 is installed (apt-get install softhsm2); scripts/install-deps.sh installs it",
    )
}

/// SoftHSM2's module, if it is installed.
pub fn installed_module() -> Option<PathBuf> {
    [
        "/usr/lib/softhsm/libsofthsm2.so",
        "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|path| path.exists())
}

pub struct SoftHsm {
    pub dir: tempfile::TempDir,
}

impl SoftHsm {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("tokens")).unwrap();
        std::fs::write(
            dir.path().join("softhsm2.conf"),
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
                dir.path().join("tokens").display()
            ),
        )
        .unwrap();
        Self { dir }
    }

    /// The value of `SOFTHSM2_CONF` for this store.
    pub fn conf(&self) -> PathBuf {
        self.dir.path().join("softhsm2.conf")
    }

    fn util(&self) -> Command {
        let mut command = Command::new("softhsm2-util");
        command.env("SOFTHSM2_CONF", self.conf());
        command
    }

    /// Initialises a new token with [`PIN`] in the next free slot.
    pub fn init_token(&self, label: &str) {
        self.init_token_with_pin(label, PIN);
    }

    pub fn init_token_with_pin(&self, label: &str, pin: &str) {
        let output = self
            .util()
            .args([
                "--init-token",
                "--free",
                "--label",
                label,
                "--pin",
                pin,
                "--so-pin",
                SO_PIN,
            ])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Deletes a token (as if it were pulled out).
    pub fn delete_token(&self, label: &str) {
        let output = self
            .util()
            .args(["--delete-token", "--token", label])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Imports a PEM key (made PKCS#8 with openssl) as SoftHSM does, for "a key already on
    /// the token".
    pub fn import_with_util(
        &self,
        label: &str,
        pin: &str,
        pem: &Path,
        key_label: &str,
        id_hex: &str,
    ) {
        let pkcs8 = self.dir.path().join(format!("{key_label}.p8"));
        let status = Command::new("openssl")
            .args(["pkcs8", "-topk8", "-nocrypt", "-in"])
            .arg(pem)
            .arg("-out")
            .arg(&pkcs8)
            .status()
            .unwrap();
        assert!(status.success());
        let output = self
            .util()
            .arg("--import")
            .arg(&pkcs8)
            .args([
                "--token", label, "--label", key_label, "--id", id_hex, "--pin", pin,
            ])
            .output()
            .unwrap();
        std::fs::remove_file(&pkcs8).unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// `pkcs11-tool` on a token, logged in with [`PIN`].
    pub fn pkcs11_tool(&self, token: &str, args: &[&str]) -> std::process::Output {
        self.pkcs11_tool_with_pin(token, PIN, args)
    }

    pub fn pkcs11_tool_with_pin(
        &self,
        token: &str,
        pin: &str,
        args: &[&str],
    ) -> std::process::Output {
        Command::new("pkcs11-tool")
            .env("SOFTHSM2_CONF", self.conf())
            .arg("--module")
            .arg(module())
            .args(["--token-label", token, "--login", "--pin", pin])
            .args(args)
            .output()
            .expect("pkcs11-tool is installed (apt-get install opensc)")
    }
}

impl Default for SoftHsm {
    fn default() -> Self {
        Self::new()
    }
}
