//! WebKitGTK settings for a window that is one page of tables and forms, painted by the
//! CPU:
//! - compositing off (`WEBKIT_DISABLE_COMPOSITING_MODE`): accelerated compositing costs GL
//!   buffers per layer and buys nothing here;
//! - with compositing off, no GL in the app's own process either: GTK does not probe GLX
//!   when it opens the display (`GDK_GL=disable`), WebKit does not open an EGL display to
//!   ask which DMA-BUF formats it could share (`WEBKIT_DISABLE_DMABUF_RENDERER`) or which
//!   render node the web process should use (`WEBKIT_WEB_RENDER_DEVICE_FILE`, set to the
//!   machine's first render node, or to a name that is none when it has none). Opening a
//!   display loads the GL driver, and Mesa's loads LLVM: measured, the app's process 90 →
//!   61 MB PSS at rest under Xvfb;
//! - the document-viewer cache model (no resource memory cache, no back/forward page
//!   cache), which is what a single-page console needs (measured: 299 → 254 MB PSS with
//!   10,000 installations loaded).
//!
//! A value the user set for any of these variables is kept; with compositing turned back
//! on (`WEBKIT_DISABLE_COMPOSITING_MODE=0`, as the window tests do for screenshots) the GL
//! variables are left alone, since the app's process then shows the web process's GL buffers.

/// The environment variables to set, given the compositing setting in effect and the
/// render nodes the machine has; each only where the user has not set it.
fn environment(
    compositing_setting: Option<&str>,
    render_nodes: &[String],
    is_set: impl Fn(&str) -> bool,
) -> Vec<(&'static str, String)> {
    let mut wanted = Vec::new();
    let compositing_off = match compositing_setting {
        None => {
            wanted.push(("WEBKIT_DISABLE_COMPOSITING_MODE", "1".to_owned()));
            true
        }
        Some(value) => value != "0",
    };
    if compositing_off {
        let render_node = render_nodes
            .first()
            .cloned()
            .unwrap_or_else(|| "none".to_owned());
        wanted.push(("GDK_GL", "disable".to_owned()));
        wanted.push(("WEBKIT_DISABLE_DMABUF_RENDERER", "1".to_owned()));
        wanted.push(("WEBKIT_WEB_RENDER_DEVICE_FILE", render_node));
    }
    wanted.retain(|(name, _)| !is_set(name));
    wanted
}

/// The machine's DRM render nodes (`/dev/dri/renderD128`, …), sorted.
fn render_nodes() -> Vec<String> {
    let mut nodes: Vec<String> = std::fs::read_dir("/dev/dri")
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| entry.file_name().to_string_lossy().starts_with("renderD"))
        .map(|entry| entry.path().to_string_lossy().into_owned())
        .collect();
    nodes.sort();
    nodes
}

/// Sets the process environment WebKitGTK and GTK read at start (see the module's doc).
///
/// # Safety
/// Call first thing in `main`, before any other thread exists: it changes the environment.
pub unsafe fn prepare_environment() {
    #[cfg(target_os = "linux")]
    {
        let compositing = std::env::var("WEBKIT_DISABLE_COMPOSITING_MODE").ok();
        let wanted = environment(compositing.as_deref(), &render_nodes(), |name| {
            std::env::var_os(name).is_some()
        });
        for (name, value) in wanted {
            // SAFETY: the caller guarantees no other thread exists yet.
            unsafe { std::env::set_var(name, value) };
        }
    }
}

/// Sets the window's web context to the document-viewer cache model.
pub fn configure<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>) {
    #[cfg(target_os = "linux")]
    let _ = window.with_webview(|webview| {
        use webkit2gtk::{CacheModel, WebContextExt, WebViewExt};
        if let Some(context) = webview.inner().context() {
            context.set_cache_model(CacheModel::DocumentViewer);
        }
    });
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(wanted: &[(&'static str, String)]) -> Vec<&'static str> {
        wanted.iter().map(|(name, _)| *name).collect()
    }

    #[test]
    fn by_default_compositing_and_gl_are_off_in_the_apps_process() {
        let wanted = environment(None, &[], |_| false);
        assert_eq!(
            wanted,
            [
                ("WEBKIT_DISABLE_COMPOSITING_MODE", "1".to_owned()),
                ("GDK_GL", "disable".to_owned()),
                ("WEBKIT_DISABLE_DMABUF_RENDERER", "1".to_owned()),
                ("WEBKIT_WEB_RENDER_DEVICE_FILE", "none".to_owned()),
            ]
        );
    }

    #[test]
    fn the_web_process_is_given_the_machines_first_render_node() {
        let nodes = [
            "/dev/dri/renderD128".to_owned(),
            "/dev/dri/renderD129".to_owned(),
        ];
        let wanted = environment(None, &nodes, |_| false);
        assert!(wanted.contains(&(
            "WEBKIT_WEB_RENDER_DEVICE_FILE",
            "/dev/dri/renderD128".to_owned()
        )));
    }

    #[test]
    fn compositing_turned_on_leaves_gl_alone() {
        assert!(environment(Some("0"), &[], |_| false).is_empty());
        assert_eq!(names(&environment(Some("1"), &[], |_| false)).len(), 3);
    }

    #[test]
    fn what_the_user_set_is_kept() {
        let wanted = environment(None, &[], |name| name == "GDK_GL");
        assert!(!names(&wanted).contains(&"GDK_GL"));
        assert!(names(&wanted).contains(&"WEBKIT_DISABLE_DMABUF_RENDERER"));
    }
}
