//! Tokens: finding one by label or serial, logging in once with a PIN, and keeping the
//! logged-in session for the life of the process (or until [`close_all`]), so that a PIN is
//! asked once per run, not once per signature.

use super::module::{self, Module};
use super::{HardwareError, PinAnswer};
use crate::secret::Pin;
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// Which token: its label, or its serial number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenSelector {
    pub label: Option<String>,
    pub serial: Option<String>,
}

impl TokenSelector {
    pub fn label(label: &str) -> Self {
        Self {
            label: Some(label.trim().to_owned()),
            serial: None,
        }
    }

    fn matches(&self, token: &TokenDescription) -> bool {
        let label_ok = self
            .label
            .as_deref()
            .is_none_or(|label| token.label == label.trim());
        let serial_ok = self
            .serial
            .as_deref()
            .is_none_or(|serial| token.serial == serial.trim());
        label_ok && serial_ok && token.initialized
    }

    fn describe(&self) -> String {
        match (&self.label, &self.serial) {
            (Some(label), Some(serial)) => format!("{label} (serial {serial})"),
            (Some(label), None) => label.clone(),
            (None, Some(serial)) => format!("with serial {serial}"),
            (None, None) => "(any)".into(),
        }
    }
}

/// A slot and the token in it, as the window's token picker shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct TokenDescription {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub module: PathBuf,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub slot: u64,
    /// Empty for a free slot (no token, or a token not yet initialised).
    pub label: String,
    pub serial: String,
    pub manufacturer: String,
    pub model: String,
    /// False for a free slot: such a token must be initialised with its own tools first.
    pub initialized: bool,
    pub login_required: bool,
    pub pin_count_low: bool,
    pub pin_final_try: bool,
    pub pin_locked: bool,
    pub write_protected: bool,
}

impl TokenDescription {
    /// What the token says about the tries left, for a wrong-PIN message.
    fn tries_warning(&self) -> String {
        if self.pin_locked {
            " The PIN is now locked.".into()
        } else if self.pin_final_try {
            " The token says one try is left: a further wrong PIN locks it.".into()
        } else if self.pin_count_low {
            " The token says few tries are left.".into()
        } else {
            " Check it and try again.".into()
        }
    }
}

/// Where PINs come from: a prompt, a file, an environment variable, a dialog.
pub trait PinSource: Send + Sync {
    /// A PIN to try for `token`; `failed` is why the previous one was refused, if one was.
    /// `None`: nothing (more) to try.
    fn pin(&self, token: &TokenDescription, failed: Option<&HardwareError>) -> Option<PinAnswer>;

    /// The token accepted `pin` (a source may keep it, if the user asked).
    fn accepted(&self, _token: &TokenDescription, _pin: &Pin, _remember: bool) {}

    /// The token refused `pin` (a source that keeps PINs forgets it).
    fn refused(&self, _token: &TokenDescription) {}
}

/// A source with no PINs: tokens that need one are refused with [`HardwareError::PinRequired`].
#[derive(Debug, Default)]
pub struct NoPins;

impl PinSource for NoPins {
    fn pin(&self, _: &TokenDescription, _: Option<&HardwareError>) -> Option<PinAnswer> {
        None
    }
}

/// Every slot of a module with what is in it (initialised tokens and free slots).
pub fn list_tokens(module_path: &Path) -> Result<Vec<TokenDescription>, HardwareError> {
    let module = module::load(module_path)?;
    let slots = module
        .context()
        .get_all_slots()
        .map_err(|err| device("the module", "list its slots", err))?;
    Ok(slots
        .into_iter()
        .filter_map(|slot| describe(&module, slot).ok())
        .collect())
}

fn describe(module: &Module, slot: Slot) -> Result<TokenDescription, CkError> {
    let slot_info = module.context().get_slot_info(slot)?;
    let mut description = TokenDescription {
        module: module.path().to_path_buf(),
        slot: slot.id(),
        label: String::new(),
        serial: String::new(),
        manufacturer: slot_info.manufacturer_id().trim().to_owned(),
        model: slot_info.slot_description().trim().to_owned(),
        initialized: false,
        login_required: false,
        pin_count_low: false,
        pin_final_try: false,
        pin_locked: false,
        write_protected: false,
    };
    if !slot_info.token_present() {
        return Ok(description);
    }
    let info = module.context().get_token_info(slot)?;
    description.initialized = info.token_initialized();
    if description.initialized {
        description.label = info.label().trim().to_owned();
    }
    description.serial = info.serial_number().trim().to_owned();
    description.manufacturer = info.manufacturer_id().trim().to_owned();
    description.model = info.model().trim().to_owned();
    description.login_required = info.login_required();
    description.pin_count_low = info.user_pin_count_low();
    description.pin_final_try = info.user_pin_final_try();
    description.pin_locked = info.user_pin_locked();
    description.write_protected = info.write_protected();
    Ok(description)
}

/// A logged-in session to one token, shared by every key on it.
#[derive(Debug)]
pub struct TokenSession {
    token: TokenDescription,
    slot: Slot,
    session: Mutex<Session>,
    read_write: bool,
    // Dropped after the session: the module finalises only once nothing uses it.
    module: Arc<Module>,
}

impl TokenSession {
    pub fn token(&self) -> &TokenDescription {
        &self.token
    }

    pub fn module(&self) -> &Module {
        &self.module
    }

    pub(super) fn slot(&self) -> Slot {
        self.slot
    }

    pub(super) fn read_write(&self) -> bool {
        self.read_write
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, Session> {
        self.session.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether the token still answers this session (and, where it needs a PIN, as logged in).
    pub fn alive(&self) -> bool {
        use cryptoki::session::SessionState;
        match self.lock().get_session_info() {
            Ok(info) => {
                !self.token.login_required
                    || matches!(
                        info.session_state(),
                        SessionState::RoUser | SessionState::RwUser
                    )
            }
            Err(_) => false,
        }
    }

    /// Whether the module still shows this token (by serial and label).
    pub(super) fn still_present(&self) -> bool {
        list_tokens(self.module.path()).is_ok_and(|tokens| {
            tokens.iter().any(|token| {
                token.initialized
                    && token.serial == self.token.serial
                    && token.label == self.token.label
            })
        })
    }

    /// A PKCS#11 failure of this session in plain words.
    pub(super) fn error(&self, operation: &str, err: CkError) -> HardwareError {
        let lost = matches!(
            err,
            CkError::Pkcs11(
                RvError::DeviceRemoved
                    | RvError::TokenNotPresent
                    | RvError::SessionHandleInvalid
                    | RvError::SessionClosed
                    | RvError::UserNotLoggedIn
                    | RvError::DeviceError,
                _
            )
        );
        let handle_gone = matches!(
            err,
            CkError::Pkcs11(RvError::ObjectHandleInvalid | RvError::KeyHandleInvalid, _)
        );
        if lost || (handle_gone && !self.still_present()) {
            forget(self);
            return HardwareError::TokenRemoved {
                token: self.token.label.clone(),
            };
        }
        device(&self.token.label, operation, err)
    }
}

pub(super) fn device(token: &str, operation: &str, err: CkError) -> HardwareError {
    HardwareError::Device {
        token: token.to_owned(),
        operation: operation.to_owned(),
        detail: match err {
            CkError::Pkcs11(rv, function) => format!("{function} answered {rv:?}"),
            other => other.to_string(),
        },
    }
}

static OPEN: Mutex<Vec<Arc<TokenSession>>> = Mutex::new(Vec::new());

fn forget(session: &TokenSession) {
    OPEN.lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|open| !std::ptr::eq(Arc::as_ptr(open), session));
}

/// Closes every kept session (logging out) and lets go of the modules. The CLI calls it
/// before exiting, the window when it closes.
pub fn close_all() {
    let sessions = std::mem::take(&mut *OPEN.lock().unwrap_or_else(|e| e.into_inner()));
    for session in sessions {
        if let Ok(session) = Arc::try_unwrap(session) {
            let inner = session
                .session
                .into_inner()
                .unwrap_or_else(|e| e.into_inner());
            let _ = inner.logout();
            let _ = inner.close();
        }
    }
}

/// The logged-in session to the token `selector` picks in the module at `module_path`: the
/// one this process already has, or a new one (asking `pins` when the token needs a PIN).
pub fn open(
    module_path: &Path,
    selector: &TokenSelector,
    pins: &dyn PinSource,
) -> Result<Arc<TokenSession>, HardwareError> {
    let module = module::load(module_path)?;
    let tokens = list_tokens(module_path)?;
    let Some(token) = tokens.iter().find(|token| selector.matches(token)).cloned() else {
        let labels: Vec<String> = tokens
            .iter()
            .filter(|token| token.initialized)
            .map(|token| format!("\"{}\" (serial {})", token.label, token.serial))
            .collect();
        return Err(HardwareError::NoToken {
            module: module_path.to_path_buf(),
            wanted: selector.describe(),
            available: if labels.is_empty() {
                " It has no initialised token.".into()
            } else {
                format!(" It has {}.", labels.join(", "))
            },
        });
    };
    let existing = OPEN
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .find(|open| {
            open.token.serial == token.serial
                && open.token.label == token.label
                && same_module(open.module.path(), module_path)
        })
        .cloned();
    if let Some(existing) = existing {
        if existing.alive() {
            return Ok(existing);
        }
        forget(&existing);
    }
    let slot =
        Slot::try_from(token.slot).map_err(|err| device(&token.label, "open a session", err))?;
    let (session, read_write) = match module.context().open_rw_session(slot) {
        Ok(session) => (session, true),
        Err(CkError::Pkcs11(RvError::TokenWriteProtected, _)) => (
            module
                .context()
                .open_ro_session(slot)
                .map_err(|err| device(&token.label, "open a session", err))?,
            false,
        ),
        Err(err) => return Err(device(&token.label, "open a session", err)),
    };
    if token.login_required {
        login(&module, slot, &session, &token, pins)?;
    }
    let opened = Arc::new(TokenSession {
        token,
        slot,
        session: Mutex::new(session),
        read_write,
        module,
    });
    OPEN.lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(opened.clone());
    Ok(opened)
}

fn prompt_for(token: &TokenDescription, warning: Option<String>) -> Box<super::PinPrompt> {
    Box::new(super::PinPrompt {
        module: token.module.clone(),
        token_label: token.label.clone(),
        token_serial: token.serial.clone(),
        warning,
    })
}

fn same_module(a: &Path, b: &Path) -> bool {
    std::fs::canonicalize(a).ok() == std::fs::canonicalize(b).ok()
}

fn login(
    module: &Module,
    slot: Slot,
    session: &Session,
    token: &TokenDescription,
    pins: &dyn PinSource,
) -> Result<(), HardwareError> {
    log_in_with(
        token,
        pins,
        |pin| {
            let auth = AuthPin::from(pin.expose_secret().to_owned());
            session.login(UserType::User, Some(&auth))
        },
        |token| describe(module, slot).unwrap_or_else(|_| token.clone()),
    )
}

/// Logging in, apart from the token: PINs from `pins` are tried with `try_pin` until one is
/// accepted or there are none; after a refusal the token's flags are read again (`refresh`)
/// for what it says about the tries left, and a PIN that became locked stops the tries.
fn log_in_with(
    token: &TokenDescription,
    pins: &dyn PinSource,
    mut try_pin: impl FnMut(&Pin) -> Result<(), CkError>,
    refresh: impl Fn(&TokenDescription) -> TokenDescription,
) -> Result<(), HardwareError> {
    let locked = || HardwareError::PinLocked {
        token: token.label.clone(),
    };
    if token.pin_locked {
        return Err(locked());
    }
    let mut failed: Option<HardwareError> = None;
    let mut current = token.clone();
    loop {
        let Some(answer) = pins.pin(&current, failed.as_ref()) else {
            return Err(failed.unwrap_or(HardwareError::PinRequired {
                token: token.label.clone(),
                prompt: prompt_for(&current, None),
            }));
        };
        match try_pin(&answer.pin) {
            Ok(()) | Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {
                pins.accepted(&current, &answer.pin, answer.remember);
                return Ok(());
            }
            Err(CkError::Pkcs11(RvError::PinIncorrect, _)) => {
                pins.refused(&current);
                current = refresh(&current);
                if current.pin_locked {
                    return Err(locked());
                }
                let warning = current.tries_warning();
                failed = Some(HardwareError::PinIncorrect {
                    token: token.label.clone(),
                    prompt: prompt_for(&current, Some(warning.trim().to_owned())),
                    warning,
                });
            }
            Err(CkError::Pkcs11(RvError::PinLocked, _)) => {
                pins.refused(&current);
                return Err(locked());
            }
            Err(CkError::Pkcs11(rv @ (RvError::PinLenRange | RvError::PinInvalid), _)) => {
                pins.refused(&current);
                failed = Some(HardwareError::PinInvalid {
                    token: token.label.clone(),
                    detail: format!("{rv:?}"),
                });
            }
            Err(err) => return Err(device(&token.label, "log in", err)),
        }
    }
}

#[cfg(test)]
mod tests {
    //! SoftHSM2 (the real token of the system tests) never locks a PIN, so locking is shown
    //! here with a token that behaves as smart cards do: three wrong PINs, and it is locked.
    use super::*;
    use cryptoki::context::Function;
    use std::sync::Mutex as StdMutex;

    fn token() -> TokenDescription {
        TokenDescription {
            module: PathBuf::from("/usr/lib/libcard.so"),
            slot: 1,
            label: "card".into(),
            serial: "0042".into(),
            manufacturer: String::new(),
            model: String::new(),
            initialized: true,
            login_required: true,
            pin_count_low: false,
            pin_final_try: false,
            pin_locked: false,
            write_protected: false,
        }
    }

    /// Types the given PINs one after another, as a user at a prompt does.
    struct Typed(StdMutex<Vec<&'static str>>);

    impl PinSource for Typed {
        fn pin(&self, _: &TokenDescription, _: Option<&HardwareError>) -> Option<PinAnswer> {
            let mut pins = self.0.lock().unwrap();
            (!pins.is_empty()).then(|| PinAnswer {
                pin: Pin::new(pins.remove(0)),
                remember: false,
            })
        }
    }

    /// A card with PIN 1234 that counts wrong tries: count low after one, final try after
    /// two, locked after three (its flags say so, and it answers CKR_PIN_LOCKED from then on).
    fn card() -> (
        impl FnMut(&Pin) -> Result<(), CkError>,
        impl Fn(&TokenDescription) -> TokenDescription,
    ) {
        let wrong = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = wrong.clone();
        let try_pin = move |pin: &Pin| {
            let so_far = counted.load(std::sync::atomic::Ordering::SeqCst);
            if so_far >= 3 {
                return Err(CkError::Pkcs11(RvError::PinLocked, Function::Login));
            }
            if pin.expose_secret() == "1234" {
                counted.store(0, std::sync::atomic::Ordering::SeqCst);
                Ok(())
            } else {
                counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Err(CkError::Pkcs11(RvError::PinIncorrect, Function::Login))
            }
        };
        let refresh = move |token: &TokenDescription| {
            let so_far = wrong.load(std::sync::atomic::Ordering::SeqCst);
            TokenDescription {
                pin_count_low: so_far >= 1,
                pin_final_try: so_far == 2,
                pin_locked: so_far >= 3,
                ..token.clone()
            }
        };
        (try_pin, refresh)
    }

    #[test]
    fn wrong_pins_say_what_the_token_says_and_a_locked_pin_stops_the_tries() {
        let (try_pin, refresh) = card();
        let two_wrong = Typed(StdMutex::new(vec!["0000", "1111"]));
        let err = log_in_with(&token(), &two_wrong, try_pin, &refresh).unwrap_err();
        assert!(
            err.to_string().contains("one try is left"),
            "after two wrong PINs: {err}"
        );

        let (try_pin, refresh) = card();
        let three_wrong = Typed(StdMutex::new(vec!["0000", "1111", "2222", "1234"]));
        let err = log_in_with(&token(), &three_wrong, try_pin, &refresh).unwrap_err();
        assert!(matches!(err, HardwareError::PinLocked { .. }), "{err:?}");
        assert!(err.to_string().contains("locked"), "{err}");
        assert_eq!(
            three_wrong.0.lock().unwrap().as_slice(),
            ["1234"],
            "no PIN is tried on a locked token"
        );

        let (try_pin, refresh) = card();
        let right = Typed(StdMutex::new(vec!["0000", "1234"]));
        log_in_with(&token(), &right, try_pin, &refresh).unwrap();
    }

    #[test]
    fn a_token_already_locked_is_not_tried_and_no_pin_is_asked_for() {
        let (try_pin, refresh) = card();
        let asked = Typed(StdMutex::new(vec!["1234"]));
        let locked = TokenDescription {
            pin_locked: true,
            ..token()
        };
        let err = log_in_with(&locked, &asked, try_pin, refresh).unwrap_err();
        assert!(matches!(err, HardwareError::PinLocked { .. }));
        assert_eq!(asked.0.lock().unwrap().len(), 1, "the PIN was not used");
        let card_locks = crate::Error::from(err).code();
        assert_eq!(card_locks, crate::ErrorCode::PinLocked);
    }
}
