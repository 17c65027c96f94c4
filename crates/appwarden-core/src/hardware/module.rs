//! PKCS#11 libraries: loaded and initialised once per process (PKCS#11 allows one
//! `C_Initialize` per process), finalised when the last user lets go, and the places where
//! the common ones are installed.

use super::HardwareError;
use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};

/// A loaded, initialised PKCS#11 library. `C_Finalize` runs when the last handle drops.
#[derive(Debug)]
pub struct Module {
    path: PathBuf,
    context: Pkcs11,
}

impl Module {
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn context(&self) -> &Pkcs11 {
        &self.context
    }
}

impl Drop for Module {
    fn drop(&mut self) {
        let _ = self.context.clone().finalize();
    }
}

static LOADED: Mutex<Option<HashMap<PathBuf, Weak<Module>>>> = Mutex::new(None);

/// The module at `path`, loaded and initialised, or the one this process already has.
pub fn load(path: &Path) -> Result<Arc<Module>, HardwareError> {
    let key = std::fs::canonicalize(path).map_err(|_| HardwareError::ModuleNotFound {
        path: path.to_path_buf(),
    })?;
    let mut loaded = LOADED.lock().unwrap_or_else(|e| e.into_inner());
    let loaded = loaded.get_or_insert_with(HashMap::new);
    if let Some(module) = loaded.get(&key).and_then(Weak::upgrade) {
        return Ok(module);
    }
    if !key.is_file() {
        return Err(HardwareError::NotAModule {
            path: path.to_path_buf(),
            detail: "it is not a file".into(),
        });
    }
    let context = Pkcs11::new(&key).map_err(|err| HardwareError::NotAModule {
        path: path.to_path_buf(),
        detail: match err {
            CkError::LibraryLoading(_) => "it cannot be loaded as a shared library".into(),
            CkError::MissingSymbol(symbol) => format!("it has no {symbol}"),
            other => other.to_string(),
        },
    })?;
    match context.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        Ok(()) | Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
        Err(err) => {
            return Err(HardwareError::NotAModule {
                path: path.to_path_buf(),
                detail: format!("C_Initialize failed: {err}"),
            });
        }
    }
    let module = Arc::new(Module {
        path: path.to_path_buf(),
        context,
    });
    loaded.insert(key, Arc::downgrade(&module));
    Ok(module)
}

/// A PKCS#11 library that may be installed, for the window's module picker.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ModuleCandidate {
    /// What it is for ("SoftHSM2", "OpenSC (smart cards)", …).
    pub name: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub path: PathBuf,
    pub installed: bool,
}

/// Where the usual PKCS#11 libraries are installed on this system, present or not.
pub fn usual_modules() -> Vec<ModuleCandidate> {
    candidate_paths()
        .iter()
        .map(|(name, path)| ModuleCandidate {
            name: (*name).to_owned(),
            path: PathBuf::from(path),
            installed: Path::new(path).is_file(),
        })
        .collect()
}

fn candidate_paths() -> &'static [(&'static str, &'static str)] {
    if cfg!(target_os = "macos") {
        &[
            ("SoftHSM2", "/opt/homebrew/lib/softhsm/libsofthsm2.so"),
            ("SoftHSM2", "/usr/local/lib/softhsm/libsofthsm2.so"),
            (
                "OpenSC (smart cards)",
                "/Library/OpenSC/lib/opensc-pkcs11.so",
            ),
            ("YubiKey (ykcs11)", "/usr/local/lib/libykcs11.dylib"),
            ("YubiKey (ykcs11)", "/opt/homebrew/lib/libykcs11.dylib"),
            ("p11-kit proxy", "/opt/homebrew/lib/p11-kit-proxy.dylib"),
        ]
    } else if cfg!(windows) {
        &[
            ("SoftHSM2", r"C:\SoftHSM2\lib\softhsm2-x64.dll"),
            (
                "OpenSC (smart cards)",
                r"C:\Windows\System32\opensc-pkcs11.dll",
            ),
            (
                "YubiKey (ykcs11)",
                r"C:\Program Files\Yubico\Yubico PIV Tool\bin\libykcs11.dll",
            ),
        ]
    } else {
        &[
            ("SoftHSM2", "/usr/lib/softhsm/libsofthsm2.so"),
            (
                "SoftHSM2",
                "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
            ),
            ("SoftHSM2", "/usr/lib64/pkcs11/libsofthsm2.so"),
            (
                "OpenSC (smart cards)",
                "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
            ),
            ("OpenSC (smart cards)", "/usr/lib64/opensc-pkcs11.so"),
            ("YubiKey (ykcs11)", "/usr/lib/x86_64-linux-gnu/libykcs11.so"),
            ("YubiKey (ykcs11)", "/usr/lib64/libykcs11.so"),
            (
                "p11-kit proxy",
                "/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so",
            ),
            ("p11-kit proxy", "/usr/lib64/p11-kit-proxy.so"),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_or_foreign_library_is_refused_in_plain_words() {
        let missing = load(Path::new("/nonexistent/libnothing.so")).unwrap_err();
        assert!(matches!(missing, HardwareError::ModuleNotFound { .. }));
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("not-a-library.so");
        std::fs::write(&text, b"hello").unwrap();
        let foreign = load(&text).unwrap_err();
        assert!(
            matches!(foreign, HardwareError::NotAModule { .. }),
            "{foreign:?}"
        );
        assert!(foreign.to_string().contains("not a PKCS#11 module"));
        assert!(matches!(
            load(dir.path()).unwrap_err(),
            HardwareError::NotAModule { .. }
        ));
    }

    #[test]
    fn the_usual_places_are_listed_for_every_platform() {
        let modules = usual_modules();
        assert!(modules.iter().any(|m| m.name == "SoftHSM2"));
        assert!(modules.iter().any(|m| m.name.starts_with("OpenSC")));
    }
}
