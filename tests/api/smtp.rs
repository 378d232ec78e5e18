//! A real SMTP server on loopback (mailin-embedded), recording what it receives.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mailin_embedded::{Handler, Server, SslConfig};

#[derive(Debug, Clone)]
pub struct ReceivedMail {
    /// The envelope sender (MAIL FROM).
    pub sender: String,
    /// Envelope recipients (RCPT TO).
    pub recipients: Vec<String>,
    pub raw: Vec<u8>,
}

impl ReceivedMail {
    pub fn parsed(&self) -> mailparse::ParsedMail<'_> {
        mailparse::parse_mail(&self.raw).expect("a parseable message")
    }

    pub fn header(&self, name: &str) -> Option<String> {
        use mailparse::MailHeaderMap;
        self.parsed().headers.get_first_value(name)
    }

    /// The decoded text of the part with this content type.
    pub fn part(&self, content_type: &str) -> String {
        let parsed = self.parsed();
        parsed
            .subparts
            .iter()
            .find(|p| p.ctype.mimetype == content_type)
            .unwrap_or_else(|| panic!("no {content_type} part"))
            .get_body()
            .unwrap()
    }
}

#[derive(Clone)]
struct Recorder {
    received: Arc<Mutex<Vec<ReceivedMail>>>,
    /// The users who authenticated (only ever over TLS: mailin refuses AUTH
    /// on a clear connection).
    logins: Arc<Mutex<Vec<String>>>,
    sender: String,
    recipients: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Recorder {
    fn mail(
        &mut self,
        _ip: std::net::IpAddr,
        _domain: &str,
        from: &str,
    ) -> mailin_embedded::Response {
        self.sender = from.to_owned();
        self.recipients.clear();
        self.data.clear();
        mailin_embedded::response::OK
    }

    /// A recipient whose local part starts with `refused` has no mailbox
    /// here (550); one starting with `greylisted` is told to come back (450).
    fn rcpt(&mut self, to: &str) -> mailin_embedded::Response {
        if to.starts_with("refused") {
            return mailin_embedded::response::NO_MAILBOX;
        }
        if to.starts_with("greylisted") {
            return mailin_embedded::Response::custom(450, "Greylisted, try again later".into());
        }
        self.recipients.push(to.to_owned());
        mailin_embedded::response::OK
    }

    fn auth_plain(
        &mut self,
        _authorization_id: &str,
        authentication_id: &str,
        password: &str,
    ) -> mailin_embedded::Response {
        if password != RELAY_PASSWORD {
            return mailin_embedded::response::INVALID_CREDENTIALS;
        }
        self.logins
            .lock()
            .unwrap()
            .push(authentication_id.to_owned());
        mailin_embedded::response::AUTH_OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    /// A mail to a recipient starting with `stall` gets no final reply: the
    /// relay hangs after DATA (this connection's thread sleeps).
    fn data_end(&mut self) -> mailin_embedded::Response {
        if self.recipients.iter().any(|r| r.starts_with("stall")) {
            std::thread::sleep(Duration::from_secs(120));
        }
        self.received.lock().unwrap().push(ReceivedMail {
            sender: std::mem::take(&mut self.sender),
            recipients: std::mem::take(&mut self.recipients),
            raw: std::mem::take(&mut self.data),
        });
        mailin_embedded::response::OK
    }
}

/// The password the STARTTLS relay takes (with characters a URL must encode).
pub const RELAY_PASSWORD: &str = "p@ss/word";

pub struct SmtpServer {
    pub port: u16,
    received: Arc<Mutex<Vec<ReceivedMail>>>,
    logins: Arc<Mutex<Vec<String>>>,
}

/// A certificate authority of the test's own, and a certificate it signed
/// for 127.0.0.1, made with the openssl command line.
pub struct TestCa {
    pub dir: tempfile::TempDir,
}

impl TestCa {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let run = |args: &[&str]| {
            openssl(dir.path(), args);
        };
        std::fs::write(
            dir.path().join("server.ext"),
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        run(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=reportdesk test CA",
        ]);
        run(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ]);
        run(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "server.ext",
        ]);
        Self { dir }
    }

    pub fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }
}

/// Runs the openssl command line in `dir`; answers what it printed.
pub fn openssl(dir: &std::path::Path, args: &[&str]) -> Vec<u8> {
    let done = std::process::Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl runs");
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    done.stdout
}

/// A loopback port nobody listens on (for "the mail server is down").
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl SmtpServer {
    pub fn start() -> Self {
        Self::start_on(TcpListener::bind("127.0.0.1:0").unwrap())
    }

    /// Starts on a port chosen earlier (a server that "comes back up").
    pub fn start_on_port(port: u16) -> Self {
        Self::start_on(TcpListener::bind(("127.0.0.1", port)).expect("the port is still free"))
    }

    /// A relay that offers STARTTLS with the test CA's certificate and takes
    /// AUTH PLAIN (over TLS only) with `RELAY_PASSWORD`.
    pub fn start_with_starttls(ca: &TestCa) -> Self {
        let ssl = SslConfig::Trusted {
            cert_path: ca.path("server.pem"),
            key_path: ca.path("server.key"),
            chain_path: ca.path("ca.pem"),
        };
        Self::start_with(TcpListener::bind("127.0.0.1:0").unwrap(), Some(ssl))
    }

    fn start_on(listener: TcpListener) -> Self {
        Self::start_with(listener, None)
    }

    /// With `tls`, the relay offers STARTTLS and requires AUTH; without, it
    /// takes mail from anyone in clear.
    fn start_with(listener: TcpListener, tls: Option<SslConfig>) -> Self {
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let logins = Arc::new(Mutex::new(Vec::new()));
        let recorder = Recorder {
            received: received.clone(),
            logins: logins.clone(),
            sender: String::new(),
            recipients: Vec::new(),
            data: Vec::new(),
        };
        let mut server = Server::new(recorder);
        if tls.is_some() {
            server.with_auth(mailin_embedded::AuthMechanism::Plain);
        }
        server
            .with_name("smtp.test")
            .with_ssl(tls.unwrap_or(SslConfig::None))
            .unwrap()
            // A thread per connection: enough for two instances' pooled connections.
            .with_num_threads(40)
            .with_tcp_listener(listener);
        // The server has no stop; it ends with the test process.
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        Self {
            port,
            received,
            logins,
        }
    }

    pub fn logins(&self) -> Vec<String> {
        self.logins.lock().unwrap().clone()
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn received(&self) -> Vec<ReceivedMail> {
        self.received.lock().unwrap().clone()
    }

    /// Waits until at least `count` mails arrived (or 20 s passed).
    pub async fn wait_for(&self, count: usize) -> Vec<ReceivedMail> {
        for _ in 0..200 {
            let mails = self.received();
            if mails.len() >= count {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.received()
    }
}

/// A server that accepts connections and never answers: a send to it hangs
/// until the client's timeout.
pub fn black_hole() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    port
}
