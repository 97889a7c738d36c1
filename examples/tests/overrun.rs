//! A notification storm against a small receive buffer, in a network
//! namespace of its own: netdev's `mgmt` group reports every device made and
//! removed. The overrun is reported as its own error, a request whose answer
//! the kernel dropped fails with it instead of hanging, the next request is
//! answered, and notifications keep coming after it. On a shared
//! connection, every caller whose answer may be lost hears of the overrun
//! once, and each notification stream too.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use genl_runtime::nlctrl::GetfamilyDoRequest;
use genl_runtime::{AsyncConnection, Connection, Error};
use genl_testkit::Netns;
use tokio::time::timeout;

/// Veth pairs made (and removed) in the storm: each device gives at least
/// one notification of a few hundred bytes, far more than the buffer holds.
const PAIRS: usize = 100;
const DEVICES: usize = 2 * PAIRS;

fn ip_batch(ns: &Netns, commands: &str) {
    let mut child = Command::new("ip")
        .args(["-n", ns.name(), "-batch", "-"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("ip");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(commands.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success(), "ip -batch failed");
}

fn nlctrl() -> GetfamilyDoRequest {
    GetfamilyDoRequest {
        family_name: Some("nlctrl".into()),
        ..Default::default()
    }
}

fn storm(ns: &Netns) {
    let made: String = (0..PAIRS)
        .map(|i| format!("link add st{i} type veth peer name sp{i}\n"))
        .collect();
    ip_batch(ns, &made);
    let removed: String = (0..PAIRS).map(|i| format!("link del st{i}\n")).collect();
    ip_batch(ns, &removed);
}

#[test]
fn the_async_connection_survives_a_storm_too() {
    let Some(ns) = Netns::new("async overrun storm") else {
        return;
    };
    ns.run(|| {
        runtime().block_on(async {
            let mut c = AsyncConnection::new().unwrap();
            c.socket().set_recv_buffer(4096).unwrap();
            if let Err(e) = c.subscribe("netdev", "mgmt").await {
                genl_testkit::skip("async overrun storm", &format!("no netdev family: {e}"));
                return;
            }
            storm(&ns);
            match c.request(&(), &nlctrl()).await {
                Err(Error::Overrun) => {}
                other => panic!("the storm's overrun, not {other:?}"),
            }
            // Reported once: then the notifications that stayed queued.
            assert!(matches!(c.next_notification().await, Err(Error::Overrun)));
            let mut queued = 0;
            loop {
                match timeout(Duration::from_millis(200), c.next_notification()).await {
                    Err(_idle) => break,
                    Ok(Ok(_)) => queued += 1,
                    Ok(Err(e)) => panic!("reported once, then {e}"),
                }
                assert!(queued <= 10 * DEVICES);
            }
            assert!(queued > 0 && queued < 2 * DEVICES, "{queued} kept");
            let ((), reply) = c.request(&(), &nlctrl()).await.unwrap().expect("a reply");
            assert_eq!(reply.family_name.as_deref(), Some("nlctrl"));
        });
    });
}

#[test]
fn a_notification_storm_overruns_once_and_the_connection_goes_on() {
    let Some(ns) = Netns::new("overrun storm") else {
        return;
    };
    ns.run(|| {
        let mut c = Connection::new().unwrap();
        c.set_timeout(Some(Duration::from_secs(10))).unwrap();
        c.socket().set_recv_buffer(4096).unwrap();
        if let Err(e) = c.subscribe("netdev", "mgmt") {
            genl_testkit::skip("overrun storm", &format!("no netdev family: {e}"));
            return;
        }
        storm(&ns);

        // The queue is full and the kernel drops what comes next: the
        // request's answer is lost, and the request says so rather than
        // waiting for ever.
        match c.request(&(), &nlctrl()) {
            Err(Error::Overrun) => {}
            other => panic!("the storm's overrun, not {other:?}"),
        }
        // The reader of notifications hears of the overrun once, then reads
        // what stayed queued.
        let mut overruns = 0;
        let mut queued = 0;
        loop {
            match c.next_notification() {
                Err(Error::Overrun) => overruns += 1,
                Ok(_) => queued += 1,
                Err(Error::Io(e)) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(e) => panic!("{e}"),
            }
            if overruns + queued > 10 * DEVICES {
                panic!("more notifications than devices made");
            }
            // The queue is drained once a read would wait.
            if queued > 0 {
                c.set_timeout(Some(Duration::from_millis(200))).unwrap();
            }
        }
        println!("storm: {queued} notifications kept in a 4 KiB buffer, {overruns} overrun");
        assert_eq!(overruns, 1, "the overrun is reported once");
        assert!(
            queued > 0 && queued < 2 * DEVICES,
            "{queued} notifications kept"
        );

        // The next request is answered, and the stream goes on.
        c.set_timeout(Some(Duration::from_secs(10))).unwrap();
        let ((), reply) = c.request(&(), &nlctrl()).unwrap().expect("a reply");
        assert_eq!(reply.family_name.as_deref(), Some("nlctrl"));
        ns.veth("after0", "after1");
        let after = [ns.ifindex("after0"), ns.ifindex("after1")];
        let n = c.next_notification().expect("notifications go on");
        assert!(n.group.is_some());
        // dev-add-ntf's first attribute is the new device's ifindex.
        let ifindex = u32::from_ne_bytes(n.payload[4..8].try_into().unwrap());
        assert!(after.contains(&ifindex), "{ifindex} not in {after:?}");
    });
}

#[test]
fn a_shared_connection_reports_the_overrun_once_to_each_caller_and_stream() {
    let Some(ns) = Netns::new("shared overrun storm") else {
        return;
    };
    ns.run(|| {
        runtime().block_on(async {
            let c = AsyncConnection::new().unwrap().into_shared().unwrap();
            c.socket().set_recv_buffer(4096).unwrap();
            if let Err(e) = c.subscribe("netdev", "mgmt").await {
                genl_testkit::skip("shared overrun storm", &format!("no netdev family: {e}"));
                return;
            }
            let mut streams = [c.notifications(), c.notifications()];
            // The storm runs while the runtime's one thread waits for `ip`:
            // nothing reads the socket, and its queue overflows.
            storm(&ns);
            // Callers whose answers the full queue drops.
            let callers: Vec<_> = (0..20)
                .map(|_| {
                    let c = c.clone();
                    tokio::spawn(async move { c.request(&(), &nlctrl()).await })
                })
                .collect();
            let mut overruns = 0;
            for caller in callers {
                let answer = timeout(Duration::from_secs(10), caller)
                    .await
                    .expect("no caller waits for ever")
                    .unwrap();
                match answer {
                    Err(Error::Overrun) => overruns += 1,
                    Ok(Some(((), reply))) => {
                        assert_eq!(reply.family_name.as_deref(), Some("nlctrl"))
                    }
                    other => panic!("{other:?}"),
                }
            }
            assert!(overruns > 0, "the full queue cost some answers");
            // Each stream: the overrun once, then what stayed queued.
            for stream in &mut streams {
                assert!(matches!(stream.next().await, Err(Error::Overrun)));
                let mut queued = 0;
                loop {
                    match timeout(Duration::from_millis(200), stream.next()).await {
                        Err(_idle) => break,
                        Ok(Ok(_)) => queued += 1,
                        Ok(Err(e)) => panic!("reported once, then {e}"),
                    }
                    assert!(queued <= 10 * DEVICES);
                }
                println!("shared storm: {overruns} of 20 callers lost their answer, {queued} notifications kept");
                assert!(queued > 0 && queued < 2 * DEVICES, "{queued} kept");
            }
            // Requests are answered again, and the streams go on.
            let ((), reply) = c.request(&(), &nlctrl()).await.unwrap().expect("a reply");
            assert_eq!(reply.family_name.as_deref(), Some("nlctrl"));
            ns.veth("after0", "after1");
            let after = [ns.ifindex("after0"), ns.ifindex("after1")];
            for stream in &mut streams {
                let n = timeout(Duration::from_secs(10), stream.next())
                    .await
                    .expect("notifications go on")
                    .unwrap();
                let ifindex = u32::from_ne_bytes(n.payload[4..8].try_into().unwrap());
                assert!(after.contains(&ifindex), "{ifindex} not in {after:?}");
            }
        });
    });
}

/// A runtime for one async test, with I/O and timers.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .unwrap()
}
