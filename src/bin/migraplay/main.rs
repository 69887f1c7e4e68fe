//! The `migraplay` command: parse arguments, call the core, print, set the exit code.

#[cfg(not(target_arch = "wasm32"))]
mod cli;
#[cfg(not(target_arch = "wasm32"))]
mod serve;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

// The command is native only; this keeps `cargo test --target wasm32-unknown-unknown` building.
#[cfg(target_arch = "wasm32")]
fn main() {}
