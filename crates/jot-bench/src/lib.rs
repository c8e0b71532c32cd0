//! Side-by-side benchmarks of Jot against jsonwebtoken, jwt-simple, josekit
//! and the raw aws-lc-rs primitives ("the floor").
//!
//! [`fixtures`] makes the one claims set and the one set of keys everybody
//! uses; [`cases`] turns them into one closure per (row, library), each
//! doing exactly one operation on inputs prepared beforehand; the `compare`
//! binary times them and writes `BENCHMARKS.md`, `benches/compare.rs` runs
//! the same closures under Criterion, and [`alloc_count`] counts the heap
//! allocations of one verification.

pub mod alloc_count;
pub mod cases;
pub mod fixtures;
pub mod pq;
pub mod report;
