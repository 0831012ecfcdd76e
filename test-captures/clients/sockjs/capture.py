#!/usr/bin/env python3
"""Turns the log of clients/sockjs/client.js into a MANIFEST.json entry.

The frames are parsed from the exact strings stompjs handed to SockJS.send()
(sent) and the strings SockJS delivered to it (received), never from the
capture. Header values of 1.2 frames other than CONNECT/CONNECTED are
unescaped (STOMP 1.2 "Value Encoding"), as stompjs escaped them.

  capture.py <client-log.json> <pcap-name> <broker-version> <transport> <MANIFEST.json> [<pcap>]
"""
import hashlib
import json
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from build_manifest import dumps_manifest  # noqa: E402  the file's own layout

UNESC = {'n': '\n', 'r': '\r', 'c': ':', '\\': '\\'}


def unescape(v):
    out, i = [], 0
    while i < len(v):
        if v[i] == '\\' and i + 1 < len(v) and v[i + 1] in UNESC:
            out.append(UNESC[v[i + 1]])
            i += 2
        else:
            out.append(v[i])
            i += 1
    return ''.join(out)


def parse_stream(text):
    """STOMP frames and heart-beats of a concatenated text stream."""
    frames, heartbeats, i = [], 0, 0
    data = text.encode('utf-8')
    after_frame = False  # EOLs right after a frame's NUL belong to it (STOMP 1.2)
    while i < len(data):
        if data[i:i + 1] in (b'\n', b'\r'):
            if data[i:i + 2] == b'\r\n':
                i += 1
            if not after_frame:
                heartbeats += 1
            i += 1
            continue
        after_frame = False
        end_head = data.index(b'\n\n', i)
        head = data[i:end_head].decode('utf-8').split('\n')
        command, headers = head[0], {}
        for line in head[1:]:
            name, _, value = line.partition(':')
            if command not in ('CONNECT', 'CONNECTED'):
                name, value = unescape(name), unescape(value)
            headers.setdefault(name, value)  # the first occurrence counts
        body_start = end_head + 2
        if 'content-length' in headers:
            body_end = body_start + int(headers['content-length'])
        else:
            body_end = data.index(b'\0', body_start)
        body = data[body_start:body_end]
        assert data[body_end:body_end + 1] == b'\0', 'frame without NUL'
        frames.append({'command': command, 'headers': headers, 'body_len': len(body),
                       'body_sha1': hashlib.sha1(body).hexdigest(),
                       'body': body.decode('utf-8')})
        i = body_end + 1
        after_frame = True
    return frames, heartbeats


def websocket_client_port(pcap_path):
    """The client port of the TCP connection that carried the SockJS
    websocket transport: the one whose first request is the HTTP Upgrade to
    .../websocket (a connection identifier read from the classic pcap with
    Ethernet framing that tcpdump writes; nothing the dissector decodes)."""
    with open(pcap_path, 'rb') as fh:
        data = fh.read()
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack_from('<I', data, off + 8)[0]
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if len(pkt) < 14 + 20 or pkt[12:14] != b'\x08\x00':
            continue
        ihl = (pkt[14] & 15) * 4
        tcp = pkt[14 + ihl:]
        if len(tcp) < 20:
            continue
        payload = tcp[(tcp[12] >> 4) * 4:]
        line = payload.split(b'\r\n', 1)[0]
        if line.startswith(b'GET ') and line.endswith(b'/websocket HTTP/1.1'):
            return struct.unpack_from('>H', tcp, 0)[0]
    return None


def main():
    log_path, pcap, bver, transport, manifest_path = sys.argv[1:6]
    pcap_path = sys.argv[6] if len(sys.argv) > 6 else os.path.join(
        os.path.dirname(os.path.abspath(manifest_path)), pcap)
    log = json.load(open(log_path))
    if log.get('error'):
        sys.exit('client failed: ' + log['error'])
    # Frames from each direction's strings joined (a frame may span strings);
    # heart-beats: the strings that are only EOLs (EOLs after a frame's NUL
    # in the same string belong to that frame).
    def beats(strings):
        return sum(len(x.replace('\r\n', '\n')) for x in strings if x and not x.strip('\r\n'))
    sent_frames, _ = parse_stream(''.join(log['sent']))
    recv_frames, _ = parse_stream(''.join(log['received']))
    sent_hb, recv_hb = beats(log['sent']), beats(log['received'])
    counts = {}
    for f in sent_frames + recv_frames:
        counts[f['command']] = counts.get(f['command'], 0) + 1
    entry = {
        'broker': 'activemq',
        'broker_version': bver,
        'client': log['client'],
        'server': 'sockjs (npm) relay, clients/sockjs/server.js',
        'port': 15680,
        'stomp_version': next((f['headers'].get('version') for f in recv_frames
                               if f['command'] == 'CONNECTED'), None),
        # "transport" set: the tests of STOMP directly on TCP leave it out
        'transport': 'sockjs-' + log['transport_used'],
        'sockjs_transport': log['transport_used'],
        'sockjs_url': log['url'],
        'description': (
            'STOMP inside SockJS (%s transport): node + @stomp/stompjs with a sockjs-client '
            'SockJS as its WebSocket, against the sockjs npm server (prefix /stomp) relaying each '
            'session over TCP to ActiveMQ 61613 (not captured: only port 15680 is). CONNECT '
            'heart-beat 1000,1000; SUBSCRIBE ack:client-individual; SEND text/plain with '
            'characters SockJS writes as \\u escapes (U+2028, a surrogate pair) and a receipt, '
            'SEND application/json, SEND with LF and TAB in the body; 3 MESSAGEs, 3 ACKs, '
            'heart-beats both ways, UNSUBSCRIBE, DISCONNECT with receipt. Sent frames parsed '
            'from the exact strings stompjs gave SockJS.send(); received from what SockJS '
            'delivered.' % log['transport_used']),
        'stomp': True,
        'frames': dict(sorted(counts.items())),
        'frames_total': len(sent_frames) + len(recv_frames),
        'heartbeats_sent': sent_hb,
        'heartbeats_received': recv_hb,
        'connections': [{
            'label': 'sockjs-' + transport,
            'client_port': websocket_client_port(pcap_path),
            'server_port': 15680,
            'sent': sent_frames,
            'received': recv_frames,
        }],
    }
    manifest = json.load(open(manifest_path))
    manifest[pcap] = entry
    with open(manifest_path, 'w', encoding='utf-8') as fh:
        fh.write(dumps_manifest(dict(sorted(manifest.items()))))
    print('%s: %d sent, %d received frames, %d/%d heart-beats' % (
        pcap, len(sent_frames), len(recv_frames), sent_hb, recv_hb))


if __name__ == '__main__':
    main()
