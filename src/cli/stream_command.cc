#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/metrics_endpoint.h"
#include "cli/mlflow_options.h"
#include "cli/options.h"
#include "cli/settings.h"
#include "cli/signals.h"
#include "common/logging.h"
#include "monitoring/process_metrics.h"
#include "registry/mlflow_mirror.h"
#include "rules/rule_scorer.h"
#include "serving/model_scorer.h"
#include "serving/model_watcher.h"
#include "serving/serving_metrics.h"
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
  bool rules_only = false;
  model_watch_options models;
  double model_check_seconds = 10;
  model_scoring_options scoring;
  mlflow_arguments mlflow;
  std::string metrics_address = kStreamMetricsAddress;
  // From the configuration file and the environment.
  kafka_properties kafka_pass_through;
};

int run_stream(stream_arguments& args) {
  auto logger = module_logger("stream");
  auto consumer =
      parse_properties(args.consumer_properties, "--consumer-property");
  auto producer =
      parse_properties(args.producer_properties, "--producer-property");
  if (!consumer || !producer) {
    logger->error("{}", consumer ? producer.error() : consumer.error());
    return kExitConfig;
  }
  // Flags come last, so they override the configured properties.
  args.options.consumer_properties = args.kafka_pass_through;
  args.options.consumer_properties.insert(
      args.options.consumer_properties.end(), consumer->begin(),
      consumer->end());
  args.options.producer_properties = args.kafka_pass_through;
  args.options.producer_properties.insert(
      args.options.producer_properties.end(), producer->begin(),
      producer->end());
  args.options.parser.require_unit = !args.allow_missing_unit;
  args.options.parser.max_future_skew =
      std::chrono::seconds(args.future_skew_seconds);

  auto table = load_envelopes(args.envelopes);
  if (!table) {
    logger->error("{}", table.error());
    return kExitConfig;
  }
  // The watcher loads the registered models before the first poll, then
  // checks for promotions in the background and on SIGHUP.
  auto scoring =
      std::make_unique<model_scorer>(std::move(table.value()), args.scoring);
  model_scorer& scorer = *scoring;
  serving_stats serving;
  args.models.interval = std::chrono::milliseconds(
      static_cast<std::int64_t>(args.model_check_seconds * 1000));
  args.models.reload_flag = &reload_requested;
  auto mlflow = make_mlflow_client(args.mlflow);
  if (!mlflow) {
    logger->error("{}", mlflow.error());
    return kExitConfig;
  }
  std::optional<local_registry> mirror_registry;
  std::optional<mlflow_mirror> mirror;
  if (mlflow->has_value() && !args.rules_only) {
    // MLflow holds the promotions: each check pulls what the references
    // name there into the local registry, which stays the fallback when
    // MLflow is away.
    mirror_registry.emplace(args.models.registry);
    mirror.emplace(*mirror_registry, std::move(**mlflow),
                   args.mlflow.experiment);
    args.models.refresh =
        [&mirror,
         references = args.models.references]() -> result<bool, std::string> {
      for (const std::string& reference :
           {references.anomaly, references.state}) {
        auto pulled = mirror->pull(reference);
        if (!pulled) return failure{pulled.error()};
      }
      return true;
    };
  }
  model_watcher watcher(args.models, scorer, serving);
  if (args.rules_only) {
    logger->info("--rules-only: scoring with {}", scorer.detector());
  } else {
    watcher.check_now();
  }
  auto processor = stream_processor::create(args.options, std::move(scoring));
  if (!processor) {
    logger->error("{}", processor.error());
    return kExitConfig;
  }

  // Declared after the processor, so the server stops before the stats it
  // reads are destroyed.
  metric_registry registry;
  add_process_metrics(registry, NTSCADA_VERSION, "stream");
  add_stream_metrics(registry, processor.value()->stats());
  add_serving_metrics(registry, serving);
  auto server =
      serve_metrics(args.metrics_address, registry,
                    stream_readiness_checks(processor.value()->stats()));
  if (!server) {
    logger->error("{}", server.error());
    return EXIT_FAILURE;
  }
  install_stop_signals();
  install_reload_signal();
  if (!args.rules_only) watcher.start();
  int code = processor.value()->run(stop_requested);
  watcher.stop();
  logger->info("model checks {}, reloads {}, load failures {}, last {}",
               serving.checks.load(), serving.reloads.load(),
               serving.load_failures.load(), serving.detector());
  return code;
}

}  // namespace

void add_stream_command(CLI::App& app) {
  auto args = std::make_shared<stream_arguments>();
  auto settings = std::make_shared<command_settings>("stream");
  args->options.brokers = kDefaultBrokers;
  CLI::App* command = app.add_subcommand(
      "stream",
      "Consume readings from Kafka, score them with the registered models "
      "(the envelope rules when none is usable) and publish results, "
      "anomalies and dead letters. Checks the registry for promoted models "
      "periodically and on SIGHUP. Stops cleanly on SIGINT or SIGTERM.");
  command
      ->add_option("--brokers", args->options.brokers,
                   "Kafka bootstrap servers, host:port[,host:port]")
      ->check(not_empty());
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
  command->add_option("--registry", args->models.registry,
                      "Model registry folder");
  command->add_option("--anomaly-model", args->models.references.anomaly,
                      "Anomaly model: NAME (production alias, else newest), "
                      "NAME@ALIAS or NAME@VERSION");
  command->add_option("--state-model", args->models.references.state,
                      "State model, as --anomaly-model");
  command
      ->add_option("--model-check-seconds", args->model_check_seconds,
                   "How often the registry is checked for promoted models")
      ->check(finite_number())
      ->check(CLI::Range(0.1, 86400.0));
  command
      ->add_option("--anomaly-threshold", args->scoring.anomaly_threshold,
                   "Anomaly probability from which a reading is anomalous")
      ->check(finite_number())
      ->check(CLI::Range(0.0, 1.0));
  command->add_flag("--rules-only", args->rules_only,
                    "Score with the envelope rules and ignore the registry");
  add_mlflow_options(*command, args->mlflow);
  add_metrics_address_option(*command, args->metrics_address);

  std::vector<std::pair<std::string, std::string>> keys = {
      {"--brokers", "kafka.brokers"},
      {"--group", "stream.group"},
      {"--envelopes", "stream.envelopes"},
      {"--max-batch", "stream.max_batch"},
      {"--max-message-bytes", "stream.max_message_bytes"},
      {"--allow-missing-unit", "stream.allow_missing_unit"},
      {"--future-skew-seconds", "stream.future_skew_seconds"},
      {"--anomaly-threshold", "stream.anomaly_threshold"},
      {"--rules-only", "stream.rules_only"},
      {"--metrics-address", "stream.metrics_address"},
      {"--registry", "registry.path"},
      {"--anomaly-model", "registry.anomaly_model"},
      {"--state-model", "registry.state_model"},
      {"--model-check-seconds", "registry.check_seconds"}};
  for (auto list : {topic_setting_keys(), mlflow_setting_keys()}) {
    keys.insert(keys.end(), list.begin(), list.end());
  }
  settings->bind_flags(*command, keys, mlflow_secret_keys());
  command->callback([args, settings] {
    apply_or_exit(*settings);
    args->kafka_pass_through = settings->kafka_pass_through();
    std::exit(run_stream(*args));
  });
}

}  // namespace ntscada
