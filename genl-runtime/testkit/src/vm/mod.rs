//! Tests inside a throw-away virtual machine that boots a real Debian
//! kernel with `openvswitch.ko`, for the families the host kernel lacks.
//!
//! [`Vm::prepare`] gets everything ready on the host: the tools (qemu,
//! static busybox, cpio, kmod, file — installed with apt-get when missing
//! and the process is root), Debian's current cloud kernel (resolved
//! through `linux-image-cloud-amd64`, downloaded and extracted without its
//! install scripts, cached by package in [`cache_dir`]) and Debian's
//! `ovs-dpctl` as a peer. When something cannot be had it returns a
//! [`Skip`] with the reason. [`Vm::run`] then boots the kernel under qemu
//! (TCG) with an initramfs holding one program, and returns what it
//! reported.
//!
//! The guest program runs as root with `GENL_IN_VM=1`; `openvswitch`,
//! `veth` and `dummy` are loaded, `lo` is up, `ip` (iproute2) and
//! `ovs-dpctl` are on `PATH`. Its stdout is expected to carry libtest's
//! lines (`test NAME ... ok`), which [`VmRun::results`] lists; its stderr
//! goes to the console, which is part of [`VmRun::log`].
//!
//! ```no_run
//! use genl_testkit::vm::Vm;
//!
//! let vm = match Vm::prepare() {
//!     Ok(vm) => vm,
//!     Err(skip) => return genl_testkit::skip("my_vm_test", &skip.0),
//! };
//! let run = vm.run("/path/to/guest-tests".as_ref(), &[]).unwrap();
//! assert_eq!(run.exit, 0, "{}", run.log);
//! ```

mod host;
mod initramfs;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// Why the VM cannot run here (no root to install what is missing, no
/// network for the download, ...). Pass it to [`crate::skip`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skip(pub String);

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What became of one test of the guest program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// `ok`.
    Ok,
    /// `FAILED`.
    Failed,
    /// `ignored`.
    Ignored,
}

/// What a guest run reported.
#[derive(Clone, Debug)]
pub struct VmRun {
    /// Each test the guest program reported, in order, with its outcome.
    pub results: Vec<(String, Outcome)>,
    /// Everything the guest said: the console (kernel, `/init`, the
    /// program's stderr), then the program's stdout.
    pub log: String,
    /// The guest program's exit status.
    pub exit: i32,
}

impl VmRun {
    /// Checks the run as a host test does: no guest test failed, each of
    /// `expected` ran and passed, and the program exited with 0. The error
    /// names what did not hold and carries the log.
    pub fn passed<S: AsRef<str>>(&self, expected: &[S]) -> Result<(), String> {
        let failed: Vec<&str> = self
            .results
            .iter()
            .filter(|(_, o)| *o == Outcome::Failed)
            .map(|(n, _)| n.as_str())
            .collect();
        let missing: Vec<&str> = expected
            .iter()
            .map(AsRef::as_ref)
            .filter(|name| {
                !self
                    .results
                    .iter()
                    .any(|(n, o)| n == name && *o == Outcome::Ok)
            })
            .collect();
        if failed.is_empty() && missing.is_empty() && self.exit == 0 {
            return Ok(());
        }
        Err(format!(
            "guest tests failed: {failed:?}; expected but not passed: {missing:?}; \
             the guest program exited with {}\n{}",
            self.exit, self.log
        ))
    }
}

/// A prepared VM: a kernel and the host programs to put into the guest.
#[derive(Clone, Debug)]
pub struct Vm {
    cache: PathBuf,
    kernel: host::Kernel,
    /// Host programs for the guest's `PATH`, each with its name there.
    programs: Vec<(PathBuf, String)>,
    timeout: Duration,
    memory_mib: u32,
}

/// Where downloads and extractions are kept: `GENL_VM_CACHE`, else
/// `genl-vm` in the Cargo target directory of the running executable
/// (the first ancestor holding `CACHEDIR.TAG`), else `genl-vm` in the
/// temporary directory.
pub fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("GENL_VM_CACHE") {
        return PathBuf::from(dir);
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| {
            exe.ancestors()
                .find(|dir| dir.join("CACHEDIR.TAG").is_file())
                .map(|target| target.join("genl-vm"))
        })
        .unwrap_or_else(|| std::env::temp_dir().join("genl-vm"))
}

impl Vm {
    /// Gets the host ready (see the [module](self) documentation), or says
    /// why it cannot be. The boot timeout is `GENL_VM_TIMEOUT` seconds
    /// (default 120).
    pub fn prepare() -> Result<Vm, Skip> {
        let cache = cache_dir();
        std::fs::create_dir_all(&cache)
            .map_err(|e| Skip(format!("cannot create {}: {e}", cache.display())))?;
        let probe = cache.join(format!(".probe-{}", std::process::id()));
        std::fs::write(&probe, "")
            .map_err(|e| Skip(format!("cannot write to {}: {e}", cache.display())))?;
        let _ = std::fs::remove_file(&probe);
        host::ensure_tools().map_err(Skip)?;
        let kernel = host::kernel(&cache).map_err(|e| Skip(format!("no kernel: {e}")))?;
        let dpctl = host::ovs_dpctl(&cache).map_err(|e| Skip(format!("no ovs-dpctl: {e}")))?;
        let ip = host::which("ip").ok_or_else(|| Skip("needs `ip` from iproute2".into()))?;
        let timeout = std::env::var("GENL_VM_TIMEOUT")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(120);
        Ok(Vm {
            cache,
            kernel,
            programs: vec![named(ip), named(dpctl)],
            timeout: Duration::from_secs(timeout),
            memory_mib: 512,
        })
    }

    /// Puts another host program (with its shared libraries) on the
    /// guest's `PATH`, under its own file name: an application the guest
    /// program runs.
    pub fn with_program(mut self, program: impl Into<PathBuf>) -> Vm {
        self.programs.push(named(program.into()));
        self
    }

    /// Puts a host program on the guest's `PATH` under `name`: two tools
    /// of the same file name (a peer and its replacement) can then both be
    /// run.
    pub fn with_program_as(mut self, program: impl Into<PathBuf>, name: &str) -> Vm {
        self.programs.push((program.into(), name.to_owned()));
        self
    }

    /// Sets how long a run may take, boot included, before it is killed
    /// and fails (instead of `GENL_VM_TIMEOUT`): for long runs such as
    /// benchmarks.
    pub fn with_timeout(mut self, timeout: Duration) -> Vm {
        self.timeout = timeout;
        self
    }

    /// Sets the guest's memory in MiB (512 unless told): for runs that
    /// fill kernel tables.
    pub fn with_memory(mut self, mib: u32) -> Vm {
        self.memory_mib = mib;
        self
    }

    /// The kernel release the guest boots (`6.1.0-NN-cloud-amd64`).
    pub fn kernel_release(&self) -> &str {
        &self.kernel.release
    }

    /// Boots the guest with `binary` (a host executable; its shared
    /// libraries go along) and runs it with `args`. An error means the run
    /// did not complete (no initramfs, qemu failed, timeout, the guest
    /// never reported an exit status); it carries the guest's log.
    pub fn run(&self, binary: &Path, args: &[&str]) -> Result<VmRun, String> {
        static N: AtomicU32 = AtomicU32::new(0);
        let tag = format!(
            "run-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let work = self.cache.join(&tag);
        let _ = std::fs::remove_dir_all(&work);
        let result = self.run_in(&work, binary, args);
        let _ = std::fs::remove_dir_all(&work);
        result
    }

    fn run_in(&self, work: &Path, binary: &Path, args: &[&str]) -> Result<VmRun, String> {
        let stage = work.join("stage");
        let archive = work.join("initramfs.cpio");
        let serial = work.join("serial1.txt");
        initramfs::build(&stage, &archive, &self.kernel, &self.programs, binary, args)?;
        std::fs::write(&serial, "").map_err(|e| e.to_string())?;

        let mut qemu = Command::new("qemu-system-x86_64");
        qemu.args(["-accel", "tcg", "-smp", "2", "-m"])
            .arg(self.memory_mib.to_string())
            .args(["-nographic", "-nodefaults", "-no-reboot"])
            .args(["-serial", "stdio", "-serial"])
            .arg(format!("file:{}", serial.display()))
            .arg("-kernel")
            .arg(&self.kernel.image)
            .arg("-initrd")
            .arg(&archive)
            .args(["-append", "console=ttyS0 panic=-1 quiet"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = qemu.spawn().map_err(|e| format!("cannot run qemu: {e}"))?;
        // Read the console on threads so that qemu never blocks on a full pipe.
        let pipe = |mut r: Box<dyn Read + Send>| {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = r.read_to_end(&mut buf);
                buf
            })
        };
        let out = pipe(Box::new(child.stdout.take().ok_or("qemu without stdout")?));
        let err = pipe(Box::new(child.stderr.take().ok_or("qemu without stderr")?));
        let start = Instant::now();
        let mut timed_out = false;
        let status = loop {
            if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
                break Some(status);
            }
            if start.elapsed() > self.timeout {
                let _ = child.kill();
                let _ = child.wait();
                timed_out = true;
                break None;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let console = out.join().unwrap_or_default();
        let qemu_err = err.join().unwrap_or_default();
        let reported = std::fs::read(&serial).unwrap_or_default();

        let clean = |b: &[u8]| String::from_utf8_lossy(b).replace('\r', "");
        let reported = clean(&reported);
        let mut log = clean(&console);
        if !qemu_err.is_empty() {
            log.push_str("\n--- qemu stderr ---\n");
            log.push_str(&clean(&qemu_err));
        }
        log.push_str("\n--- guest program stdout ---\n");
        log.push_str(&reported);
        log.push_str(&format!(
            "\n--- guest run took {:.1} s ---\n",
            start.elapsed().as_secs_f64()
        ));

        if timed_out {
            return Err(format!("the VM timed out after {:?}\n{log}", self.timeout));
        }
        if let Some(reason) = reported.lines().find_map(|l| l.strip_prefix("@@INFRA ")) {
            return Err(format!(
                "the guest could not run the tests: {reason}\n{log}"
            ));
        }
        let exit = reported
            .lines()
            .find_map(|l| l.strip_prefix("@@EXIT ")?.trim().parse().ok());
        let Some(exit) = exit else {
            return Err(format!(
                "the guest reported no exit status (qemu: {status:?}; a kernel panic?)\n{log}"
            ));
        };
        Ok(VmRun {
            results: parse_results(&reported),
            log,
            exit,
        })
    }
}

/// A program with its own file name as its name in the guest.
fn named(program: PathBuf) -> (PathBuf, String) {
    let name = program
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    (program, name)
}

/// Reads libtest's `test NAME ... ok|FAILED|ignored` lines (names padded
/// or not, outcomes coloured or not).
pub fn parse_results(text: &str) -> Vec<(String, Outcome)> {
    strip_ansi(text)
        .lines()
        .filter_map(|line| {
            let (name, outcome) = line.strip_prefix("test ")?.rsplit_once(" ... ")?;
            let name = name.trim();
            let outcome = match outcome.trim() {
                "ok" => Outcome::Ok,
                "FAILED" => Outcome::Failed,
                o if o.starts_with("ignored") => Outcome::Ignored,
                _ => return None,
            };
            Some((name.to_owned(), outcome))
        })
        .collect()
}

/// `text` without ANSI escape sequences (`ESC [ ... letter`).
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        if chars.next() == Some('[') {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_passes_only_with_every_expected_test_ok_and_exit_0() {
        let run = |results: &[(&str, Outcome)], exit| VmRun {
            results: results.iter().map(|(n, o)| (n.to_string(), *o)).collect(),
            log: "LOG".into(),
            exit,
        };
        let ok = run(&[("a", Outcome::Ok), ("b", Outcome::Ok)], 0);
        assert_eq!(ok.passed(&["a", "b"]), Ok(()));
        let failed = run(&[("a", Outcome::Ok), ("b", Outcome::Failed)], 1);
        let e = failed.passed(&["a"]).unwrap_err();
        assert!(e.contains(r#"failed: ["b"]"#) && e.ends_with("LOG"), "{e}");
        let missing = run(&[("a", Outcome::Ignored)], 0);
        let e = missing.passed(&["a", "c"]).unwrap_err();
        assert!(e.contains(r#"not passed: ["a", "c"]"#), "{e}");
        assert!(run(&[("a", Outcome::Ok)], 2).passed(&["a"]).is_err());
    }

    #[test]
    fn reads_libtest_lines() {
        let text = "\nrunning 3 tests\ntest a    ... \u{1b}[32mok\u{1b}[0m\ntest b::c ... FAILED\n\
                    test d ... ignored, slow\ntest e ... \nnoise\n\
                    test result: FAILED. 1 passed; 1 failed\n";
        assert_eq!(
            parse_results(text),
            [
                ("a".to_owned(), Outcome::Ok),
                ("b::c".to_owned(), Outcome::Failed),
                ("d".to_owned(), Outcome::Ignored),
            ]
        );
    }
}
