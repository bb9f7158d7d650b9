//! The HTTP policy: one place decides timeouts, caps, redirects and which addresses may be reached.
