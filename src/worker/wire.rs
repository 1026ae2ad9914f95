//! Details of how messages travel between the UI and the worker, shared by both sides.
//!
//! serde-wasm-bindgen turns both `None` and `Some(None)` of an `Option<Option<_>>` into
//! `undefined`, so `IngestOptions::quote == Some(None)` ("no quoting") would arrive as `None`
//! ("detect"). The sender marks it with an explicit `null` under `options.quote`; the receiver
//! restores it. (A `#[serde(with = …)]` double-option on the field in core would make this
//! unnecessary; the marking is harmless then.)

use js_sys::Reflect;
use wasm_bindgen::JsValue;

use crate::core::ingest::IngestOptions;

/// `kind` of the message a dying worker posts (not part of `Event`: it is the transport's).
pub const PANIC_KIND: &str = "panic";

/// Mark "no quoting" in `message.options.quote` (`message` is a serialized command or event
/// that holds `options` at its top level).
pub fn mark_no_quote(message: &JsValue, options: &IngestOptions) {
    if options.quote == Some(None) {
        if let Ok(object) = Reflect::get(message, &"options".into()) {
            if object.is_object() {
                let _ = Reflect::set(&object, &"quote".into(), &JsValue::NULL);
            }
        }
    }
}

/// Restore "no quoting" marked by [`mark_no_quote`].
pub fn restore_no_quote(message: &JsValue, options: &mut IngestOptions) {
    let quote = Reflect::get(message, &"options".into())
        .and_then(|opts| Reflect::get(&opts, &"quote".into()));
    if matches!(quote, Ok(value) if value.is_null()) {
        options.quote = Some(None);
    }
}
