//! Runs the whole comparison and writes `BENCHMARKS.md` at the workspace
//! root.
//!
//! `cargo run -p jot-bench --release --bin compare [-- --rounds N --batch-ms MS --out PATH --only ROW]`

use jot_bench::alloc_count::{self, Counting};
use jot_bench::cases::{self, Lib};
use jot_bench::fixtures::Keys;
use jot_bench::report;

#[global_allocator]
static ALLOC: Counting = Counting;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() {
    let rounds: usize = arg("--rounds").and_then(|v| v.parse().ok()).unwrap_or(31);
    let batch_ms: f64 = arg("--batch-ms")
        .and_then(|v| v.parse().ok())
        .unwrap_or(20.0);
    let out = arg("--out")
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/../../BENCHMARKS.md").to_owned());
    eprintln!("generating keys and tokens...");
    let keys = Keys::generate();
    let mut all = cases::all(&keys);
    // `--only TEXT`: just the rows whose title contains TEXT, for a quick
    // look while optimising (write such a run elsewhere with `--out`).
    if let Some(only) = arg("--only") {
        all.retain(|c| c.row.contains(&only));
    }

    // Allocations first, on a quiet heap: every verify and decode case,
    // plus jot's step-by-step probes.
    let mut allocs = Vec::new();
    for c in all
        .iter_mut()
        .filter(|c| c.items == 1 && (c.row.contains("verify") || c.row == cases::DECODE_ROW))
    {
        (c.run)();
        allocs.push((
            c.row.clone(),
            c.lib.name().to_owned(),
            alloc_count::measure(&mut *c.run),
        ));
    }
    for alg in [jot::Algorithm::HS256, jot::Algorithm::ES256] {
        for (what, mut f) in cases::jot_alloc_probes(&keys, alg) {
            f();
            allocs.push((
                what,
                Lib::Jot.name().to_owned(),
                alloc_count::measure(&mut *f),
            ));
        }
    }
    allocs.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));

    eprintln!("timing {} cases, {rounds} rounds...", all.len());
    let ms = report::measure(&mut all, rounds, batch_ms);
    let profile = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/PROFILE.md")).ok();
    let sections = [jot_bench::pq::section(&report::Table::new(&ms), &keys)];
    let md = report::markdown(
        &ms,
        &allocs,
        rounds,
        batch_ms,
        &sections,
        profile.as_deref(),
    );
    std::fs::write(&out, &md).expect("write BENCHMARKS.md");
    println!("{md}");
    eprintln!("wrote {out}");
}
