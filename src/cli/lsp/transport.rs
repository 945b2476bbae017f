//! The server's stdio transport: lsp-server's messages, plus answers
//! already written as JSON text.
//!
//! lsp-server only sends a `serde_json::Value` tree; for the outline of a
//! 5,000-rule policy (a megabyte of JSON) building that tree, serialising
//! it and dropping it cost more than making the symbols. So one writer
//! thread owns stdout and takes, in the order they were queued, both
//! lsp-server messages and frames whose body the server serialised
//! straight from its own types ([`Outgoing::Raw`]).

use std::io::{self, Write};
use std::sync::mpsc;
use std::thread::JoinHandle;

use lsp_server::{Connection, Message, RequestId};

/// What the writer thread sends to the client, in the order received.
pub(super) enum Outgoing {
    Message(Message),
    /// A whole JSON-RPC message body (see [`raw_response`]).
    Raw(Vec<u8>),
}

/// The body of a successful response whose result is serialised directly
/// from `result`, without an intermediate `Value`.
pub(super) fn raw_response(id: &RequestId, result: &impl serde::Serialize) -> io::Result<Vec<u8>> {
    let mut body = Vec::with_capacity(4096);
    body.extend_from_slice(br#"{"jsonrpc":"2.0","id":"#);
    serde_json::to_writer(&mut body, id)?;
    body.extend_from_slice(br#","result":"#);
    serde_json::to_writer(&mut body, result)?;
    body.push(b'}');
    Ok(body)
}

/// The transport's threads: join them once the server has dropped its
/// connection and every [`Outgoing`] sender.
pub(super) struct Threads {
    reader: JoinHandle<io::Result<()>>,
    forwarder: JoinHandle<()>,
    writer: JoinHandle<io::Result<()>>,
}

impl Threads {
    pub(super) fn join(self) -> io::Result<()> {
        let failed = || io::Error::other("a transport thread panicked");
        self.reader.join().map_err(|_| failed())??;
        self.forwarder.join().map_err(|_| failed())?;
        self.writer.join().map_err(|_| failed())?
    }
}

/// The connection lsp-server's handshake and shutdown use, the queue the
/// server sends everything else through, and the threads behind both.
///
/// Messages sent on the connection reach the writer through a forwarding
/// thread, so they may pass a message queued on `Outgoing` just before;
/// the server only sends the initialize and shutdown answers that way,
/// when nothing else is waiting.
pub(super) fn stdio() -> (Connection, mpsc::Sender<Outgoing>, Threads) {
    let (server, client) = Connection::memory();
    let (outgoing, queue) = mpsc::channel::<Outgoing>();

    let incoming = client.sender;
    let reader = std::thread::spawn(move || {
        let stdin = io::stdin();
        let mut stdin = stdin.lock();
        while let Some(message) = Message::read(&mut stdin)? {
            let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
            if incoming.send(message).is_err() || exit {
                break;
            }
        }
        Ok(())
    });

    let forwarded = client.receiver;
    let forward = outgoing.clone();
    let forwarder = std::thread::spawn(move || {
        for message in forwarded {
            if forward.send(Outgoing::Message(message)).is_err() {
                break;
            }
        }
    });

    let writer = std::thread::spawn(move || {
        let stdout = io::stdout();
        let mut stdout = stdout.lock();
        for outgoing in queue {
            match outgoing {
                Outgoing::Message(message) => message.write(&mut stdout)?,
                Outgoing::Raw(body) => {
                    write!(stdout, "Content-Length: {}\r\n\r\n", body.len())?;
                    stdout.write_all(&body)?;
                    stdout.flush()?;
                }
            }
        }
        Ok(())
    });

    (
        server,
        outgoing,
        Threads {
            reader,
            forwarder,
            writer,
        },
    )
}
