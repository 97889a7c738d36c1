//! One socket, many tasks: `SharedConnection` against the running kernel,
//! in a network namespace of the test's own. Each of a thousand concurrent
//! requests must get exactly its own answer (the family it asked for, the
//! error of the name that does not exist, its own dump), callers that go
//! away midway must not disturb the others, and `mptcp_pm` (per namespace)
//! gets the same treatment when the kernel has it.
#![cfg(feature = "tokio")]

use std::collections::HashMap;
use std::time::Duration;

use genl_runtime::nlctrl::{GetfamilyDoRequest, GetfamilyDumpRequest};
use genl_runtime::{
    AsyncConnection, Error, RawReply, RawRequest, RequestKind, SharedConnection, wire::Writer,
};
use genl_testkit::Netns;

/// Requests in flight at once.
const CALLERS: usize = 1000;

/// Runs `test` on a runtime of its own; a test that hangs fails after a
/// minute instead.
fn run(test: impl std::future::Future<Output = ()>) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .unwrap();
    rt.block_on(async {
        tokio::time::timeout(Duration::from_secs(60), test)
            .await
            .expect("no caller waits for ever")
    });
}

fn getfamily(name: &str) -> GetfamilyDoRequest {
    GetfamilyDoRequest {
        family_name: Some(name.to_owned()),
        ..Default::default()
    }
}

/// Every family of the namespace, by name, with its id.
async fn families(conn: &SharedConnection) -> HashMap<String, u16> {
    let mut dump = conn
        .dump(&(), &GetfamilyDumpRequest::default())
        .await
        .unwrap();
    let mut all = HashMap::new();
    while let Some(reply) = dump.next().await {
        let ((), f) = reply.unwrap();
        all.insert(f.family_name.unwrap(), f.family_id.unwrap());
    }
    all
}

/// What caller `i` asks for: an existing family, or (every seventh) a name
/// no family has.
fn name_of(i: usize, names: &[String]) -> String {
    if i % 7 == 3 {
        format!("nosuch{i}")
    } else {
        names[i % names.len()].clone()
    }
}

#[test]
fn a_thousand_concurrent_callers_each_get_their_own_answer() {
    let Some(ns) = Netns::new("shared: a thousand callers") else {
        return;
    };
    ns.run(|| {
        run(async {
            let conn = AsyncConnection::new().unwrap().into_shared().unwrap();
            assert!(conn.max_in_flight() >= CALLERS, "{}", conn.max_in_flight());
            let known = families(&conn).await;
            let mut names: Vec<String> = known.keys().cloned().collect();
            names.sort();
            assert!(names.len() > 3, "{names:?}");

            let tasks: Vec<_> = (0..CALLERS)
                .map(|i| {
                    let conn = conn.clone();
                    let name = name_of(i, &names);
                    tokio::spawn(async move {
                        if i % 100 == 50 {
                            // A dump among the requests: the whole table.
                            return (i, None, Some(families(&conn).await.len()));
                        }
                        (i, Some(conn.request(&(), &getfamily(&name)).await), None)
                    })
                })
                .collect();
            let mut peak = 0;
            while tasks.iter().any(|t| !t.is_finished()) {
                peak = peak.max(conn.in_flight());
                tokio::task::yield_now().await;
            }
            let (mut found, mut missing, mut dumps) = (0, 0, 0);
            for task in tasks {
                let (i, answer, dumped) = task.await.unwrap();
                let name = name_of(i, &names);
                match (answer, dumped) {
                    (None, Some(n)) => {
                        assert_eq!(n, known.len(), "caller {i}'s dump");
                        dumps += 1;
                    }
                    (Some(Ok(Some(((), reply)))), None) => {
                        assert_eq!(reply.family_name.as_deref(), Some(&*name), "caller {i}");
                        assert_eq!(reply.family_id, Some(known[&name]), "caller {i}");
                        found += 1;
                    }
                    (Some(Err(e)), None) if name.starts_with("nosuch") => {
                        assert_eq!(e.errno(), Some(libc::ENOENT), "caller {i}: {e}");
                        missing += 1;
                    }
                    (other, _) => panic!("caller {i} ({name}): {other:?}"),
                }
            }
            println!(
                "{CALLERS} callers: {found} families, {missing} missing, {dumps} dumps; \
                 at most {peak} requests seen in flight at once"
            );
            assert_eq!(found + missing + dumps, CALLERS);
            assert!(missing > 0 && dumps > 0);
            assert_eq!(conn.in_flight(), 0);
        });
    });
}

#[test]
fn callers_that_go_away_midway_do_not_disturb_the_others() {
    let Some(ns) = Netns::new("shared: cancelled callers") else {
        return;
    };
    ns.run(|| {
        run(async {
            let conn = AsyncConnection::new().unwrap().into_shared().unwrap();
            let known = families(&conn).await;
            let mut names: Vec<String> = known.keys().cloned().collect();
            names.sort();

            let tasks: Vec<_> = (0..300)
                .map(|i| {
                    let conn = conn.clone();
                    let name = names[i % names.len()].clone();
                    tokio::spawn(async move {
                        match i % 3 {
                            // Given up at once: sent, and its answer comes
                            // to nobody.
                            0 => {
                                let r = tokio::time::timeout(
                                    Duration::ZERO,
                                    conn.request(&(), &getfamily(&name)),
                                )
                                .await;
                                (i, r.ok().map(|r| r.map(|r| r.map(|((), f)| f.family_name))))
                            }
                            // A dump left after two replies.
                            1 if i % 30 == 1 => {
                                let mut dump = conn
                                    .dump(&(), &GetfamilyDumpRequest::default())
                                    .await
                                    .unwrap();
                                for _ in 0..2 {
                                    dump.next().await.unwrap().unwrap();
                                }
                                drop(dump);
                                (i, None)
                            }
                            _ => {
                                let r = conn.request(&(), &getfamily(&name)).await;
                                (i, Some(r.map(|r| r.map(|((), f)| f.family_name))))
                            }
                        }
                    })
                })
                .collect();
            let (mut answered, mut gone) = (0, 0);
            for task in tasks {
                let (i, answer) = task.await.unwrap();
                let name = &names[i % names.len()];
                match answer {
                    None => gone += 1,
                    Some(Ok(Some(got))) => {
                        assert_eq!(got.as_deref(), Some(name.as_str()), "caller {i}");
                        answered += 1;
                    }
                    Some(other) => panic!("caller {i}: {other:?}"),
                }
            }
            println!("{answered} answered, {gone} gone midway");
            assert!(
                answered >= 180 && gone > 10,
                "{answered} answered, {gone} gone"
            );
            // Nothing is left behind: no turn held, and dumps run again.
            assert_eq!(conn.in_flight(), 0);
            assert_eq!(families(&conn).await, known);
            let ((), f) = conn
                .request(&(), &getfamily("nlctrl"))
                .await
                .unwrap()
                .unwrap();
            assert_eq!(f.family_id, Some(0x10));
        });
    });
}

/// mptcp_pm's commands and attributes (include/uapi/linux/mptcp_pm.h).
const MPTCP_PM_CMD_SET_LIMITS: u8 = 5;
const MPTCP_PM_CMD_GET_LIMITS: u8 = 6;
const MPTCP_PM_ATTR_RCV_ADD_ADDRS: u16 = 2;
const MPTCP_PM_ATTR_SUBFLOWS: u16 = 3;

fn limits(add_addrs: u32, subflows: u32) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut w = Writer::new(&mut buf);
    w.scalar(MPTCP_PM_ATTR_RCV_ADD_ADDRS, add_addrs);
    w.scalar(MPTCP_PM_ATTR_SUBFLOWS, subflows);
    buf
}

/// The two limits of a get-limits reply.
fn read_limits(reply: &RawReply) -> (u32, u32) {
    let (mut add_addrs, mut subflows) = (None, None);
    for attr in genl_runtime::wire::attrs(&reply.payload) {
        let attr = attr.unwrap();
        let value = u32::from_ne_bytes(attr.payload.try_into().unwrap());
        match attr.ty {
            MPTCP_PM_ATTR_RCV_ADD_ADDRS => add_addrs = Some(value),
            MPTCP_PM_ATTR_SUBFLOWS => subflows = Some(value),
            _ => {}
        }
    }
    (add_addrs.unwrap(), subflows.unwrap())
}

#[test]
fn a_thousand_mptcp_pm_callers_each_get_their_own_answer() {
    let Some(ns) = Netns::new("shared: mptcp_pm") else {
        return;
    };
    ns.run(|| {
        run(async {
            let conn = AsyncConnection::new().unwrap().into_shared().unwrap();
            match conn.family("mptcp_pm").await {
                Ok(_) => {}
                Err(Error::FamilyNotFound { .. }) => {
                    genl_testkit::skip("shared: mptcp_pm", "the kernel has no mptcp_pm family");
                    return;
                }
                Err(e) => panic!("{e}"),
            }
            let set = |payload: &[u8]| {
                let payload = payload.to_vec();
                let conn = conn.clone();
                async move {
                    conn.request_raw(
                        "mptcp_pm",
                        &RawRequest {
                            cmd: MPTCP_PM_CMD_SET_LIMITS,
                            version: 1,
                            kind: RequestKind::Do,
                            flags: 0,
                            payload: &payload,
                        },
                    )
                    .await
                }
            };
            // The namespace's limits, known to every caller.
            assert_eq!(set(&limits(3, 5)).await.unwrap(), Vec::new());

            let tasks: Vec<_> = (0..CALLERS)
                .map(|i| {
                    let conn = conn.clone();
                    // A get, a set of the same limits, or a set beyond the
                    // kernel's maximum (8), which it refuses: three answers
                    // a misrouted one would not pass for.
                    let (cmd, payload) = match i % 3 {
                        0 => (MPTCP_PM_CMD_GET_LIMITS, Vec::new()),
                        1 => (MPTCP_PM_CMD_SET_LIMITS, limits(3, 5)),
                        _ => (MPTCP_PM_CMD_SET_LIMITS, limits(9 + i as u32, 5)),
                    };
                    tokio::spawn(async move {
                        let req = RawRequest {
                            cmd,
                            version: 1,
                            kind: RequestKind::Do,
                            flags: 0,
                            payload: &payload,
                        };
                        (i, conn.request_raw("mptcp_pm", &req).await)
                    })
                })
                .collect();
            let mut refused = 0;
            for task in tasks {
                let (i, answer) = task.await.unwrap();
                match (i % 3, answer) {
                    (0, Ok(replies)) => {
                        assert_eq!(replies.len(), 1, "caller {i}");
                        assert_eq!(read_limits(&replies[0]), (3, 5), "caller {i}");
                    }
                    (1, Ok(replies)) => assert!(replies.is_empty(), "caller {i}: {replies:?}"),
                    (2, Err(e)) => {
                        assert_eq!(e.errno(), Some(libc::EINVAL), "caller {i}: {e}");
                        refused += 1;
                    }
                    (_, other) => panic!("caller {i}: {other:?}"),
                }
            }
            assert_eq!(refused, CALLERS / 3);
            assert_eq!(conn.in_flight(), 0);
        });
    });
}

#[test]
fn a_shared_connection_and_its_streams_go_to_other_tasks() {
    fn shared<T: Send + Sync + Clone + 'static>() {}
    fn owned<T: Send + 'static>() {}
    shared::<SharedConnection>();
    owned::<genl_runtime::SharedDump<GetfamilyDumpRequest>>();
    owned::<genl_runtime::Notifications>();
}
