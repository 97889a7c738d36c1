//! Test support for genl's live tests.
//!
//! Live tests talk to the running kernel. They never touch the host's own
//! interfaces: each works in a fresh network namespace ([`Netns`]) that it
//! removes when done. A test that cannot run here (no root, no `ip`, a
//! family the kernel lacks) calls [`skip`], which prints why and returns —
//! unless `GENL_STRICT=1` (as CI sets it), which turns the skip into a
//! failure.
//!
//! Families the host kernel lacks (Open vSwitch's) are tested inside a
//! virtual machine that boots a real kernel: see [`vm`].
#![forbid(unsafe_code)]

pub mod vm;

use std::fs::File;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

/// Whether skips are failures (`GENL_STRICT` set and not `0`).
pub fn strict() -> bool {
    std::env::var_os("GENL_STRICT").is_some_and(|v| v != "0")
}

/// Reports that a test cannot run here and why. Under `GENL_STRICT` this
/// panics, so that CI cannot pass without running it.
pub fn skip(test: &str, reason: &str) {
    if strict() {
        panic!("{test}: cannot run: {reason} (GENL_STRICT=1 makes this a failure)");
    }
    eprintln!("SKIPPED {test}: {reason}");
}

/// `Ok(())` when the process may create namespaces and interfaces (root,
/// and `ip` from iproute2 present); otherwise the reason.
pub fn can_manage_network() -> Result<(), String> {
    if !rustix::process::geteuid().is_root() {
        return Err("needs root to create network namespaces".into());
    }
    match Command::new("ip").arg("-V").output() {
        Ok(o) if o.status.success() => Ok(()),
        _ => Err("needs `ip` from iproute2".into()),
    }
}

/// A network namespace of the test's own, removed on drop.
#[derive(Debug)]
pub struct Netns {
    name: String,
}

impl Netns {
    /// Creates a namespace, or reports a [`skip`] and returns `None` when
    /// this machine does not allow it.
    pub fn new(test: &str) -> Option<Netns> {
        if let Err(reason) = can_manage_network() {
            skip(test, &reason);
            return None;
        }
        static N: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "genl-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        run("ip", &["netns", "add", &name]);
        let ns = Netns { name };
        ns.ip(&["link", "set", "lo", "up"]);
        Some(ns)
    }

    /// The namespace's name (under `/run/netns`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Runs `ip -n <ns> args...`, panicking with its output when it fails.
    pub fn ip(&self, args: &[&str]) {
        let mut all = vec!["-n", &self.name];
        all.extend_from_slice(args);
        run("ip", &all);
    }

    /// Runs a command inside the namespace (`ip netns exec`).
    pub fn exec(&self, program: &str, args: &[&str]) -> std::process::Output {
        let mut all = vec!["netns", "exec", &self.name, program];
        all.extend_from_slice(args);
        Command::new("ip")
            .args(&all)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {program}: {e}"))
    }

    /// Creates a veth pair `a`–`b` inside the namespace (read their indexes
    /// with [`Netns::ifindex`]).
    pub fn veth(&self, a: &str, b: &str) {
        self.ip(&["link", "add", a, "type", "veth", "peer", "name", b]);
    }

    /// The index of an interface of the namespace.
    pub fn ifindex(&self, dev: &str) -> u32 {
        let out = self.exec("cat", &[&format!("/sys/class/net/{dev}/ifindex")]);
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("no ifindex for {dev}: {out:?}"))
    }

    /// Runs `f` on a thread that has entered the namespace: sockets it
    /// opens belong to the namespace, and so does what they see.
    pub fn run<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        let path = format!("/run/netns/{}", self.name);
        std::thread::scope(|s| {
            s.spawn(|| {
                let file = File::open(&path).unwrap_or_else(|e| panic!("open {path}: {e}"));
                rustix::thread::move_into_link_name_space(
                    std::os::fd::AsFd::as_fd(&file),
                    Some(rustix::thread::LinkNameSpaceType::Network),
                )
                .unwrap_or_else(|e| panic!("setns {path}: {e}"));
                f()
            })
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
        })
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .output();
    }
}

/// Runs a program and returns its stdout; a program that cannot start or
/// exits unsuccessfully is an error with its stdout and stderr. The command
/// and its output are echoed to stderr (captured by the test harness).
pub fn output_of(program: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    eprintln!("$ {program} {}\n{stdout}", args.join(" "));
    if !out.status.success() {
        return Err(format!(
            "{program} {} failed ({}): {}{}",
            args.join(" "),
            out.status,
            stdout,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(stdout)
}

fn run(program: &str, args: &[&str]) {
    if let Err(e) = output_of(program, args) {
        panic!("{e}");
    }
}
