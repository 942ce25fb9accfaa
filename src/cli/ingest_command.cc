#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/influx_options.h"
#include "cli/metrics_endpoint.h"
#include "cli/options.h"
#include "cli/settings.h"
#include "cli/signals.h"
#include "common/logging.h"
#include "history/history_ingester.h"
#include "history/ingest_metrics.h"
#include "history/sqlite_history_store.h"
#include "influx/influx_ingest_target.h"
#include "monitoring/process_metrics.h"

namespace ntscada {
namespace {

// Relative to the working directory.
constexpr const char* kDefaultStorePath = "data/history.db";

struct ingest_arguments {
  ingest_options options;
  std::string sink = "sqlite";
  std::string records = "readings";
  // Empty: scada.sensors for readings, scada.processed for results.
  std::string topic;
  std::string store = kDefaultStorePath;
  influx_cli_options influx;
  std::size_t batch_bytes = 1024 * 1024;
  std::vector<std::string> consumer_properties;
  std::vector<std::string> producer_properties;
  std::int64_t batch_ms = 1000;
  std::string metrics_address = kIngestMetricsAddress;
  // From the configuration file and the environment.
  kafka_properties kafka_pass_through;
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

int run_influx_ingest(ingest_arguments& args,
                      const std::shared_ptr<spdlog::logger>& logger) {
  auto store = open_influx_store(args.influx);
  if (!store) {
    logger->error("{}", store.error());
    return kExitConfig;
  }
  auto reachable = store.value()->client().ping();
  if (!reachable) {
    // Not fatal: the ingester retries writes until the server is back.
    logger->warn("{} does not answer yet: {}", args.influx.config.describe(),
                 reachable.error().describe());
  }
  influx_ingest_target target(*store.value(),
                              args.records == "results"
                                  ? influx_record_kind::results
                                  : influx_record_kind::readings,
                              args.options.parser, args.batch_bytes);
  auto ingester = history_ingester::create(args.options, target);
  if (!ingester) {
    logger->error("{}", ingester.error());
    return kExitConfig;
  }
  return run_with_metrics(args, *ingester.value());
}

int run_ingest(ingest_arguments& args) {
  auto logger = module_logger("ingest");
  auto consumer =
      parse_properties(args.consumer_properties, "--consumer-property");
  if (!consumer) {
    logger->error("{}", consumer.error());
    return kExitConfig;
  }
  // Flags come last, so they override the configured properties.
  args.options.consumer_properties = args.kafka_pass_through;
  args.options.consumer_properties.insert(
      args.options.consumer_properties.end(), consumer->begin(),
      consumer->end());
  auto producer =
      parse_properties(args.producer_properties, "--producer-property");
  if (!producer) {
    logger->error("{}", producer.error());
    return kExitConfig;
  }
  args.options.producer_properties = args.kafka_pass_through;
  args.options.producer_properties.insert(
      args.options.producer_properties.end(), producer->begin(),
      producer->end());
  args.options.batch_interval = std::chrono::milliseconds(args.batch_ms);
  if (args.records != "readings" && args.records != "results") {
    logger->error("--records {} is invalid; expected readings or results",
                  args.records);
    return kExitConfig;
  }
  if (args.sink != "sqlite" && args.sink != "influxdb") {
    logger->error("--sink {} is invalid; expected sqlite or influxdb",
                  args.sink);
    return kExitConfig;
  }
  args.options.topic = !args.topic.empty()         ? args.topic
                       : args.records == "results" ? topic_names{}.processed
                                                   : topic_names{}.sensors;
  if (args.sink == "influxdb") return run_influx_ingest(args, logger);
  if (args.records == "results") {
    logger->error(
        "--records results needs --sink influxdb; the SQLite store keeps "
        "readings only");
    return kExitConfig;
  }

  auto store = sqlite_history_store::open(args.store);
  if (!store) {
    logger->error("{}", store.error());
    return EXIT_FAILURE;
  }
  sink_ingest_target target(*store.value(), args.options.parser,
                            "sqlite store " + args.store);
  auto ingester = history_ingester::create(args.options, target);
  if (!ingester) {
    logger->error("{}", ingester.error());
    return kExitConfig;
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
  auto settings = std::make_shared<command_settings>("ingest");
  args->options.brokers = kDefaultBrokers;
  CLI::App* command = app.add_subcommand(
      "ingest",
      "Copy readings from Kafka into the SQLite history store (default) or "
      "InfluxDB for training, or the stream processor's results into "
      "InfluxDB for dashboards. Each batch is written before its offsets "
      "are committed. Messages that cannot be stored are counted, logged "
      "and sent to the dead-letter topic. Stops cleanly on SIGINT or "
      "SIGTERM.");
  command
      ->add_option("--brokers", args->options.brokers,
                   "Kafka bootstrap servers, host:port[,host:port]")
      ->check(not_empty());
  command
      ->add_option("--sink", args->sink,
                   "Where to write: sqlite (default) or influxdb")
      ->check(CLI::IsMember({"sqlite", "influxdb"}));
  command
      ->add_option("--records", args->records,
                   "What to consume: readings (default, from "
                   "scada.sensors) or results (from scada.processed, "
                   "InfluxDB only)")
      ->check(CLI::IsMember({"readings", "results"}));
  command->add_option("--store", args->store,
                      "History store file, created with its folder when "
                      "missing (default: data/history.db in the working "
                      "directory)");
  command->add_option("--group", args->options.group_id, "Consumer group id");
  command->add_option("--topic", args->topic,
                      "Input topic (default: scada.sensors for readings, "
                      "scada.processed for results)");
  args->options.deadletter_topic = "scada.ingest.deadletter";
  command->add_option("--deadletter-topic", args->options.deadletter_topic,
                      "Topic for messages that cannot be stored, with the "
                      "reason in headers; empty to only log them "
                      "(default: scada.ingest.deadletter)");
  command
      ->add_option("--batch-rows", args->options.batch_rows,
                   "Readings written in one transaction at most")
      ->check(CLI::Range(1, 1'000'000));
  command
      ->add_option("--batch-ms", args->batch_ms,
                   "Longest wait, in milliseconds, from a batch's first "
                   "message until it is written")
      ->check(CLI::Range(1, 600'000));
  command
      ->add_option("--batch-bytes", args->batch_bytes,
                   "InfluxDB: line protocol bytes that make a batch full")
      ->check(CLI::Range(1024, 64 * 1024 * 1024));
  command->add_option("--consumer-property", args->consumer_properties,
                      "librdkafka consumer property name=value (repeatable)");
  command->add_option("--producer-property", args->producer_properties,
                      "librdkafka property of the dead-letter producer, "
                      "name=value (repeatable)");
  add_influx_options(*command, args->influx);
  add_metrics_address_option(*command, args->metrics_address);

  std::vector<std::pair<std::string, std::string>> keys = {
      {"--brokers", "kafka.brokers"},
      {"--sink", "ingest.sink"},
      {"--records", "ingest.records"},
      {"--store", "history.store"},
      {"--group", "ingest.group"},
      {"--topic", "ingest.topic"},
      {"--deadletter-topic", "ingest.deadletter_topic"},
      {"--batch-rows", "ingest.batch_rows"},
      {"--batch-ms", "ingest.batch_ms"},
      {"--batch-bytes", "ingest.batch_bytes"},
      {"--metrics-address", "ingest.metrics_address"}};
  auto influx = influx_setting_keys();
  keys.insert(keys.end(), influx.begin(), influx.end());
  settings->bind_flags(*command, keys, influx_secret_keys());
  command->callback([args, settings] {
    apply_or_exit(*settings);
    args->kafka_pass_through = settings->kafka_pass_through();
    std::exit(run_ingest(*args));
  });
}

}  // namespace ntscada
