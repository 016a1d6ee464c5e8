// Whether the service is up as a client sees it, at an instant: the client's cached DNS
// answer leads to a healthy endpoint, a service database is available (a replica only once
// promoted; an Aurora cluster with an instance) and holds clean data, the named objects are
// readable, and the app's secret says what it should. One definition serves both the
// runbook's probe steps (`curl -f https://...`) during a trial and the search for the
// recovery instant (RTO) after it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scenarios/scenario.hpp"

namespace drsim::scenarios {

struct StepRecord;

class ServiceHealth {
 public:
  /// `steps` are the trial's step records (for `after_step`), read as the trial goes.
  ServiceHealth(const Scenario& scenario, models::MockCloud& cloud,
                const std::vector<StepRecord>& steps);

  /// The service is up for a client at `t`. When it is not and `retry_at` is given, it is
  /// set to an instant before which it cannot be either, as far as the client's DNS answer
  /// and the endpoint it names tell (`t` when they do not): read after the run, when every
  /// timeline is final, so a scan may skip to it.
  bool healthy(sim::Time t, sim::Time* retry_at = nullptr);
  /// After the run, when every timeline is final: a lower bound on the first instant >= t
  /// at which healthy() can hold (kNever: it cannot), so a scan may skip to it.
  sim::Time not_before(sim::Time t) const;
  /// The first of the service's leaked credentials that still works at `t`, or nullptr.
  const std::string* leaked(sim::Time t) const;

  struct Serving {
    std::string data_store;
    sim::Time data_as_of;
  };
  /// What serves the service's data at `t` (the newest data first), clean or not.
  std::optional<Serving> serving(sim::Time t) const;
  /// Whether data `point` of `data_store` is clean at `t` (predates its corruption, or a
  /// repair from a clean copy has finished).
  bool clean(const std::string& data_store, sim::Time point, sim::Time t) const;
  /// A database was available at some probed instant but held corrupt data.
  bool corrupt_seen() const { return corrupt_seen_; }

 private:
  bool milestone_done(sim::Time t) const;

  const Scenario& scenario_;
  models::MockCloud& cloud_;
  const std::vector<StepRecord>& steps_;
  std::optional<std::size_t> milestone_;
  double phase_,
      pick_;  // this trial's client: where in the TTL it refreshes, which weighted record
  bool corrupt_seen_ = false;
};

}  // namespace drsim::scenarios
