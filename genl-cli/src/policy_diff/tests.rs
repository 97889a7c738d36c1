//! Unit tests of the comparison on synthetic kernel policies.
#[test]
#[ignore]
fn raw() {
    let mut c = genl_runtime::Connection::new().unwrap();
    for f in ["mptcp_pm", "netdev"] {
        let k = super::kernel_policy(&mut c, f).unwrap();
        println!("{f} {:#?}", k.ops);
        for (i, p) in &k.policies {
            for (n, a) in p {
                println!("{i} {n} {a:?}");
            }
        }
    }
}
