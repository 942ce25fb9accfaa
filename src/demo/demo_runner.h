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
};

// Runs the main job on embedded defaults: starts the embedded broker and a
// stream processor, replays a labelled data set through them, reads every
// output back and prints a summary to stdout. Returns the process exit
// status: 0 when every reading produced an output.
int run_demo(const demo_options& options);

}  // namespace ntscada
