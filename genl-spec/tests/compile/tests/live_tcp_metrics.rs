//! tcp_metrics against the running kernel, in a network namespace of its
//! own: loopback connections leave metrics, which are dumped and deleted.

#[cfg(genl_corpus)]
mod live {
    use std::io::{Read, Write};
    use std::net::{Ipv4Addr, TcpListener, TcpStream};

    use genl_compile_tests::corpus::tcp_metrics::{Client, DelDoRequest, GetDumpRequest};
    use genl_runtime::wire::Be;
    use genl_testkit::Netns;

    fn talk(to: Ipv4Addr) {
        let listener = TcpListener::bind((to, 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut buf = [0; 5];
            s.read_exact(&mut buf).unwrap();
            s.write_all(b"world").unwrap();
        });
        let mut c = TcpStream::connect((to, port)).unwrap();
        c.write_all(b"hello").unwrap();
        let mut buf = [0; 5];
        c.read_exact(&mut buf).unwrap();
        drop(c);
        server.join().unwrap();
    }

    fn destinations(c: &mut Client) -> Vec<u32> {
        let mut d: Vec<u32> = c
            .get_dump(&GetDumpRequest::default())
            .unwrap()
            .filter_map(|m| m.unwrap().addr_ipv4.map(|a| a.0))
            .collect();
        d.sort();
        d
    }

    #[test]
    fn metrics_of_loopback_connections_are_dumped_and_deleted() {
        let Some(ns) = Netns::new("tcp_metrics") else {
            return;
        };
        ns.ip(&["addr", "add", "127.0.0.2/8", "dev", "lo"]);
        ns.run(|| {
            let (a, b) = (Ipv4Addr::new(127, 0, 0, 1), Ipv4Addr::new(127, 0, 0, 2));
            talk(a);
            talk(b);
            let mut c = Client::connect().unwrap();
            let (a, b) = (u32::from(a), u32::from(b));
            // Metrics are saved as the connections close; give it a moment.
            let mut seen = destinations(&mut c);
            for _ in 0..50 {
                if seen.contains(&a) && seen.contains(&b) {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
                seen = destinations(&mut c);
            }
            assert!(seen.contains(&a) && seen.contains(&b), "{seen:x?}");

            c.del(&DelDoRequest {
                addr_ipv4: Some(Be(b)),
                ..Default::default()
            })
            .unwrap();
            let after = destinations(&mut c);
            assert!(after.contains(&a) && !after.contains(&b), "{after:x?}");
        });
    }
}

#[cfg(not(genl_corpus))]
#[test]
fn tcp_metrics_live_tests_need_the_corpus() {
    genl_testkit::skip("tcp_metrics live tests", "GENL_CORPUS is not set");
}
