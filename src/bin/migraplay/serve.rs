//! A small static file server for the built page, bound to 127.0.0.1.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The most bytes a request's line and headers may have.
const MAX_REQUEST_BYTES: usize = 16 * 1024;
/// The most connections served at once; more are answered 503 and closed. Each is
/// a thread with a small stack, so hundreds of clients that drip their requests
/// (slowloris) leave room for the page's own.
const MAX_CONNECTIONS: usize = 1024;
/// How long a client has to send its whole request, however slowly it drips.
const REQUEST_DEADLINE: Duration = Duration::from_secs(5);

/// The Content-Security-Policy every response carries: the page runs only its own scripts and wasm.
/// Images may also come from `blob:` URLs: the diagram's PNG export draws its SVG through an image.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
                       img-src 'self' blob:; object-src 'none'; base-uri 'none'";

/// Serves `root` on http://127.0.0.1:`port` until the process is stopped.
///
/// A plain std server, one thread per connection and `Connection: close`:
/// tiny_http left one of the page's parallel module requests unanswered now
/// and then (seen in the end-to-end tests), and a static page needs no more.
/// Bounded: a request's head may have 16 KiB and must arrive within 5 s,
/// and at most 1,024 connections are served at once.
pub fn serve(root: &Path, port: u16) -> Result<(), Box<dyn std::error::Error>> {
    if !root.join("index.html").is_file() {
        return Err(format!("{} has no index.html; build the page first with `make dist`", root.display()).into());
    }
    let listener = TcpListener::bind(("127.0.0.1", port)).map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    let port = listener.local_addr()?.port();
    println!("Serving {} on http://127.0.0.1:{port}/ (Ctrl-C stops)", root.display());
    let active = Arc::new(AtomicUsize::new(0));
    // Nothing a client does ends the server: a failed accept or spawn drops that one connection.
    for mut stream in listener.incoming().flatten() {
        if active.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
            let _ = stream.write_all(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            continue;
        }
        active.fetch_add(1, Ordering::SeqCst);
        let (root, done) = (root.to_path_buf(), Arc::clone(&active));
        let spawned = std::thread::Builder::new().stack_size(256 * 1024).spawn(move || {
            let _ = handle(&root, stream);
            done.fetch_sub(1, Ordering::SeqCst);
        });
        if spawned.is_err() {
            active.fetch_sub(1, Ordering::SeqCst);
        }
    }
    Ok(())
}

/// The request's line and headers, read within the deadline and the size limit.
fn read_request(stream: &mut TcpStream) -> std::io::Result<Option<String>> {
    let start = Instant::now();
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 1024];
    while !bytes.windows(4).any(|w| w == b"\r\n\r\n") && !bytes.windows(2).any(|w| w == b"\n\n") {
        let left = REQUEST_DEADLINE.checked_sub(start.elapsed()).filter(|d| !d.is_zero());
        let Some(left) = left else { return Ok(None) };
        stream.set_read_timeout(Some(left))?;
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        bytes.extend_from_slice(&chunk[..n]);
        if bytes.len() > MAX_REQUEST_BYTES {
            return Ok(None);
        }
    }
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}

fn handle(root: &Path, mut stream: TcpStream) -> std::io::Result<()> {
    let Some(request) = read_request(&mut stream)? else {
        let body = "request too large or too slow";
        let head = format!("HTTP/1.1 400 Bad Request\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
        stream.write_all(head.as_bytes())?;
        stream.write_all(body.as_bytes())?;
        // Closing with unread bytes would reset the connection and lose the answer:
        // say we are done, then let a little of the rest drain away.
        stream.shutdown(std::net::Shutdown::Write)?;
        stream.set_read_timeout(Some(Duration::from_millis(200)))?;
        let _ = std::io::copy(&mut (&mut stream).take(1 << 20), &mut std::io::sink());
        return Ok(());
    };
    let line = request.lines().next().unwrap_or("");
    let mut parts = line.split_whitespace();
    let (method, url) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let found = if method == "GET" || method == "HEAD" { resolve(root, url) } else { None };
    let (status, kind, body) = match found.and_then(|path| std::fs::read(&path).ok().map(|b| (path, b))) {
        Some((path, body)) => ("200 OK", content_type(&path), body),
        None if method == "GET" || method == "HEAD" => ("404 Not Found", "text/plain; charset=utf-8", b"not found".to_vec()),
        None => ("405 Method Not Allowed", "text/plain; charset=utf-8", b"only GET and HEAD".to_vec()),
    };
    // COOP/COEP make the page cross-origin isolated: performance.now() at 5 µs instead of 100 µs,
    // so timings measured in the browser are finer. CORP cross-origin lets a page embedding it
    // (a docs site, or a frame sandboxed into an opaque origin) load its files: a public page.
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nContent-Security-Policy: {CSP}\r\n\
         Cache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\n\
         Cross-Origin-Opener-Policy: same-origin\r\nCross-Origin-Embedder-Policy: require-corp\r\n\
         Cross-Origin-Resource-Policy: cross-origin\r\n\
         Connection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(&body)?;
    }
    stream.flush()
}

/// The file a URL names under `root`; `None` for anything that would leave
/// it, a symbolic link on the way included (it could point anywhere).
fn resolve(root: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let mut out = root.to_path_buf();
    for part in Path::new(path.trim_start_matches('/')).components() {
        match part {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            _ => return None,
        }
        if std::fs::symlink_metadata(&out).ok()?.file_type().is_symlink() {
            return None;
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
