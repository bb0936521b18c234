//! The protocol's messages as bytes: each type writes its fields in order and reads them back
//! in the same order ([`Wire`]), integers as LEB128, times as the eight bytes of an `f64`.
//!
//! Written by hand rather than derived: serde's deserializers for these few types were the
//! largest code in the module (60 KB before optimisation, for JSON that only conpar reads). A
//! reader checks every length against what is left, so a damaged message is an error, never a
//! panic or a vast allocation.

use crate::core::input::scenario::StartMethod;
use crate::core::input::workload::{Step, Task, Workload};
use crate::core::measure::bytes::{Reader, Writer};
use crate::core::measure::kernel::Calibration;
use crate::core::measure::trace::{Model, Span, SpanState};
use crate::core::protocol::{Fault, Finished, Ready, RunRequest};

/// A value that crosses between the page and its workers.
pub trait Wire: Sized {
    fn put(&self, w: &mut Writer);
    /// # Errors
    /// When the bytes are cut short, damaged, or describe something out of range.
    fn take(r: &mut Reader) -> Result<Self, String>;
}

/// `value` as bytes.
pub fn to_bytes<T: Wire>(value: &T) -> Vec<u8> {
    let mut w = Writer(Vec::new());
    value.put(&mut w);
    w.0
}

/// The value `bytes` hold, all of them.
///
/// # Errors
/// When they do not hold one, or hold more.
pub fn from_bytes<T: Wire>(bytes: &[u8]) -> Result<T, String> {
    let mut r = Reader::new(bytes);
    let value = T::take(&mut r)?;
    if r.left() != 0 {
        return Err(format!("{} bytes after its end", r.left()));
    }
    Ok(value)
}

/// The error for a tag no variant has.
pub fn unknown(what: &str, tag: u8) -> String {
    format!("no {what} has the tag {tag}")
}

/// `Wire` for a struct: its fields written, and read back, in the order named.
macro_rules! wire_struct {
    ($ty:ty { $($field:ident),+ $(,)? }) => {
        impl $crate::core::protocol::wire::Wire for $ty {
            fn put(&self, w: &mut $crate::core::measure::bytes::Writer) {
                $( $crate::core::protocol::wire::Wire::put(&self.$field, w); )+
            }
            fn take(r: &mut $crate::core::measure::bytes::Reader) -> Result<Self, String> {
                Ok(Self { $( $field: $crate::core::protocol::wire::Wire::take(r)?, )+ })
            }
        }
    };
}
// Used here, and by web::messages in the browser build.
pub(crate) use wire_struct;

/// `Wire` for an enum whose variants have named fields (or none, written `{}`): a tag byte for
/// the variant, then its fields in the order named; `$what` names the enum in the error for a
/// tag it does not have.
macro_rules! wire_enum {
    ($ty:ident, $what:literal { $($tag:literal => $variant:ident { $($field:ident),* $(,)? }),+ $(,)? }) => {
        impl $crate::core::protocol::wire::Wire for $ty {
            fn put(&self, w: &mut $crate::core::measure::bytes::Writer) {
                match self {
                    $( $ty::$variant { $($field),* } => {
                        w.0.push($tag);
                        $( $crate::core::protocol::wire::Wire::put($field, w); )*
                    } )+
                }
            }
            fn take(r: &mut $crate::core::measure::bytes::Reader) -> Result<Self, String> {
                Ok(match r.byte()? {
                    $( $tag => $ty::$variant {
                        $( $field: $crate::core::protocol::wire::Wire::take(r)?, )*
                    }, )+
                    t => return Err($crate::core::protocol::wire::unknown($what, t)),
                })
            }
        }
    };
}
// Used here, and by web::messages in the browser build.
pub(crate) use wire_enum;

impl Wire for u32 {
    fn put(&self, w: &mut Writer) {
        w.uint(u64::from(*self));
    }
    fn take(r: &mut Reader) -> Result<Self, String> {
        u32::try_from(r.uint()?).map_err(|_| "a number out of range".to_string())
    }
}

impl Wire for u64 {
    fn put(&self, w: &mut Writer) {
        w.uint(*self);
    }
    fn take(r: &mut Reader) -> Result<Self, String> {
        r.uint()
    }
}

impl Wire for f64 {
    fn put(&self, w: &mut Writer) {
        w.0.extend_from_slice(&self.to_le_bytes());
    }
    fn take(r: &mut Reader) -> Result<Self, String> {
        let mut b = [0; 8];
        b.copy_from_slice(r.take(8)?);
        Ok(f64::from_le_bytes(b))
    }
}

impl Wire for bool {
    fn put(&self, w: &mut Writer) {
        w.0.push(u8::from(*self));
    }
    fn take(r: &mut Reader) -> Result<Self, String> {
        match r.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            b => Err(unknown("bool", b)),
        }
    }
}

impl Wire for String {
    fn put(&self, w: &mut Writer) {
        w.text(self);
    }
    fn take(r: &mut Reader) -> Result<Self, String> {
        r.text()
    }
}

impl<T: Wire> Wire for Option<T> {
    fn put(&self, w: &mut Writer) {
        match self {
            None => w.0.push(0),
            Some(v) => {
                w.0.push(1);
                v.put(w);
            }
        }
    }
    fn take(r: &mut Reader) -> Result<Self, String> {
        match r.byte()? {
            0 => Ok(None),
            1 => Ok(Some(T::take(r)?)),
            b => Err(unknown("option", b)),
        }
    }
}

impl<T: Wire> Wire for Vec<T> {
    fn put(&self, w: &mut Writer) {
        w.uint(self.len() as u64);
        for v in self {
            v.put(w);
        }
    }
    fn take(r: &mut Reader) -> Result<Self, String> {
        // Every element takes a byte at least: a count beyond what is left is damage.
        let n = r.count(r.left(), "elements")?;
        (0..n).map(|_| T::take(r)).collect()
    }
}

impl<A: Wire, B: Wire> Wire for (A, B) {
    fn put(&self, w: &mut Writer) {
        self.0.put(w);
        self.1.put(w);
    }
    fn take(r: &mut Reader) -> Result<Self, String> {
        Ok((A::take(r)?, B::take(r)?))
    }
}

impl Wire for Model {
    fn put(&self, w: &mut Writer) {
        let code = Model::ALL.iter().position(|m| m == self).unwrap_or(0);
        w.0.push(code as u8);
    }
    fn take(r: &mut Reader) -> Result<Self, String> {
        let b = r.byte()?;
        Model::ALL
            .get(usize::from(b))
            .copied()
            .ok_or_else(|| unknown("model", b))
    }
}

impl Wire for StartMethod {
    fn put(&self, w: &mut Writer) {
        w.0.push(match self {
            StartMethod::Forkserver => 0,
            StartMethod::Spawn => 1,
            StartMethod::Fork => 2,
        });
    }
    fn take(r: &mut Reader) -> Result<Self, String> {
        match r.byte()? {
            0 => Ok(StartMethod::Forkserver),
            1 => Ok(StartMethod::Spawn),
            2 => Ok(StartMethod::Fork),
            b => Err(unknown("start method", b)),
        }
    }
}

impl Wire for Step {
    fn put(&self, w: &mut Writer) {
        let (kind, ms) = match *self {
            Step::Io(ms) => (0, ms),
            Step::Cpu(ms) => (1, ms),
        };
        w.0.push(kind);
        ms.put(w);
    }
    fn take(r: &mut Reader) -> Result<Self, String> {
        match r.byte()? {
            0 => Ok(Step::Io(u32::take(r)?)),
            1 => Ok(Step::Cpu(u32::take(r)?)),
            b => Err(unknown("step", b)),
        }
    }
}

impl Wire for Workload {
    fn put(&self, w: &mut Writer) {
        let groups: Vec<(u32, Task)> = self.groups().map(|(n, t)| (n, t.clone())).collect();
        groups.put(w);
    }
    fn take(r: &mut Reader) -> Result<Self, String> {
        Ok(Workload::from_groups(Vec::take(r)?))
    }
}

impl<T: Wire, E: Wire> Wire for Result<T, E> {
    fn put(&self, w: &mut Writer) {
        match self {
            Ok(v) => {
                w.0.push(0);
                v.put(w);
            }
            Err(e) => {
                w.0.push(1);
                e.put(w);
            }
        }
    }
    fn take(r: &mut Reader) -> Result<Self, String> {
        match r.byte()? {
            0 => Ok(Ok(T::take(r)?)),
            1 => Ok(Err(E::take(r)?)),
            b => Err(unknown("result", b)),
        }
    }
}

wire_struct!(Task { steps, payload });
wire_struct!(Calibration { rounds_per_ms });
wire_struct!(RunRequest {
    run,
    workload,
    models,
    threads,
    processes,
    cores,
    switch_ms,
    seed,
    live,
    start,
    limit,
    chunksize,
    fault,
});
wire_struct!(Ready {
    calibration,
    threads,
    isolated,
    shared_array_buffer,
    pool_error,
});
wire_struct!(Finished {
    start,
    end,
    lanes,
    checksum,
    gaps,
});
wire_enum!(Fault, "fault" {
    0 => Trap { model },
    1 => Busy { factor },
    2 => Hang {},
});

/// A span: its lane, task and step, its state's code, and its two times.
impl Wire for Span {
    fn put(&self, w: &mut Writer) {
        self.lane.put(w);
        self.task.put(w);
        self.step.put(w);
        w.0.push(self.state.code());
        self.start.put(w);
        self.end.put(w);
    }
    fn take(r: &mut Reader) -> Result<Self, String> {
        Ok(Span {
            lane: u32::take(r)?,
            task: u32::take(r)?,
            step: u32::take(r)?,
            state: {
                let code = r.byte()?;
                SpanState::from_code(code).ok_or_else(|| unknown("span state", code))?
            },
            start: f64::take(r)?,
            end: f64::take(r)?,
        })
    }
}
