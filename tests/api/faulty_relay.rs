//! A relay that misbehaves at the SMTP level for its first connections (hangs
//! after the greeting, stops mid-reply, or is too busy with 421), then passes
//! every later connection through to a real SMTP server: what a struggling
//! relay that recovers looks like from outside.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::smtp::SmtpServer;

#[derive(Debug, Clone, Copy)]
pub enum Fault {
    /// Greets, then never answers EHLO.
    HangAfterGreeting,
    /// Greets, starts the EHLO reply ("250-…") and never ends it.
    HangMidReply,
    /// Greets with 421 (too busy) and closes.
    Busy421,
}

pub struct FaultyRelay {
    pub port: u16,
    pub faulty_connections: Arc<AtomicUsize>,
    pub behind: SmtpServer,
}

impl FaultyRelay {
    /// The first `faults` connections get `fault`; the rest reach `behind`.
    pub fn start(fault: Fault, faults: usize) -> Self {
        let behind = SmtpServer::start();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let faulty_connections = Arc::new(AtomicUsize::new(0));
        let (counter, upstream) = (faulty_connections.clone(), behind.port);
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let faulty = counter.fetch_add(1, Ordering::SeqCst) < faults;
                std::thread::spawn(move || {
                    if faulty {
                        misbehave(client, fault);
                    } else {
                        pass_through(client, upstream);
                    }
                });
            }
        });
        Self {
            port,
            faulty_connections,
            behind,
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Connections that met the fault (the count runs on past it).
    pub fn connections(&self) -> usize {
        self.faulty_connections.load(Ordering::SeqCst)
    }
}

fn misbehave(mut client: TcpStream, fault: Fault) {
    if let Fault::Busy421 = fault {
        let _ = client.write_all(b"421 4.3.2 faulty.test too busy, try again later\r\n");
        return;
    }
    let _ = client.write_all(b"220 faulty.test ESMTP\r\n");
    if let Fault::HangMidReply = fault {
        let mut ehlo = String::new();
        let _ = BufReader::new(&client).read_line(&mut ehlo);
        let _ = client.write_all(b"250-faulty.test\r\n250-PIPELINING\r\n");
    }
    // The connection stays open and silent, as a stuck relay's does.
    std::thread::sleep(Duration::from_secs(120));
}

fn pass_through(client: TcpStream, upstream: u16) {
    let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
        return;
    };
    let (mut client_in, mut server_out) =
        (client.try_clone().unwrap(), server.try_clone().unwrap());
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut client_in, &mut server_out);
        let _ = server_out.shutdown(std::net::Shutdown::Write);
    });
    let (mut server_in, mut client_out) = (server, client);
    let _ = std::io::copy(&mut server_in, &mut client_out);
    let _ = client_out.shutdown(std::net::Shutdown::Write);
}
