//! Reading the workload language: its tokens, numbers, durations and sizes, and one line
//! (a group of tasks) at a time, each error pointing at its place in the text.

use super::*;

/// A word of the input and where it starts.
#[derive(Clone, Copy, Debug)]
pub(super) struct Token<'a> {
    pub(super) text: &'a str,
    pub(super) line: u32,
    pub(super) column: u32,
}

impl Token<'_> {
    fn error(&self, message: impl Into<String>) -> WorkloadError {
        WorkloadError {
            line: self.line,
            column: self.column,
            message: message.into(),
        }
    }
}

/// U+FEFF: a byte order mark at the start of a text, a zero-width no-break space elsewhere.
pub(super) const BOM: char = '\u{feff}';

/// A character the language does not use outside comments: anything but printable ASCII,
/// spaces, tabs and `×`.
pub(super) fn foreign(c: char) -> bool {
    let printable = c.is_ascii() && (!c.is_ascii_control() || c == '\t' || c == '\r');
    !(printable || c == '×' || (c.is_whitespace() && !is_invisible(c)))
}

/// Characters that take no room on screen, so an error that quoted them would show text that
/// looks valid.
pub(super) fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{00ad}' | '\u{061c}' | '\u{180e}' | BOM | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Names a character the language does not use, by description and code point, with what to
/// write instead where there is an obvious answer.
pub(super) fn describe_foreign(c: char) -> String {
    let code = format!("U+{:04X}", u32::from(c));
    let named = match c {
        '\u{200b}' => Some("a zero-width space"),
        '\u{200c}' => Some("a zero-width non-joiner"),
        '\u{200d}' => Some("a zero-width joiner"),
        '\u{200e}' | '\u{200f}' => Some("an invisible direction mark"),
        '\u{2060}' => Some("a word joiner"),
        '\u{00ad}' => Some("a soft hyphen"),
        BOM => Some("a zero-width no-break space"),
        _ => None,
    };
    if let Some(name) = named {
        return format!("{name} ({code}) is here, invisible: delete it");
    }
    if is_invisible(c) {
        return format!("an invisible formatting character ({code}) is here: delete it");
    }
    // The full-width forms of ASCII (what an East Asian input method types) map back by a
    // fixed offset.
    if ('\u{ff01}'..='\u{ff5e}').contains(&c) {
        let ascii = char::from_u32(u32::from(c) - 0xfee0).unwrap_or('?');
        let kind = if ascii.is_ascii_digit() {
            "digit"
        } else if ascii == ',' {
            "comma"
        } else if ascii.is_ascii_alphabetic() {
            "letter"
        } else {
            "sign"
        };
        return format!("a full-width {kind} `{c}` ({code}): write `{ascii}` instead");
    }
    match c {
        '\u{3001}' | '\u{060c}' => format!("a comma of another script `{c}` ({code}): write `,` instead"),
        c if c.is_numeric() => format!("a digit of another script `{c}` ({code}): write the digits 0–9"),
        c if c.is_alphabetic() => format!(
            "`{c}` ({code}) is not a Latin letter, though it may look like one: the language's words are ASCII (`io`, `cpu`, `x`, `payload`)"
        ),
        c if c.is_control() => format!("a control character ({code}) is here: delete it"),
        c => format!("`{c}` ({code}) is not part of the language: steps are like `io 100` or `cpu 20`"),
    }
}

/// Splits one logical line into words; `,` and `x`/`×` after a number are words of their own.
pub(super) fn tokenize<'a>(text: &'a str, line: u32, first_column: u32) -> Vec<Token<'a>> {
    let mut tokens = Vec::new();
    let mut start: Option<usize> = None;
    let column_of = |byte: usize| first_column + text[..byte].chars().count() as u32;
    let push = |tokens: &mut Vec<Token<'a>>, from: usize, to: usize| {
        if from < to {
            tokens.push(Token {
                text: &text[from..to],
                line,
                column: column_of(from),
            });
        }
    };
    for (i, c) in text.char_indices() {
        if c.is_whitespace() || c == ',' || c == '×' {
            if let Some(s) = start.take() {
                push(&mut tokens, s, i);
            }
            if c == ',' || c == '×' {
                push(&mut tokens, i, i + c.len_utf8());
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        push(&mut tokens, s, text.len());
    }
    // "8x" written without a space: split the count from the x.
    let mut out = Vec::with_capacity(tokens.len());
    for t in tokens {
        let lower = t.text.to_ascii_lowercase();
        if lower.len() > 1
            && lower.ends_with('x')
            && lower[..lower.len() - 1].bytes().all(|b| b.is_ascii_digit())
        {
            let n = t.text.len() - 1;
            out.push(Token {
                text: &t.text[..n],
                ..t
            });
            out.push(Token {
                text: &t.text[n..],
                line: t.line,
                column: t.column + n as u32,
            });
        } else {
            out.push(t);
        }
    }
    out
}

pub(super) fn parse_number(token: &Token<'_>, what: &str) -> Result<u64, WorkloadError> {
    if token.text.is_empty() || !token.text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(token.error(format!(
            "expected {what} (a whole number), found `{}`",
            token.text
        )));
    }
    token
        .text
        .parse::<u64>()
        .map_err(|_| token.error(format!("{what} `{}` is too large", token.text)))
}

pub(super) fn parse_ms(
    token: Option<&Token<'_>>,
    after: &Token<'_>,
    limits: &Limits,
) -> Result<u32, WorkloadError> {
    let Some(token) = token else {
        return Err(WorkloadError {
            line: after.line,
            column: after.column + after.text.chars().count() as u32,
            message: format!("expected a duration in milliseconds after `{}`", after.text),
        });
    };
    let text = token.text.strip_suffix("ms").unwrap_or(token.text);
    let n = parse_number(&Token { text, ..*token }, "a duration in milliseconds")?;
    if n == 0 {
        return Err(token.error("a step must last at least 1 ms"));
    }
    if n > u64::from(limits.max_step_ms) {
        return Err(token.error(format!(
            "{n} ms is longer than the {} ms a step may last",
            limits.max_step_ms
        )));
    }
    Ok(n as u32)
}

pub(super) fn parse_size(token: &Token<'_>, limits: &Limits) -> Result<u32, WorkloadError> {
    let lower = token.text.to_ascii_lowercase();
    let (digits, unit) = if let Some(d) = lower.strip_suffix("mb") {
        (d, 1024 * 1024)
    } else if let Some(d) = lower.strip_suffix("kb") {
        (d, 1024)
    } else if let Some(d) = lower.strip_suffix('b') {
        (d, 1)
    } else {
        (lower.as_str(), 1)
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        // The whole word, so `1gb` is not reported as `1g`.
        return Err(token.error(format!(
            "expected a size (like 64kb or 2mb), found `{}`",
            token.text
        )));
    }
    let n = parse_number(
        &Token {
            text: digits,
            ..*token
        },
        "a size (like 64kb or 2mb)",
    )?;
    let bytes = n.saturating_mul(unit);
    if bytes > u64::from(limits.max_payload) {
        return Err(token.error(format!(
            "a payload may be at most {}",
            format_size(limits.max_payload)
        )));
    }
    Ok(bytes as u32)
}

/// Prints a byte count the way the language reads it back.
pub fn format_size(bytes: u32) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{}mb", bytes / (1024 * 1024))
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{}kb", bytes / 1024)
    } else {
        format!("{bytes}b")
    }
}

pub(super) fn parse_group(tokens: &[Token<'_>], limits: &Limits) -> Result<Group, WorkloadError> {
    let mut i = 0;
    let mut count = 1u32;
    // An optional "N x" (or "N ×") prefix.
    if let (Some(first), Some(second)) = (tokens.first(), tokens.get(1)) {
        if first.text.bytes().all(|b| b.is_ascii_digit()) && matches!(second.text, "x" | "X" | "×")
        {
            let n = parse_number(first, "a task count")?;
            if n == 0 {
                return Err(first.error("the count must be at least 1"));
            }
            if n > u64::from(limits.max_tasks) {
                return Err(first.error(format!("at most {} tasks are allowed", limits.max_tasks)));
            }
            count = n as u32;
            i = 2;
        }
    }
    let mut steps = Vec::new();
    let mut payload = 0u32;
    let mut expect_step = true;
    while i < tokens.len() {
        let t = &tokens[i];
        let word = t.text.to_ascii_lowercase();
        if expect_step {
            match word.as_str() {
                "io" | "cpu" => {
                    let ms = parse_ms(tokens.get(i + 1), t, limits)?;
                    steps.push(if word == "io" {
                        Step::Io(ms)
                    } else {
                        Step::Cpu(ms)
                    });
                    if steps.len() as u32 > limits.max_steps_per_task {
                        return Err(t.error(format!(
                            "a task may have at most {} steps",
                            limits.max_steps_per_task
                        )));
                    }
                    i += 2;
                    expect_step = false;
                }
                _ => {
                    return Err(t.error(format!(
                        "expected a step (`io <ms>` or `cpu <ms>`), found `{}`",
                        t.text
                    )))
                }
            }
        } else {
            match word.as_str() {
                "," => {
                    expect_step = true;
                    i += 1;
                }
                "payload" => {
                    let Some(size) = tokens.get(i + 1) else {
                        return Err(WorkloadError {
                            line: t.line,
                            column: t.column + 7,
                            message: "expected a size after `payload` (like 64kb)".into(),
                        });
                    };
                    payload = parse_size(size, limits)?;
                    i += 2;
                    if let Some(extra) = tokens.get(i) {
                        return Err(extra.error(format!(
                            "expected the end of the line after the payload, found `{}`",
                            extra.text
                        )));
                    }
                }
                _ => {
                    return Err(t.error(format!(
                        "expected `,` before the next step (or `payload <size>`), found `{}`",
                        t.text
                    )))
                }
            }
        }
    }
    if steps.is_empty() || expect_step {
        let last = tokens.last().copied().unwrap_or(Token {
            text: "",
            line: 1,
            column: 1,
        });
        return Err(WorkloadError {
            line: last.line,
            column: last.column + last.text.chars().count() as u32,
            message: "expected a step (`io <ms>` or `cpu <ms>`)".into(),
        });
    }
    Ok(Group {
        count,
        task: Task { steps, payload },
    })
}
