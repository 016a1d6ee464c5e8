// The people on call: who is paged, how long they take to acknowledge (slower at night and
// at weekends), and the escalation path when nobody answers — primary, backup, manager, CTO
// in seeds/muejam-dr-runbook.md. Headcount per role bounds how many manual steps run at
// once (the runbook engine turns it into a sim::Resource).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/cloud_context.hpp"
#include "sim/resource.hpp"

namespace drsim::models {

struct EscalationLevel {
  std::string role;                           // "primary-oncall"
  sim::Duration timeout = 15 * sim::kMinute;  // before the next level is paged
};

struct Team {
  std::vector<EscalationLevel> escalation;              // paged in order
  std::vector<std::pair<std::string, int>> headcount;   // role -> people
  int utc_offset_hours = 0;                             // the team's local time, for business hours
  int business_start_hour = 9, business_end_hour = 18;  // local, Monday to Friday
};

struct PageResult {
  sim::Time acknowledged_at = sim::kNever;
  std::string role;      // who acknowledged
  int levels_paged = 0;  // 1: the first level answered in time
};

class People {
 public:
  explicit People(CloudContext& context) : context_(context) {}
  /// Copied over the last team, in its storage (a trial sets the same team as the last).
  void set_team(const Team& team) { team_ = team; }
  const Team& team() const { return team_; }
  /// Failure injection: `role` does not answer pages in [from, to).
  void unavailable(std::string role, sim::Time from, sim::Time to);
  /// No team, nobody away, no staff; the storage is kept for the next trial's.
  void clear();

  /// Pages the escalation path at `t` for incident number `incident` (for its streams).
  PageResult page(sim::Time t, std::uint64_t incident = 0) const;
  /// Monday-Friday within business hours, in the team's local time.
  bool business_hours(sim::Time t) const;
  int headcount(std::string_view role) const;
  /// The people of `role` as a resource: a manual step holds one of them while it runs, so
  /// two engineers cannot do five steps at once. Created on first use with the headcount
  /// (at least one); lives until clear(), which must come when no unit is held or waited
  /// for (after the environment's reset).
  sim::Resource& staff(std::string_view role);

 private:
  CloudContext& context_;
  Team team_;
  struct Away {
    std::string role;
    sim::Time from, to;
  };
  std::vector<Away> away_;
  // The first staff_used_ are the roles staffed since clear(); the others are kept from
  // before it, to be handed out again (a resource is made once per role a trial staffs).
  std::vector<std::pair<std::string, std::unique_ptr<sim::Resource>>> staff_;
  std::size_t staff_used_ = 0;
};

}  // namespace drsim::models
