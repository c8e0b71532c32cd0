//! `jot ui`: serves the debugger (crate `jot-ui`) until Ctrl-C.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::cli::UiArgs;
use crate::error::{Failure, Result};

pub fn run(a: UiArgs) -> Result<u8> {
    let open = a.open;
    jot_ui::serve(a.port, |url| {
        let mut out = std::io::stdout().lock();
        // The URL goes to the terminal only: it is the key to the session.
        let _ = writeln!(
            out,
            "jot ui: open this URL (it works once; Ctrl-C stops the server):\n  {url}"
        );
        let _ = out.flush();
        if open {
            if let Err(e) = open_browser(url) {
                eprintln!("jot: could not open a browser ({e}); open the URL yourself");
            }
        }
    })
    .map_err(|e| Failure::usage(format!("cannot serve on 127.0.0.1:{}: {e}", a.port)))?;
    Ok(0)
}

fn open_browser(url: &str) -> std::io::Result<()> {
    let mut cmd = if cfg!(target_os = "macos") {
        Command::new("open")
    } else if cfg!(windows) {
        let mut c = Command::new("explorer");
        c.arg(url);
        return c.spawn().map(drop);
    } else {
        Command::new("xdg-open")
    };
    cmd.arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(drop)
}
