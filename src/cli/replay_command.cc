#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/signals.h"
#include "common/logging.h"
#include "kafka/reading_publisher.h"
#include "reading/timestamp.h"
#include "replay/replay_inputs.h"
#include "scoring/result_record.h"

namespace ntscada {
namespace {

struct replay_arguments {
  std::vector<std::filesystem::path> files;
  std::string brokers;
  std::string topic = topic_names{}.sensors;
  double rate = 0;
  bool rewrite = false;
  std::string nab_unit = "C";
  std::size_t limit = 0;
};

int run_replay(const replay_arguments& args) {
  auto logger = module_logger("replay");
  auto inputs = load_replay_inputs(args.files, {.nab_unit = args.nab_unit});
  if (!inputs) {
    logger->error("{}", inputs.error());
    return kExitUsage;
  }
  auto& readings = inputs.value().readings;
  if (args.limit > 0 && readings.size() > args.limit) {
    readings.resize(args.limit);
  }
  if (args.rewrite) rewrite_timestamps(readings, wall_clock_now());

  auto publisher = reading_publisher::create(args.brokers, args.topic);
  if (!publisher) {
    logger->error("{}", publisher.error());
    return kExitUsage;
  }
  install_stop_signals();
  logger->info("replaying {} readings to {} at {}", readings.size(), args.topic,
               args.rate > 0 ? fmt::format("{} readings/s", args.rate)
                             : std::string("full speed"));
  auto started = std::chrono::steady_clock::now();
  std::string json;
  std::size_t sent = 0;
  for (const auto& item : readings) {
    if (stop_requested.load()) break;
    if (args.rate > 0) {
      auto due =
          started +
          std::chrono::duration_cast<std::chrono::steady_clock::duration>(
              std::chrono::duration<double>(static_cast<double>(sent) /
                                            args.rate));
      std::this_thread::sleep_until(due);
    }
    json.clear();
    append_reading_json(json, item.r);
    if (!publisher.value()->publish(item.r.sensor_id, json)) break;
    ++sent;
  }
  // Wait for acknowledgements in short steps so a stop signal ends the
  // wait too.
  auto flush_deadline =
      std::chrono::steady_clock::now() + std::chrono::minutes(1);
  bool flushed = false;
  while (!flushed && !stop_requested.load() &&
         std::chrono::steady_clock::now() < flush_deadline) {
    flushed = publisher.value()->flush(500);
  }
  std::uint64_t unacknowledged =
      sent - publisher.value()->acknowledged() - publisher.value()->failed();
  if (unacknowledged > 0) {
    logger->error(
        "{} readings were not acknowledged{}; check that the "
        "broker at {} is reachable",
        unacknowledged,
        stop_requested.load() ? " before the stop signal" : " within 60 s",
        args.brokers);
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  logger->info("replayed sent={} acknowledged={} failed={} seconds={:.2f}",
               sent, publisher.value()->acknowledged(),
               publisher.value()->failed(), seconds);
  return flushed && publisher.value()->failed() == 0 ? EXIT_SUCCESS
                                                     : EXIT_FAILURE;
}

}  // namespace

void add_replay_command(CLI::App& app) {
  auto args = std::make_shared<replay_arguments>();
  CLI::App* command = app.add_subcommand(
      "replay",
      "Publish a labelled data set as readings: SKAB files (one reading per "
      "sensor column and row, labels carried along) or NAB files "
      "(timestamp,value). A folder stands for its .csv files.");
  command->add_option("files", args->files, "Data set files or folders")
      ->required();
  command->add_option("--brokers", args->brokers, "Kafka bootstrap servers")
      ->required();
  command->add_option("--topic", args->topic, "Topic to publish to");
  command
      ->add_option("--rate", args->rate,
                   "Readings per second; 0 publishes as fast as possible")
      ->check(CLI::NonNegativeNumber);
  command->add_flag("--rewrite-timestamps", args->rewrite,
                    "Shift timestamps so the newest reading is stamped now");
  command->add_option("--nab-unit", args->nab_unit,
                      "Unit of NAB values, which NAB does not state");
  command->add_option("--limit", args->limit,
                      "Publish at most this many readings (0: all)");
  command->callback([args] { std::exit(run_replay(*args)); });
}

}  // namespace ntscada
