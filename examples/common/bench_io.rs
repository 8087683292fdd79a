//! The clock and the output of a benchmark example, native or wasm32. Built for
//! wasm32-unknown-unknown (to time the wasm in Node without a browser, `tests/e2e/bench_wasm.mjs`),
//! the clock is imported as `env.bench_now_ms` and the JSON line is left in memory behind
//! `bench_out_ptr` / `bench_out_len` (exported with `-C link-arg=--export=…`): wasm-bindgen's Node
//! glue exports only bindgen functions and has no console for a bare `main`.

#[cfg(not(target_arch = "wasm32"))]
pub fn now_ms() -> f64 {
    use std::sync::OnceLock;
    use std::time::Instant;
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e3
}

#[cfg(target_arch = "wasm32")]
#[link(wasm_import_module = "env")]
extern "C" {
    fn bench_now_ms() -> f64;
}

#[cfg(target_arch = "wasm32")]
pub fn now_ms() -> f64 {
    unsafe { bench_now_ms() }
}

#[cfg(target_arch = "wasm32")]
static OUT: std::sync::Mutex<String> = std::sync::Mutex::new(String::new());

#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn bench_out_ptr() -> *const u8 {
    OUT.lock().map(|s| s.as_ptr()).unwrap_or(std::ptr::null())
}

#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn bench_out_len() -> usize {
    OUT.lock().map(|s| s.len()).unwrap_or(0)
}

/// Prints the line natively; in wasm keeps it (appended, one per line) for the Node runner to read.
pub fn emit(line: String) {
    #[cfg(target_arch = "wasm32")]
    if let Ok(mut out) = OUT.lock() {
        out.push_str(&line);
        out.push('\n');
    }
    #[cfg(not(target_arch = "wasm32"))]
    println!("{line}");
}
