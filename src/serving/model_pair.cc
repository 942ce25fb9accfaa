#include "serving/model_pair.h"

#include <fmt/format.h>

#include <array>

#include "features/feature_schema.h"
#include "rules/operational_state.h"

namespace ntscada {
namespace {

result<served_model, std::string> load_one(const local_registry& registry,
                                           const registered_version& version,
                                           std::string_view kind,
                                           std::size_t outputs) {
  auto verified = registry.verify(version);
  if (!verified) return failure{verified.error()};
  auto bundle = load_model_bundle(version.folder);
  if (!bundle) {
    return failure{fmt::format("model {} version {}: {}", version.name,
                               version.version, bundle.error())};
  }
  if (bundle->metadata.kind != kind) {
    return failure{fmt::format(
        "model {} version {}: {}/metadata.json says kind '{}', expected '{}'",
        version.name, version.version, version.folder.string(),
        bundle->metadata.kind, kind)};
  }
  auto threads = bundle->model.set_threads(1);
  if (!threads) return failure{threads.error()};
  std::array<float, feature_names.size()> row{};
  auto predicted = bundle->model.predict({row.data(), 1, feature_names.size()});
  if (!predicted) {
    return failure{fmt::format("model {} version {}: {}", version.name,
                               version.version, predicted.error())};
  }
  if (predicted->size() != outputs) {
    return failure{fmt::format(
        "model {} version {}: {}/model.json predicts {} values per reading, "
        "expected {}",
        version.name, version.version, version.folder.string(),
        predicted->size(), outputs)};
  }
  return served_model{version, std::move(bundle.value())};
}

}  // namespace

std::string resolved_pair::identity() const {
  return fmt::format("{}@{}#{}+{}@{}#{}", anomaly.name, anomaly.version,
                     anomaly.sha256, state.name, state.version, state.sha256);
}

result<resolved_pair, std::string> resolve_model_pair(
    const local_registry& registry, const model_references& references) {
  auto anomaly = registry.resolve(references.anomaly);
  if (!anomaly) return failure{anomaly.error()};
  auto state = registry.resolve(references.state);
  if (!state) return failure{state.error()};
  return resolved_pair{std::move(anomaly.value()), std::move(state.value())};
}

result<std::shared_ptr<const model_pair>, std::string> load_model_pair(
    const local_registry& registry, const resolved_pair& versions) {
  auto anomaly = load_one(registry, versions.anomaly, "anomaly", 1);
  if (!anomaly) return failure{anomaly.error()};
  auto state = load_one(registry, versions.state, "state",
                        all_operational_states.size());
  if (!state) return failure{state.error()};
  auto pair = std::make_shared<model_pair>();
  pair->detector = fmt::format("model:{}@{}+{}@{}", versions.anomaly.name,
                               versions.anomaly.version, versions.state.name,
                               versions.state.version);
  pair->anomaly = std::move(anomaly.value());
  pair->state = std::move(state.value());
  return std::shared_ptr<const model_pair>(std::move(pair));
}

}  // namespace ntscada
