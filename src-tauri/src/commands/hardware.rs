//! Keys on PKCS#11 tokens: the usual modules, a module's tokens and a token's keys for the
//! pickers, unlocking a token with the PIN typed in the window's PIN dialog, and adding a key
//! from a token (imported from a staged PEM, or already there) to an app.

use crate::commands::apps::summary;
use crate::ipc::{
    AppSummary, IpcResult, ModuleList, PinEntry, TokenKeyRequest, TokenKeys, TokenList,
};
use crate::state::{DesktopState, blocking};
use appwarden_core::hardware::{
    self, HardwareError, ImportedKey, PinAnswer, PinSource, TokenDescription, TokenSelector,
};
use appwarden_core::jwt::SigningKey;
use appwarden_core::store::AppStore;
use appwarden_core::{Error, Pin};
use std::path::PathBuf;
use tauri::State;

#[tauri::command]
pub fn pkcs11_modules() -> ModuleList {
    ModuleList {
        modules: hardware::usual_modules(),
    }
}

/// The slots of a module: tokens and free slots.
#[tauri::command]
pub async fn pkcs11_tokens(module: String) -> IpcResult<TokenList> {
    blocking(move || {
        let tokens = hardware::list_tokens(&PathBuf::from(&module))?;
        Ok(TokenList { module, tokens })
    })
    .await
}

/// The private keys on a token (`pin_required` until it is unlocked).
#[tauri::command]
pub async fn pkcs11_keys(
    state: State<'_, DesktopState>,
    module: String,
    token_label: String,
) -> IpcResult<TokenKeys> {
    let store = state.store.clone();
    blocking(move || {
        let session =
            store.open_token(&PathBuf::from(module), &TokenSelector::label(&token_label))?;
        Ok(TokenKeys {
            token: session.token().clone(),
            keys: session.keys()?,
        })
    })
    .await
}

/// The PIN from the dialog, tried once; kept in the keyring if asked and accepted.
struct TypedPin {
    pin: Pin,
    remember: bool,
    store: AppStore,
}

impl PinSource for TypedPin {
    fn pin(&self, _: &TokenDescription, failed: Option<&HardwareError>) -> Option<PinAnswer> {
        failed.is_none().then(|| PinAnswer {
            pin: self.pin.clone(),
            remember: self.remember,
        })
    }

    fn accepted(&self, token: &TokenDescription, pin: &Pin, remember: bool) {
        if remember && let Err(err) = self.store.remember_pin(token, pin) {
            tracing::warn!(token = %token.label, "the PIN could not be kept in the keyring: {err}");
        }
    }
}

/// Logs in to a token with the PIN typed in the window; the session is kept while the app
/// runs, so the command that asked for the PIN can simply be retried.
#[tauri::command]
pub async fn unlock_token(state: State<'_, DesktopState>, entry: PinEntry) -> IpcResult<()> {
    let pins = TypedPin {
        pin: Pin::new(entry.pin.as_str()),
        remember: entry.remember,
        store: state.store.clone(),
    };
    let module = PathBuf::from(&entry.module);
    let selector = TokenSelector::label(&entry.token_label);
    drop(entry);
    blocking(move || {
        hardware::token::open(&module, &selector, &pins)?;
        Ok(())
    })
    .await?;
    state.forget_all_sessions().await;
    Ok(())
}

/// Adds a key on a token to an app: a staged PEM is checked with GitHub first (unless
/// `verify` is false), then imported as a sensitive, non-extractable key; a key already on
/// the token is checked by signing with it. A failure changes nothing (an import is undone).
#[tauri::command]
pub async fn add_token_key(
    state: State<'_, DesktopState>,
    name: String,
    request: TokenKeyRequest,
    verify: bool,
) -> IpcResult<AppSummary> {
    let app = state.app(&name).await?;
    let store = state.store.clone();
    let module = PathBuf::from(&request.module);
    let selector = TokenSelector::label(&request.token_label);
    let session = blocking(move || Ok(store.open_token(&module, &selector)?)).await?;
    let staged = request.staged_key.map(|id| state.staged(id)).transpose()?;
    let existing = match (&request.key_label, &staged) {
        (Some(label), _) => {
            let (session, label) = (session.clone(), label.clone());
            Some(blocking(move || Ok(session.key(&label, None)?)).await?)
        }
        (None, Some(_)) => None,
        (None, None) => {
            return Err(Error::InvalidInput(
                "Choose a key on the token, or give a PEM to import into it.".into(),
            )
            .into());
        }
    };
    if verify {
        let signing: SigningKey = match (&existing, &staged) {
            (Some(key), _) => key.clone().into(),
            (None, Some(private)) => private.clone().into(),
            (None, None) => unreachable!("checked above"),
        };
        state.check_key_with_github(&app, signing).await?;
    }
    let store = state.store.clone();
    let now = state.clock.now();
    let app_name = app.name.clone();
    let updated = blocking(move || {
        let imported = match (existing, staged) {
            (Some(key), _) => ImportedKey {
                key,
                created: false,
            },
            (None, Some(private)) => session.import(&private, &format!("appwarden/{app_name}"))?,
            (None, None) => unreachable!("checked above"),
        };
        store.add_key(&app_name, &imported, now)?;
        Ok(store.app(&app_name)?)
    })
    .await?;
    if let Some(id) = request.staged_key {
        state.unstage(id);
    }
    state.forget_session(&name).await;
    Ok(summary(&updated))
}
