//! `genl`: work with YNL generic netlink family specs from the command line.
//!
//! - `genl check SPEC...` validates specs and prints every problem, located
//!   at `file:line:col` in the style of rustc.
#![forbid(unsafe_code)]

use annotate_snippets::Renderer;
use clap::{Parser, Subcommand};
use genl_spec::{Diagnostics, Source, Spec};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Typed, policy-checked generic netlink from YNL family specs.
#[derive(Parser)]
#[command(name = "genl", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate specs: exit 0 when all are valid (warnings are printed), 1 otherwise.
    Check {
        /// Spec files to check.
        #[arg(required = true, value_name = "SPEC")]
        specs: Vec<PathBuf>,
        /// Do not print warnings.
        #[arg(long, short)]
        quiet: bool,
    },
}

fn renderer() -> Renderer {
    if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
}

fn print(out: &mut impl Write, diags: &Diagnostics, source: &Source, quiet: bool) {
    let renderer = renderer();
    for d in diags.iter().filter(|d| !quiet || d.is_error()) {
        let _ = writeln!(out, "{}\n", d.render_with(source, &renderer));
    }
    let summary = diags.summary(source);
    if !summary.is_empty() && (!quiet || diags.has_errors()) {
        let _ = write!(out, "{summary}");
    }
}

fn check(specs: &[PathBuf], quiet: bool) -> ExitCode {
    let mut stderr = std::io::stderr().lock();
    let mut failed = 0usize;
    for path in specs {
        match Spec::load(path) {
            Ok(spec) => print(&mut stderr, spec.warnings(), spec.source(), quiet),
            Err(e) => {
                failed += 1;
                print(&mut stderr, &e.diagnostics, &e.source, quiet);
            }
        }
    }
    if failed == 0 {
        if !quiet {
            let n = specs.len();
            let _ = writeln!(
                stderr,
                "checked {n} spec{}: all valid",
                if n == 1 { "" } else { "s" }
            );
        }
        ExitCode::SUCCESS
    } else {
        let n = specs.len();
        let _ = writeln!(
            stderr,
            "checked {n} spec{}: {failed} invalid",
            if n == 1 { "" } else { "s" }
        );
        ExitCode::FAILURE
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { specs, quiet } => check(&specs, quiet),
    }
}
