//! The bytes the page and its workers exchange (src/core/protocol/wire.rs): every protocol type
//! comes back as it was written, and bytes from anywhere are read without a panic — cut short,
//! altered, or random.
#![cfg(not(target_arch = "wasm32"))]

use conpar::core::input::scenario::StartMethod;
use conpar::core::input::workload::Workload;
use conpar::core::measure::kernel::Calibration;
use conpar::core::measure::trace::{Model, Span, SpanState};
use conpar::core::protocol::wire::{from_bytes, to_bytes};
use conpar::core::protocol::{Fault, Finished, FromConductor, Ready, RunRequest};
use proptest::prelude::*;

fn request(workload: &str, fault: Option<Fault>) -> RunRequest {
    RunRequest {
        run: 12,
        workload: Workload::parse(workload).expect("a workload"),
        models: Model::ALL.to_vec(),
        threads: 8,
        processes: 3,
        cores: 2,
        switch_ms: 0.005,
        seed: u32::MAX,
        live: true,
        start: StartMethod::Spawn,
        limit: Some(10),
        chunksize: 100,
        fault,
    }
}

#[test]
fn protocol_types_come_back_as_they_were_written() {
    for fault in [
        None,
        Some(Fault::Hang),
        Some(Fault::Busy { factor: 1.75 }),
        Some(Fault::Trap {
            model: Model::Threads,
        }),
    ] {
        let req = request(
            "# a comment\n8 x io 200\nio 20, cpu 5, io 20 payload 64kb\n2 x cpu 1000",
            fault,
        );
        let back: RunRequest = from_bytes(&to_bytes(&req)).expect("it reads back");
        assert_eq!(back, req);
        assert_eq!(back.workload.to_string(), req.workload.to_string());
    }
    let ready = Ready {
        calibration: Calibration {
            rounds_per_ms: 123_456_789,
        },
        threads: 0,
        isolated: false,
        shared_array_buffer: true,
        pool_error: Some("this page is not cross-origin isolated — ü".into()),
    };
    assert_eq!(from_bytes::<Ready>(&to_bytes(&ready)), Ok(ready));
    let done = Finished {
        start: 1234.5678,
        end: f64::MAX,
        lanes: 64,
        checksum: u64::MAX,
        gaps: vec![(0.0, -0.0), (1e-9, 1e300)],
    };
    let back: Finished = from_bytes(&to_bytes(&done)).expect("it reads back");
    assert_eq!(
        (back.start, back.end, back.lanes, back.checksum, back.gaps),
        (done.start, done.end, done.lanes, done.checksum, done.gaps)
    );
    let outcome: Result<u32, String> = Err("a worker died".into());
    assert_eq!(from_bytes(&to_bytes(&outcome)), Ok(outcome));
}

#[test]
fn a_message_cut_short_or_with_bytes_after_it_is_an_error() {
    let bytes = to_bytes(&request("io 10, cpu 10", Some(Fault::Hang)));
    for end in 0..bytes.len() {
        assert!(
            from_bytes::<RunRequest>(&bytes[..end]).is_err(),
            "{end} of {} bytes read as a request",
            bytes.len()
        );
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(from_bytes::<RunRequest>(&longer).is_err());
    // A count larger than the bytes left is damage, not an allocation.
    assert!(from_bytes::<Vec<u32>>(&[0xff, 0xff, 0xff, 0xff, 0x0f]).is_err());
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = from_bytes::<RunRequest>(&bytes);
        let _ = from_bytes::<Ready>(&bytes);
        let _ = from_bytes::<Finished>(&bytes);
    }

    #[test]
    fn any_byte_of_a_request_altered_reads_as_an_error_or_a_request(
        at in any::<prop::sample::Index>(),
        value in any::<u8>(),
    ) {
        let mut bytes = to_bytes(&request("3 x io 20, cpu 5 payload 1kb", None));
        let i = at.index(bytes.len());
        bytes[i] = value;
        let _ = from_bytes::<RunRequest>(&bytes);
    }
}

/// The conductor's spans cross in the message itself, as the session reads them: every state
/// comes back, and a state code no span has is an error.
#[test]
fn the_conductors_spans_come_back_in_their_message_and_a_bad_state_is_an_error() {
    let span = |lane, state, start: f64| Span {
        lane,
        task: lane * 3,
        step: 1,
        state,
        start,
        end: start + 2.5,
    };
    let done: Vec<Span> = SpanState::ALL
        .iter()
        .enumerate()
        .map(|(i, &s)| span(i as u32, s, 1.0 + i as f64))
        .collect();
    let open = vec![span(7, SpanState::Cpu, 40.125)];
    let message = FromConductor::Spans {
        run: 3,
        slot: 2,
        done: done.clone(),
        open: open.clone(),
    };
    let bytes = to_bytes(&message);
    match from_bytes::<FromConductor>(&bytes) {
        Ok(FromConductor::Spans {
            run: 3,
            slot: 2,
            done: d,
            open: o,
        }) => assert_eq!((d, o), (done, open)),
        other => panic!("came back as {other:?}"),
    }
    // The first span's state byte follows the tag, run, slot, count, lane, task and step.
    let mut damaged = bytes.clone();
    damaged[7] = 200;
    let err = from_bytes::<FromConductor>(&damaged).expect_err("no span has state 200");
    assert!(err.contains("span state"), "{err}");
}
