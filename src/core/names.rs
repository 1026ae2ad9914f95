//! The words of a column name, for the rules that read what a column means from its name
//! (ingest roles: `dollar_value` is an amount; Predict's default target: `Attrition_Flag` is
//! the outcome). Pure Rust: no web-sys.

/// The words of a column name, lower-case with common accents folded (`Réponse` → `reponse`,
/// `ß` → `ss`): split at anything that is not a letter or a digit, at a lower-case →
/// upper-case step (`TotalCharges`, `isChurn`), before the last capital of a run of capitals
/// followed by a lower-case letter (`USDPrice` → `usd`, `price`; but `CDs` is one word) and
/// between letters and digits (`euribor3m` → `euribor`, `3`, `m`).
pub fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let previous = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
        let next = chars.get(i + 1).copied();
        let boundary = previous.is_some_and(|p| {
            p.is_alphanumeric()
                && ((p.is_lowercase() && c.is_uppercase())
                    || (p.is_uppercase()
                        && c.is_uppercase()
                        && next.is_some_and(char::is_lowercase)
                        && !plural_s(&chars, i + 1))
                    || (p.is_numeric() != c.is_numeric()))
        });
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        for lower in c.to_lowercase() {
            match lower {
                'ß' => current.push_str("ss"),
                other => current.push(fold_accent(other)),
            }
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// `chars[at]` is the `s` that ends a plural acronym (`CDs`, `DVDs`), not the start of a word.
fn plural_s(chars: &[char], at: usize) -> bool {
    chars.get(at) == Some(&'s') && !chars.get(at + 1).is_some_and(|c| c.is_lowercase())
}

/// A lower-case letter without its accent (`é` → `e`, `ü` → `u`); other characters as they are.
fn fold_accent(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        other => other,
    }
}
