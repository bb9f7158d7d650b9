//! `fixture-server --dir DIR [--bind 127.0.0.1:PORT]`: serves a folder over loopback HTTP
//! for end-to-end tests and manual checks, printing its base URL on stdout.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use fixture_server::FixtureServer;

const USAGE: &str = "usage: fixture-server --dir DIR [--bind 127.0.0.1:PORT]";

fn parse_args() -> Result<(PathBuf, SocketAddr), String> {
    let mut dir = None;
    let mut bind: SocketAddr = ([127, 0, 0, 1], 0).into();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--dir" => dir = Some(PathBuf::from(args.next().ok_or("--dir needs a folder")?)),
            "--bind" => {
                let value = args.next().ok_or("--bind needs an address")?;
                bind = value
                    .parse()
                    .map_err(|e| format!("bad --bind address {value:?}: {e}"))?;
            }
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let dir = dir.ok_or_else(|| USAGE.to_owned())?;
    if !dir.is_dir() {
        return Err(format!("not a folder: {}", dir.display()));
    }
    Ok((dir, bind))
}

#[tokio::main]
async fn main() -> ExitCode {
    let (dir, bind) = match parse_args() {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let server = match FixtureServer::start_on(bind.ip(), bind.port()).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("cannot bind {bind}: {e}");
            return ExitCode::FAILURE;
        }
    };
    server.serve_dir("/", dir);
    println!("{}", server.url("/"));
    // Serve until the process is killed; the server task lives as long as `server`.
    std::future::pending::<()>().await;
    ExitCode::SUCCESS
}
