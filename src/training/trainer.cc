#include "training/trainer.h"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <numeric>
#include <random>

#include "common/logging.h"
#include "features/feature_extractor.h"
#include "rules/envelope.h"

namespace ntscada {
namespace {

constexpr int kStateClasses = 7;

// Resident set size now, in MiB, from /proc/self/statm (0 where absent).
double resident_mib() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0;
  long resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) *
         static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

double peak_resident_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is KiB
}

class phase_timer {
 public:
  explicit phase_timer(std::vector<phase_timing>& timings)
      : timings_(timings) {}
  void finish(std::string phase) {
    auto now = std::chrono::steady_clock::now();
    timings_.push_back({std::move(phase),
                        std::chrono::duration<double>(now - start_).count(),
                        resident_mib(), peak_resident_mib()});
    const phase_timing& done = timings_.back();
    module_logger("train")->info(
        "phase={} seconds={:.3f} resident_mib={:.1f} peak_mib={:.1f}",
        done.phase, done.seconds, done.resident_mib, done.peak_resident_mib);
    start_ = now;
  }

 private:
  std::vector<phase_timing>& timings_;
  std::chrono::steady_clock::time_point start_ =
      std::chrono::steady_clock::now();
};

// Balanced class weights as sample weights: n / (classes * n_class), the
// scikit-learn "balanced" rule, over the rows in `rows`.
std::vector<float> balanced_weights(std::span<const int> labels,
                                    std::span<const std::size_t> rows,
                                    int class_count) {
  std::vector<std::size_t> counts(static_cast<std::size_t>(class_count));
  for (std::size_t row : rows) ++counts[static_cast<std::size_t>(labels[row])];
  std::size_t present = static_cast<std::size_t>(std::count_if(
      counts.begin(), counts.end(), [](std::size_t c) { return c > 0; }));
  std::vector<float> weights;
  weights.reserve(rows.size());
  for (std::size_t row : rows) {
    auto count = counts[static_cast<std::size_t>(labels[row])];
    weights.push_back(static_cast<float>(
        static_cast<double>(rows.size()) /
        (static_cast<double>(present) * static_cast<double>(count))));
  }
  return weights;
}

// Splits row indices into train and test parts.
std::pair<std::vector<std::size_t>, std::vector<std::size_t>> split_rows(
    std::size_t rows, std::span<const int> strata,
    const training_options& options) {
  auto test_count = static_cast<std::size_t>(
      std::llround(static_cast<double>(rows) * options.test_fraction));
  std::vector<std::size_t> train, test;
  if (options.split == split_kind::chronological) {
    for (std::size_t row = 0; row < rows; ++row) {
      (row < rows - test_count ? train : test).push_back(row);
    }
    return {train, test};
  }
  // Stratified: shuffle each class with its own Fisher-Yates pass on a
  // fixed-seed generator, then take the test share of each class.
  std::mt19937_64 engine(options.seed);
  std::map<int, std::vector<std::size_t>> by_class;
  for (std::size_t row = 0; row < rows; ++row) {
    by_class[strata[row]].push_back(row);
  }
  for (auto& [label, members] : by_class) {
    for (std::size_t i = members.size(); i > 1; --i) {
      std::swap(members[i - 1], members[engine() % i]);
    }
    auto class_test = static_cast<std::size_t>(std::llround(
        static_cast<double>(members.size()) * options.test_fraction));
    test.insert(test.end(), members.begin(), members.begin() + class_test);
    train.insert(train.end(), members.begin() + class_test, members.end());
  }
  std::sort(train.begin(), train.end());
  std::sort(test.begin(), test.end());
  return {train, test};
}

// Copies the feature rows in `rows` into one contiguous matrix.
std::vector<float> gather_rows(const std::vector<float>& features,
                               std::span<const std::size_t> rows) {
  std::vector<float> out(rows.size() * feature_count);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::copy_n(features.data() + rows[i] * feature_count, feature_count,
                out.data() + i * feature_count);
  }
  return out;
}

std::vector<float> gather_labels(std::span<const int> labels,
                                 std::span<const std::size_t> rows) {
  std::vector<float> out;
  out.reserve(rows.size());
  for (std::size_t row : rows) out.push_back(static_cast<float>(labels[row]));
  return out;
}

xgboost_parameters anomaly_parameters(const training_options& options) {
  const anomaly_model_options& a = options.anomaly;
  return {{"booster", "gbtree"},
          {"objective", "binary:logistic"},
          {"tree_method", "hist"},
          {"num_parallel_tree", std::to_string(a.trees)},
          {"max_bin", std::to_string(a.max_bin)},
          {"learning_rate", "1"},
          {"max_depth", std::to_string(a.max_depth)},
          {"min_child_weight", fmt::format("{}", a.min_child_weight)},
          {"subsample", fmt::format("{}", a.row_subsample)},
          {"colsample_bynode", fmt::format("{}", a.column_subsample_per_node)},
          {"seed", std::to_string(options.seed)},
          {"nthread", std::to_string(options.threads)}};
}

xgboost_parameters state_parameters(const training_options& options) {
  const state_model_options& s = options.state;
  return {{"booster", "gbtree"},
          {"objective", "multi:softprob"},
          {"num_class", std::to_string(kStateClasses)},
          {"max_bin", std::to_string(s.max_bin)},
          {"tree_method", "hist"},
          {"learning_rate", fmt::format("{}", s.learning_rate)},
          {"max_depth", std::to_string(s.max_depth)},
          {"seed", std::to_string(options.seed)},
          {"nthread", std::to_string(options.threads)}};
}

}  // namespace

std::string_view to_string(label_source source) {
  switch (source) {
    case label_source::data:
      return "data";
    case label_source::envelope_rules:
      return "envelope_rules";
    case label_source::mixed:
      return "mixed";
  }
  return "unknown";
}

result<training_outcome, std::string> train_models(
    const reading_history& history, const envelope_table& envelopes,
    const training_options& options) {
  std::vector<phase_timing> timings;
  phase_timer timer(timings);
  std::size_t rows = history.size();
  if (rows == 0) {
    return failure{std::string(
        "the training window holds no readings; widen it with --start and "
        "--end, or load history with `ntscada import` or `ntscada ingest`")};
  }

  // Labels: anomaly from the data where present, else from the rules;
  // state always from the rules.
  std::vector<int> anomaly(rows);
  std::vector<int> state(rows);
  std::size_t labelled = 0;
  training_outcome outcome;
  for (std::size_t row = 0; row < rows; ++row) {
    double value = history.values()[row];
    const sensor_info& sensor = history.sensors()[history.sensor_column()[row]];
    if (!std::isfinite(value)) {
      return failure{fmt::format(
          "row {} of sensor {} has the non-finite value {}; remove it from "
          "the store before training",
          row, sensor.sensor_id, value)};
    }
    const envelope_rule& rule =
        envelopes.find(sensor.sensor_id, sensor.sensor_type);
    std::int8_t label = history.anomaly_labels()[row];
    if (label != kNoLabel) ++labelled;
    anomaly[row] = label != kNoLabel ? label : is_anomalous(rule, value);
    state[row] = static_cast<int>(classify(rule.limits, value));
    ++outcome.anomaly_class_counts[static_cast<std::size_t>(anomaly[row])];
    ++outcome.state_class_counts[static_cast<std::size_t>(state[row])];
  }
  outcome.anomaly_labels = labelled == rows ? label_source::data
                           : labelled == 0  ? label_source::envelope_rules
                                            : label_source::mixed;

  auto [train, test] = split_rows(rows, anomaly, options);
  outcome.train_rows = train.size();
  outcome.test_rows = test.size();
  std::array<std::size_t, 2> train_counts{};
  for (std::size_t row : train)
    ++train_counts[static_cast<std::size_t>(anomaly[row])];
  for (int label = 0; label < 2; ++label) {
    if (train_counts[label] < options.min_samples_per_class) {
      return failure{fmt::format(
          "the training part has {} rows of anomaly class {} (labels from "
          "{}), fewer than the {} required; a binary classifier needs both "
          "classes, so widen the window or use data with labelled anomalies",
          train_counts[label], label, to_string(outcome.anomaly_labels),
          options.min_samples_per_class)};
    }
  }
  timer.finish("labels_and_split");

  // Reference statistics come from the training rows only, so the test
  // rows are scaled as unseen data would be. With a chronological split
  // the training rows are a prefix.
  if (options.split == split_kind::chronological) {
    outcome.statistics =
        reference_statistics::compute(history, 0, train.size());
  } else {
    outcome.statistics = reference_statistics::compute(history, 0, rows);
  }
  std::vector<float> features = extract_features(history, outcome.statistics);
  timer.finish("features");

  // A chronological split takes a prefix, so both parts are views into the
  // one feature matrix; a stratified split gathers its rows once.
  std::vector<float> train_rows_copy;
  std::vector<float> test_rows_copy;
  feature_matrix_view train_view{features.data(), train.size(), feature_count};
  feature_matrix_view test_view{features.data() + train.size() * feature_count,
                                test.size(), feature_count};
  if (options.split != split_kind::chronological) {
    train_rows_copy = gather_rows(features, train);
    test_rows_copy = gather_rows(features, test);
    std::vector<float>().swap(features);
    train_view.data = train_rows_copy.data();
    test_view.data = test_rows_copy.data();
  }
  // One XGBoost matrix serves both models.
  auto matrix = xgboost_matrix::create(train_view);
  if (!matrix) return failure{matrix.error()};
  timer.finish("build_matrix");

  auto labels_set = matrix.value().set_labels(
      gather_labels(anomaly, train), balanced_weights(anomaly, train, 2));
  if (!labels_set) return failure{labels_set.error()};
  auto anomaly_model =
      xgboost_model::train(matrix.value(), anomaly_parameters(options), 1);
  if (!anomaly_model) return failure{anomaly_model.error()};
  timer.finish("train_anomaly_model");

  labels_set =
      matrix.value().set_labels(gather_labels(state, train),
                                balanced_weights(state, train, kStateClasses));
  if (!labels_set) return failure{labels_set.error()};
  auto state_model = xgboost_model::train(
      matrix.value(), state_parameters(options), options.state.rounds);
  if (!state_model) return failure{state_model.error()};
  timer.finish("train_state_model");

  auto anomaly_scores = anomaly_model.value().predict(test_view);
  if (!anomaly_scores) return failure{anomaly_scores.error()};
  std::vector<int> test_anomaly;
  std::vector<double> scores;
  for (std::size_t i = 0; i < test.size(); ++i) {
    test_anomaly.push_back(anomaly[test[i]]);
    scores.push_back(anomaly_scores.value()[i]);
  }
  outcome.anomaly_metrics = compute_binary_metrics(test_anomaly, scores);

  auto state_scores = state_model.value().predict(test_view);
  if (!state_scores) return failure{state_scores.error()};
  std::vector<int> test_state;
  std::vector<int> predicted_state;
  for (std::size_t i = 0; i < test.size(); ++i) {
    test_state.push_back(state[test[i]]);
    const float* row = state_scores.value().data() + i * kStateClasses;
    predicted_state.push_back(
        static_cast<int>(std::max_element(row, row + kStateClasses) - row));
  }
  auto state_metrics =
      compute_multiclass_metrics(test_state, predicted_state, kStateClasses);
  if (!state_metrics) return failure{state_metrics.error()};
  outcome.state_metrics = std::move(state_metrics.value());
  timer.finish("evaluate");

  outcome.anomaly_model = std::move(anomaly_model.value());
  outcome.state_model = std::move(state_model.value());
  outcome.timings = std::move(timings);
  return outcome;
}

}  // namespace ntscada
