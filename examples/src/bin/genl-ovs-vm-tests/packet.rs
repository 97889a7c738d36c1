//! Packets through the typed `ovs_packet` client: execute sends a frame out
//! of a port; a frame without a flow comes up as a MISS upcall with a typed
//! key; a userspace action sends an ACTION upcall with its userdata.

use std::time::Duration;

use genl_ovs::flow::{Action, KeyAttrs, UserspaceAttrs};
use genl_ovs::packet::{self, Event};
use genl_runtime::wire::Be;
use libtest_mimic::Failed;

use crate::fixture::{Bridge, ETH_P_IP, IPPROTO_TCP, TcpFrame};
use crate::support::{Test, TestResult};

/// The tests, by name.
pub const TESTS: &[Test] = &[
    (
        "packet_execute_reaches_the_peer",
        packet_execute_reaches_the_peer,
    ),
    (
        "packet_miss_upcall_has_a_typed_key",
        packet_miss_upcall_has_a_typed_key,
    ),
    (
        "packet_userspace_action_upcall",
        packet_userspace_action_upcall,
    ),
];

/// A packet client whose socket receives upcalls, waiting at most 5 s.
fn upcall_client() -> Result<(packet::Client, u32), Failed> {
    let mut client = packet::Client::connect()?;
    client
        .connection()
        .set_timeout(Some(Duration::from_secs(5)))?;
    let pid = client.connection().socket().port_id();
    Ok((client, pid))
}

fn execute(
    client: &mut packet::Client,
    bridge: &Bridge,
    frame: &[u8],
    actions: Vec<Action>,
) -> TestResult {
    client.execute(
        &packet::OvsHeader {
            dp_ifindex: bridge.dp_ifindex,
        },
        &packet::ExecuteDoRequest {
            packet: Some(frame.to_vec()),
            key: Some(KeyAttrs {
                in_port: Some(0),
                ..Default::default()
            }),
            actions: Some(actions),
            ..Default::default()
        },
    )?;
    Ok(())
}

fn packet_execute_reaches_the_peer() -> TestResult {
    let bridge = Bridge::new("gpexec", 0)?;
    let mut client = packet::Client::connect()?;
    let before = bridge.b.rx_packets()?;
    let frame = TcpFrame::default().bytes();
    let out = Action::Output(bridge.a.port_no);
    execute(&mut client, &bridge, &frame, vec![out.clone(), out])?;
    std::thread::sleep(Duration::from_millis(100));
    let after = bridge.b.rx_packets()?;
    if after != before + 2 {
        return Err(format!(
            "{} received {before} then {after}; expected 2 more",
            bridge.b.dev
        )
        .into());
    }
    Ok(())
}

fn packet_miss_upcall_has_a_typed_key() -> TestResult {
    let (mut client, pid) = upcall_client()?;
    let bridge = Bridge::new("gpmiss", pid)?;
    let f = TcpFrame::default();
    let frame = f.bytes();
    // Out of a, into b, where no flow matches: up to us.
    execute(
        &mut client,
        &bridge,
        &frame,
        vec![Action::Output(bridge.a.port_no)],
    )?;
    let Event::Miss(header, miss) = client.next_event()? else {
        return Err("the first upcall is not a MISS".into());
    };
    eprintln!("miss: {header:?} {miss:?}");
    if header.dp_ifindex != bridge.dp_ifindex || miss.packet.as_deref() != Some(&frame[..]) {
        return Err(format!("MISS of another datapath or packet: {header:?} {miss:?}").into());
    }
    let key = miss.key.ok_or("the MISS has no key")?;
    let eth = key.ethernet.ok_or("no Ethernet key")?;
    let ipv4 = key.ipv4.ok_or("no IPv4 key")?;
    let tcp = key.tcp.ok_or("no TCP key")?;
    let checks = [
        ("in_port", key.in_port == Some(bridge.b.port_no)),
        ("eth", eth.eth_src == f.eth_src && eth.eth_dst == f.eth_dst),
        ("eth_type", key.ethertype == Some(Be(ETH_P_IP))),
        (
            "ipv4",
            ipv4.ipv4_src.0 == u32::from_be_bytes(f.ip_src)
                && ipv4.ipv4_dst.0 == u32::from_be_bytes(f.ip_dst)
                && ipv4.ipv4_proto == IPPROTO_TCP,
        ),
        ("tcp", tcp.tcp_src.0 == f.sport && tcp.tcp_dst.0 == f.dport),
        ("tcp_flags", key.tcp_flags == Some(Be(u16::from(f.flags)))),
    ];
    for (what, ok) in checks {
        if !ok {
            return Err(format!("MISS key: wrong {what}: {key:?}").into());
        }
    }
    Ok(())
}

fn packet_userspace_action_upcall() -> TestResult {
    let (mut client, pid) = upcall_client()?;
    let bridge = Bridge::new("gpact", 0)?;
    let frame = TcpFrame::default().bytes();
    let userdata = b"genl-ud-0123".to_vec();
    execute(
        &mut client,
        &bridge,
        &frame,
        vec![Action::Userspace(UserspaceAttrs {
            pid: Some(pid),
            userdata: Some(userdata.clone()),
            ..Default::default()
        })],
    )?;
    let Event::Action(header, action) = client.next_event()? else {
        return Err("the upcall is not an ACTION".into());
    };
    eprintln!("action: {header:?} {action:?}");
    if action.userdata != Some(userdata) || action.packet.as_deref() != Some(&frame[..]) {
        return Err(format!("ACTION upcall: {action:?}").into());
    }
    if action.key.and_then(|k| k.in_port) != Some(0) {
        return Err("ACTION upcall: in_port is not the execute's".into());
    }
    Ok(())
}
