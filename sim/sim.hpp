// The public face of sim/, the discrete-event kernel: what models/ and the layers above
// include. See each header for the details.
#pragma once

#include "sim/distribution.hpp"  // portable variates drawn from named streams
#include "sim/environment.hpp"   // virtual time, processes, events, any_of / all_of
#include "sim/input_error.hpp"   // the one error type for user mistakes
#include "sim/monte_carlo.hpp"   // N trials on T threads, deterministically
#include "sim/resource.hpp"      // capacity-limited resources (people, copy slots)
#include "sim/rng.hpp"           // named random streams
#include "sim/statistics.hpp"    // exact, mergeable statistics with confidence intervals
#include "sim/time.hpp"          // int64 milliseconds, human durations
