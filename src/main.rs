//! The page's bin: installs the panic hook and mounts the app; nothing else.

#[cfg(target_arch = "wasm32")]
fn main() {
    songscape::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Songscape runs in the browser. Run `make serve` and open http://127.0.0.1:8080/");
}
