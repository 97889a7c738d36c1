//! Generated clients check every request against its spec's policy by
//! default: a request that breaks it fails before anything is sent, whether
//! or not the Open vSwitch module is loaded.

use genl_ovs::datapath::{AsyncClient, Client, NewDoRequest, OvsHeader};
use genl_runtime::Error;

fn too_long_name() -> NewDoRequest {
    NewDoRequest {
        // The spec allows 15 bytes (IFNAMSIZ - 1).
        name: Some("a-datapath-name-too-long".into()),
        ..Default::default()
    }
}

fn assert_policy_error(err: &Error) {
    let Error::Policy { operation, error } = err else {
        panic!("a policy error, not {err}");
    };
    assert_eq!(*operation, "new");
    assert_eq!(error.path_string(), ".name");
}

#[test]
fn a_new_client_checks_policy() {
    let mut client = Client::connect().expect("a NETLINK_GENERIC socket");
    assert!(client.connection().checks_policy());
    let err = client
        .new(&OvsHeader::default(), &too_long_name())
        .unwrap_err();
    assert_policy_error(&err);
}

#[tokio::test]
async fn a_new_async_client_checks_policy() {
    let mut client = AsyncClient::connect().expect("a NETLINK_GENERIC socket");
    assert!(client.connection().checks_policy());
    let err = client
        .new(&OvsHeader::default(), &too_long_name())
        .await
        .unwrap_err();
    assert_policy_error(&err);
}
