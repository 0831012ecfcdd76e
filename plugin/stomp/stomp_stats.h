// stomp_stats.h - Statistics menu entries (and tshark -z):
//   -z stomp,tree       frames and bytes per command, per destination and per
//                       direction; ERROR frames by message
//   -z stomp_srt,tree   response times (min/avg/max): receipt -> RECEIPT or
//                       ERROR, CONNECT -> CONNECTED or ERROR (one child row
//                       per kind of answer), MESSAGE -> ACK/NACK (one sample
//                       per acknowledged MESSAGE: a cumulative ACK of three
//                       gives three), SEND -> MESSAGE (broker transit, per
//                       destination)
#pragma once

void stomp_stats_register(void);
