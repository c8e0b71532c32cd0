//! Every example shown in `--help` runs, exactly as printed (continuation
//! lines included), in a fresh directory of fixtures, and succeeds.

mod common;

use std::process::Command;

use common::{jot, Fixtures, BIN};

fn help(path: &[&str]) -> String {
    let mut args: Vec<&str> = path.to_vec();
    args.push("--help");
    let out = jot().args(&args).output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// Subcommand names listed under "Commands:".
fn subcommands(help: &str) -> Vec<String> {
    let mut in_section = false;
    let mut out = Vec::new();
    for line in help.lines() {
        if line == "Commands:" {
            in_section = true;
            continue;
        }
        if in_section {
            let Some(rest) = line.strip_prefix("  ") else {
                break;
            };
            let name = rest.split_whitespace().next().unwrap_or_default();
            if !name.is_empty() && name != "help" {
                out.push(name.to_owned());
            }
        }
    }
    out
}

/// The `$ ` lines (with their ` \` continuations) of the Examples section.
fn examples(help: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut continuing = false;
    for line in help.lines() {
        if continuing {
            let last = out.last_mut().unwrap();
            last.push('\n');
            last.push_str(line);
        } else if let Some(cmd) = line.strip_prefix("  $ ") {
            out.push(cmd.to_owned());
        } else {
            continue;
        }
        continuing = line.ends_with(" \\");
    }
    out
}

fn all_examples() -> Vec<(String, String)> {
    let mut todo: Vec<Vec<String>> = vec![vec![]];
    let mut found = Vec::new();
    while let Some(path) = todo.pop() {
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        let h = help(&p);
        let ex = examples(&h);
        assert!(
            !ex.is_empty(),
            "`jot {}` --help shows no examples",
            p.join(" ")
        );
        for e in ex {
            found.push((p.join(" "), e));
        }
        for sub in subcommands(&h) {
            let mut next = path.clone();
            next.push(sub);
            todo.push(next);
        }
    }
    found
}

#[test]
fn every_help_example_runs() {
    let examples = all_examples();
    assert!(
        examples.len() >= 30,
        "found only {} examples",
        examples.len()
    );
    let bin_dir = std::path::Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for (cmd, example) in examples {
        let fx = Fixtures::new();
        let out = Command::new("bash")
            .arg("-c")
            .arg(format!("set -eo pipefail\n{example}"))
            .current_dir(fx.path())
            .env("PATH", &path)
            .env_remove("NO_COLOR")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "example of `jot {cmd}` failed:\n$ {example}\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn every_command_is_documented_with_exit_codes() {
    let h = help(&[]);
    assert!(h.contains("Exit codes: 0"));
    for sub in subcommands(&h) {
        assert!(help(&[&sub]).contains("Examples:"), "{sub}");
    }
}
