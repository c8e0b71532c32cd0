//! Prints the heap allocations of one verify (and decode) per library and
//! algorithm: `cargo run -p jot-bench --release --bin allocs`.

use jot_bench::alloc_count::{self, Counting};
use jot_bench::cases::{self, Lib};
use jot_bench::fixtures::Keys;

#[global_allocator]
static ALLOC: Counting = Counting;

fn main() {
    let keys = Keys::generate();
    println!("| what | library | allocations | bytes | peak |\n|---|---|---:|---:|---:|");
    for c in cases::all(&keys)
        .iter_mut()
        .filter(|c| c.items == 1 && (c.row.contains("verify") || c.row == cases::DECODE_ROW))
    {
        (c.run)();
        let a = alloc_count::measure(&mut *c.run);
        println!(
            "| {} | {} | {} | {} | {} |",
            c.row,
            c.lib.name(),
            a.count,
            a.bytes,
            a.peak
        );
    }
    for alg in [jot::Algorithm::HS256, jot::Algorithm::ES256] {
        for (what, mut f) in cases::jot_alloc_probes(&keys, alg) {
            f();
            let a = alloc_count::measure(&mut *f);
            println!(
                "| {what} | {} | {} | {} | {} |",
                Lib::Jot.name(),
                a.count,
                a.bytes,
                a.peak
            );
        }
    }
}
