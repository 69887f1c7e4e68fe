//! `migraplay serve` as a browser and a hostile client meet it: files under
//! its root only (no way out through `..` or a symbolic link), and a request
//! too large is answered, not buffered, while the server goes on serving.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(root: &std::path::Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_migraplay"))
        .args(["serve", "--port", "0", "--root", root.to_str().unwrap()])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let port = line.rsplit(':').next().unwrap().split('/').next().unwrap().parse().unwrap();
    Server { child, port }
}

fn request(port: u16, raw: &[u8]) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let _ = s.write_all(raw);
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

fn status(response: &str) -> &str {
    response.lines().next().unwrap_or("")
}

#[test]
fn serves_its_root_and_nothing_beside_it() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("dist");
    std::fs::create_dir(&root).unwrap();
    std::fs::write(root.join("index.html"), "<p>page</p>").unwrap();
    std::fs::write(tmp.path().join("secret.txt"), "TOKEN=abc").unwrap();
    std::os::unix::fs::symlink(tmp.path().join("secret.txt"), root.join("leak.txt")).unwrap();
    std::os::unix::fs::symlink(tmp.path(), root.join("up")).unwrap();
    let server = serve(&root);
    let page = request(server.port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(status(&page), "HTTP/1.1 200 OK");
    assert!(page.ends_with("<p>page</p>"));
    for path in ["/leak.txt", "/up/secret.txt", "/../secret.txt", "/%2e%2e/secret.txt"] {
        let r = request(server.port, format!("GET {path} HTTP/1.1\r\n\r\n").as_bytes());
        assert_eq!(status(&r), "HTTP/1.1 404 Not Found", "{path}");
        assert!(!r.contains("TOKEN"), "{path}");
    }
}

#[test]
fn a_request_head_over_its_limit_is_refused_and_the_server_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("index.html"), "ok").unwrap();
    let server = serve(tmp.path());
    let mut huge = b"GET /".to_vec();
    huge.extend(std::iter::repeat_n(b'a', 1 << 20));
    let r = request(server.port, &huge);
    assert_eq!(status(&r), "HTTP/1.1 400 Bad Request");
    assert!(r.ends_with("request too large or too slow"));
    assert_eq!(status(&request(server.port, b"GET / HTTP/1.1\r\n\r\n")), "HTTP/1.1 200 OK");
}

#[test]
fn clients_that_drip_their_requests_leave_room_for_the_page() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<p>hi</p>").unwrap();
    let server = serve(dir.path());
    // 500 connections that send half a request and wait (slowloris).
    let slow: Vec<TcpStream> = (0..500)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
            s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
            s
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let response = request(server.port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(status(&response), "HTTP/1.1 200 OK", "a real request is served while 500 drip");
    drop(slow);
}
