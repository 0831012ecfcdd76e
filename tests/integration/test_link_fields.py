"""Every generated link to another frame is an FT_FRAMENUM field, so the
Wireshark GUI shows it as a jump link (and the frame-reference icon).

The list is the links the dissectors make (issue 11: response_in, sent_in,
delivered_in, request_in, reply_in, ...); a rule on names catches links added
later: a field named *_in / *_to / *_start in stomp. or mcollective. is a link.
"""
import unittest

import tshark_runner as tr

LINKS = [
    "stomp.response_in", "stomp.response_to", "stomp.ack_in", "stomp.acks",
    "stomp.subscribe_in", "stomp.unsubscribe_in", "stomp.transaction.begin_in",
    "stomp.transaction.end_in", "stomp.delivered_in", "stomp.sent_in",
    "stomp.reassembly_start", "stomp.reassembled_in",
    "mcollective.request_in", "mcollective.delivery_in", "mcollective.client_start_in",
    "mcollective.reply_in",
]

# Named like a link but a STOMP header's value, not a frame reference.
NOT_LINKS = {"stomp.reply_to"}


def field_types():
    out, _, _ = tr.run(["-G", "fields"])
    types = {}
    for line in out.splitlines():
        c = line.split("\t")
        if len(c) > 3 and c[0] == "F" and c[2].startswith(("stomp.", "mcollective.")):
            types[c[2]] = c[3]
    return types


class LinkFieldTypesTest(unittest.TestCase):
    def test_links_are_framenum(self):
        types = field_types()
        for name in LINKS:
            with self.subTest(field=name):
                self.assertEqual(types.get(name), "FT_FRAMENUM")

    def test_link_named_fields_are_framenum(self):
        types = field_types()
        named = [n for n in types if n.endswith(("_in", "_to", "_start")) and n not in NOT_LINKS]
        # the rule finds every listed link but stomp.acks
        self.assertEqual(set(LINKS) - set(named), {"stomp.acks"})
        for name in named:
            with self.subTest(field=name):
                self.assertEqual(types[name], "FT_FRAMENUM")


if __name__ == "__main__":
    unittest.main()
