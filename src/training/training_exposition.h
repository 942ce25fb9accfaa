#pragma once

#include <filesystem>
#include <string>

#include "common/result.h"
#include "reading/timestamp.h"
#include "training/trainer.h"
#include "training/training_report.h"

namespace ntscada {

// Renders a finished training run in the Prometheus text format 0.0.4
// (ntscada_train_* gauges), for node_exporter's textfile collector: the
// completion time, the duration and peak memory of each phase, the row
// counts, the headline evaluation metrics and the registered models.
std::string training_metrics_text(const training_run& run,
                                  const training_outcome& outcome,
                                  epoch_ns finished);

// Writes `text` to `path` through a temporary file in the same folder and
// a rename, so a collector never reads a half-written file. The error
// names the path.
result<bool, std::string> write_metrics_file(const std::filesystem::path& path,
                                             const std::string& text);

}  // namespace ntscada
