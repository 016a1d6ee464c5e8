#include "models/people.hpp"

#include <algorithm>
#include <cassert>

#include "sim/text.hpp"

namespace drsim::models {

void People::unavailable(std::string role, sim::Time from, sim::Time to) {
  away_.push_back({std::move(role), from, to});
}

bool People::business_hours(sim::Time t) const {
  // Unix day 0 (1970-01-01) was a Thursday; the scenario epoch is a Unix instant.
  const std::int64_t local_ms = context_.epoch_unix_ms() + t + team_.utc_offset_hours * sim::kHour;
  std::int64_t day = local_ms / sim::kDay;
  std::int64_t in_day = local_ms % sim::kDay;
  if (in_day < 0) {
    in_day += sim::kDay;
    --day;
  }
  const std::int64_t weekday = ((day + 3) % 7 + 7) % 7;  // 0 = Monday
  const std::int64_t hour = in_day / sim::kHour;
  return weekday < 5 && hour >= team_.business_start_hour && hour < team_.business_end_hour;
}

int People::headcount(std::string_view role) const {
  for (const auto& [r, n] : team_.headcount) {
    if (sim::same(r, role)) return n;
  }
  return 0;
}

void People::clear() {
  // A default team that takes over the old one's (emptied) vectors and their storage.
  team_.escalation.clear();
  team_.headcount.clear();
  team_ = Team{.escalation = std::move(team_.escalation), .headcount = std::move(team_.headcount)};
  away_.clear();
  staff_used_ = 0;
}

sim::Resource& People::staff(std::string_view role) {
  for (std::size_t i = 0; i < staff_used_; ++i) {
    if (sim::same(staff_[i].first, role)) return *staff_[i].second;
  }
  const auto count = static_cast<std::uint32_t>(std::max(1, headcount(role)));
  if (staff_used_ == staff_.size()) {
    staff_.emplace_back(std::string(role), std::make_unique<sim::Resource>(context_.env(), count));
  } else {
    auto& [name, resource] = staff_[staff_used_];
    assert(resource->in_use() == 0 && !resource->has_waiters());
    name.assign(role);
    resource->set_capacity(count);
  }
  return *staff_[staff_used_++].second;
}

PageResult People::page(sim::Time t, std::uint64_t incident) const {
  const Calibration& c = context_.calibration();
  PageResult result;
  sim::Time paged_at = t;
  for (std::size_t level = 0; level < team_.escalation.size(); ++level) {
    const EscalationLevel& l = team_.escalation[level];
    if (result.acknowledged_at <= paged_at) break;  // someone already answered
    ++result.levels_paged;
    const std::string key = l.role + '#' + std::to_string(incident);  // names its streams
    bool answers = context_.uniform("people/answers", key) >= c.page_no_answer_probability;
    for (const Away& a : away_) {
      if (a.role == l.role && a.from <= paged_at && paged_at < a.to) answers = false;
    }
    if (answers) {
      const Distribution& ack = business_hours(paged_at) ? c.ack_business_hours : c.ack_off_hours;
      const sim::Time at = paged_at + context_.draw(ack, "people/ack", key);
      if (at < result.acknowledged_at) {
        result.acknowledged_at = at;
        result.role = l.role;
      }
    }
    paged_at += l.timeout;
  }
  return result;
}

}  // namespace drsim::models
