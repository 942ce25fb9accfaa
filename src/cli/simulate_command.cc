#include <chrono>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/signals.h"
#include "common/logging.h"
#include "kafka/reading_publisher.h"
#include "reading/timestamp.h"
#include "scoring/result_record.h"
#include "simulate/plant_simulator.h"

namespace ntscada {
namespace {

struct simulate_arguments {
  std::string brokers;
  std::string topic = topic_names{}.sensors;
  std::uint64_t seed = 1;
  std::size_t assets = 3;
  double tick_rate = 10;
  std::int64_t ticks = 1440;
  double step_seconds = 60;
  bool print_envelopes = false;
};

int run_simulate(const simulate_arguments& args) {
  if (args.print_envelopes) {
    std::cout << plant_envelope_toml();
    return EXIT_SUCCESS;
  }
  auto logger = module_logger("simulate");
  if (args.brokers.empty()) {
    logger->error("--brokers is required unless --print-envelopes is given");
    return kExitUsage;
  }
  plant_options plant;
  plant.seed = args.seed;
  plant.asset_count = args.assets;
  bool live = args.ticks == 0;
  // A finite run ends at the current time; a live run is stamped with the
  // wall clock and advances one tick interval per tick.
  double step = live ? 1.0 / args.tick_rate : args.step_seconds;
  plant.step = static_cast<epoch_ns>(step * 1e9);
  plant.start_time =
      live ? wall_clock_now() : wall_clock_now() - args.ticks * plant.step;
  auto simulator = plant_simulator::create(plant);
  if (!simulator) {
    logger->error("{}", simulator.error());
    return kExitUsage;
  }
  auto publisher = reading_publisher::create(args.brokers, args.topic);
  if (!publisher) {
    logger->error("{}", publisher.error());
    return kExitUsage;
  }
  install_stop_signals();
  logger->info("simulating seed={} assets={} ticks={} tick_rate={}/s to {}",
               args.seed, args.assets, args.ticks, args.tick_rate, args.topic);
  auto started = std::chrono::steady_clock::now();
  std::string json;
  std::int64_t tick = 0;
  for (; !stop_requested.load() && (live || tick < args.ticks); ++tick) {
    std::this_thread::sleep_until(
        started +
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double>(static_cast<double>(tick) /
                                          args.tick_rate)));
    for (const reading& r : simulator.value().next_tick()) {
      json.clear();
      append_reading_json(json, r);
      if (!publisher.value()->publish(r.sensor_id, json)) return EXIT_FAILURE;
    }
  }
  bool flushed = publisher.value()->flush(60'000);
  logger->info("simulated ticks={} acknowledged={} failed={}", tick,
               publisher.value()->acknowledged(), publisher.value()->failed());
  return flushed && publisher.value()->failed() == 0 ? EXIT_SUCCESS
                                                     : EXIT_FAILURE;
}

}  // namespace

void add_simulate_command(CLI::App& app) {
  auto args = std::make_shared<simulate_arguments>();
  CLI::App* command = app.add_subcommand(
      "simulate",
      "Publish readings of a seeded synthetic plant: assets with six sensor "
      "types, daily cycles, noise, drift and labelled fault episodes.");
  command->add_option("--brokers", args->brokers, "Kafka bootstrap servers");
  command->add_option("--topic", args->topic, "Topic to publish to");
  command->add_option("--seed", args->seed, "Random seed");
  command->add_option("--assets", args->assets, "Number of assets")
      ->check(CLI::Range(1, 10000));
  command
      ->add_option("--tick-rate", args->tick_rate,
                   "Ticks per second (one reading per sensor per tick)")
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--ticks", args->ticks,
                   "Ticks to publish, ending now; 0 runs live until "
                   "stopped, stamped with the wall clock")
      ->check(CLI::NonNegativeNumber);
  command
      ->add_option("--step-seconds", args->step_seconds,
                   "Simulated seconds between ticks of a finite run")
      ->check(CLI::PositiveNumber);
  command->add_flag("--print-envelopes", args->print_envelopes,
                    "Print the envelope rules that fit the simulator and "
                    "exit");
  command->callback([args] { std::exit(run_simulate(*args)); });
}

}  // namespace ntscada
