//! Running the real `broadsheet` binary from a test, off the runtime that serves the fixtures.
//! The command-line tests (`tests/cli*.rs`) include this file; each uses a part of it.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

/// What a run printed and how it ended.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Its standard output as JSON, after checking that it succeeded.
    pub fn json(&self) -> Value {
        assert_eq!(self.code, 0, "stderr: {}", self.stderr);
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }
}

/// Runs `broadsheet --data-dir DIR ARGS…` without blocking the runtime that serves fixtures.
pub async fn broadsheet(dir: &Path, args: &[&str]) -> Run {
    broadsheet_with_env(dir, args, &[]).await
}

/// As [`broadsheet`], with these environment variables set for the run.
pub async fn broadsheet_with_env(dir: &Path, args: &[&str], env: &[(&str, &OsStr)]) -> Run {
    broadsheet_with_stdin(dir, args, env, "").await
}

/// As [`broadsheet_with_env`], with `stdin` written to the run's standard input.
pub async fn broadsheet_with_stdin(
    dir: &Path,
    args: &[&str],
    env: &[(&str, &OsStr)],
    stdin: &str,
) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_broadsheet"));
    cmd.arg("--data-dir").arg(dir).args(args);
    cmd.envs(env.iter().copied());
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let input = stdin.to_owned();
    let out = tokio::task::spawn_blocking(move || {
        let mut child = cmd.spawn()?;
        if let Some(mut pipe) = child.stdin.take() {
            pipe.write_all(input.as_bytes())?;
        }
        child.wait_with_output()
    })
    .await
    .unwrap()
    .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
