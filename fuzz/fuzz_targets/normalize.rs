//! Fuzz target: `normalize` on arbitrary bytes (read lossily, as `--lossy` would).
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    checks::normalize(&checks::text_of(data));
});
