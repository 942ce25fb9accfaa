#include "training/model_registration.h"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include "features/feature_schema.h"
#include "reading/timestamp.h"
#include "training/model_bundle.h"

namespace ntscada {
namespace {

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

}  // namespace

std::string compact_version(epoch_ns time) {
  std::string text = format_rfc3339(time);  // 2026-12-04T17:29:00.123Z
  std::string out;
  for (char c : text.substr(0, 19)) {
    if (c != '-' && c != ':') out.push_back(c);
  }
  return out + "Z";
}

result<registered_models, std::string> register_trained_models(
    local_registry& registry, const training_run& run,
    const training_outcome& outcome) {
  // The report inside each model's metadata is written before the models
  // have version numbers; the report file the trainer writes carries them.
  std::string report = training_report_json(run, outcome);
  std::string anomaly_metrics;
  append_metrics_json(anomaly_metrics, outcome.anomaly_metrics);
  std::string state_metrics;
  std::vector<std::string_view> names;
  for (auto state : all_operational_states) names.push_back(to_string(state));
  append_metrics_json(state_metrics, outcome.state_metrics, names);

  std::mt19937_64 random(std::random_device{}());
  std::filesystem::path staging =
      std::filesystem::temp_directory_path() /
      fmt::format("ntscada-train-{}-{:x}", ::getpid(), random());
  struct remove_on_exit {
    std::filesystem::path path;
    ~remove_on_exit() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  } cleanup{staging};
  auto register_model = [&](const std::string& name, const xgboost_model& model,
                            const model_metadata& metadata)
      -> result<registered_version, std::string> {
    std::filesystem::path folder = staging / name;
    auto saved = save_model_bundle(folder, model, metadata);
    if (!saved) return failure{saved.error()};
    return registry.register_version(name, folder);
  };
  auto anomaly = register_model(
      kAnomalyModelName, outcome.anomaly_model,
      metadata_for(run, outcome, kAnomalyModelName, "anomaly", anomaly_metrics,
                   anomaly_parameters_json(run.options), report));
  if (!anomaly) return failure{anomaly.error()};
  auto state = register_model(
      kStateModelName, outcome.state_model,
      metadata_for(run, outcome, kStateModelName, "state", state_metrics,
                   state_parameters_json(run.options), report));
  if (!state) return failure{state.error()};
  return registered_models{std::move(anomaly.value()),
                           std::move(state.value())};
}

}  // namespace ntscada
