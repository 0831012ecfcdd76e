// mco_stats.h - "mco ping" from a capture:
//   tshark -z mcollective,ping     every request with each replying node and
//                                  its time, then mco ping's summary line;
//                                  plus where each reply's time went
//   Statistics > MCollective > mco ping (stats tree, also -z mcollective_ping,tree)
#pragma once

void mco_stats_register(void);
