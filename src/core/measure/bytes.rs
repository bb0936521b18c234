//! Bytes as conpar writes and reads them, for recordings in a link and the messages between the
//! page and its workers: LEB128 integers, zigzagged signed ones, strings with their length.

/// The longest string written or read, in bytes.
pub const MAX_TEXT: usize = 4096;

/// Bytes being written.
pub struct Writer(pub Vec<u8>);

impl Writer {
    /// An unsigned integer as LEB128: seven bits a byte, low first.
    pub fn uint(&mut self, mut v: u64) {
        loop {
            let low = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.0.push(low);
                return;
            }
            self.0.push(low | 0x80);
        }
    }

    /// A signed integer, zigzagged (small magnitudes stay short), as LEB128.
    pub fn int(&mut self, v: i64) {
        self.uint(((v << 1) ^ (v >> 63)) as u64);
    }

    /// A string, its length first; one over [`MAX_TEXT`] bytes is shortened.
    pub fn text(&mut self, s: &str) {
        let s = &s.as_bytes()[..s.len().min(MAX_TEXT)];
        // Cut on a character boundary: a string is written whole or shortened, never broken.
        let s = match std::str::from_utf8(s) {
            Ok(s) => s.as_bytes(),
            Err(e) => &s[..e.valid_up_to()],
        };
        self.uint(s.len() as u64);
        self.0.extend_from_slice(s);
    }
}

/// Bytes being read: every read checks what is left, and counts are capped, so bytes from
/// anywhere can be read without a panic or a vast allocation.
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

pub const SHORT: &str = "it is damaged or cut short";

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, at: 0 }
    }

    /// How many bytes are not read yet.
    pub fn left(&self) -> usize {
        self.bytes.len() - self.at
    }

    pub fn take(&mut self, n: usize) -> Result<&[u8], String> {
        if n > self.left() {
            return Err(SHORT.into());
        }
        self.at += n;
        Ok(&self.bytes[self.at - n..self.at])
    }

    pub fn byte(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    pub fn uint(&mut self) -> Result<u64, String> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("it is damaged (a number too long)".into())
    }

    pub fn int(&mut self) -> Result<i64, String> {
        let u = self.uint()?;
        Ok((u >> 1) as i64 ^ -((u & 1) as i64))
    }

    pub fn count(&mut self, most: usize, what: &str) -> Result<usize, String> {
        let n = self.uint()?;
        usize::try_from(n)
            .ok()
            .filter(|&n| n <= most)
            .ok_or_else(|| format!("it is damaged (too many {what})"))
    }

    pub fn text(&mut self) -> Result<String, String> {
        let n = self.count(MAX_TEXT, "characters")?;
        let bytes = self.take(n)?;
        String::from_utf8(bytes.to_vec())
            .map_err(|_| "it is damaged (text that is not UTF-8)".into())
    }
}
