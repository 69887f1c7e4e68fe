//! A small static file server for the built page, bound to 127.0.0.1.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

/// The Content-Security-Policy every response carries: the page runs only its own scripts and wasm.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
                       object-src 'none'; base-uri 'none'";

/// Serves `root` on http://127.0.0.1:`port` until the process is stopped.
///
/// A plain std server, one thread per connection and `Connection: close`:
/// tiny_http left one of the page's parallel module requests unanswered now
/// and then (seen in the end-to-end tests), and a static page needs no more.
pub fn serve(root: &Path, port: u16) -> Result<(), Box<dyn std::error::Error>> {
    if !root.join("index.html").is_file() {
        return Err(format!("{} has no index.html; build the page first with `make dist`", root.display()).into());
    }
    let listener = TcpListener::bind(("127.0.0.1", port)).map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    let port = listener.local_addr()?.port();
    println!("Serving {} on http://127.0.0.1:{port}/ (Ctrl-C stops)", root.display());
    for stream in listener.incoming().flatten() {
        let root = root.to_path_buf();
        std::thread::spawn(move || {
            let _ = handle(&root, stream);
        });
    }
    Ok(())
}

fn handle(root: &Path, mut stream: TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut line = String::new();
    let mut reader = BufReader::new(stream.try_clone()?);
    reader.read_line(&mut line)?;
    // The headers are not needed; read them so the client sees its request consumed.
    let mut header = String::new();
    while reader.read_line(&mut header)? > 2 {
        header.clear();
    }
    let mut parts = line.split_whitespace();
    let (method, url) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let found = if method == "GET" || method == "HEAD" { resolve(root, url) } else { None };
    let (status, kind, body) = match found.and_then(|path| std::fs::read(&path).ok().map(|b| (path, b))) {
        Some((path, body)) => ("200 OK", content_type(&path), body),
        None if method == "GET" || method == "HEAD" => ("404 Not Found", "text/plain; charset=utf-8", b"not found".to_vec()),
        None => ("405 Method Not Allowed", "text/plain; charset=utf-8", b"only GET and HEAD".to_vec()),
    };
    // COOP/COEP make the page cross-origin isolated: performance.now() at 5 µs instead of 100 µs,
    // so timings measured in the browser are finer.
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nContent-Security-Policy: {CSP}\r\n\
         Cache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\n\
         Cross-Origin-Opener-Policy: same-origin\r\nCross-Origin-Embedder-Policy: require-corp\r\n\
         Connection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(&body)?;
    }
    stream.flush()
}

/// The file a URL names under `root`; `None` for anything that would leave it.
fn resolve(root: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let mut out = root.to_path_buf();
    for part in Path::new(path.trim_start_matches('/')).components() {
        match part {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if out.is_dir() {
        out.push("index.html");
    }
    out.is_file().then_some(out)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("sql" | "md" | "txt") => "text/plain; charset=utf-8",
        Some("png") => "image/png",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}
