//! What the host needs for a guest: its tools (installed with apt-get when
//! missing and allowed), the kernel (Debian's cloud kernel, downloaded and
//! extracted once per version) and the `ovs-dpctl` peer.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The meta package that names the current kernel ABI package.
const KERNEL_META: &str = "linux-image-cloud-amd64";

/// Runs a command, returning its stdout, or a message with its stderr.
pub(super) fn output(program: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .env("DEBIAN_FRONTEND", "noninteractive")
        .output()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{program} {} failed ({}): {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Like [`output`], in a working directory.
fn output_in(dir: &Path, program: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{program} {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// A program found on `PATH` (or under the sbin directories root has).
pub(super) fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin", "/usr/bin", "/bin"].map(PathBuf::from))
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// The statically linked busybox the guest runs as its userland.
pub(super) const BUSYBOX: &str = "/bin/busybox";

fn busybox_is_static() -> bool {
    output("file", &["-L", BUSYBOX])
        .is_ok_and(|s| s.contains("statically linked") || s.contains("static-pie"))
}

/// The apt packages of the tools that are missing.
fn missing_tools() -> Vec<&'static str> {
    let mut need = Vec::new();
    let tools = [
        ("qemu-system-x86_64", "qemu-system-x86"),
        ("cpio", "cpio"),
        ("depmod", "kmod"),
        ("modprobe", "kmod"),
        ("file", "file"),
    ];
    for (tool, package) in tools {
        if which(tool).is_none() && !need.contains(&package) {
            need.push(package);
        }
    }
    if which("file").is_none() || !busybox_is_static() {
        need.push("busybox-static");
    }
    need
}

/// Installs packages with apt-get (updating the lists once if the first
/// attempt fails).
fn apt_install(packages: &[&str]) -> Result<(), String> {
    let mut args = vec!["install", "-y", "-qq", "--no-install-recommends"];
    args.extend_from_slice(packages);
    if output("apt-get", &args).is_ok() {
        return Ok(());
    }
    output("apt-get", &["update", "-qq"])?;
    output("apt-get", &args).map(drop)
}

/// Makes sure the host tools are there, installing them when root.
pub(super) fn ensure_tools() -> Result<(), String> {
    for tool in ["dpkg-deb", "apt-get", "apt-cache", "ldd"] {
        if which(tool).is_none() {
            return Err(format!("needs `{tool}` (a Debian-like host)"));
        }
    }
    let need = missing_tools();
    if need.is_empty() {
        return Ok(());
    }
    if !is_root() {
        return Err(format!(
            "needs {} and is not root to install them",
            need.join(", ")
        ));
    }
    eprintln!("genl-vm: apt-get install {}", need.join(" "));
    apt_install(&need).map_err(|e| format!("cannot install {}: {e}", need.join(", ")))?;
    match missing_tools() {
        still if still.is_empty() => Ok(()),
        still => Err(format!("still missing after install: {}", still.join(", "))),
    }
}

/// The first `Depends:` of `package` whose name starts with `prefix`.
fn depends_on(package: &str, prefix: &str) -> Option<String> {
    let out = output("apt-cache", &["depends", package]).ok()?;
    out.lines()
        .filter_map(|l| l.trim().trim_start_matches('|').strip_prefix("Depends: "))
        .find(|p| p.starts_with(prefix))
        .map(str::to_owned)
}

/// Downloads a package's .deb into `dir` and extracts it into `root`.
fn download_extract(package: &str, dir: &Path, root: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    output_in(dir, "apt-get", &["download", "-q", package])?;
    let deb = std::fs::read_dir(dir)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&format!("{package}_")) && n.ends_with(".deb"))
        })
        .ok_or_else(|| format!("apt-get download {package} left no .deb"))?;
    output(
        "dpkg-deb",
        &["-x", &deb.to_string_lossy(), &root.to_string_lossy()],
    )
    .map(drop)
}

/// An extracted kernel: its root (with `lib/modules/<release>`), release
/// and image.
#[derive(Clone, Debug)]
pub(super) struct Kernel {
    pub root: PathBuf,
    pub release: String,
    pub image: PathBuf,
}

impl Kernel {
    /// A complete extraction under `root`, if there is one.
    fn open(root: &Path) -> Option<Kernel> {
        if !root.join(".done").is_file() {
            return None;
        }
        let release = std::fs::read_dir(root.join("lib/modules"))
            .ok()?
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .next()?;
        let image = root.join(format!("boot/vmlinuz-{release}"));
        image.is_file().then(|| Kernel {
            root: root.to_owned(),
            release,
            image,
        })
    }
}

/// The current cloud kernel, from the cache or downloaded into it. When the
/// current one cannot be had (no network), a cached older one does.
pub(super) fn kernel(cache: &Path) -> Result<Kernel, String> {
    let kernels = cache.join("kernel");
    let package = depends_on(KERNEL_META, "linux-image-").or_else(|| {
        if is_root() {
            output("apt-get", &["update", "-qq"]).ok()?;
        }
        depends_on(KERNEL_META, "linux-image-")
    });
    let fallback = || {
        std::fs::read_dir(&kernels)
            .ok()?
            .filter_map(|e| Kernel::open(&e.ok()?.path()))
            .max_by(|a, b| a.release.cmp(&b.release))
    };
    let Some(package) = package else {
        return fallback().ok_or_else(|| format!("apt cannot resolve {KERNEL_META}"));
    };
    let root = kernels.join(&package);
    if let Some(k) = Kernel::open(&root) {
        return Ok(k);
    }
    eprintln!("genl-vm: fetching {package}");
    let fetched = (|| {
        let tmp = kernels.join(format!(".{package}.{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        download_extract(&package, &tmp.join("deb"), &tmp.join("root"))?;
        let release = package
            .strip_prefix("linux-image-")
            .unwrap_or(&package)
            .to_owned();
        let root_s = tmp.join("root").to_string_lossy().into_owned();
        output("depmod", &["-b", &root_s, &release])?;
        std::fs::write(tmp.join("root/.done"), &package).map_err(|e| e.to_string())?;
        let _ = std::fs::remove_dir_all(&root);
        std::fs::rename(tmp.join("root"), &root).map_err(|e| e.to_string())?;
        let _ = std::fs::remove_dir_all(&tmp);
        Kernel::open(&root).ok_or_else(|| format!("{package} has no kernel image"))
    })();
    fetched.or_else(|e| fallback().ok_or(e))
}

/// Debian's `ovs-dpctl` (package openvswitch-switch), extracted into the
/// cache, its shared libraries (the `lib*` dependencies of the package and
/// of openvswitch-common) installed on the host when missing.
pub(super) fn ovs_dpctl(cache: &Path) -> Result<PathBuf, String> {
    let root = cache.join("ovs");
    let bin = root.join("usr/bin/ovs-dpctl");
    if !bin.is_file() {
        eprintln!("genl-vm: fetching openvswitch-switch (ovs-dpctl)");
        let tmp = cache.join(format!(".ovs.{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        download_extract("openvswitch-switch", &tmp.join("deb"), &tmp.join("root"))?;
        let _ = std::fs::remove_dir_all(&root);
        std::fs::rename(tmp.join("root"), &root).map_err(|e| e.to_string())?;
        let _ = std::fs::remove_dir_all(&tmp);
    }
    let bin_s = bin.to_string_lossy().into_owned();
    if output("ldd", &[&bin_s])?.contains("not found") {
        if !is_root() {
            return Err("ovs-dpctl lacks shared libraries and installing needs root".into());
        }
        let out = output(
            "apt-cache",
            &["depends", "openvswitch-switch", "openvswitch-common"],
        )?;
        let mut libs: Vec<&str> = out
            .lines()
            .filter_map(|l| l.trim().trim_start_matches('|').strip_prefix("Depends: "))
            .filter(|p| p.starts_with("lib") && !p.contains('<'))
            .collect();
        libs.sort_unstable();
        libs.dedup();
        eprintln!("genl-vm: apt-get install {}", libs.join(" "));
        apt_install(&libs)?;
        if output("ldd", &[&bin_s])?.contains("not found") {
            return Err("ovs-dpctl still lacks shared libraries".into());
        }
    }
    Ok(bin)
}
