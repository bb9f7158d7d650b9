#!/usr/bin/env bash
# Saves the README's screenshots (docs/screenshots/{light,dark,narrow}.png): builds the app
# (debug), serves the loopback news site plus two made-up feeds, makes a library from them and
# photographs the real window through tauri-driver under Xvfb. See `screenshots` in
# tests/window.rs. BROADSHEET_SCREENSHOTS_PANES=1 also saves the settings and the rules of each
# ({light,dark}-{settings,rules}.png), for a look, not for the README. Needs tauri-driver (cargo install tauri-driver --locked),
# webkit2gtk-driver and xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
export BROADSHEET_E2E=1
BROADSHEET_SCREENSHOTS_DIR="${BROADSHEET_SCREENSHOTS_DIR:-$PWD/docs/screenshots}" \
  cargo test --test window screenshots -- --ignored --exact
ls -l docs/screenshots
