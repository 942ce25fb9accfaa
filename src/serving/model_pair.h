#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "registry/local_registry.h"
#include "training/model_bundle.h"

namespace ntscada {

// The registered models the stream processor serves. Each reference is
// resolved by local_registry::resolve: "NAME" (the production alias, else
// the newest version), "NAME@ALIAS" or "NAME@N".
struct model_references {
  std::string anomaly = "ntscada-anomaly";
  std::string state = "ntscada-state";
};

// A registered version loaded into memory.
struct served_model {
  registered_version version;
  model_bundle bundle;
};

// The anomaly and state models served together. Immutable once loaded;
// shared between the loading thread and the processing thread through a
// shared_ptr to const.
struct model_pair {
  served_model anomaly;
  served_model state;
  // Written to each result's `detector` field, e.g.
  // "model:ntscada-anomaly@3+ntscada-state@2".
  std::string detector;
};

// The registered versions that `references` resolve to now.
struct resolved_pair {
  registered_version anomaly;
  registered_version state;

  // Name, number and checksum of both; equal identities mean the same
  // models.
  std::string identity() const;
};

result<resolved_pair, std::string> resolve_model_pair(
    const local_registry& registry, const model_references& references);

// Loads both versions: verifies each model file against its recorded
// SHA-256, reads the metadata (refusing a newer format or feature names
// that differ from this build's), checks each model's kind, and runs one
// prediction to check the output shape (one probability for the anomaly
// model, one per operational state for the state model). Errors name the
// model, the version and the file. Prediction uses one thread, because a
// multi-threaded XGBoost call costs milliseconds of thread start-up.
result<std::shared_ptr<const model_pair>, std::string> load_model_pair(
    const local_registry& registry, const resolved_pair& versions);

}  // namespace ntscada
