//! `genl`: work with YNL generic netlink family specs from the command line.
//!
//! - `genl --spec FILE --do OP --json '{...}'` (and `--dump`, `--multi`,
//!   `--subscribe`, `--list-ops`, ...) drives a family from its spec, with
//!   the flags of the kernel's YNL command line: see [`genl_cli::client`].
//! - `genl check SPEC...` validates specs and prints every problem, located
//!   at `file:line:col` in the style of rustc.
//! - `genl gen SPEC [-o FILE]` writes the Rust module generated from a spec.
//! - `genl doc SPEC [-o FILE]` writes the Markdown reference of a spec's family.
//! - `genl policy-diff SPEC` compares a spec with the running kernel's policy.
#![forbid(unsafe_code)]

use annotate_snippets::Renderer;
use clap::{Parser, Subcommand};
use genl_spec::{Diagnostics, Source, Spec};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Typed, policy-checked generic netlink from YNL family specs.
///
/// With --spec FILE (or --family NAME) and no command, talks to the kernel
/// as the spec describes: `genl --spec specs/nlctrl.yaml --dump getfamily`.
#[derive(Parser)]
#[command(name = "genl", version, about, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    client: genl_cli::client::Args,
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
    /// Generate the Rust module of a spec: on stdout, or in a file.
    Gen {
        /// The spec.
        #[arg(value_name = "SPEC")]
        spec: PathBuf,
        /// Write here instead of stdout (only when the contents change).
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Also implement serde's traits (JSON as the kernel's YNL CLI writes
        /// it), behind the including crate's `serde` feature.
        #[arg(long)]
        serde: bool,
        /// Generate this attribute set as an ordered list (an enum with a
        /// variant per attribute, nested as `Option<Vec<_>>`); repeatable.
        #[arg(long, value_name = "SET")]
        ordered: Vec<String>,
        /// Also write a borrowing view of every attribute set, read in place
        /// without allocating.
        #[arg(long)]
        views: bool,
        /// Write the views behind the including crate's cargo feature
        /// FEATURE (implies --views).
        #[arg(long, value_name = "FEATURE")]
        views_feature: Option<String>,
        /// Write the blocking `Client` behind the including crate's cargo
        /// feature FEATURE.
        #[arg(long, value_name = "FEATURE")]
        client_feature: Option<String>,
        /// Also write an `AsyncClient` and a `SharedClient` (the including
        /// crate then needs genl-runtime's `tokio` feature).
        #[arg(long)]
        async_client: bool,
        /// Write the async clients behind the including crate's cargo
        /// feature FEATURE, which turns on genl-runtime's `tokio` feature
        /// (implies --async-client).
        #[arg(long, value_name = "FEATURE")]
        async_client_feature: Option<String>,
        /// Nest lists of the ordered set SET at most LEVELS deep below the
        /// outermost, a limit of the kernel that the spec cannot state
        /// (checked before sending); repeatable.
        #[arg(long, value_name = "SET=LEVELS")]
        max_nesting: Vec<String>,
        /// Also derive `arbitrary::Arbitrary`, behind the including crate's
        /// `arbitrary` feature.
        #[arg(long)]
        arbitrary: bool,
        /// Type attribute SET.ATTR with the generated set at a Rust path
        /// (for example `packet-attrs.key=crate::ovs_flow::KeyAttrs`);
        /// repeatable.
        #[arg(long = "extern", value_name = "SET.ATTR=PATH")]
        extern_sets: Vec<String>,
    },
    /// Write the Markdown reference of a spec's family: on stdout, or in a file.
    Doc {
        /// The spec.
        #[arg(value_name = "SPEC")]
        spec: PathBuf,
        /// Write here instead of stdout (only when the contents change).
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Compare a spec with the running kernel's policy of its family: exit 0
    /// when they agree, 1 when they differ, 2 on errors.
    PolicyDiff {
        /// The spec.
        #[arg(value_name = "SPEC")]
        spec: PathBuf,
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

/// Loads a spec, printing its errors (and, with `warnings`, its warnings)
/// on `stderr`; `None` when it does not load.
fn load(path: &std::path::Path, stderr: &mut impl Write, warnings: bool) -> Option<Spec> {
    match Spec::load(path) {
        Ok(spec) => {
            if warnings {
                print(stderr, spec.warnings(), spec.source(), false);
            }
            Some(spec)
        }
        Err(e) => {
            print(stderr, &e.diagnostics, &e.source, false);
            None
        }
    }
}

/// Writes `text` to `output` (only when it changes) or to stdout.
fn emit(output: Option<&std::path::Path>, text: &str, stderr: &mut impl Write) -> ExitCode {
    let result = match output {
        Some(path) => genl_spec::write_if_changed(path, text)
            .map_err(|e| format!("cannot write `{}`: {e}", path.display())),
        None => std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .map_err(|e| format!("cannot write: {e}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(stderr, "error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn gen_module(
    spec: &std::path::Path,
    output: Option<&std::path::Path>,
    options: genl_spec::codegen::Options,
) -> ExitCode {
    let mut stderr = std::io::stderr().lock();
    let Some(spec) = load(spec, &mut stderr, true) else {
        return ExitCode::FAILURE;
    };
    let family = spec.family();
    if let Some(set) = options
        .ordered_sets
        .iter()
        .find(|s| family.set_by_name(s).is_none())
    {
        let _ = writeln!(
            stderr,
            "error: --ordered {set}: family `{}` has no attribute set `{set}`",
            family.name
        );
        return ExitCode::FAILURE;
    }
    // One spec, one family: an extern set must be one of its attributes.
    if let Some(e) = options
        .extern_sets
        .iter()
        .find(|e| family.set_by_name(&e.set).is_none())
    {
        let _ = writeln!(
            stderr,
            "error: --extern {}.{}: family `{}` has no attribute set `{}`",
            e.set, e.attr, family.name, e.set
        );
        return ExitCode::FAILURE;
    }
    if let Err(e) = options.check(family) {
        let _ = writeln!(stderr, "error: {e}");
        return ExitCode::FAILURE;
    }
    let code = genl_spec::codegen::generate(&spec, &options);
    emit(output, &code, &mut stderr)
}

fn doc(spec: &std::path::Path, output: Option<&std::path::Path>) -> ExitCode {
    let mut stderr = std::io::stderr().lock();
    let Some(spec) = load(spec, &mut stderr, true) else {
        return ExitCode::FAILURE;
    };
    let text = genl_cli::doc::markdown(&spec);
    emit(output, &text, &mut stderr)
}

fn policy_diff(spec: &std::path::Path) -> ExitCode {
    let mut stderr = std::io::stderr().lock();
    let Some(spec) = load(spec, &mut stderr, false) else {
        return ExitCode::from(2);
    };
    let family = spec.family();
    let kernel = genl_runtime::Connection::new()
        .and_then(|mut c| genl_cli::policy_diff::kernel_policy(&mut c, &family.name));
    let kernel = match kernel {
        Ok(k) => k,
        Err(e @ genl_runtime::Error::FamilyNotFound { .. }) => {
            let _ = writeln!(
                stderr,
                "error: the running kernel has no family `{}`: {e}",
                family.name
            );
            return ExitCode::from(2);
        }
        Err(e) => {
            let _ = writeln!(
                stderr,
                "error: cannot read the kernel's policy of `{}`: {e}",
                family.name
            );
            return ExitCode::from(2);
        }
    };
    let report = genl_cli::policy_diff::diff(family, &kernel);
    let _ = std::io::stdout()
        .lock()
        .write_all(report.to_string().as_bytes());
    if report.is_empty() {
        let _ = writeln!(stderr, "`{}`: spec and kernel agree", family.name);
        ExitCode::SUCCESS
    } else {
        let _ = writeln!(
            stderr,
            "`{}`: {} difference(s) between spec and kernel",
            family.name,
            report.len()
        );
        ExitCode::FAILURE
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let Some(command) = cli.command else {
        if !cli.client.any() {
            use clap::CommandFactory;
            let _ = Cli::command().print_help();
            return ExitCode::FAILURE;
        }
        return genl_cli::client::run(&cli.client);
    };
    match command {
        Command::Check { specs, quiet } => check(&specs, quiet),
        Command::Gen {
            spec,
            output,
            serde,
            ordered,
            views,
            views_feature,
            client_feature,
            async_client,
            async_client_feature,
            max_nesting,
            arbitrary,
            extern_sets,
        } => {
            let mut options = genl_spec::codegen::Options::default()
                .with_serde(serde)
                .with_arbitrary(arbitrary)
                .with_views(views)
                .with_async_client(async_client);
            if let Some(feature) = views_feature {
                options = options.with_views_feature(feature);
            }
            if let Some(feature) = client_feature {
                options = options.with_client_feature(feature);
            }
            if let Some(feature) = async_client_feature {
                options = options.with_async_client_feature(feature);
            }
            for set in ordered {
                options = options.with_ordered_set(set);
            }
            for m in max_nesting {
                let levels = m
                    .split_once('=')
                    .and_then(|(set, n)| Some((set, n.parse().ok()?)));
                let Some((set, levels)) = levels else {
                    eprintln!("error: --max-nesting {m}: expected SET=LEVELS, LEVELS a number");
                    return ExitCode::FAILURE;
                };
                options = options.with_max_nesting(set, levels);
            }
            for e in extern_sets {
                let Some((set_attr, path)) = e.split_once('=') else {
                    eprintln!("error: --extern {e}: expected SET.ATTR=PATH");
                    return ExitCode::FAILURE;
                };
                options = options.with_extern_set(set_attr, path);
            }
            gen_module(&spec, output.as_deref(), options)
        }
        Command::Doc { spec, output } => doc(&spec, output.as_deref()),
        Command::PolicyDiff { spec } => policy_diff(&spec),
    }
}
