//! The harness itself: every case builds and runs once (each checks its own
//! result), and every JWS row has jot, josekit and the floor.

use jot_bench::cases::{self, Lib};
use jot_bench::fixtures::{BenchClaims, Keys};

#[test]
fn every_case_runs_and_rows_are_complete() {
    let keys = Keys::generate();
    let mut all = cases::all(&keys);
    for c in &mut all {
        (c.run)();
    }
    for alg in cases::JWS_ALGS {
        for row in [cases::sign_row(alg), cases::verify_row(alg)] {
            for lib in [Lib::Jot, Lib::Floor, Lib::Josekit] {
                assert!(
                    all.iter().any(|c| c.row == row && c.lib == lib),
                    "{row} has no {}",
                    lib.name()
                );
            }
        }
    }
    let len = serde_json::to_vec(&BenchClaims::new()).unwrap().len();
    assert!((250..=350).contains(&len), "claims are {len} bytes");
}

#[test]
fn the_dpop_row_has_its_plain_counterpart() {
    let keys = Keys::generate();
    let all = cases::all(&keys);
    for row in [cases::DPOP_ROW, cases::DPOP_PLAIN_ROW] {
        assert!(
            all.iter().any(|c| c.row == row && c.lib == Lib::Jot),
            "{row}"
        );
    }
}
