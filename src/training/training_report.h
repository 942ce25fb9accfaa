#pragma once

#include <filesystem>
#include <string>

#include "common/result.h"
#include "history/history_store.h"
#include "training/trainer.h"

namespace ntscada {

// Facts about a training run that the trainer itself does not know.
struct training_run {
  std::string version;  // shared by the run's models and report
  std::string created;  // RFC 3339
  history_query window;
  std::string source;     // e.g. "sqlite:data/history.db"
  std::string envelopes;  // rule set name used for rule labels
  training_options options;
  std::string anomaly_model_id;
  std::string state_model_id;
  // Where the models went besides the local registry, as one JSON object;
  // for example {"status":"pushed",...} or {"status":"failed","error":...}.
  std::string mlflow_json = R"({"status":"not_configured"})";
};

// Builds the JSON report: time, window, class counts, label source, split,
// hyperparameters, metrics, timings per phase and model ids.
std::string training_report_json(const training_run& run,
                                 const training_outcome& outcome);

// The hyperparameters of one model as a JSON object.
std::string anomaly_parameters_json(const training_options& options);
std::string state_parameters_json(const training_options& options);

// A few lines for people: counts, label source and headline metrics.
std::string training_summary(const training_run& run,
                             const training_outcome& outcome);

}  // namespace ntscada
