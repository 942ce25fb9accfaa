#pragma once

#include <string>

#include "common/result.h"
#include "registry/local_registry.h"
#include "training/trainer.h"
#include "training/training_report.h"

namespace ntscada {

inline constexpr const char* kAnomalyModelName = "ntscada-anomaly";
inline constexpr const char* kStateModelName = "ntscada-state";

struct registered_models {
  registered_version anomaly;
  registered_version state;
};

// Saves both trained models with their metadata (features, reference
// statistics, metrics, hyperparameters, the training report) and registers
// them as the next versions of kAnomalyModelName and kStateModelName. The
// models are staged in a temporary folder that is removed either way.
result<registered_models, std::string> register_trained_models(
    local_registry& registry, const training_run& run,
    const training_outcome& outcome);

// A run version from a time: "20261204T172900Z".
std::string compact_version(epoch_ns time);

}  // namespace ntscada
