//! Fuzz target: `tokenize_segment` on arbitrary bytes (read lossily, as `--lossy` would).
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    checks::tokenize_segment(&checks::text_of(data));
});
