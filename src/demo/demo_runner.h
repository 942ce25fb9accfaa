#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ntscada {

struct demo_options {
  // Data set files or folders; empty means the SKAB valve1 recordings
  // beside the repository clone, else the simulator.
  std::vector<std::filesystem::path> data;
  // Envelope file; empty means the one that fits the chosen data.
  std::string envelopes;
  // Partitions per topic of the embedded broker.
  int partitions = 8;
  std::uint64_t simulator_seed = 2024;
  // Share of the readings, by time, on which the models are trained; the
  // rest is streamed. Ignored with `rules_only`.
  double training_fraction = 0.5;
  // Skip training and score the whole data set with the envelope rules.
  bool rules_only = false;
  // Registry the trained models are registered in.
  std::filesystem::path registry = "models";
  // XGBoost threads for training.
  int threads = 2;
};

// Runs the main job on embedded defaults: trains the anomaly and state
// models on the first part of a labelled data set and registers them,
// starts the embedded broker and a stream processor serving those models,
// replays the rest of the data set through it, reads every output back and
// prints a summary to stdout, with the models' scores next to the envelope
// rules' scores on the same readings. Returns the process exit status: 0
// when every streamed reading produced an output.
int run_demo(const demo_options& options);

}  // namespace ntscada
