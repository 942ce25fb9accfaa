#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/metrics_endpoint.h"
#include "cli/options.h"
#include "cli/signals.h"
#include "common/logging.h"
#include "history/history_ingester.h"
#include "history/ingest_metrics.h"
#include "history/sqlite_history_store.h"
#include "monitoring/process_metrics.h"

namespace ntscada {
namespace {

// Relative to the working directory.
constexpr const char* kDefaultStorePath = "data/history.db";

struct ingest_arguments {
  ingest_options options;
  std::string store = kDefaultStorePath;
  std::vector<std::string> consumer_properties;
  std::int64_t batch_ms = 1000;
  std::string metrics_address = kIngestMetricsAddress;
};

// Serves the metrics endpoints while the ingester runs. The server stops
// before this returns, so it never reads the ingester's stats after that.
int run_with_metrics(const ingest_arguments& args, history_ingester& ingester) {
  metric_registry registry;
  add_process_metrics(registry, NTSCADA_VERSION, "ingest");
  add_ingest_metrics(registry, ingester.stats());
  auto server = serve_metrics(args.metrics_address, registry,
                              ingest_readiness_checks(ingester.stats()));
  if (!server) {
    module_logger("ingest")->error("{}", server.error());
    return EXIT_FAILURE;
  }
  install_stop_signals();
  return ingester.run(stop_requested);
}

int run_ingest(ingest_arguments& args) {
  auto logger = module_logger("ingest");
  auto consumer =
      parse_properties(args.consumer_properties, "--consumer-property");
  if (!consumer) {
    logger->error("{}", consumer.error());
    return kExitUsage;
  }
  args.options.consumer_properties = consumer.value();
  args.options.batch_interval = std::chrono::milliseconds(args.batch_ms);

  auto store = sqlite_history_store::open(args.store);
  if (!store) {
    logger->error("{}", store.error());
    return EXIT_FAILURE;
  }
  auto ingester = history_ingester::create(args.options, *store.value());
  if (!ingester) {
    logger->error("{}", ingester.error());
    return kExitUsage;
  }
  int code = run_with_metrics(args, *ingester.value());

  auto count = store.value()->count();
  if (count) {
    logger->info("history store {} holds {} readings", args.store,
                 count.value());
  } else {
    logger->warn("{}", count.error());
  }
  return code;
}

}  // namespace

void add_ingest_command(CLI::App& app) {
  auto args = std::make_shared<ingest_arguments>();
  CLI::App* command = app.add_subcommand(
      "ingest",
      "Copy readings from Kafka into the SQLite history store for training. "
      "Each batch is written in one transaction, and its offsets are "
      "committed only afterwards. Invalid messages are counted and logged "
      "but not stored. Stops cleanly on SIGINT or SIGTERM.");
  command
      ->add_option("--brokers", args->options.brokers,
                   "Kafka bootstrap servers, host:port[,host:port]")
      ->required();
  command->add_option("--store", args->store,
                      "History store file, created with its folder when "
                      "missing (default: data/history.db in the working "
                      "directory)");
  command->add_option("--group", args->options.group_id, "Consumer group id");
  command->add_option("--topic", args->options.topic, "Input topic");
  command
      ->add_option("--batch-rows", args->options.batch_rows,
                   "Readings written in one transaction at most")
      ->check(CLI::Range(1, 1'000'000));
  command
      ->add_option("--batch-ms", args->batch_ms,
                   "Longest wait, in milliseconds, from a batch's first "
                   "message until it is written")
      ->check(CLI::Range(1, 600'000));
  command->add_option("--consumer-property", args->consumer_properties,
                      "librdkafka consumer property name=value (repeatable)");
  add_metrics_address_option(*command, args->metrics_address);
  command->callback([args] { std::exit(run_ingest(*args)); });
}

}  // namespace ntscada
