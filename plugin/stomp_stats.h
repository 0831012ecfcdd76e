// stomp_stats.h - Statistics menu entries (and tshark -z):
//   -z stomp,tree       frames and bytes per command, destination, direction;
//                       ERROR frames by message
//   -z stomp_srt,tree   response times (min/avg/max): receipt -> RECEIPT,
//                       CONNECT -> CONNECTED, MESSAGE -> ACK/NACK,
//                       SEND -> MESSAGE (broker transit, per destination)
#pragma once

void stomp_stats_register(void);
