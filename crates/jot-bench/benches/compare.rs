//! The comparison under Criterion: `cargo bench -p jot-bench`
//! (filter with e.g. `cargo bench -p jot-bench -- "ES256 verify"`).
//! The `compare` binary runs the same closures and writes BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use jot_bench::cases;
use jot_bench::fixtures::Keys;

fn compare(c: &mut Criterion) {
    let keys = Keys::generate();
    let mut all = cases::all(&keys);
    let mut rows: Vec<String> = Vec::new();
    for case in &all {
        if !rows.contains(&case.row) {
            rows.push(case.row.clone());
        }
    }
    for row in rows {
        let mut group = c.benchmark_group(&row);
        for case in all.iter_mut().filter(|x| x.row == row) {
            group.throughput(Throughput::Elements(u64::from(case.items)));
            group.bench_function(case.lib.name(), |b| b.iter(|| (case.run)()));
        }
        group.finish();
    }
}

criterion_group!(benches, compare);
criterion_main!(benches);
