#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "cli/influx_options.h"
#include "cli/mlflow_options.h"
#include "cli/options.h"
#include "cli/settings.h"
#include "common/json_writer.h"
#include "common/logging.h"
#include "features/feature_schema.h"
#include "history/sqlite_history_store.h"
#include "reading/timestamp.h"
#include "registry/local_registry.h"
#include "registry/mlflow_mirror.h"
#include "training/model_bundle.h"
#include "training/model_registration.h"
#include "training/training_exposition.h"
#include "training/training_report.h"

namespace ntscada {
namespace {

struct train_arguments {
  std::string source = "sqlite";
  influx_cli_options influx;
  std::string store = "data/history.db";
  std::string start;
  std::string end;
  double days = 7;
  std::vector<std::string> sensors;
  std::string envelopes;
  std::string split = "chronological";
  std::string registry = "models";
  std::string reports = "reports";
  mlflow_arguments mlflow;
  std::string metrics_file;
  training_options options;
};

result<history_query, std::string> make_window(const train_arguments& args) {
  history_query query;
  query.sensor_ids = args.sensors;
  query.end = wall_clock_now();
  if (!args.end.empty()) {
    auto end = parse_rfc3339(args.end);
    if (!end) {
      return failure{
          fmt::format("--end {} is invalid: {}; expected RFC 3339 "
                      "such as 2024-06-01T00:00:00Z",
                      args.end, end.error().detail)};
    }
    query.end = end.value();
  }
  query.start = query.end - static_cast<epoch_ns>(args.days * 86400e9);
  if (!args.start.empty()) {
    auto start = parse_rfc3339(args.start);
    if (!start) {
      return failure{
          fmt::format("--start {} is invalid: {}; expected RFC "
                      "3339 such as 2024-06-01T00:00:00Z",
                      args.start, start.error().detail)};
    }
    query.start = start.value();
  }
  if (query.start >= query.end) {
    return failure{fmt::format("the window start {} is not before its end {}",
                               format_rfc3339(query.start),
                               format_rfc3339(query.end))};
  }
  return query;
}

// Pushes both registered versions to MLflow and returns the report's
// "mlflow" object. A failure leaves the models in the local registry only;
// `ntscada models sync` pushes them later.
std::string push_to_mlflow(local_registry& registry, mlflow_client client,
                           const mlflow_arguments& args,
                           const registered_version& anomaly,
                           const registered_version& state) {
  auto logger = module_logger("train");
  std::string uri = client.tracking_uri();
  mlflow_mirror mirror(registry, std::move(client), args.experiment);
  std::string out;
  auto pushed_anomaly = mirror.push(anomaly);
  auto pushed_state = pushed_anomaly
                          ? mirror.push(state)
                          : result<mlflow_mirror_record, std::string>(
                                failure{pushed_anomaly.error()});
  if (!pushed_anomaly || !pushed_state) {
    const std::string& error =
        !pushed_anomaly ? pushed_anomaly.error() : pushed_state.error();
    logger->warn(
        "MLflow push to {} failed; the models stay in the local registry {} "
        "and `ntscada models sync` pushes them later: {}",
        uri, registry.root().string(), error);
    json_object_writer(out)
        .member("status", "failed")
        .member("tracking_uri", uri)
        .member("error", error)
        .finish();
    return out;
  }
  json_object_writer(out)
      .member("status", "pushed")
      .member("tracking_uri", uri)
      .member("experiment_id", pushed_anomaly->experiment_id)
      .member("anomaly_run_id", pushed_anomaly->run_id)
      .member("anomaly_model_version", pushed_anomaly->model_version)
      .member("state_run_id", pushed_state->run_id)
      .member("state_model_version", pushed_state->model_version)
      .finish();
  return out;
}

int run_train(train_arguments& args) {
  auto logger = module_logger("train");
  if (args.split != "chronological" && args.split != "stratified") {
    logger->error(
        "--split {} is invalid; expected chronological or "
        "stratified",
        args.split);
    return kExitConfig;
  }
  args.options.split = args.split == "chronological"
                           ? split_kind::chronological
                           : split_kind::stratified_random;
  auto window = make_window(args);
  auto envelopes = load_envelopes(args.envelopes);
  auto mlflow = make_mlflow_client(args.mlflow);
  if (!window || !envelopes || !mlflow) {
    logger->error("{}", !window      ? window.error()
                        : !envelopes ? envelopes.error()
                                     : mlflow.error());
    return kExitConfig;
  }
  std::unique_ptr<history_source> store;
  std::string source_name = "sqlite:" + args.store;
  if (args.source == "influxdb") {
    auto opened = open_influx_store(args.influx);
    if (!opened) {
      logger->error("{}", opened.error());
      return kExitConfig;
    }
    source_name = "influxdb:" + args.influx.config.describe();
    store = std::move(opened.value());
  } else if (args.source == "sqlite") {
    auto opened = sqlite_history_store::open(args.store);
    if (!opened) {
      logger->error("{}", opened.error());
      return EXIT_FAILURE;
    }
    store = std::move(opened.value());
  } else {
    logger->error("--source {} is invalid; expected sqlite or influxdb",
                  args.source);
    return kExitConfig;
  }
  auto history = store->load(window.value());
  if (!history) {
    logger->error("{}", history.error());
    return EXIT_FAILURE;
  }
  logger->info("loaded rows={} sensors={} window={}..{} store={}",
               history->size(), history->sensors().size(),
               format_rfc3339(window->start), format_rfc3339(window->end),
               source_name);

  auto outcome = train_models(history.value(), envelopes.value(), args.options);
  if (!outcome) {
    logger->error("training failed: {}", outcome.error());
    return EXIT_FAILURE;
  }

  epoch_ns now = wall_clock_now();
  training_run run;
  run.version = compact_version(now);
  run.created = format_rfc3339(now);
  run.window = window.value();
  run.source = source_name;
  run.envelopes = envelopes->name();
  run.options = args.options;
  local_registry registry(args.registry);
  auto registered = register_trained_models(registry, run, outcome.value());
  if (!registered) {
    logger->error("registering the models failed: {}", registered.error());
    return EXIT_FAILURE;
  }
  const registered_version& anomaly_version = registered->anomaly;
  const registered_version& state_version = registered->state;
  run.anomaly_model_id =
      fmt::format("ntscada-anomaly@{}", anomaly_version.version);
  run.state_model_id = fmt::format("ntscada-state@{}", state_version.version);
  if (mlflow->has_value()) {
    run.mlflow_json = push_to_mlflow(registry, std::move(**mlflow), args.mlflow,
                                     anomaly_version, state_version);
  }
  std::string report = training_report_json(run, outcome.value());

  std::filesystem::create_directories(args.reports);
  std::filesystem::path report_path =
      std::filesystem::path(args.reports) /
      fmt::format("train-{}-{}.json", run.version, anomaly_version.version);
  std::ofstream(report_path) << report << '\n';
  std::cout << training_summary(run, outcome.value());
  std::cout << fmt::format("  registered: {} in {}, {} in {}\n  report: {}\n",
                           run.anomaly_model_id,
                           anomaly_version.folder.string(), run.state_model_id,
                           state_version.folder.string(), report_path.string());
  if (!args.metrics_file.empty()) {
    auto written = write_metrics_file(
        args.metrics_file,
        training_metrics_text(run, outcome.value(), wall_clock_now()));
    if (!written) {
      logger->error("{}", written.error());
      return EXIT_FAILURE;
    }
  }
  return EXIT_SUCCESS;
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto args = std::make_shared<train_arguments>();
  auto settings = std::make_shared<command_settings>("train");
  CLI::App* command = app.add_subcommand(
      "train",
      "Train the anomaly (random forest) and state (gradient boosting) "
      "classifiers with XGBoost on a window of history, evaluate them, save "
      "both models and write a JSON report.");
  command
      ->add_option("--source", args->source,
                   "Where to load history from: sqlite (default, "
                   "--store) or influxdb (--influx-* options)")
      ->check(CLI::IsMember({"sqlite", "influxdb"}));
  command->add_option("--store", args->store, "History store (SQLite file)");
  add_influx_options(*command, args->influx);
  command->add_option("--start", args->start,
                      "Window start, RFC 3339 (default: --days before end)");
  command->add_option("--end", args->end,
                      "Window end, RFC 3339 (default: now)");
  command->add_option("--days", args->days, "Window length in days")
      ->check(finite_number())
      ->check(CLI::PositiveNumber);
  command->add_option("--sensor", args->sensors,
                      "Only this sensor id (repeatable)");
  command->add_option("--envelopes", args->envelopes,
                      "Envelope rules for rule labels (default: built-in)");
  command
      ->add_option("--split", args->split,
                   "chronological (default) or stratified")
      ->check(CLI::IsMember({"chronological", "stratified"}));
  command
      ->add_option("--test-fraction", args->options.test_fraction,
                   "Share of rows held out for testing")
      ->check(finite_number())
      ->check(CLI::Range(0.05, 0.5));
  command->add_option("--seed", args->options.seed, "Random seed");
  command->add_option("--threads", args->options.threads, "XGBoost threads")
      ->check(CLI::Range(1, 64));
  command
      ->add_option("--trees", args->options.anomaly.trees,
                   "Trees of the anomaly forest")
      ->check(CLI::Range(1, 5000));
  command
      ->add_option("--anomaly-max-depth", args->options.anomaly.max_depth,
                   "Depth limit of the anomaly trees")
      ->check(CLI::Range(1, 30));
  command
      ->add_option("--state-rounds", args->options.state.rounds,
                   "Boosting rounds of the state model")
      ->check(CLI::Range(1, 5000));
  command
      ->add_option("--state-learning-rate", args->options.state.learning_rate,
                   "Learning rate of the state model")
      ->check(finite_number())
      ->check(CLI::Range(0.001, 1.0));
  command
      ->add_option("--state-max-depth", args->options.state.max_depth,
                   "Depth limit of the state trees")
      ->check(CLI::Range(1, 30));
  command->add_option("--registry", args->registry,
                      "Model registry folder; both models are registered "
                      "there as new versions");
  command->add_option("--reports", args->reports, "Folder for reports");
  add_mlflow_options(*command, args->mlflow);
  command->add_option("--metrics-file", args->metrics_file,
                      "After a successful run, write its metrics in the "
                      "Prometheus text format to this file (for "
                      "node_exporter's textfile collector)");

  std::vector<std::pair<std::string, std::string>> keys = {
      {"--source", "batch.source"},
      {"--store", "history.store"},
      {"--days", "batch.days"},
      {"--envelopes", "batch.envelopes"},
      {"--split", "batch.split"},
      {"--test-fraction", "batch.test_fraction"},
      {"--seed", "batch.seed"},
      {"--threads", "batch.threads"},
      {"--trees", "batch.trees"},
      {"--anomaly-max-depth", "batch.anomaly_max_depth"},
      {"--state-rounds", "batch.state_rounds"},
      {"--state-learning-rate", "batch.state_learning_rate"},
      {"--state-max-depth", "batch.state_max_depth"},
      {"--registry", "registry.path"},
      {"--reports", "batch.reports"},
      {"--metrics-file", "batch.metrics_file"}};
  std::vector<std::string> secrets = mlflow_secret_keys();
  for (auto list : {influx_setting_keys(), mlflow_setting_keys()}) {
    keys.insert(keys.end(), list.begin(), list.end());
  }
  for (const std::string& key : influx_secret_keys()) secrets.push_back(key);
  settings->bind_flags(*command, keys, secrets);
  command->callback([args, settings] {
    apply_or_exit(*settings);
    std::exit(run_train(*args));
  });
}

}  // namespace ntscada
