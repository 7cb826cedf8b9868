//! Prints how fast people are generated: `cargo run --release -p hoso-demo --example rate [N]`.

use std::time::Instant;

use hoso_demo::{PersonGenerator, province_tree};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(500_000);
    for scale in [50_000, 2_500_000] {
        let t = Instant::now();
        let units = province_tree(scale);
        println!(
            "tree for {scale}: {} units in {:?}",
            units.len(),
            t.elapsed()
        );
    }
    let units = province_tree(n);
    let today = time::macros::date!(2026 - 05 - 20);
    let mut g = PersonGenerator::new(42, &units, today);
    let t = Instant::now();
    let mut bytes = 0usize;
    for _ in 0..n {
        let p = g.next_person();
        bytes += p.doc.len() + p.national_id.len();
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{n} people in {secs:.2} s: {:.0} people/s ({bytes})",
        n as f64 / secs
    );
    let t = Instant::now();
    let mut json = 0usize;
    for _ in 0..n / 10 {
        let p = g.next_person();
        json += serde_json::to_vec(&p.doc).expect("json").len();
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "with serialisation: {:.0} people/s, {} bytes of JSON per person",
        (n / 10) as f64 / secs,
        json / (n / 10)
    );
}
