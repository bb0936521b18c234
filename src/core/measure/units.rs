//! Measured durations, and sentences, in the words people read.

/// `s` with its first letter in upper case: a sentence built from a phrase.
pub fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
}

/// A duration as people read it: "850 ms", "1.25 s".
pub fn format_ms(ms: f64) -> String {
    if ms == 0.0 {
        "0".to_string()
    } else if ms >= 10_000.0 {
        format!("{:.1} s", ms / 1000.0)
    } else if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else if ms >= 10.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}
