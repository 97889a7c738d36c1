//! The guest's initramfs: static busybox, the kernel modules, the host
//! programs it runs (with their shared libraries), and an `/init` that runs
//! one program and reports on the second serial port.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::host::{BUSYBOX, Kernel, output};

/// Modules the guest loads; `modprobe --show-depends` puts each one's
/// dependencies (conntrack, the UDP and IP tunnel cores, vxlan, geneve,
/// ip_gre) before it.
const MODULES: &[&str] = &[
    "openvswitch",
    "veth",
    "dummy",
    "vport-vxlan",
    "vport-geneve",
    "vport-gre",
];

/// Where the guest program lies in the guest.
const GUEST_BIN: &str = "/guest/test";

/// The guest's `/init`. The program's stdout (libtest's lines) goes to the
/// second serial port, its stderr to the console.
const INIT: &str = r#"#!/bin/sh
export PATH=/usr/bin:/bin HOME=/tmp RUST_BACKTRACE=1 GENL_IN_VM=1
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mkdir -p /var/run /run/openvswitch
R=/dev/ttyS1
while read -r ko; do
  insmod "$ko" || echo "genl-vm: insmod $ko failed"
done < /etc/genl-modules
/usr/bin/ip link set lo up
if grep -q '^openvswitch ' /proc/modules; then
  set --
  while IFS= read -r a; do set -- "$@" "$a"; done < /etc/genl-args
  echo "genl-vm: running the guest program $*"
  /guest/test "$@" > $R
  echo "@@EXIT $?" > $R
else
  echo "@@INFRA openvswitch did not load" > $R
fi
sync
poweroff -f
"#;

/// Copies `from` to `to` (following links), creating parent directories.
fn copy(from: &Path, to: &Path) -> Result<(), String> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    fs::copy(from, to)
        .map(drop)
        .map_err(|e| format!("copy {} to {}: {e}", from.display(), to.display()))
}

/// The path of `abs` (absolute) inside `stage`.
fn inside(stage: &Path, abs: &Path) -> PathBuf {
    stage.join(abs.strip_prefix("/").unwrap_or(abs))
}

/// Copies the shared libraries `ldd` lists for `program` to the same
/// paths in the stage (nothing for a static program).
fn copy_libs(stage: &Path, program: &Path) -> Result<(), String> {
    let Ok(listing) = output("ldd", &[&program.to_string_lossy()]) else {
        return Ok(()); // "not a dynamic executable"
    };
    for line in listing.lines() {
        let lib = match line.split_once("=>") {
            Some((_, rest)) => rest.split_whitespace().next(),
            None => line.split_whitespace().next(),
        };
        let Some(lib) = lib.filter(|l| l.starts_with('/')) else {
            continue;
        };
        let lib = Path::new(lib);
        let to = inside(stage, lib);
        if !to.exists() {
            copy(lib, &to)?;
        }
    }
    Ok(())
}

/// The modules to load, in load order, as paths under the kernel root.
fn modules(kernel: &Kernel) -> Result<Vec<PathBuf>, String> {
    let root = kernel.root.to_string_lossy();
    let mut all: Vec<PathBuf> = Vec::new();
    for module in MODULES {
        let deps = output(
            "modprobe",
            &["-d", &root, "-S", &kernel.release, "--show-depends", module],
        )?;
        for line in deps.lines() {
            // `insmod PATH [OPTIONS]`: options (from the host's modprobe.d) are not kept.
            if let Some(ko) = line
                .strip_prefix("insmod ")
                .and_then(|rest| rest.split_whitespace().next())
            {
                let ko = PathBuf::from(ko);
                if !all.contains(&ko) {
                    all.push(ko);
                }
            }
        }
    }
    Ok(all)
}

/// Copies a host program to `to` in the stage, with its shared libraries,
/// and strips its debug information: a debug build is mostly that, which
/// the guest would unpack for nothing (symbols stay, so backtraces keep
/// their function names). Without `strip` the program goes in as it is.
fn put_program(stage: &Path, program: &Path, to: &Path) -> Result<(), String> {
    copy(program, to)?;
    copy_libs(stage, program)?;
    let _ = output("strip", &["--strip-debug", &to.to_string_lossy()]);
    Ok(())
}

/// Builds the staging tree in `stage` and writes it as an uncompressed
/// newc archive (which boots faster under TCG than a compressed one) to
/// `archive`.
pub(super) fn build(
    stage: &Path,
    archive: &Path,
    kernel: &Kernel,
    programs: &[(PathBuf, String)],
    guest: &Path,
    args: &[&str],
) -> Result<(), String> {
    let mk = |dir: &str| {
        fs::create_dir_all(stage.join(dir)).map_err(|e| format!("{}: {e}", stage.display()))
    };
    for dir in ["bin", "usr/bin", "proc", "sys", "dev", "tmp", "run", "etc"] {
        mk(dir)?;
    }
    copy(Path::new(BUSYBOX), &stage.join("bin/busybox"))?;
    for applet in output(BUSYBOX, &["--list"])?.lines() {
        // A link named busybox would point at itself.
        if applet.is_empty() || applet == "busybox" {
            continue;
        }
        std::os::unix::fs::symlink("busybox", stage.join("bin").join(applet))
            .map_err(|e| format!("link {applet}: {e}"))?;
    }

    let mut list = String::new();
    for ko in modules(kernel)? {
        let rel = ko.strip_prefix(&kernel.root).unwrap_or(&ko);
        copy(&ko, &stage.join(rel))?;
        list.push_str(&format!("/{}\n", rel.display()));
    }
    let write = |path: &str, text: &str| {
        fs::write(stage.join(path), text).map_err(|e| format!("write {path}: {e}"))
    };
    write("etc/genl-modules", &list)?;

    // Real programs go to /usr/bin, ahead of busybox's applets on PATH.
    for (program, name) in programs {
        if name.is_empty() || name.contains('/') {
            return Err(format!("{}: no name for the guest", program.display()));
        }
        put_program(stage, program, &stage.join("usr/bin").join(name))?;
    }
    put_program(stage, guest, &inside(stage, Path::new(GUEST_BIN)))?;

    let mut arg_lines = String::new();
    for a in args {
        if a.contains('\n') {
            return Err(format!("guest argument with a newline: {a:?}"));
        }
        arg_lines.push_str(a);
        arg_lines.push('\n');
    }
    write("etc/genl-args", &arg_lines)?;
    write("init", INIT)?;
    fs::set_permissions(
        stage.join("init"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .map_err(|e| format!("chmod init: {e}"))?;

    let out = fs::File::create(archive).map_err(|e| format!("{}: {e}", archive.display()))?;
    let mut cpio = Command::new("cpio")
        .args(["-o", "-H", "newc", "--quiet"])
        .current_dir(stage)
        .stdin(Stdio::piped())
        .stdout(out)
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run cpio: {e}"))?;
    let mut names = String::new();
    walk(stage, Path::new("."), &mut names)?;
    let mut stdin = cpio.stdin.take().ok_or("cpio without stdin")?;
    std::io::Write::write_all(&mut stdin, names.as_bytes()).map_err(|e| e.to_string())?;
    drop(stdin);
    let done = cpio.wait_with_output().map_err(|e| e.to_string())?;
    if !done.status.success() {
        return Err(format!(
            "cpio failed: {}",
            String::from_utf8_lossy(&done.stderr)
        ));
    }
    Ok(())
}

/// Lists `rel` and everything under it (relative to `stage`), a name a
/// line, parents first.
fn walk(stage: &Path, rel: &Path, names: &mut String) -> Result<(), String> {
    names.push_str(&rel.to_string_lossy());
    names.push('\n');
    let full = stage.join(rel);
    let meta = fs::symlink_metadata(&full).map_err(|e| format!("{}: {e}", full.display()))?;
    if meta.is_dir() {
        let mut entries: Vec<_> = fs::read_dir(&full)
            .map_err(|e| format!("{}: {e}", full.display()))?
            .filter_map(|e| e.ok().map(|e| e.file_name()))
            .collect();
        entries.sort();
        for name in entries {
            walk(stage, &rel.join(name), names)?;
        }
    }
    Ok(())
}
