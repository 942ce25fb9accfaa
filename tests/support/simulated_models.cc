#include "support/simulated_models.h"

#include <gtest/gtest.h>

#include "history/reading_history.h"
#include "reading/timestamp.h"
#include "simulate/plant_simulator.h"
#include "training/trainer.h"

namespace ntscada::testing {

std::vector<reading> simulated_readings(std::uint64_t seed, int ticks,
                                        int first_tick) {
  plant_options plant;
  plant.seed = seed;
  plant.step = 60'000'000'000;
  plant.start_time = 1'717'200'000'000'000'000;
  auto simulator = plant_simulator::create(plant);
  std::vector<reading> out;
  for (int t = 0; t < first_tick; ++t) simulator.value().next_tick();
  for (int t = 0; t < ticks; ++t) {
    for (const reading& r : simulator.value().next_tick()) out.push_back(r);
  }
  return out;
}

envelope_table simulated_plant_envelopes() {
  return envelope_table::parse(plant_envelope_toml(), "simulator").value();
}

registered_models train_simulated_models(local_registry& registry,
                                         std::uint64_t seed, int ticks) {
  reading_history history;
  for (const reading& r : simulated_readings(seed, ticks)) history.append(r);
  training_options options;
  options.anomaly.trees = 20;
  options.anomaly.max_depth = 8;
  options.state.rounds = 20;
  options.threads = 1;
  auto outcome = train_models(history, simulated_plant_envelopes(), options);
  EXPECT_TRUE(outcome) << outcome.error();
  training_run run;
  run.created = format_rfc3339(wall_clock_now());
  run.version = compact_version(wall_clock_now());
  run.source = "simulator";
  run.envelopes = "simulator";
  run.options = options;
  auto registered = register_trained_models(registry, run, outcome.value());
  EXPECT_TRUE(registered) << registered.error();
  return registered.value();
}

}  // namespace ntscada::testing
