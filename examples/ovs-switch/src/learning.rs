//! The switch's decisions, apart from the kernel: which port a MAC address
//! lives behind, and where a frame goes.

use std::collections::HashMap;
use std::fmt;

/// An Ethernet (MAC) address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Mac(pub [u8; 6]);

impl Mac {
    /// A group (multicast or broadcast) address: the low bit of the first
    /// octet is set. Group addresses are never learned, and frames to them
    /// are flooded.
    pub fn is_group(self) -> bool {
        self.0[0] & 1 == 1
    }
}

impl fmt::Display for Mac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d, e, g] = self.0;
        write!(f, "{a:02x}:{b:02x}:{c:02x}:{d:02x}:{e:02x}:{g:02x}")
    }
}

/// What learning a source address changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Learned {
    /// The address is new: it lives behind this port.
    New,
    /// The address was behind port `from` and has moved.
    Moved {
        /// The port it was seen on before.
        from: u32,
    },
    /// Nothing: the address was known on this port, or is a group address.
    Nothing,
}

/// Where a frame goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// To the one port its destination lives behind.
    Forward(u32),
    /// To every port but the one it came in on: the destination is a group
    /// address or unknown.
    Flood(Vec<u32>),
    /// Nowhere: the destination lives behind the port it came in on.
    Drop,
}

/// The MAC learning table: the port each source address was last seen on.
#[derive(Debug, Default)]
pub struct MacTable {
    ports: HashMap<Mac, u32>,
}

impl MacTable {
    /// Records that `src` sent a frame that came in on `port`.
    pub fn learn(&mut self, src: Mac, port: u32) -> Learned {
        if src.is_group() {
            return Learned::Nothing;
        }
        match self.ports.insert(src, port) {
            None => Learned::New,
            Some(from) if from != port => Learned::Moved { from },
            Some(_) => Learned::Nothing,
        }
    }

    /// The port `mac` lives behind, if known.
    pub fn port_of(&self, mac: Mac) -> Option<u32> {
        self.ports.get(&mac).copied()
    }

    /// Where a frame to `dst` that came in on `in_port` goes, among `ports`
    /// (the switch's ports, in the order floods use). Group addresses are
    /// never learned, so frames to them are flooded.
    pub fn decide(&self, in_port: u32, dst: Mac, ports: impl IntoIterator<Item = u32>) -> Decision {
        match self.port_of(dst) {
            Some(port) if port == in_port => Decision::Drop,
            Some(port) => Decision::Forward(port),
            None => Decision::Flood(ports.into_iter().filter(|&p| p != in_port).collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Mac = Mac([2, 0, 0, 0, 0, 0xa]);
    const B: Mac = Mac([2, 0, 0, 0, 0, 0xb]);
    const BROADCAST: Mac = Mac([0xff; 6]);

    #[test]
    fn learns_moves_and_ignores_group_sources() {
        let mut table = MacTable::default();
        assert_eq!(table.learn(A, 1), Learned::New);
        assert_eq!(table.learn(A, 1), Learned::Nothing);
        assert_eq!(table.learn(A, 2), Learned::Moved { from: 1 });
        assert_eq!(table.port_of(A), Some(2));
        assert_eq!(table.learn(BROADCAST, 1), Learned::Nothing);
        assert_eq!(table.port_of(BROADCAST), None);
    }

    #[test]
    fn forwards_known_floods_unknown_drops_hairpin() {
        let mut table = MacTable::default();
        table.learn(A, 1);
        assert_eq!(table.decide(2, A, [1, 2, 3]), Decision::Forward(1));
        assert_eq!(table.decide(1, A, [1, 2, 3]), Decision::Drop);
        assert_eq!(table.decide(1, B, [1, 2, 3]), Decision::Flood(vec![2, 3]));
        assert_eq!(
            table.decide(3, BROADCAST, [1, 2, 3]),
            Decision::Flood(vec![1, 2])
        );
    }

    #[test]
    fn formats_like_ip_link() {
        assert_eq!(
            Mac([0x02, 0, 0, 0xab, 0xcd, 0xef]).to_string(),
            "02:00:00:ab:cd:ef"
        );
        assert!(BROADCAST.is_group());
        assert!(Mac([0x01, 0, 0x5e, 0, 0, 1]).is_group());
        assert!(!A.is_group());
    }
}
