//! The addresses of pictures the library keeps: the app's own image scheme and the shape of
//! its tokens.
//!
//! This module owns how a cached picture or feed icon is named to the window
//! (`broadsheet-img://localhost/<token>`) and which strings are tokens at all. It is a leaf:
//! it imports nothing, so the store, the image cache and the app can all name pictures
//! without depending on one another. It must never touch the disk, the network or the library.

/// The URI scheme the window serves cached pictures from: `broadsheet-img://localhost/<token>`.
pub const IMAGE_SCHEME: &str = "broadsheet-img";

/// Hex characters of a token: 128 bits of sha256, enough that distinct URLs never meet.
pub const TOKEN_LEN: usize = 32;

/// The address the window loads a cached picture from. WebView2 (Windows) reaches custom
/// schemes as `http://<scheme>.localhost/`; WebKit takes the scheme itself.
pub fn image_src(token: &str) -> String {
    if cfg!(windows) {
        format!("http://{IMAGE_SCHEME}.localhost/{token}")
    } else {
        format!("{IMAGE_SCHEME}://localhost/{token}")
    }
}

/// Whether `token` has the shape of one of our tokens: [`TOKEN_LEN`] lowercase hex characters.
/// A token becomes a file name, so anything else must never reach the disk.
pub fn is_token(token: &str) -> bool {
    token.len() == TOKEN_LEN
        && token
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
