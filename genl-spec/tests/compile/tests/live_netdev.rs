//! netdev against the running kernel, in a network namespace of its own:
//! a dump of the namespace's devices, and typed notifications of a veth
//! pair coming and going.

#[cfg(genl_corpus)]
mod live {
    use std::time::Duration;

    use genl_compile_tests::corpus::netdev::{
        AsyncClient, Client, DevGetDoRequest, DevGetDumpRequest, Event, mcgrp,
    };
    use genl_testkit::Netns;

    #[test]
    fn dump_lists_the_namespaces_devices() {
        let Some(ns) = Netns::new("netdev dump") else {
            return;
        };
        ns.veth("gv0", "gv1");
        let want = [1, ns.ifindex("gv0"), ns.ifindex("gv1")];
        ns.run(|| {
            let mut c = Client::connect().unwrap();
            let mut seen: Vec<u32> = c
                .dev_get_dump(&DevGetDumpRequest::default())
                .unwrap()
                .map(|d| d.unwrap().ifindex.unwrap())
                .collect();
            seen.sort();
            let mut want = want.to_vec();
            want.sort();
            assert_eq!(seen, want);
        });
    }

    #[test]
    fn the_async_client_dumps_as_a_stream() {
        let Some(ns) = Netns::new("netdev async dump") else {
            return;
        };
        ns.veth("av0", "av1");
        let want = ns.ifindex("av0");
        ns.run(|| {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_io()
                .build()
                .unwrap();
            rt.block_on(async {
                let mut c = AsyncClient::connect().unwrap();
                let mut dump = c.dev_get_dump(&DevGetDumpRequest::default()).await.unwrap();
                let mut seen = Vec::new();
                while let Some(d) = dump.next().await {
                    seen.push(d.unwrap().1.ifindex.unwrap());
                }
                assert!(seen.contains(&1) && seen.contains(&want), "{seen:?}");
            });
        });
    }

    #[test]
    fn the_shared_client_serves_many_tasks_at_once() {
        let Some(ns) = Netns::new("netdev shared client") else {
            return;
        };
        ns.veth("sv0", "sv1");
        let want = [ns.ifindex("sv0"), ns.ifindex("sv1")];
        ns.run(|| {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_io()
                .build()
                .unwrap();
            rt.block_on(async {
                let c = AsyncClient::connect().unwrap().into_shared().unwrap();
                let mut events = c.events().await.unwrap();
                c.subscribe(mcgrp::MGMT).await.unwrap();
                // Clones of one client in many tasks: dumps and gets of
                // each device, each answered with its own.
                let tasks: Vec<_> = (0..60)
                    .map(|i| {
                        let c = c.clone();
                        let ifindex = [1, want[0], want[1]][i % 3];
                        tokio::spawn(async move {
                            if i % 10 == 0 {
                                let mut dump =
                                    c.dev_get_dump(&DevGetDumpRequest::default()).await.unwrap();
                                let mut seen = Vec::new();
                                while let Some(d) = dump.next().await {
                                    seen.push(d.unwrap().1.ifindex.unwrap());
                                }
                                let mut all = vec![1, want[0], want[1]];
                                all.sort();
                                seen.sort();
                                assert_eq!(seen, all);
                            } else {
                                let req = DevGetDoRequest {
                                    ifindex: Some(ifindex),
                                    ..Default::default()
                                };
                                let d = c.dev_get(&req).await.unwrap();
                                assert_eq!(d.ifindex, Some(ifindex));
                            }
                        })
                    })
                    .collect();
                for t in tasks {
                    t.await.unwrap();
                }
                // The event stream made before subscribing gets the group's.
                ns.veth("sn0", "sn1");
                let mut new = [ns.ifindex("sn0"), ns.ifindex("sn1")];
                new.sort();
                let mut added = Vec::new();
                while added.len() < 2 {
                    match events.next().await.unwrap() {
                        Event::DevAddNtf(d) => added.push(d.ifindex.unwrap()),
                        Event::DevChangeNtf(_) => {}
                        other => panic!("unexpected {other:?}"),
                    }
                }
                added.sort();
                assert_eq!(added, new.to_vec());
            });
        });
    }

    #[test]
    fn notifications_of_a_veth_pair() {
        let Some(ns) = Netns::new("netdev notifications") else {
            return;
        };
        ns.run(|| {
            let mut c = Client::connect().unwrap();
            c.connection()
                .set_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            c.subscribe(mcgrp::MGMT).unwrap();
            ns.veth("nv0", "nv1");
            let (a, b) = (ns.ifindex("nv0"), ns.ifindex("nv1"));
            let mut added = Vec::new();
            while added.len() < 2 {
                match c.next_event().unwrap() {
                    Event::DevAddNtf(d) => added.push(d.ifindex.unwrap()),
                    Event::DevChangeNtf(_) => {}
                    other => panic!("unexpected {other:?}"),
                }
            }
            added.sort();
            assert_eq!(added, [a.min(b), a.max(b)]);

            ns.ip(&["link", "del", "nv0"]);
            let mut deleted = Vec::new();
            while deleted.len() < 2 {
                match c.next_event().unwrap() {
                    Event::DevDelNtf(d) => deleted.push(d.ifindex.unwrap()),
                    Event::DevChangeNtf(_) => {}
                    other => panic!("unexpected {other:?}"),
                }
            }
            deleted.sort();
            assert_eq!(deleted, [a.min(b), a.max(b)]);
        });
    }
}

#[cfg(genl_corpus)]
mod overload {
    use std::time::Duration;

    use genl_compile_tests::corpus::netdev::{Client, DevGetDoRequest, Event, mcgrp};
    use genl_runtime::{Connection, Error, Socket};
    use genl_testkit::Netns;

    #[test]
    fn an_overrun_is_reported_and_the_socket_keeps_working() {
        let Some(ns) = Netns::new("netdev overrun") else {
            return;
        };
        ns.run(|| {
            let socket = Socket::new().unwrap();
            socket.set_recv_buffer(0).unwrap(); // the kernel's minimum
            let mut c = Client::with_connection(Connection::with_socket(socket));
            c.connection()
                .set_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            c.subscribe(mcgrp::MGMT).unwrap();
            // A burst the tiny buffer cannot hold while nobody reads.
            for i in 0..24 {
                ns.veth(&format!("b{i}a"), &format!("b{i}b"));
            }
            let mut events = 0;
            loop {
                match c.next_event() {
                    Ok(_) => events += 1,
                    Err(Error::Overrun) => break,
                    Err(e) => panic!("no overrun after a burst ({events} events): {e}"),
                }
            }
            // Past the overrun, the same socket receives again: once what
            // is queued has been read (the kernel drops multicast messages
            // to a congested socket until then), with room for new ones.
            c.connection()
                .set_timeout(Some(Duration::from_millis(500)))
                .unwrap();
            loop {
                match c.next_event() {
                    Ok(_) | Err(Error::Overrun) => {}
                    Err(Error::Io(e)) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                    Err(e) => panic!("{e}"),
                }
            }
            c.connection().socket().set_recv_buffer(1 << 20).unwrap();
            c.connection()
                .set_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            ns.veth("after0", "after1");
            let want = ns.ifindex("after0");
            loop {
                match c.next_event() {
                    Ok(Event::DevAddNtf(d)) if d.ifindex == Some(want) => break,
                    Ok(_) | Err(Error::Overrun) => {}
                    Err(e) => panic!("{e}"),
                }
            }
        });
    }

    #[test]
    fn a_policy_violation_is_refused_before_sending() {
        let Some(ns) = Netns::new("netdev policy") else {
            return;
        };
        ns.run(|| {
            let mut c = Client::connect().unwrap();
            let err = c
                .dev_get(&DevGetDoRequest {
                    ifindex: Some(0),
                    ..Default::default()
                })
                .unwrap_err();
            let Error::Policy { operation, error } = &err else {
                panic!("a policy error, not {err}");
            };
            assert_eq!(*operation, "dev-get");
            assert_eq!(error.path_string(), ".ifindex");
            assert!(err.to_string().contains("below min 1"), "{err}");
        });
    }
}

#[cfg(not(genl_corpus))]
#[test]
fn netdev_live_tests_need_the_corpus() {
    genl_testkit::skip("netdev live tests", "GENL_CORPUS is not set");
}
