#include "training/training_exposition.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <system_error>

#include "monitoring/exposition.h"

namespace ntscada {

std::string training_metrics_text(const training_run& run,
                                  const training_outcome& outcome,
                                  epoch_ns finished) {
  std::string out;
  exposition_writer writer(out);
  writer
      .family("ntscada_train_last_success_timestamp_seconds",
              metric_type::gauge,
              "Unix time at which the last successful training run ended.")
      .sample({}, static_cast<double>(finished) / 1e9);

  writer.family("ntscada_train_phase_duration_seconds", metric_type::gauge,
                "Duration of each phase of the last successful run.");
  double peak_mib = 0;
  for (const phase_timing& timing : outcome.timings) {
    writer.sample({{"phase", timing.phase}}, timing.seconds);
    peak_mib = std::max(peak_mib, timing.peak_resident_mib);
  }
  writer
      .family("ntscada_train_peak_resident_memory_bytes", metric_type::gauge,
              "Peak resident memory of the last successful run.")
      .sample({}, peak_mib * 1024 * 1024);
  writer
      .family("ntscada_train_rows", metric_type::gauge,
              "Rows of the last successful run by split.")
      .sample({{"split", "train"}}, static_cast<double>(outcome.train_rows))
      .sample({{"split", "test"}}, static_cast<double>(outcome.test_rows));

  const binary_metrics& anomaly = outcome.anomaly_metrics;
  writer
      .family("ntscada_train_anomaly_model_score", metric_type::gauge,
              "Test-set metrics of the last anomaly model by metric name.")
      .sample({{"metric", "precision"}}, anomaly.precision)
      .sample({{"metric", "recall"}}, anomaly.recall)
      .sample({{"metric", "f1"}}, anomaly.f1)
      .sample({{"metric", "accuracy"}}, anomaly.accuracy);
  const multiclass_metrics& state = outcome.state_metrics;
  writer
      .family("ntscada_train_state_model_score", metric_type::gauge,
              "Test-set metrics of the last state model by metric name; "
              "macro averages over the classes present.")
      .sample({{"metric", "accuracy"}}, state.accuracy)
      .sample({{"metric", "macro_precision"}}, state.macro_precision)
      .sample({{"metric", "macro_recall"}}, state.macro_recall)
      .sample({{"metric", "macro_f1"}}, state.macro_f1);
  writer
      .family("ntscada_train_model_info", metric_type::gauge,
              "Always 1; the label names each model version that the last "
              "successful run registered.")
      .sample({{"model", run.anomaly_model_id}}, 1.0)
      .sample({{"model", run.state_model_id}}, 1.0);
  return out;
}

result<bool, std::string> write_metrics_file(const std::filesystem::path& path,
                                             const std::string& text) {
  // The temporary name does not end in .prom, so the textfile collector
  // ignores it.
  std::filesystem::path temporary = path;
  temporary += ".tmp";
  {
    std::ofstream file(temporary, std::ios::trunc);
    file << text;
    file.close();
    if (!file) {
      return failure{
          fmt::format("cannot write the metrics file {}", temporary.string())};
    }
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    return failure{fmt::format("cannot move the metrics file to {}: {}",
                               path.string(), error.message())};
  }
  return true;
}

}  // namespace ntscada
