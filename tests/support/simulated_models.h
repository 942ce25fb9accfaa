#pragma once

#include <cstdint>
#include <vector>

#include "registry/local_registry.h"
#include "rules/envelope_table.h"
#include "training/model_registration.h"

namespace ntscada::testing {

// Readings of the simulated plant (three assets, six sensors each) at
// one-minute steps from 2024-06-01: ticks [first_tick, first_tick + ticks).
// A seed fixes the plant (per-asset offsets) as well as its faults, so
// later ticks of the training seed are what the same plant does next.
std::vector<reading> simulated_readings(std::uint64_t seed, int ticks,
                                        int first_tick = 0);

// The envelope rules that fit the simulated plant.
envelope_table simulated_plant_envelopes();

// Trains small models (20 trees of depth 8, 20 boosting rounds, one
// thread) on the first `ticks` simulated ticks of `seed` and registers them
// as the next versions in `registry`.
registered_models train_simulated_models(local_registry& registry,
                                         std::uint64_t seed, int ticks);

}  // namespace ntscada::testing
