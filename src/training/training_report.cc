#include "training/training_report.h"

#include <fmt/format.h>

#include "common/json_writer.h"
#include "reading/timestamp.h"
#include "rules/operational_state.h"

namespace ntscada {
namespace {

std::string state_names_json() {
  std::string out = "[";
  for (std::size_t i = 0; i < all_operational_states.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, to_string(all_operational_states[i]));
  }
  return out + "]";
}

std::vector<std::string_view> state_names() {
  std::vector<std::string_view> names;
  for (auto state : all_operational_states) names.push_back(to_string(state));
  return names;
}

}  // namespace

std::string anomaly_parameters_json(const training_options& options) {
  const anomaly_model_options& a = options.anomaly;
  std::string out;
  json_object_writer(out)
      .member("mode", "random_forest")
      .member("trees", std::int64_t{a.trees})
      .member("max_depth", std::int64_t{a.max_depth})
      .member("min_child_weight", a.min_child_weight)
      .member("row_subsample", a.row_subsample)
      .member("column_subsample_per_node", a.column_subsample_per_node)
      .member("max_bin", std::int64_t{a.max_bin})
      .member("class_weights", "balanced")
      .finish();
  return out;
}

std::string state_parameters_json(const training_options& options) {
  const state_model_options& s = options.state;
  std::string out;
  json_object_writer(out)
      .member("mode", "gradient_boosting")
      .member("rounds", std::int64_t{s.rounds})
      .member("learning_rate", s.learning_rate)
      .member("max_depth", std::int64_t{s.max_depth})
      .member("max_bin", std::int64_t{s.max_bin})
      .member("class_weights", "balanced")
      .finish();
  return out;
}

std::string training_report_json(const training_run& run,
                                 const training_outcome& outcome) {
  std::string window;
  json_object_writer(window)
      .member("start", format_rfc3339(run.window.start))
      .member("end", format_rfc3339(run.window.end))
      .member("source", run.source)
      .finish();

  std::string counts;
  {
    json_object_writer writer(counts);
    writer.member("train_rows", static_cast<std::int64_t>(outcome.train_rows))
        .member("test_rows", static_cast<std::int64_t>(outcome.test_rows));
    std::string anomaly;
    json_object_writer(anomaly)
        .member("normal",
                static_cast<std::int64_t>(outcome.anomaly_class_counts[0]))
        .member("anomaly",
                static_cast<std::int64_t>(outcome.anomaly_class_counts[1]))
        .finish();
    writer.raw_member("anomaly_classes", anomaly);
    std::string states;
    json_object_writer state_writer(states);
    for (std::size_t i = 0; i < all_operational_states.size(); ++i) {
      state_writer.member(
          to_string(all_operational_states[i]),
          static_cast<std::int64_t>(outcome.state_class_counts[i]));
    }
    state_writer.finish();
    writer.raw_member("state_classes", states);
    writer.finish();
  }

  std::string split;
  json_object_writer(split)
      .member("kind", run.options.split == split_kind::chronological
                          ? "chronological"
                          : "stratified_random")
      .member("test_fraction", run.options.test_fraction)
      .member("seed", static_cast<std::int64_t>(run.options.seed))
      .finish();

  std::string hyperparameters;
  json_object_writer(hyperparameters)
      .raw_member("anomaly", anomaly_parameters_json(run.options))
      .raw_member("state", state_parameters_json(run.options))
      .finish();

  std::string metrics;
  std::string anomaly_metrics;
  append_metrics_json(anomaly_metrics, outcome.anomaly_metrics);
  std::string state_metrics;
  auto names = state_names();
  append_metrics_json(state_metrics, outcome.state_metrics, names);
  json_object_writer(metrics)
      .raw_member("anomaly", anomaly_metrics)
      .raw_member("state", state_metrics)
      .finish();

  std::string timings;
  {
    json_object_writer writer(timings);
    for (const phase_timing& timing : outcome.timings) {
      std::string phase;
      json_object_writer(phase)
          .member("seconds", timing.seconds)
          .member("resident_mib", timing.resident_mib)
          .member("peak_resident_mib", timing.peak_resident_mib)
          .finish();
      writer.raw_member(timing.phase, phase);
    }
    writer.finish();
  }

  std::string models;
  json_object_writer(models)
      .member("anomaly", run.anomaly_model_id)
      .member("state", run.state_model_id)
      .finish();

  std::string out;
  json_object_writer(out)
      .member("created", run.created)
      .member("version", run.version)
      .raw_member("window", window)
      .raw_member("samples", counts)
      .member("anomaly_label_source", to_string(outcome.anomaly_labels))
      .member("state_label_source", "envelope_rules")
      .member("envelopes", run.envelopes)
      .raw_member("split", split)
      .raw_member("hyperparameters", hyperparameters)
      .raw_member("metrics", metrics)
      .raw_member("phases", timings)
      .raw_member("models", models)
      .raw_member("mlflow", run.mlflow_json)
      .raw_member("state_classes", state_names_json())
      .finish();
  return out;
}

std::string training_summary(const training_run& run,
                             const training_outcome& outcome) {
  const binary_metrics& a = outcome.anomaly_metrics;
  const multiclass_metrics& s = outcome.state_metrics;
  std::string out = fmt::format(
      "Trained on {} rows, tested on {} ({} split), window {} to {}\n"
      "  anomaly labels from {}: {} normal, {} anomalous\n"
      "  anomaly model {}: accuracy {:.3f} precision {:.3f} recall {:.3f} "
      "F1 {:.3f} ROC-AUC {}\n"
      "  state model {}: accuracy {:.3f} macro F1 {:.3f} weighted F1 {:.3f}\n",
      outcome.train_rows, outcome.test_rows,
      run.options.split == split_kind::chronological ? "chronological"
                                                     : "stratified random",
      format_rfc3339(run.window.start), format_rfc3339(run.window.end),
      to_string(outcome.anomaly_labels), outcome.anomaly_class_counts[0],
      outcome.anomaly_class_counts[1], run.anomaly_model_id, a.accuracy,
      a.precision, a.recall, a.f1,
      a.roc_auc ? fmt::format("{:.3f}", *a.roc_auc) : std::string("n/a"),
      run.state_model_id, s.accuracy, s.macro_f1, s.weighted_f1);
  out += "  timings:";
  for (const phase_timing& timing : outcome.timings) {
    out += fmt::format(" {} {:.2f} s;", timing.phase, timing.seconds);
  }
  out += '\n';
  return out;
}

}  // namespace ntscada
