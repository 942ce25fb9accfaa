// Trains both models with the default hyperparameters on N simulated
// readings held in memory, and prints the seconds and resident memory of
// each phase. Usage: training_scale [READINGS] (default 1,000,000).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include "simulate/plant_simulator.h"
#include "training/trainer.h"

namespace {

// Resident set size now, in MiB, from /proc/self/statm.
double resident_mib() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * 4096.0 / (1024.0 * 1024.0);
}

double peak_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ntscada;
  std::size_t readings = argc > 1 ? std::stoul(argv[1]) : 1'000'000;
  auto started = std::chrono::steady_clock::now();
  plant_options plant;
  plant.seed = 2024;
  plant.step = 60'000'000'000;
  plant.start_time = 1'700'000'000'000'000'000;
  auto simulator = plant_simulator::create(plant);
  reading_history history;
  history.reserve(readings);
  while (history.size() < readings) {
    for (const reading& r : simulator.value().next_tick()) {
      if (history.size() < readings) history.append(r);
    }
  }
  double load_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  std::printf("readings %zu sensors %zu\n", history.size(),
              history.sensors().size());
  std::printf("%-22s %8.2f s  rss %7.1f MiB\n", "generate", load_seconds,
              resident_mib());

  auto envelopes =
      envelope_table::parse(plant_envelope_toml(), "simulator").value();
  auto outcome = train_models(history, envelopes, training_options{});
  if (!outcome) {
    std::cerr << outcome.error() << '\n';
    return EXIT_FAILURE;
  }
  for (const phase_timing& timing : outcome->timings) {
    std::printf("%-22s %8.2f s  rss %7.1f MiB  peak %7.1f MiB\n",
                timing.phase.c_str(), timing.seconds, timing.resident_mib,
                timing.peak_resident_mib);
  }
  std::printf("peak rss %.1f MiB, anomaly F1 %.3f, state accuracy %.3f\n",
              peak_mib(), outcome->anomaly_metrics.f1,
              outcome->state_metrics.accuracy);
  return EXIT_SUCCESS;
}
