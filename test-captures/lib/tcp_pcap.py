"""Bytes of a TCP-correct capture on 127.0.0.1 (Ethernet, IPv4, checksums
right), for the synthetic captures: the hostile inputs
(hostile/make_hostile.py) and the MCollective cases no real capture holds
(mcollective-synthetic/make_synthetic.py)."""
import struct


def csum(data):
    """The Internet checksum of data (RFC 1071)."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def packet(src_port, dst_port, seq, ack, flags, payload):
    """One Ethernet frame: 127.0.0.1:src_port -> 127.0.0.1:dst_port."""
    src = dst = bytes([127, 0, 0, 1])
    tcp = struct.pack("!HHIIBBHHH", src_port, dst_port, seq, ack, 5 << 4, flags, 65535, 0, 0)
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp) + len(payload))
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp + payload)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload), 0, 0x4000, 64, 6, 0,
                     src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return b"\0" * 12 + b"\x08\x00" + ip + tcp + payload


def record(t, frame):
    """A pcap record of frame at time t (seconds)."""
    sec, usec = int(t), int(round((t - int(t)) * 1e6))
    return struct.pack("<IIII", sec, usec, len(frame), len(frame)) + frame


# pcap file header: microsecond timestamps, Ethernet
HEADER = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1)
