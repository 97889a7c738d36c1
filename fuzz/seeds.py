#!/usr/bin/env python3
"""Writes the seed corpora of wire_decode, extack and dynamic_json: nlctrl
replies captured from the running kernel, and OVS messages laid out by hand
from include/uapi/linux/openvswitch.h. Run from fuzz/: python3 seeds.py"""
import os, socket, struct

def nla(ty, payload, nested=False):
    n = struct.pack("=HH", 4 + len(payload), ty | (0x8000 if nested else 0)) + payload
    return n + b"\0" * (-len(n) % 4)

def nlmsg(ty, flags, seq, payload):
    return struct.pack("=IHHII", 16 + len(payload), ty, flags, seq, 0) + payload

def put(target, name, data):
    os.makedirs(f"corpus/{target}", exist_ok=True)
    open(f"corpus/{target}/{name}", "wb").write(data)

# nlctrl: CTRL_CMD_GETFAMILY dump from the running kernel.
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
s.bind((0, 0))
s.send(nlmsg(0x10, 0x301, 1, bytes([3, 2, 0, 0])))
replies = []
done = False
while not done:
    buf = s.recv(1 << 20)
    off = 0
    while off < len(buf):
        ln, ty = struct.unpack_from("=IH", buf, off)
        if ty == 3:
            done = True
            break
        replies.append(buf[off + 20:off + ln])  # after nlmsghdr and genlmsghdr
        off += (ln + 3) & ~3
for r in replies:
    if b"nlctrl\0" in r[:40]:
        put("wire_decode", "nlctrl-getfamily", bytes([0]) + r)
        put("wire_decode", "nlctrl-event", bytes([2 | (7 << 3)]) + r)
        put("dynamic_json", "nlctrl-getfamily-reply", bytes([0, 0, 0]) + r)
    if b"ovs" in r[:40] or b"ethtool\0" in r[:40]:
        put("wire_decode", "nlctrl-getfamily-big", bytes([0]) + r)

# ovs_flow: a flow reply (key, mask, actions with clone and userspace, stats).
key = (nla(3, struct.pack("=I", 1)) +                       # in-port
       nla(4, bytes(range(12))) +                           # ethernet
       nla(6, struct.pack("!H", 0x0800)) +                  # ethertype
       nla(7, bytes([10, 0, 0, 1, 10, 0, 0, 2, 6, 0, 64, 0])) +  # ipv4
       nla(9, struct.pack("!HH", 1234, 80)) +               # tcp
       nla(16, nla(0, struct.pack("!Q", 5)) + nla(1, bytes([1, 2, 3, 4])), True))  # tunnel
actions = (nla(1, struct.pack("=I", 2)) +                   # output
           nla(2, nla(1, struct.pack("=I", 7)) + nla(2, b"\1\2\3\4"), True) +  # userspace
           nla(20, nla(1, struct.pack("=I", 3)) + nla(20, nla(1, struct.pack("=I", 4)), True), True))  # clone in clone
flow = (nla(1, key, True) + nla(2, actions, True) + nla(3, struct.pack("=QQ", 10, 1500)) +
        nla(4, b"\x12") + nla(5, struct.pack("=Q", 123456)) + nla(7, key, True) + nla(9, bytes(16)))
hdr = struct.pack("=I", 5)
put("wire_decode", "ovs-flow-reply", bytes([3]) + hdr + flow)
put("wire_decode", "ovs-flow-ntf", bytes([4 | (1 << 3)]) + hdr + flow)
packet = nla(1, bytes(60)) + nla(2, key, True) + nla(10, struct.pack("=I", 60)) + nla(11, struct.pack("=Q", 7))
put("wire_decode", "ovs-packet-miss", bytes([5]) + hdr + packet)
put("wire_decode", "ovs-packet-event", bytes([6 | (1 << 3)]) + hdr + packet)
put("wire_decode", "datagram", bytes([7]) + nlmsg(0x1d, 2, 1, bytes([1, 1, 0, 0]) + hdr + flow) + nlmsg(3, 2, 1, bytes(4)))
put("dynamic_json", "ovs-flow-reply", bytes([3, 2, 0]) + hdr + flow)
put("dynamic_json", "ovs-packet-miss", bytes([4, 0, 0]) + hdr + packet)
put("dynamic_json", "nlctrl-getfamily-json", bytes([0, 0, 1]) + b'{"family-name": "nlctrl"}')
put("dynamic_json", "ovs-flow-new-json", bytes([3, 0, 1]) + b'{"dp-ifindex": 5, "key": {"in-port": 1, "ethertype": 2048}, "actions": [{"output": 2}, {"clone": [{"output": 3}]}], "ufid": "00112233"}')
put("dynamic_json", "ovs-datapath-new-json", bytes([1, 0, 1]) + b'{"dp-ifindex": 0, "name": "dp0", "upcall-pid": 0, "user-features": ["unaligned"]}')

# extack: the request sent (ovs_flow new), then NLMSG_ERROR with extack TLVs.
req = nlmsg(0x1d, 0x5, 9, bytes([1, 1, 0, 0]) + hdr + nla(1, key, True) + nla(2, actions, True))
tlvs = nla(1, b"bad key\0") + nla(2, struct.pack("=I", 44)) + nla(5, struct.pack("=I", 3)) + nla(6, struct.pack("=I", 40))
pol = nla(4, nla(1, struct.pack("=I", 3)) + nla(4, struct.pack("=Q", 0)) + nla(5, struct.pack("=Q", 255)))
err = nlmsg(2, 0x100 | 0x200, 9, struct.pack("=i", -22) + req[:16] + tlvs + pol)
put("extack", "error-capped", struct.pack("<H", len(req)) + req + err)
err_full = nlmsg(2, 0x200, 9, struct.pack("=i", -22) + req + tlvs)
put("extack", "error-full", struct.pack("<H", len(req)) + req + err_full)
done_msg = nlmsg(3, 0x2 | 0x200, 9, struct.pack("=i", -95) + nla(1, b"not supported\0"))
put("extack", "done-error", struct.pack("<H", len(req)) + req + done_msg)
ack = nlmsg(2, 0x100 | 0x200, 9, struct.pack("=i", 0) + req[:16] + nla(1, b"warning\0"))
put("extack", "ack-warning", struct.pack("<H", len(req)) + req + ack)
