//! The browser app (built by Trunk as `custos-app`): mounts the Leptos UI.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(custos::ui::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
