#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/result.h"
#include "features/reference_statistics.h"
#include "training/xgboost_model.h"

namespace ntscada {

// Version of the metadata.json layout; readers reject newer ones.
inline constexpr int kModelFormatVersion = 1;

// The contents of a saved model folder besides the XGBoost model itself.
struct model_metadata {
  int format_version = kModelFormatVersion;
  std::string name;     // e.g. "ntscada-anomaly"
  std::string version;  // UTC creation time, e.g. "20261204T172900Z"
  std::string created;  // RFC 3339
  std::string kind;     // "anomaly" (binary) or "state" (7 classes)
  std::string xgboost_version;
  std::string code_version;
  std::vector<std::string> feature_names;
  reference_statistics statistics;
  // Raw JSON objects, written as given.
  std::string metrics_json = "{}";
  std::string parameters_json = "{}";
  std::string training_json = "{}";  // window, counts, label source, split
};

// A model folder loaded into memory.
struct model_bundle {
  std::filesystem::path folder;
  model_metadata metadata;
  xgboost_model model;
};

// Writes `model` and `metadata` into `folder` (created when missing) as
// model.json and metadata.json.
result<bool, std::string> save_model_bundle(const std::filesystem::path& folder,
                                            const xgboost_model& model,
                                            const model_metadata& metadata);

// Loads a model folder written by save_model_bundle. Errors name the folder
// and the file: a missing or unreadable file, a newer format version, or
// feature names that differ from this build's feature_names.
result<model_bundle, std::string> load_model_bundle(
    const std::filesystem::path& folder);

}  // namespace ntscada
