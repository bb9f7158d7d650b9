//! Syncing with the reader's own server: the protocol clients an account speaks.
//!
//! Owns the wire: logging in, reading what the server holds and pushing edits to it, one
//! module per protocol (today the Google Reader API, `greader`). It returns plain values and
//! typed errors and must never touch the store or decide what a sync does with them: that is
//! the library's job. It must never put a password in an error, a log line or Debug output.

pub mod greader;
