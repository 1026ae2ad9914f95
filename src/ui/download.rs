//! Saving something the app made (a CSV, a chart PNG) as a file: a Blob behind a temporary
//! `blob:` link with a `download` name. Nothing leaves the machine.

use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

/// Offer `blob` for download under `file_name`.
pub fn blob(file_name: &str, blob: &Blob) -> Result<(), String> {
    let fail = |what: &str| format!("The file {file_name} could not be saved: {what}.");
    let url = Url::create_object_url_with_blob(blob).map_err(|_| fail("no download link"))?;
    let result = click_link(&url, file_name).map_err(|what| fail(&what));
    let _ = Url::revoke_object_url(&url);
    result
}

/// Offer `text` for download as a file of type `mime`.
pub fn text_file(file_name: &str, text: &str, mime: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| format!("The file {file_name} could not be prepared for saving."))?;
    self::blob(file_name, &blob)
}

fn click_link(url: &str, file_name: &str) -> Result<(), String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| "no document".to_string())?;
    let anchor: HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| "no link element".to_string())?
        .dyn_into()
        .map_err(|_| "no link element".to_string())?;
    anchor.set_href(url);
    anchor.set_download(file_name);
    anchor.set_attribute("hidden", "").ok();
    let body = document.body().ok_or_else(|| "no page body".to_string())?;
    body.append_child(&anchor)
        .map_err(|_| "the link could not be added".to_string())?;
    anchor.click();
    anchor.remove();
    Ok(())
}
