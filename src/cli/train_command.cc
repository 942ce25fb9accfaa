#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "common/logging.h"
#include "features/feature_schema.h"
#include "history/sqlite_history_store.h"
#include "reading/timestamp.h"
#include "registry/local_registry.h"
#include "training/model_bundle.h"
#include "training/training_exposition.h"
#include "training/training_report.h"

namespace ntscada {
namespace {

struct train_arguments {
  std::string store = "data/history.db";
  std::string start;
  std::string end;
  double days = 7;
  std::vector<std::string> sensors;
  std::string envelopes;
  std::string split = "chronological";
  std::string registry = "models";
  std::string reports = "reports";
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

std::string compact_version(epoch_ns now) {
  std::string text = format_rfc3339(now);  // 2026-12-04T17:29:00.123Z
  std::string out;
  for (char c : text.substr(0, 19)) {
    if (c != '-' && c != ':') out.push_back(c);
  }
  return out + "Z";
}

model_metadata metadata_for(const training_run& run,
                            const training_outcome& outcome, std::string name,
                            std::string kind, std::string metrics,
                            std::string parameters, std::string training) {
  model_metadata m;
  m.name = std::move(name);
  m.version = run.version;
  m.created = run.created;
  m.kind = std::move(kind);
  m.xgboost_version = xgboost_version();
  m.code_version = NTSCADA_VERSION;
  m.feature_names.assign(feature_names.begin(), feature_names.end());
  m.statistics = outcome.statistics;
  m.metrics_json = std::move(metrics);
  m.parameters_json = std::move(parameters);
  m.training_json = std::move(training);
  return m;
}

int run_train(train_arguments& args) {
  auto logger = module_logger("train");
  if (args.split != "chronological" && args.split != "stratified") {
    logger->error(
        "--split {} is invalid; expected chronological or "
        "stratified",
        args.split);
    return kExitUsage;
  }
  args.options.split = args.split == "chronological"
                           ? split_kind::chronological
                           : split_kind::stratified_random;
  auto window = make_window(args);
  auto envelopes = load_envelopes(args.envelopes);
  if (!window || !envelopes) {
    logger->error("{}", !window ? window.error() : envelopes.error());
    return kExitUsage;
  }
  auto store = sqlite_history_store::open(args.store);
  if (!store) {
    logger->error("{}", store.error());
    return EXIT_FAILURE;
  }
  auto history = store.value()->load(window.value());
  if (!history) {
    logger->error("{}", history.error());
    return EXIT_FAILURE;
  }
  logger->info("loaded rows={} sensors={} window={}..{} store={}",
               history->size(), history->sensors().size(),
               format_rfc3339(window->start), format_rfc3339(window->end),
               args.store);

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
  run.source = "sqlite:" + args.store;
  run.envelopes = envelopes->name();
  run.options = args.options;
  // The report inside each model's metadata is written before the models
  // have version numbers; the report file below carries them.
  std::string report = training_report_json(run, outcome.value());

  std::string anomaly_metrics;
  append_metrics_json(anomaly_metrics, outcome->anomaly_metrics);
  std::string state_metrics;
  std::vector<std::string_view> names;
  for (auto state : all_operational_states) names.push_back(to_string(state));
  append_metrics_json(state_metrics, outcome->state_metrics, names);

  // Each model is written to a staging folder, then registered as the next
  // version of its name; the staging folder is removed either way.
  local_registry registry(args.registry);
  std::filesystem::path staging =
      std::filesystem::temp_directory_path() /
      fmt::format("ntscada-train-{}-{}", ::getpid(), run.version);
  auto register_model = [&](const std::string& name, const xgboost_model& model,
                            const model_metadata& metadata)
      -> result<registered_version, std::string> {
    std::filesystem::path folder = staging / name;
    auto saved = save_model_bundle(folder, model, metadata);
    if (!saved) return failure{saved.error()};
    return registry.register_version(name, folder);
  };
  auto anomaly_version = register_model(
      "ntscada-anomaly", outcome->anomaly_model,
      metadata_for(run, outcome.value(), "ntscada-anomaly", "anomaly",
                   anomaly_metrics, anomaly_parameters_json(args.options),
                   report));
  auto state_version =
      anomaly_version
          ? register_model(
                "ntscada-state", outcome->state_model,
                metadata_for(run, outcome.value(), "ntscada-state", "state",
                             state_metrics, state_parameters_json(args.options),
                             report))
          : result<registered_version, std::string>(
                failure{std::string("not registered")});
  std::error_code ignored;
  std::filesystem::remove_all(staging, ignored);
  if (!anomaly_version || !state_version) {
    logger->error(
        "registering the models failed: {}",
        !anomaly_version ? anomaly_version.error() : state_version.error());
    return EXIT_FAILURE;
  }
  run.anomaly_model_id =
      fmt::format("ntscada-anomaly@{}", anomaly_version->version);
  run.state_model_id = fmt::format("ntscada-state@{}", state_version->version);
  report = training_report_json(run, outcome.value());

  std::filesystem::create_directories(args.reports);
  std::filesystem::path report_path =
      std::filesystem::path(args.reports) / ("train-" + run.version + ".json");
  std::ofstream(report_path) << report << '\n';
  std::cout << training_summary(run, outcome.value());
  std::cout << fmt::format(
      "  registered: {} in {}, {} in {}\n  report: {}\n", run.anomaly_model_id,
      anomaly_version->folder.string(), run.state_model_id,
      state_version->folder.string(), report_path.string());
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
  CLI::App* command = app.add_subcommand(
      "train",
      "Train the anomaly (random forest) and state (gradient boosting) "
      "classifiers with XGBoost on a window of history, evaluate them, save "
      "both models and write a JSON report.");
  command->add_option("--store", args->store, "History store (SQLite file)");
  command->add_option("--start", args->start,
                      "Window start, RFC 3339 (default: --days before end)");
  command->add_option("--end", args->end,
                      "Window end, RFC 3339 (default: now)");
  command->add_option("--days", args->days, "Window length in days")
      ->check(CLI::PositiveNumber);
  command->add_option("--sensor", args->sensors,
                      "Only this sensor id (repeatable)");
  command->add_option("--envelopes", args->envelopes,
                      "Envelope rules for rule labels (default: built-in)");
  command->add_option("--split", args->split,
                      "chronological (default) or stratified");
  command
      ->add_option("--test-fraction", args->options.test_fraction,
                   "Share of rows held out for testing")
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
      ->check(CLI::Range(0.001, 1.0));
  command
      ->add_option("--state-max-depth", args->options.state.max_depth,
                   "Depth limit of the state trees")
      ->check(CLI::Range(1, 30));
  command->add_option("--registry", args->registry,
                      "Model registry folder; both models are registered "
                      "there as new versions");
  command->add_option("--reports", args->reports, "Folder for reports");
  command->add_option("--metrics-file", args->metrics_file,
                      "After a successful run, write its metrics in the "
                      "Prometheus text format to this file (for "
                      "node_exporter's textfile collector)");
  command->callback([args] { std::exit(run_train(*args)); });
}

}  // namespace ntscada
