//! How the file is written (encoding, delimiter, quote, header, line endings, gzip), with
//! overrides and a button to read the file again with them.

use std::sync::Arc;

use leptos::prelude::*;

use crate::core::ingest::{Delimiter, IngestOptions, QuoteOverride, TextEncoding};
use crate::protocol::DatasetView;
use crate::ui::format::serde_name;
use crate::ui::state::AppState;

const DELIMITERS: [(&str, &str); 6] = [
    ("auto", "Detect"),
    ("comma", "Comma ( , )"),
    ("semicolon", "Semicolon ( ; )"),
    ("tab", "Tab"),
    ("pipe", "Pipe ( | )"),
    ("whitespace", "Spaces / whitespace"),
];
const HEADERS: [(&str, &str); 3] = [
    ("auto", "Detect"),
    ("yes", "First row is the header"),
    ("no", "No header row"),
];
const ENCODINGS: [(&str, &str); 5] = [
    ("auto", "Detect"),
    ("utf8", "UTF-8"),
    ("utf16_le", "UTF-16 LE"),
    ("utf16_be", "UTF-16 BE"),
    ("windows1252", "Windows-1252 / Latin-1"),
];
const QUOTES: [(&str, &str); 4] = [
    ("auto", "Detect"),
    ("double", "Double quote ( \" )"),
    ("single", "Single quote ( ' )"),
    ("none", "No quoting"),
];

fn delimiter_choice(options: &IngestOptions) -> String {
    options
        .delimiter
        .map_or_else(|| "auto".to_string(), |d| serde_name(&d))
}

fn header_choice(options: &IngestOptions) -> &'static str {
    match options.header {
        None => "auto",
        Some(true) => "yes",
        Some(false) => "no",
    }
}

fn encoding_choice(options: &IngestOptions) -> &'static str {
    match options.encoding {
        None => "auto",
        Some(TextEncoding::Utf8 | TextEncoding::Utf8Bom) => "utf8",
        Some(TextEncoding::Utf16Le) => "utf16_le",
        Some(TextEncoding::Utf16Be) => "utf16_be",
        Some(TextEncoding::Windows1252) => "windows1252",
    }
}

fn quote_choice(options: &IngestOptions) -> &'static str {
    match options.quote {
        None => "auto",
        Some(QuoteOverride::Single) => "single",
        Some(QuoteOverride::Double) => "double",
        Some(QuoteOverride::NoQuoting) => "none",
    }
}

/// The options the four selects describe.
fn options_from(delimiter: &str, header: &str, encoding: &str, quote: &str) -> IngestOptions {
    IngestOptions {
        delimiter: Delimiter::from_name(delimiter),
        header: match header {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
        encoding: match encoding {
            "utf8" => Some(TextEncoding::Utf8),
            "utf16_le" => Some(TextEncoding::Utf16Le),
            "utf16_be" => Some(TextEncoding::Utf16Be),
            "windows1252" => Some(TextEncoding::Windows1252),
            _ => None,
        },
        quote: match quote {
            "double" => Some(QuoteOverride::Double),
            "single" => Some(QuoteOverride::Single),
            "none" => Some(QuoteOverride::NoQuoting),
            _ => None,
        },
    }
}

fn choices(list: &'static [(&'static str, &'static str)], selected: &str) -> impl IntoView {
    list.iter()
        .map(|(value, label)| {
            view! { <option value=*value selected=*value == selected>{*label}</option> }
        })
        .collect_view()
}

fn quote_text(quote: Option<u8>) -> String {
    match quote {
        Some(b'"') => "double quote ( \" )".to_string(),
        Some(b'\'') => "single quote ( ' )".to_string(),
        Some(other) => format!("( {} )", char::from(other)),
        None => "none".to_string(),
    }
}

#[component]
pub fn DialectCard(state: AppState, dataset: Arc<DatasetView>) -> impl IntoView {
    let dialect = dataset.dialect.clone();
    let options = dataset.options.clone();
    let delimiter = RwSignal::new(delimiter_choice(&options));
    let header = RwSignal::new(header_choice(&options).to_string());
    let encoding = RwSignal::new(encoding_choice(&options).to_string());
    let quote = RwSignal::new(quote_choice(&options).to_string());
    let initial = options.clone();
    let changed = Memo::new(move |_| {
        options_from(
            &delimiter.get(),
            &header.get(),
            &encoding.get(),
            &quote.get(),
        ) != initial
    });
    let reading = move || state.reading.with(Option::is_some);
    let reread = move |_| {
        let options = options_from(
            &delimiter.get_untracked(),
            &header.get_untracked(),
            &encoding.get_untracked(),
            &quote.get_untracked(),
        );
        state.reload(options);
    };

    let encoding_text = if dialect.encoding_guessed {
        format!("{} (guessed)", dialect.encoding.label())
    } else {
        dialect.encoding.label().to_string()
    };
    let header_text = if dialect.header { "yes" } else { "no" };
    let gzip_text = if dialect.gzip { "gzip" } else { "none" };
    let overridden = options != IngestOptions::default();

    view! {
        <section
            class="card dialect-card"
            data-testid="dialect-summary"
            data-delimiter=serde_name(&dialect.delimiter)
            data-encoding=serde_name(&dialect.encoding)
            data-header=dialect.header.to_string()
        >
            <div class="card-head">
                <h2>"File format"</h2>
                <span class="badge badge-quiet">
                    {if overridden { "Your settings" } else { "Detected" }}
                </span>
            </div>
            <dl class="facts">
                <div><dt>"Encoding"</dt><dd>{encoding_text}</dd></div>
                <div><dt>"Delimiter"</dt><dd>{dialect.delimiter.label()}</dd></div>
                <div><dt>"Quote"</dt><dd>{quote_text(dialect.quote)}</dd></div>
                <div><dt>"Header row"</dt><dd>{header_text}</dd></div>
                <div><dt>"Line endings"</dt><dd>{dialect.line_ending.label()}</dd></div>
                <div><dt>"Compression"</dt><dd>{gzip_text}</dd></div>
            </dl>
            <div class="overrides">
                <h3 class="overrides-title">"Columns look wrong? Change how the file is read"</h3>
                <div class="override-grid">
                    <label class="field">
                        <span class="field-label">"Delimiter"</span>
                        <select
                            data-testid="dialect-delimiter-select"
                            on:change=move |ev| delimiter.set(event_target_value(&ev))
                        >
                            {choices(&DELIMITERS, &delimiter.get_untracked())}
                        </select>
                    </label>
                    <label class="field">
                        <span class="field-label">"Header"</span>
                        <select
                            data-testid="dialect-header-select"
                            on:change=move |ev| header.set(event_target_value(&ev))
                        >
                            {choices(&HEADERS, &header.get_untracked())}
                        </select>
                    </label>
                    <label class="field">
                        <span class="field-label">"Encoding"</span>
                        <select
                            data-testid="dialect-encoding-select"
                            on:change=move |ev| encoding.set(event_target_value(&ev))
                        >
                            {choices(&ENCODINGS, &encoding.get_untracked())}
                        </select>
                    </label>
                    <label class="field">
                        <span class="field-label">"Quote"</span>
                        <select
                            data-testid="dialect-quote-select"
                            on:change=move |ev| quote.set(event_target_value(&ev))
                        >
                            {choices(&QUOTES, &quote.get_untracked())}
                        </select>
                    </label>
                </div>
                <div class="override-actions">
                    <button
                        type="button"
                        class="btn"
                        class:btn-primary=changed
                        class:btn-secondary=move || !changed.get()
                        data-testid="reread-button"
                        disabled=reading
                        on:click=reread
                    >
                        "Re-read file"
                    </button>
                    <span class="muted small">
                        {move || if changed.get() { "Settings changed — read the file again to apply them." } else { "“Detect” lets Custos decide." }}
                    </span>
                </div>
            </div>
        </section>
    }
}
