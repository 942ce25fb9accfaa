#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/metrics_endpoint.h"
#include "cli/options.h"
#include "cli/signals.h"
#include "common/logging.h"
#include "monitoring/process_metrics.h"
#include "rules/rule_scorer.h"
#include "stream/stream_metrics.h"
#include "stream/stream_processor.h"

namespace ntscada {
namespace {

struct stream_arguments {
  stream_options options;
  std::string envelopes;
  std::vector<std::string> consumer_properties;
  std::vector<std::string> producer_properties;
  bool allow_missing_unit = false;
  int future_skew_seconds = 300;
  std::string metrics_address = kStreamMetricsAddress;
};

int run_stream(stream_arguments& args) {
  auto logger = module_logger("stream");
  auto consumer =
      parse_properties(args.consumer_properties, "--consumer-property");
  auto producer =
      parse_properties(args.producer_properties, "--producer-property");
  if (!consumer || !producer) {
    logger->error("{}", consumer ? producer.error() : consumer.error());
    return kExitUsage;
  }
  args.options.consumer_properties = consumer.value();
  args.options.producer_properties = producer.value();
  args.options.parser.require_unit = !args.allow_missing_unit;
  args.options.parser.max_future_skew =
      std::chrono::seconds(args.future_skew_seconds);

  auto table = load_envelopes(args.envelopes);
  if (!table) {
    logger->error("{}", table.error());
    return kExitUsage;
  }
  auto processor = stream_processor::create(
      args.options, std::make_unique<rule_scorer>(std::move(table.value())));
  if (!processor) {
    logger->error("{}", processor.error());
    return kExitUsage;
  }

  // Declared after the processor, so the server stops before the stats it
  // reads are destroyed.
  metric_registry registry;
  add_process_metrics(registry, NTSCADA_VERSION, "stream");
  add_stream_metrics(registry, processor.value()->stats());
  auto server =
      serve_metrics(args.metrics_address, registry,
                    stream_readiness_checks(processor.value()->stats()));
  if (!server) {
    logger->error("{}", server.error());
    return EXIT_FAILURE;
  }
  install_stop_signals();
  return processor.value()->run(stop_requested);
}

}  // namespace

void add_stream_command(CLI::App& app) {
  auto args = std::make_shared<stream_arguments>();
  CLI::App* command = app.add_subcommand(
      "stream",
      "Consume readings from Kafka, score them with envelope rules and "
      "publish results, anomalies and dead letters. Stops cleanly on SIGINT "
      "or SIGTERM.");
  command
      ->add_option("--brokers", args->options.brokers,
                   "Kafka bootstrap servers, host:port[,host:port]")
      ->required();
  command->add_option("--group", args->options.group_id, "Consumer group id");
  add_topic_options(*command, args->options.topics);
  command->add_option("--envelopes", args->envelopes,
                      "TOML file of envelope rules (default: built-in "
                      "10, 20, 30, 70, 80, 90 for every type)");
  command
      ->add_option("--max-batch", args->options.max_batch,
                   "Most messages scored in one batch")
      ->check(CLI::Range(1, 100000));
  command
      ->add_option("--max-message-bytes",
                   args->options.parser.max_message_bytes,
                   "Larger messages are dead-lettered as message_too_large")
      ->check(CLI::Range(64, 16 * 1024 * 1024));
  command->add_flag("--allow-missing-unit", args->allow_missing_unit,
                    "Accept readings without a unit (scored as given)");
  command
      ->add_option("--future-skew-seconds", args->future_skew_seconds,
                   "Dead-letter readings stamped further ahead of the "
                   "processing clock than this, in seconds")
      ->check(CLI::Range(0, 7 * 24 * 3600));
  command->add_option("--consumer-property", args->consumer_properties,
                      "librdkafka consumer property name=value (repeatable)");
  command->add_option("--producer-property", args->producer_properties,
                      "librdkafka producer property name=value (repeatable)");
  add_metrics_address_option(*command, args->metrics_address);
  command->callback([args] { std::exit(run_stream(*args)); });
}

}  // namespace ntscada
