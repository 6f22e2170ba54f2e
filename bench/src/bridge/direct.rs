//! The direct path of the bridge bench: MCP requests POSTed to a surface's
//! endpoint over one kept-alive HTTP/1.1 connection, by a client that does
//! nothing else. Written by hand on a socket, not with reqwest: the bench
//! is a dev build, and the less the client does, the more of the time is
//! the service's, so the bridge's difference to this path is an upper bound
//! on what it adds over an IDE's own HTTP client.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use reqwest::Url;
use serde_json::Value;

/// How long one answer may take before the bench gives up.
const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// One connection to a surface's MCP endpoint, with its key.
pub struct Direct {
    stream: BufReader<TcpStream>,
    /// The request line and headers up to `Content-Length` (which differs
    /// with the body). Holds the key: never printed.
    head: String,
}

impl Direct {
    /// Connects to `url` (plain `http://`, as the bench's service is),
    /// sending `key` and `protocol_version` with every request.
    pub fn connect(url: &str, key: &str, protocol_version: &str) -> Result<Self> {
        let url: Url = url
            .parse()
            .with_context(|| format!("the surface URL {url:?}"))?;
        let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
            bail!("the surface URL {url} names no host");
        };
        if url.scheme() != "http" {
            bail!("the direct client speaks plain HTTP only, not {url}");
        }
        let stream = TcpStream::connect((host, port))
            .with_context(|| format!("connecting to {host}:{port}"))?;
        // One write per request, but the answer must not wait on Nagle.
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(READ_TIMEOUT))?;
        let head = format!(
            "POST {} HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {key}\r\n\
             Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n\
             MCP-Protocol-Version: {protocol_version}\r\n",
            url.path()
        );
        Ok(Self {
            stream: BufReader::new(stream),
            head,
        })
    }

    /// POSTs `body` and reads the whole answer: the time from the write to
    /// its last byte, and the answer's JSON. Fails on any status but 200.
    pub fn post(&mut self, body: &str) -> Result<(Duration, Value)> {
        let request = format!("{}Content-Length: {}\r\n\r\n{body}", self.head, body.len());
        let started = Instant::now();
        self.stream.get_mut().write_all(request.as_bytes())?;
        let mut status = String::new();
        self.stream.read_line(&mut status)?;
        let mut length = None;
        let mut line = String::new();
        loop {
            line.clear();
            if self.stream.read_line(&mut line)? == 0 {
                bail!("the service closed the connection in an answer's headers");
            }
            let Some((name, value)) = line.split_once(':') else {
                break;
            };
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = Some(value.parse::<usize>()?);
            } else if name.eq_ignore_ascii_case("connection") && value == "close" {
                bail!("the service closes the connection after each answer (no keep-alive)");
            }
        }
        // The stateless endpoint answers JSON of a known length; a stream
        // would need more of HTTP than this client speaks.
        let length = length.context("an answer has no Content-Length")?;
        let mut answer = vec![0; length];
        self.stream.read_exact(&mut answer)?;
        let took = started.elapsed();
        if status.split_whitespace().nth(1) != Some("200") {
            bail!(
                "the surface answered {}: {}",
                status.trim(),
                String::from_utf8_lossy(&answer)
            );
        }
        Ok((took, serde_json::from_slice(&answer)?))
    }
}
