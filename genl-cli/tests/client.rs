//! The spec-driven client through the real binary, against the running
//! kernel: nlctrl (no rights needed), and from `$GENL_CORPUS` netdev and
//! mptcp_pm, in network namespaces of their own (root needed; without it,
//! or without the corpus, the tests say why they skip, and `GENL_STRICT=1`
//! makes a skip a failure).

use genl_testkit::{Netns, skip};
use serde_json::Value;
use snapbox::cmd::{Command, cargo_bin};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn genl() -> Command {
    Command::new(cargo_bin!("genl")).current_dir(root())
}

/// `genl` inside a namespace (`ip netns exec`).
fn genl_in(ns: &Netns) -> Command {
    Command::new("ip")
        .args(["netns", "exec", ns.name()])
        .arg(cargo_bin!("genl"))
        .current_dir(root())
}

/// A spec of the kernel corpus, or `None` (with the reason told) when
/// `GENL_CORPUS` is not set.
fn corpus(test: &str, family: &str) -> Option<String> {
    let Some(dir) = std::env::var_os("GENL_CORPUS") else {
        skip(test, "GENL_CORPUS does not name the kernel's spec corpus");
        return None;
    };
    let dir = PathBuf::from(dir);
    let dir = if dir.is_relative() {
        root().join(dir)
    } else {
        dir
    };
    let path = dir.join(format!("{family}.yaml"));
    assert!(path.is_file(), "{} is missing", path.display());
    Some(path.display().to_string())
}

fn stdout_json(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn nlctrl_dump_lists_the_kernels_families() {
    let out = genl()
        .args(["--spec", "specs/nlctrl.yaml", "--dump", "getfamily"])
        .assert()
        .success()
        .get_output()
        .clone();
    let all = stdout_json(&out);
    let names: Vec<&str> = all
        .as_array()
        .expect("an array")
        .iter()
        .filter_map(|f| f["family-name"].as_str())
        .collect();
    for want in ["nlctrl", "netdev", "ethtool"] {
        assert!(names.contains(&want), "{want} not in {names:?}");
    }
}

#[test]
fn nlctrl_do_gets_one_family_found_by_name() {
    let out = genl()
        .args(["--family", "nlctrl", "--do", "getfamily"])
        .args(["--json", r#"{"family-name": "nlctrl"}"#])
        .assert()
        .success()
        .get_output()
        .clone();
    let reply = stdout_json(&out);
    assert_eq!(reply["family-id"], 16, "{reply}");
    assert_eq!(reply["family-name"], "nlctrl");
    assert!(reply["ops"].as_array().is_some_and(|ops| !ops.is_empty()));
}

#[test]
fn a_kernel_error_is_printed_with_its_errno() {
    let out = genl()
        .args(["--spec", "specs/nlctrl.yaml", "--do", "getfamily"])
        .args(["--json", r#"{"family-name": "no-such-family"}"#])
        .assert()
        .code(1)
        .stdout_eq("")
        .get_output()
        .clone();
    let err = stderr(&out);
    assert!(err.starts_with("error: getfamily: "), "{err}");
    assert!(err.contains("errno 2"), "{err}");
}

#[test]
fn several_requests_go_in_one_send() {
    let out = genl()
        .args(["--spec", "specs/nlctrl.yaml"])
        .args(["--multi", "getfamily", r#"{"family-name": "nlctrl"}"#])
        .args(["--multi", "getfamily", r#"{"family-name": "netdev"}"#])
        .assert()
        .success()
        .get_output()
        .clone();
    let text = String::from_utf8_lossy(&out.stdout);
    let replies: Vec<Value> = serde_json::Deserializer::from_str(&text)
        .into_iter()
        .collect::<Result<_, _>>()
        .unwrap();
    let names: Vec<&str> = replies
        .iter()
        .map(|r| r["family-name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["nlctrl", "netdev"]);
}

#[test]
fn list_ops_msgs_and_attrs() {
    genl()
        .args(["--spec", "specs/nlctrl.yaml", "--list-ops"])
        .assert()
        .success()
        .stdout_eq(
            "\
getfamily  do, dump  Look up one family by id or by name, or list every registered family.
getpolicy  dump      Dump the attribute policies of one family, named by id or by name, optionally only those used by a single command.
",
        );
    let out = genl()
        .args(["--spec", "specs/nlctrl.yaml", "--list-msgs"])
        .assert()
        .success()
        .get_output()
        .clone();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("newfamily "), "{text}");
    assert!(text.contains("group notify"), "{text}");
    let out = genl()
        .args(["--spec", "specs/nlctrl.yaml", "--list-attrs", "getfamily"])
        .assert()
        .success()
        .get_output()
        .clone();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\ndo request:\n"), "{text}");
    assert!(
        text.contains("  family-name  string [max-len 15] — Name the family registered under."),
        "{text}"
    );
}

#[test]
fn input_that_does_not_fit_the_spec_is_refused_before_sending() {
    let nlctrl = ["--spec", "specs/nlctrl.yaml"];
    // Not JSON at all.
    let out = genl()
        .args(nlctrl)
        .args(["--do", "getfamily", "--json", "{family-name"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(
        stderr(&out).contains("--json: not valid JSON"),
        "{}",
        stderr(&out)
    );
    // An operation the family lacks: the closest is suggested.
    genl()
        .args(nlctrl)
        .args(["--do", "getfamly"])
        .assert()
        .code(1)
        .stderr_eq(
            "error: family `nlctrl` has no operation `getfamly`; did you mean `getfamily`?\n",
        );
    // A kind the operation lacks.
    genl()
        .args(nlctrl)
        .args(["--do", "getpolicy"])
        .assert()
        .code(1)
        .stderr_eq("error: operation `getpolicy` has no do request (it takes --dump)\n");
    // An attribute the request lacks: the closest is suggested.
    let out = genl()
        .args(nlctrl)
        .args(["--do", "getfamily", "--json", r#"{"family-nam": "x"}"#])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let err = stderr(&out);
    assert!(err.contains("family-nam"), "{err}");
    assert!(err.contains("`family-name`"), "{err}");
    assert!(err.ends_with("nothing was sent\n"), "{err}");
    // A value of the wrong type.
    let out = genl()
        .args(nlctrl)
        .args(["--do", "getfamily", "--json", r#"{"family-id": "sixteen"}"#])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let err = stderr(&out);
    assert!(err.contains("family-id"), "{err}");
    assert!(err.ends_with("nothing was sent\n"), "{err}");
    // A string longer than the policy allows.
    let out = genl()
        .args(nlctrl)
        .args(["--do", "getfamily", "--json"])
        .arg(r#"{"family-name": "a-name-longer-than-fifteen"}"#)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let err = stderr(&out);
    assert!(err.contains("family-name"), "{err}");
    assert!(err.contains("15"), "{err}");
}

#[test]
fn a_policy_violation_names_the_attribute_and_the_rule() {
    let Some(netdev) = corpus("netdev policy violation", "netdev") else {
        return;
    };
    let out = genl()
        .args([
            "--spec",
            &netdev,
            "--do",
            "dev-get",
            "--json",
            r#"{"ifindex": 0}"#,
        ])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let err = stderr(&out);
    assert!(err.contains("ifindex"), "{err}");
    assert!(err.contains("min"), "{err}");
    assert!(err.contains("nothing was sent"), "{err}");
}

#[test]
fn an_mptcp_endpoint_is_added_dumped_and_deleted() {
    let Some(mptcp) = corpus("mptcp endpoint through genl", "mptcp_pm") else {
        return;
    };
    let Some(ns) = Netns::new("mptcp endpoint through genl") else {
        return;
    };
    let spec = ["--spec", mptcp.as_str()];
    // 10.0.0.1, big-endian on the wire, a number in JSON.
    let endpoint = r#"{"addr": {"family": 2, "id": 7, "addr4": 167772161, "flags": 1}}"#;
    genl_in(&ns)
        .args(spec)
        .args(["--do", "add-addr", "--json", endpoint])
        .assert()
        .success()
        .stdout_eq("");
    let out = genl_in(&ns)
        .args(spec)
        .args(["--dump", "get-addr"])
        .assert()
        .success()
        .get_output()
        .clone();
    let all = stdout_json(&out);
    let addrs = all.as_array().expect("an array");
    assert_eq!(addrs.len(), 1, "{all}");
    assert_eq!(addrs[0]["addr"]["id"], 7, "{all}");
    assert_eq!(addrs[0]["addr"]["addr4"], 167772161u32, "{all}");
    genl_in(&ns)
        .args(spec)
        .args(["--do", "del-addr", "--json", r#"{"addr": {"id": 7}}"#])
        .assert()
        .success();
    genl_in(&ns)
        .args(spec)
        .args(["--dump", "get-addr"])
        .assert()
        .success()
        .stdout_eq("[]\n");
}

#[test]
fn a_missing_attribute_is_named_from_the_kernels_extack() {
    let Some(mptcp) = corpus("mptcp missing attribute through genl", "mptcp_pm") else {
        return;
    };
    let Some(ns) = Netns::new("mptcp missing attribute through genl") else {
        return;
    };
    let out = genl_in(&ns)
        .args(["--spec", &mptcp, "--do", "add-addr", "--json", "{}"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let err = stderr(&out);
    assert!(err.starts_with("error: add-addr: "), "{err}");
    assert!(err.contains("errno 22"), "{err}");
    assert!(err.contains("missing attribute addr"), "{err}");
}

#[test]
fn a_subscription_prints_netdev_notifications() {
    let Some(netdev) = corpus("netdev notifications through genl", "netdev") else {
        return;
    };
    let Some(ns) = Netns::new("netdev notifications through genl") else {
        return;
    };
    let mut child = std::process::Command::new("ip")
        .args(["netns", "exec", ns.name()])
        .arg(cargo_bin!("genl"))
        .args(["--spec", &netdev, "--subscribe", "mgmt", "--duration", "20"])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("genl runs");
    let stdout = child.stdout.take().expect("piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    // The subscription starts at some point after the process does: make
    // devices until one is seen.
    let start = Instant::now();
    let mut seen = None;
    let mut n = 0;
    while seen.is_none() && start.elapsed() < Duration::from_secs(15) {
        let (a, b) = (format!("va{n}"), format!("vb{n}"));
        ns.veth(&a, &b);
        n += 1;
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(300)) {
            seen = Some(line);
        }
    }
    let _ = child.kill();
    let output = child.wait_with_output().expect("genl ends");
    let line = seen.unwrap_or_else(|| {
        panic!(
            "no notification; stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let n: Value = serde_json::from_str(&line).expect("a JSON line");
    assert_eq!(n["name"], "dev-add-ntf", "{n}");
    assert!(n["msg"]["ifindex"].as_u64().is_some_and(|i| i > 1), "{n}");
}
