fn main() {
    println!("jot {}", env!("CARGO_PKG_VERSION"));
}
