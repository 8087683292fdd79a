//! The Web Worker's bin: panic hook, then the worker loop in the library.

#[cfg(target_arch = "wasm32")]
fn main() {
    songscape::worker::install_panic_hook();
    songscape::worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("This is Songscape's Web Worker; it runs only in the browser.");
}
