//! A scrollable results table with its header row: the markup every table of the steps shares
//! (the rows are the caller's).

use leptos::prelude::*;

/// One header cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub text: String,
    /// Right-aligned, as the numbers under it.
    pub numeric: bool,
    /// Tooltip.
    pub title: Option<String>,
    /// Read out by screen readers only (a column of buttons).
    pub hidden: bool,
}

impl Header {
    /// A text column.
    pub fn text(text: impl Into<String>) -> Header {
        Header {
            text: text.into(),
            numeric: false,
            title: None,
            hidden: false,
        }
    }

    /// A column named for screen readers only (e.g. a column of buttons).
    pub fn hidden(text: impl Into<String>) -> Header {
        Header {
            hidden: true,
            ..Header::text(text)
        }
    }

    /// A number column.
    pub fn num(text: impl Into<String>) -> Header {
        Header {
            numeric: true,
            ..Header::text(text)
        }
    }

    /// With a tooltip.
    pub fn titled(self, title: impl Into<String>) -> Header {
        Header {
            title: Some(title.into()),
            ..self
        }
    }
}

/// `<table class=class data-testid=testid>` in a scrolling box, `headers` as its head and the
/// children as its body rows.
#[component]
pub fn ScrollTable(
    testid: &'static str,
    class: &'static str,
    headers: Vec<Header>,
    children: Children,
) -> impl IntoView {
    let head = headers
        .into_iter()
        .map(|h| {
            let class = if h.numeric { "num" } else { "" };
            let text = if h.hidden {
                view! { <span class="visually-hidden">{h.text}</span> }.into_any()
            } else {
                h.text.into_any()
            };
            view! { <th scope="col" class=class title=h.title>{text}</th> }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class=class data-testid=testid>
                <thead>
                    <tr>{head}</tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}
