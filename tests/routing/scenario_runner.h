// Runs a routing scenario file: routing behaviour tested as data.
//
// A scenario is a list of lines; `#` starts a comment. Names (agents, queues,
// skills, groups, interactions) are free words, given ids in order of first
// use. Times are seconds since the scenario's start (2026-11-30 08:00 UTC,
// a Monday, unless `start` says otherwise).
//
//   start 2026-12-25T08:00:00Z              origin of time (before anything else)
//   engine retry=5 max_missed=3 timeout.voice=20 auto.email=true
//   queue Q channel=voice skills=fr:2,tax:1 groups=g1 priority=0 threshold=20
//         strategy=longest_idle wrapup=10 max_wait=60 max_length=3 overflow=Q2
//         closed=Q3 accept_closed=true callback=Q4 hours=mon-fri_08:30-12:30
//         (one line; `hours` with `_` for spaces)
//   escalate Q after=30 relax=1 drop=tax add_groups=g2 raise=5   (one step, in order)
//   agent A skills=fr:3 voice=1 chat=3 groups=g1 exclusive=false
//   at T                                     advance time to T (timers fire)
//   available A | pause A REASON | offline A
//   skills A fr:3,tax:1 | capacity A chat=2
//   arrive I queue=Q [priority=N] [citizen=N] [preferred=A timeout=S] [enqueued=T] [due=T]
//   accept I | reject I | abandon I | complete I [code=C] | end_wrapup I
//   transfer I queue=Q | transfer I agent=A timeout=S | callback I
//   fails CODE <command>                     the command must be refused with CODE
//   ignore TYPE                              drop events of TYPE from now on
//   expect TYPE [field=value ...]            the next event, with those fields
//   expect nothing                           no event is left unchecked
//
// Every event must be checked by `expect` before the next command: an event
// left unchecked fails the scenario, as does one that differs.
#pragma once

#include <string>

namespace guichet::routing::testing {

struct ScenarioOutcome {
  bool ok = true;
  std::string failure;  // "file:line: what went wrong"
  int commands = 0;
  int expectations = 0;
};

ScenarioOutcome run_scenario_file(const std::string& path);
ScenarioOutcome run_scenario_text(const std::string& text, const std::string& name);

}  // namespace guichet::routing::testing
