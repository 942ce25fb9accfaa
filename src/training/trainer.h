#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "features/reference_statistics.h"
#include "history/reading_history.h"
#include "rules/envelope_table.h"
#include "training/metrics.h"
#include "training/training_options.h"
#include "training/xgboost_model.h"

namespace ntscada {

// Origin of the anomaly labels.
enum class label_source { data, envelope_rules, mixed };
std::string_view to_string(label_source source);

struct phase_timing {
  std::string phase;
  double seconds;
  // Process memory at the end of the phase and its peak so far, in MiB.
  double resident_mib;
  double peak_resident_mib;
};

// Everything a training run produced. Models are kept in memory; the
// caller decides where to save them.
struct training_outcome {
  reference_statistics statistics;
  xgboost_model anomaly_model;
  xgboost_model state_model;
  binary_metrics anomaly_metrics;
  multiclass_metrics state_metrics;
  label_source anomaly_labels;
  std::size_t train_rows = 0;
  std::size_t test_rows = 0;
  // Rows per anomaly class (0, 1) and per state, over the whole window.
  std::array<std::size_t, 2> anomaly_class_counts{};
  std::array<std::size_t, 7> state_class_counts{};
  std::vector<phase_timing> timings;
};

// Trains both classifiers on `history` (time-ordered). Anomaly labels come
// from the data where rows carry them, else from `envelopes`; state labels
// always come from `envelopes`. Reference statistics are computed on the
// training part only. Fails with a message that names the problem and its
// fix for an empty history, non-finite values, a single anomaly class or
// too few rows of a class.
result<training_outcome, std::string> train_models(
    const reading_history& history, const envelope_table& envelopes,
    const training_options& options);

}  // namespace ntscada
