//! The Web Worker binary (built by Trunk as `custos-worker`): owns the loaded data.

#[cfg(target_arch = "wasm32")]
fn main() {
    custos::worker::run();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
